package storetest

import (
	"errors"
	"fmt"
	"reflect"
	"testing"
	"time"

	"github.com/clonit/clonit/internal/cloud"
	"github.com/clonit/clonit/internal/cloud/authz"
	"github.com/clonit/clonit/internal/errs"
)

// testMemberList checks what the members list and the leadership return, and that they
// follow role changes, removals and email changes.
func testMemberList(t *testing.T, s cloud.Store) {
	c := ctx(t)
	zed := newUser(t, s, "zed@example.com", "leads", "ops")
	acme := newOrg(t, s, "acme", zed)
	other := newOrg(t, s, "other", zed)
	users := map[string]cloud.User{"zed@example.com": zed}
	for _, m := range []struct {
		email string
		role  authz.Role
	}{
		{"dave@example.com", authz.Viewer},
		{"Bob@example.com", authz.Admin},
		{"carol@example.com", authz.Member},
		{"amy@example.com", authz.Owner},
	} {
		u := newUser(t, s, m.email, "team-"+m.role.String())
		users[m.email] = u
		addMember(t, s, acme, u, m.role)
	}
	addMember(t, s, other, users["dave@example.com"], authz.Admin)
	lead := func(t *testing.T, org cloud.Org) []string {
		t.Helper()
		got, err := s.Leadership(c, org.ID)
		if err != nil {
			t.Fatalf("Leadership: %v", err)
		}
		return memberLines(got)
	}

	t.Run("the list holds the fields it shows", func(t *testing.T) {
		got, err := s.Members(c, acme.ID)
		if err != nil || len(got) != 5 {
			t.Fatalf("Members = %d members, %v; want 5", len(got), err)
		}
		amy := users["amy@example.com"]
		want := cloud.Member{OrgID: acme.ID, Role: authz.Owner, JoinedAt: got[0].JoinedAt,
			User: cloud.User{ID: amy.ID, Email: "amy@example.com", Name: "Name of amy@example.com", Groups: []string{"team-owner"}}}
		if !reflect.DeepEqual(got[0], want) {
			t.Errorf("first member = %+v, want %+v", got[0], want)
		}
		checkRecent(t, "JoinedAt", got[0].JoinedAt)
		if g := got[1].User.Groups; !reflect.DeepEqual(g, []string{"leads", "ops"}) {
			t.Errorf("zed's groups = %q, want [leads ops]", g)
		}
	})

	t.Run("leadership is the owners and admins in the list's order", func(t *testing.T) {
		want := []string{"amy@example.com owner", "zed@example.com owner", "Bob@example.com admin"}
		if got := lead(t, acme); !reflect.DeepEqual(got, want) {
			t.Errorf("Leadership(acme) = %q, want %q", got, want)
		}
		want = []string{"zed@example.com owner", "dave@example.com admin"}
		if got := lead(t, other); !reflect.DeepEqual(got, want) {
			t.Errorf("Leadership(other) = %q, want %q", got, want)
		}
		full, _ := s.Members(c, acme.ID)
		got, _ := s.Leadership(c, acme.ID)
		if !reflect.DeepEqual(got, full[:3]) {
			t.Errorf("Leadership = %+v, want the first three of Members %+v", got, full[:3])
		}
	})

	t.Run("role changes and removals move people in and out", func(t *testing.T) {
		if err := s.SetRole(c, acme.ID, users["carol@example.com"].ID, authz.Admin); err != nil {
			t.Fatalf("SetRole: %v", err)
		}
		if err := s.SetRole(c, acme.ID, users["amy@example.com"].ID, authz.Member); err != nil {
			t.Fatalf("SetRole: %v", err)
		}
		if err := s.RemoveMember(c, acme.ID, users["Bob@example.com"].ID); err != nil {
			t.Fatalf("RemoveMember: %v", err)
		}
		want := []string{"zed@example.com owner", "carol@example.com admin"}
		if got := lead(t, acme); !reflect.DeepEqual(got, want) {
			t.Errorf("Leadership = %q, want %q", got, want)
		}
		all, _ := s.Members(c, acme.ID)
		want = []string{"zed@example.com owner", "carol@example.com admin", "amy@example.com member", "dave@example.com viewer"}
		if !reflect.DeepEqual(memberLines(all), want) {
			t.Errorf("Members = %q, want %q", memberLines(all), want)
		}
		if n, err := s.CountOwners(c, acme.ID); n != 1 || err != nil {
			t.Errorf("CountOwners = %d, %v; want 1", n, err)
		}
	})

	t.Run("a changed email moves the member in every org's list", func(t *testing.T) {
		dave := users["dave@example.com"]
		if _, err := s.UpsertUser(c, cloud.User{Issuer: testIssuer, Subject: dave.Subject, Email: "Aaron@example.com"}); err != nil {
			t.Fatalf("UpsertUser: %v", err)
		}
		if _, err := s.UpsertUser(c, cloud.User{Issuer: testIssuer, Subject: zed.Subject, Email: "zed@example.com", Groups: []string{"ops"}}); err != nil {
			t.Fatalf("UpsertUser: %v", err)
		}
		want := []string{"zed@example.com owner", "Aaron@example.com admin"}
		if got := lead(t, other); !reflect.DeepEqual(got, want) {
			t.Errorf("Leadership(other) = %q, want %q", got, want)
		}
		if err := s.SetRole(c, acme.ID, dave.ID, authz.Member); err != nil {
			t.Fatalf("SetRole: %v", err)
		}
		all, _ := s.Members(c, acme.ID)
		want = []string{"zed@example.com owner", "carol@example.com admin", "Aaron@example.com member", "amy@example.com member"}
		if !reflect.DeepEqual(memberLines(all), want) {
			t.Errorf("Members = %q, want %q", memberLines(all), want)
		}
		if g := all[0].User.Groups; !reflect.DeepEqual(g, []string{"ops"}) {
			t.Errorf("zed's groups after sign-in = %q, want [ops]", g)
		}
	})

	t.Run("a list read before each change follows it", func(t *testing.T) {
		// Callers keep lists while MemberListVersion is unchanged: every change to what the
		// list shows must raise it, and the list must follow.
		org := newOrg(t, s, "follow", zed)
		eve := newUser(t, s, "eve@example.com", "a")
		list := func(t *testing.T) []string {
			t.Helper()
			ms, err := s.Members(c, org.ID)
			if err != nil {
				t.Fatalf("Members: %v", err)
			}
			var out []string
			for _, m := range ms {
				out = append(out, fmt.Sprintf("%s %s %s %q", m.User.Email, m.Role, m.User.Name, m.User.Groups))
			}
			return out
		}
		zedLine := list(t)[0] // as the tests above left zed
		profile := func(email, name string, groups ...string) func() error {
			return func() error {
				_, err := s.UpsertUser(c, cloud.User{Issuer: testIssuer, Subject: eve.Subject, Email: email, Name: name, Groups: groups})
				return err
			}
		}
		steps := []struct {
			name   string
			change func() error
			want   []string
		}{
			{"join", func() error { return s.AddMember(c, org.ID, eve.ID, authz.Viewer) },
				[]string{zedLine, `eve@example.com viewer Name of eve@example.com ["a"]`}},
			{"role", func() error { return s.SetRole(c, org.ID, eve.ID, authz.Admin) },
				[]string{zedLine, `eve@example.com admin Name of eve@example.com ["a"]`}},
			{"name", profile("eve@example.com", "Eve", "a"),
				[]string{zedLine, `eve@example.com admin Eve ["a"]`}},
			{"groups", profile("eve@example.com", "Eve", "a", "b"),
				[]string{zedLine, `eve@example.com admin Eve ["a" "b"]`}},
			{"same profile", profile("eve@example.com", "Eve", "a", "b"),
				[]string{zedLine, `eve@example.com admin Eve ["a" "b"]`}},
			{"email", profile("ada@example.com", "Eve", "a", "b"),
				[]string{zedLine, `ada@example.com admin Eve ["a" "b"]`}},
			{"a change in a transaction", func() error {
				return s.InOrgTx(c, org.ID, func(tx cloud.Store) error { return tx.SetRole(c, org.ID, eve.ID, authz.Owner) })
			}, []string{`ada@example.com owner Eve ["a" "b"]`, zedLine}},
			{"leave", func() error { return s.RemoveMember(c, org.ID, eve.ID) },
				[]string{zedLine}},
		}
		for _, st := range steps {
			before, err := s.Members(c, org.ID)
			if err != nil {
				t.Fatalf("Members: %v", err)
			}
			for i := range before { // what a caller does to its list is its own
				before[i].Role = authz.Viewer
				if len(before[i].User.Groups) > 0 {
					before[i].User.Groups[0] = "scribbled"
				}
			}
			version, err := s.MemberListVersion(c, org.ID)
			if err != nil {
				t.Fatalf("MemberListVersion: %v", err)
			}
			shown := list(t)
			if err := st.change(); err != nil {
				t.Fatalf("%s: %v", st.name, err)
			}
			got := list(t)
			if !reflect.DeepEqual(got, st.want) {
				t.Errorf("after %s: Members = %q, want %q", st.name, got, st.want)
			}
			after, err := s.MemberListVersion(c, org.ID)
			if err != nil {
				t.Fatalf("MemberListVersion: %v", err)
			}
			if !reflect.DeepEqual(got, shown) && after <= version {
				t.Errorf("after %s: the list changed but its version stayed %d (now %d)", st.name, version, after)
			}
		}
	})

	t.Run("unknown org and org without admins", func(t *testing.T) {
		got, err := s.Leadership(c, "nosuchorg")
		if err != nil || got == nil || len(got) != 0 {
			t.Errorf("Leadership(unknown) = %#v, %v; want an empty list", got, err)
		}
		got, err = s.Members(c, "nosuchorg")
		if err != nil || got == nil || len(got) != 0 {
			t.Errorf("Members(unknown) = %#v, %v; want an empty list", got, err)
		}
	})
}

// testCreateOrgAudit checks that CreateOrg writes the events it is given with the org, and
// nothing when the org cannot be created.
func testCreateOrgAudit(t *testing.T, s cloud.Store) {
	c := ctx(t)
	ada := newUser(t, s, "ada@example.com")
	at := time.Date(2031, 2, 3, 4, 5, 6, 7000, time.UTC)
	ev := cloud.AuditEvent{ActorID: ada.ID, ActorEmail: ada.Email, Credential: "session", Action: "org.create",
		Target: "acme", Detail: "created Acme", CreatedAt: at}
	acme := cloud.Org{Slug: "acme", Name: "Acme"}
	if err := s.CreateOrg(c, &acme, ada.ID, ev); err != nil {
		t.Fatalf("CreateOrg: %v", err)
	}
	got, err := s.AuditEvents(c, acme.ID, cloud.AuditFilter{})
	if err != nil || len(got) != 1 {
		t.Fatalf("AuditEvents = %+v, %v; want one event", got, err)
	}
	want := ev
	want.ID, want.OrgID = got[0].ID, acme.ID
	if !reflect.DeepEqual(got[0], want) {
		t.Errorf("event = %+v, want %+v", got[0], want)
	}

	cases := []struct {
		name  string
		slug  string
		owner string
		kind  error
		msg   string
	}{
		{"taken slug", "acme", ada.ID, errs.ErrConflict, `slug "acme" is taken: choose another`},
		{"unknown owner", "nobody", "nosuchuser", errs.ErrNotFound, "user not found"},
	}
	for _, tc := range cases {
		t.Run(tc.name+" writes nothing", func(t *testing.T) {
			o := cloud.Org{Slug: tc.slug, Name: "X"}
			checkErr(t, s.CreateOrg(c, &o, tc.owner, ev), tc.kind, tc.msg)
			if got, _ := s.AuditEvents(c, acme.ID, cloud.AuditFilter{}); len(got) != 1 {
				t.Errorf("acme has %d events, want 1", len(got))
			}
			if _, err := s.OrgBySlug(c, "nobody"); !errors.Is(err, errs.ErrNotFound) {
				t.Errorf("OrgBySlug(nobody) = %v, want not found", err)
			}
		})
	}
}
