package storetest

import (
	"fmt"
	"reflect"
	"testing"

	"github.com/clonit/clonit/internal/cloud"
	"github.com/clonit/clonit/internal/cloud/authz"
	"github.com/clonit/clonit/internal/errs"
)

func testMembers(t *testing.T, s cloud.Store) {
	c := ctx(t)
	zed := newUser(t, s, "zed@example.com")
	acme := newOrg(t, s, "acme", zed)
	other := newOrg(t, s, "other", zed)
	users := map[string]cloud.User{}
	for _, m := range []struct {
		email string
		role  authz.Role
	}{
		{"dave@example.com", authz.Viewer},
		{"Bob@example.com", authz.Admin},
		{"carol@example.com", authz.Member},
		{"amy@example.com", authz.Owner},
		{"alice@example.com", authz.Admin},
	} {
		u := newUser(t, s, m.email, "team-"+m.role.String())
		users[m.email] = u
		addMember(t, s, acme, u, m.role)
	}
	carol := users["carol@example.com"]

	t.Run("list by role, owners first, then email", func(t *testing.T) {
		got, err := s.Members(c, acme.ID)
		if err != nil {
			t.Fatalf("Members: %v", err)
		}
		want := []string{"amy@example.com owner", "zed@example.com owner", "alice@example.com admin",
			"Bob@example.com admin", "carol@example.com member", "dave@example.com viewer"}
		if !reflect.DeepEqual(memberLines(got), want) {
			t.Errorf("Members = %q, want %q", memberLines(got), want)
		}
	})

	t.Run("a member comes with the user and groups", func(t *testing.T) {
		m, err := s.Member(c, acme.ID, carol.ID)
		if err != nil {
			t.Fatalf("Member: %v", err)
		}
		checkRecent(t, "JoinedAt", m.JoinedAt)
		want := cloud.Member{OrgID: acme.ID, User: carol, Role: authz.Member, JoinedAt: m.JoinedAt}
		if !reflect.DeepEqual(m, want) {
			t.Errorf("Member = %+v, want %+v", m, want)
		}
	})

	t.Run("set role", func(t *testing.T) {
		if err := s.SetRole(c, acme.ID, carol.ID, authz.Admin); err != nil {
			t.Fatalf("SetRole: %v", err)
		}
		if m, _ := s.Member(c, acme.ID, carol.ID); m.Role != authz.Admin {
			t.Errorf("role after SetRole = %s, want admin", m.Role)
		}
	})

	t.Run("count owners", func(t *testing.T) {
		cases := []struct {
			org  cloud.Org
			want int
		}{{acme, 2}, {other, 1}, {cloud.Org{ID: "nosuchorg"}, 0}}
		for _, tc := range cases {
			if n, err := s.CountOwners(c, tc.org.ID); n != tc.want || err != nil {
				t.Errorf("CountOwners(%s) = %d, %v; want %d", tc.org.Slug, n, err, tc.want)
			}
		}
	})

	dave := users["dave@example.com"]
	errCases := []struct {
		name string
		call func() error
		kind error
		msg  string
	}{
		{"add an existing member", func() error { return s.AddMember(c, acme.ID, carol.ID, authz.Viewer) },
			errs.ErrConflict, "user is already a member of this organization"},
		{"add an unknown user", func() error { return s.AddMember(c, acme.ID, "nosuchuser", authz.Viewer) },
			errs.ErrNotFound, "organization or user not found"},
		{"add to an unknown org", func() error { return s.AddMember(c, "nosuchorg", carol.ID, authz.Viewer) },
			errs.ErrNotFound, "organization or user not found"},
		{"add with no role", func() error { return s.AddMember(c, other.ID, carol.ID, authz.None) },
			errs.ErrInvalid, "role must be owner, admin, member or viewer"},
		{"set an impossible role", func() error { return s.SetRole(c, acme.ID, carol.ID, authz.Owner+1) },
			errs.ErrInvalid, "role must be owner, admin, member or viewer"},
		{"member of another org", func() error { _, err := s.Member(c, other.ID, carol.ID); return err },
			errs.ErrNotFound, "user is not a member of this organization"},
		{"set role through another org", func() error { return s.SetRole(c, other.ID, carol.ID, authz.Viewer) },
			errs.ErrNotFound, "user is not a member of this organization"},
		{"remove through another org", func() error { return s.RemoveMember(c, other.ID, dave.ID) },
			errs.ErrNotFound, "user is not a member of this organization"},
		{"remove", func() error { return s.RemoveMember(c, acme.ID, dave.ID) }, nil, ""},
		{"removed is no member", func() error { _, err := s.Member(c, acme.ID, dave.ID); return err },
			errs.ErrNotFound, "user is not a member of this organization"},
		{"remove twice", func() error { return s.RemoveMember(c, acme.ID, dave.ID) },
			errs.ErrNotFound, "user is not a member of this organization"},
		{"set role of a removed member", func() error { return s.SetRole(c, acme.ID, dave.ID, authz.Member) },
			errs.ErrNotFound, "user is not a member of this organization"},
	}
	for _, tc := range errCases {
		t.Run(tc.name, func(t *testing.T) { checkErr(t, tc.call(), tc.kind, tc.msg) })
	}

	t.Run("other orgs are untouched", func(t *testing.T) {
		if m, _ := s.Member(c, acme.ID, carol.ID); m.Role != authz.Admin {
			t.Errorf("carol's role in acme = %s, want admin", m.Role)
		}
		got, _ := s.Members(c, other.ID)
		if want := []string{"zed@example.com owner"}; !reflect.DeepEqual(memberLines(got), want) {
			t.Errorf("Members(other) = %q, want %q", memberLines(got), want)
		}
		got, _ = s.Members(c, acme.ID)
		if len(got) != 5 {
			t.Errorf("acme has %d members after one removal, want 5", len(got))
		}
	})
}

// testLargeOrg lists an org of 1,000 members, the size the benchmark measures.
func testLargeOrg(t *testing.T, s cloud.Store) {
	c := ctx(t)
	owner := newUser(t, s, "owner@example.com")
	org := newOrg(t, s, "big", owner)
	const n = 1000
	err := s.InOrgTx(c, org.ID, func(tx cloud.Store) error {
		for i := range n {
			u, err := tx.UpsertUser(c, cloud.User{Issuer: testIssuer, Subject: fmt.Sprint(i), Email: fmt.Sprintf("user%04d@example.com", i), Groups: []string{"g"}})
			if err != nil {
				return err
			}
			if err := tx.AddMember(c, org.ID, u.ID, authz.Role(1+i%3)); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatalf("adding %d members: %v", n, err)
	}
	got, err := s.Members(c, org.ID)
	if err != nil {
		t.Fatalf("Members: %v", err)
	}
	if len(got) != n+1 {
		t.Fatalf("Members returned %d, want %d", len(got), n+1)
	}
	lines := memberLines(got)
	want := []string{"owner@example.com owner", "user0002@example.com admin", "user0005@example.com admin"}
	if !reflect.DeepEqual(lines[:3], want) || lines[n] != "user0999@example.com viewer" {
		t.Errorf("Members starts %q and ends %q, want %q … user0999@example.com viewer", lines[:3], lines[n], want)
	}
}

// memberLines renders members as "email role".
func memberLines(ms []cloud.Member) []string {
	var out []string
	for _, m := range ms {
		out = append(out, m.User.Email+" "+m.Role.String())
	}
	return out
}
