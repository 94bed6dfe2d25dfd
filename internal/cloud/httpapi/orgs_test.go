package httpapi_test

import (
	"encoding/json"
	"fmt"
	"testing"

	"github.com/clonit/clonit/internal/api"
	"github.com/clonit/clonit/internal/cloud/authz"
)

// TestOrgLifecycle creates an org, shows, updates and lists it, changes a role, removes a
// member and reads the audit log, checking what each answer says.
func TestOrgLifecycle(t *testing.T) {
	for _, b := range backends() {
		t.Run(b.name, func(t *testing.T) {
			e := newEnv(t, b.open(t))
			ann := e.token("ann")
			var org api.Org
			e.call("POST", "/api/v1/orgs", ann, api.CreateOrgRequest{Name: "Acme Data", Slug: "acme"}, 201, &org)
			if org.Slug != "acme" || org.Name != "Acme Data" || org.Plan != "free" || org.Role != "owner" ||
				len(org.Leadership) != 1 || org.Leadership[0].User.Email != "ann@example.com" || org.Leadership[0].Role != "owner" {
				t.Fatalf("created org = %+v", org)
			}
			acme, err := e.st.OrgBySlug(t.Context(), "acme")
			if err != nil {
				t.Fatal(err)
			}
			for name, r := range map[string]authz.Role{"bob": authz.Admin, "cat": authz.Member, "dan": authz.Viewer} {
				if err := e.st.AddMember(t.Context(), acme.ID, e.user(name).ID, r); err != nil {
					t.Fatal(err)
				}
			}

			var orgs []api.OrgSummary
			e.call("GET", "/api/v1/orgs", e.token("cat"), nil, 200, &orgs)
			if want := `[{"slug":"acme","name":"Acme Data","plan":"free","role":"member"}]`; jsonOf(orgs) != want {
				t.Errorf("orgs of cat = %s, want %s", jsonOf(orgs), want)
			}
			var me api.Me
			e.call("GET", "/api/v1/me", e.token("dan"), nil, 200, &me)
			if want := `{"user":{"id":"` + e.user("dan").ID + `","email":"dan@example.com","name":"Dan","groups":["team-dan"]},"credential":"token","orgs":[{"slug":"acme","name":"Acme Data","plan":"free","role":"viewer"}]}`; jsonOf(me) != want {
				t.Errorf("me = %s\nwant %s", jsonOf(me), want)
			}

			website, desc := "https://acme.example", "Data people"
			e.call("PATCH", "/api/v1/orgs/acme", e.token("bob"), api.UpdateOrgRequest{Website: &website, Description: &desc}, 200, &org)
			if org.Website != website || org.Description != desc || org.Role != "admin" || len(org.Leadership) != 2 {
				t.Errorf("updated org = %+v", org)
			}

			var ms []api.Member
			e.call("GET", "/api/v1/orgs/acme/members", e.token("dan"), nil, 200, &ms)
			if got, want := roles(ms), "ann@example.com=owner [team-ann] bob@example.com=admin [team-bob] cat@example.com=member [team-cat] dan@example.com=viewer [team-dan] "; got != want {
				t.Errorf("members = %s, want %s", got, want)
			}

			var m api.Member
			e.call("PATCH", "/api/v1/orgs/acme/members/"+e.user("dan").ID, e.token("bob"), api.SetRoleRequest{Role: "member"}, 200, &m)
			if m.Role != "member" || m.User.Email != "dan@example.com" {
				t.Errorf("set role answered %+v", m)
			}
			e.call("DELETE", "/api/v1/orgs/acme/members/cat@example.com", ann, nil, 204, nil)

			var page api.AuditPage
			e.call("GET", "/api/v1/orgs/acme/audit", e.token("bob"), nil, 200, &page)
			var got []string
			for _, ev := range page.Events {
				got = append(got, ev.Actor+" "+ev.Credential+" "+ev.Action+" "+ev.Target+" ("+ev.Detail+")")
			}
			want := []string{
				"ann@example.com token member.remove cat@example.com (was member)",
				"bob@example.com token member.role dan@example.com (viewer → member)",
				"bob@example.com token org.update acme (changed website, description)",
				"ann@example.com token org.create acme (created Acme Data)",
			}
			if jsonOf(got) != jsonOf(want) {
				t.Errorf("audit =\n%s\nwant\n%s", jsonOf(got), jsonOf(want))
			}
			var first api.AuditPage
			e.call("GET", "/api/v1/orgs/acme/audit?limit=1", e.token("bob"), nil, 200, &first)
			if len(first.Events) != 1 || first.NextBefore != page.Events[0].ID {
				t.Fatalf("first page = %+v", first)
			}
			var second api.AuditPage
			e.call("GET", "/api/v1/orgs/acme/audit?limit=1&before="+jsonOf(first.NextBefore), e.token("bob"), nil, 200, &second)
			if len(second.Events) != 1 || second.Events[0].ID != page.Events[1].ID {
				t.Errorf("second page = %+v", second)
			}
		})
	}
}

// call sends a request, checks its status and decodes the answer into out (when not nil).
func (e *env) call(method, path, token string, body any, status int, out any) {
	e.t.Helper()
	got, raw := e.do(method, path, token, body)
	if got != status {
		e.t.Fatalf("%s %s = %d %s, want %d", method, path, got, raw, status)
	}
	if out != nil {
		if err := json.Unmarshal([]byte(raw), out); err != nil {
			e.t.Fatalf("%s %s: decode %s: %v", method, path, raw, err)
		}
	}
}

func jsonOf(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

func roles(ms []api.Member) string {
	s := ""
	for _, m := range ms {
		s += m.User.Email + "=" + m.Role + " " + fmt.Sprint(m.User.Groups) + " "
	}
	return s
}
