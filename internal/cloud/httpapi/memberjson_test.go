package httpapi

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/clonit/clonit/internal/api"
)

// TestWriteMembersMatchesEncodingJSON checks that writeMembers sends exactly the bytes that
// writeJSON (encoding/json) sends for the same members, strings and times that need escapes
// or special formatting included.
func TestWriteMembersMatchesEncodingJSON(t *testing.T) {
	at := time.Date(2030, 1, 2, 3, 4, 5, 123456000, time.UTC)
	member := func(email, name string, groups []string, agents []api.MemberAgent, joined time.Time) api.Member {
		return api.Member{User: api.User{ID: "id-" + email, Email: email, Name: name, Groups: groups},
			Role: "member", JoinedAt: joined, Agents: agents}
	}
	cases := []struct {
		name    string
		members []api.Member
	}{
		{"no list", nil},
		{"an empty list", []api.Member{}},
		{"plain", []api.Member{member("ada@example.com", "Ada", []string{"ops", "all"}, nil, at)}},
		{"groups nil and empty, agents empty", []api.Member{
			member("a@example.com", "A", nil, []api.MemberAgent{}, at),
			member("b@example.com", "B", []string{}, nil, at.Truncate(time.Second)),
		}},
		{"agents", []api.Member{member("c@example.com", "C", []string{"g"},
			[]api.MemberAgent{{ID: "ag1", Name: "laptop"}, {ID: "ag2", Name: "ci <runner>"}}, at)}},
		{"strings that need escapes", []api.Member{member(`q"uote\back@example.com`, "Zoë <b>&</b>\n\t\x01",
			[]string{"\u2028line", "ünï", "\xff\xfebad utf-8", ""}, nil, at)}},
		{"times in another zone and with nanoseconds", []api.Member{
			member("d@example.com", "D", nil, nil, time.Date(2001, 2, 3, 4, 5, 6, 7, time.FixedZone("x", -7*3600-30*60))),
			member("e@example.com", "E", nil, nil, time.Time{}),
		}},
		{"a time encoding/json refuses", []api.Member{member("f@example.com", "F", nil, nil, time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC))}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			want := httptest.NewRecorder()
			writeJSON(want, 200, tc.members)
			got := httptest.NewRecorder()
			writeMembers(got, 200, tc.members)
			if !bytes.Equal(got.Body.Bytes(), want.Body.Bytes()) {
				t.Errorf("writeMembers wrote\n%s\nwant (encoding/json)\n%s", got.Body, want.Body)
			}
			if got.Code != want.Code || got.Header().Get("Content-Type") != "application/json" {
				t.Errorf("status %d, Content-Type %q; want %d, application/json", got.Code, got.Header().Get("Content-Type"), want.Code)
			}
		})
	}
}

// BenchmarkWriteMembers compares writeMembers with encoding/json on a list of 1,000 members:
// go test -run '^$' -bench WriteMembers ./internal/cloud/httpapi
func BenchmarkWriteMembers(b *testing.B) {
	members := make([]api.Member, 1000)
	for i := range members {
		members[i] = api.Member{User: api.User{ID: fmt.Sprintf("%026d", i), Email: fmt.Sprintf("person%04d@example.com", i),
			Name: fmt.Sprintf("Person %04d", i), Groups: []string{"team-" + fmt.Sprint(i%10), "all"}},
			Role: "member", JoinedAt: time.Now().UTC()}
	}
	for _, bc := range []struct {
		name  string
		write func(w *httptest.ResponseRecorder)
	}{
		{"encoding-json", func(w *httptest.ResponseRecorder) { writeJSON(w, 200, members) }},
		{"appendMembers", func(w *httptest.ResponseRecorder) { writeMembers(w, 200, members) }},
	} {
		b.Run(bc.name, func(b *testing.B) {
			b.ReportAllocs()
			w := httptest.NewRecorder()
			for b.Loop() {
				w.Body.Reset()
				bc.write(w)
			}
			var v []api.Member
			if err := json.Unmarshal(w.Body.Bytes(), &v); err != nil || len(v) != len(members) {
				b.Fatalf("wrote %d members, %v", len(v), err)
			}
		})
	}
}
