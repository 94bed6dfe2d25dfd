package storetest

import (
	"reflect"
	"testing"

	"github.com/clonit/clonit/internal/cloud"
	"github.com/clonit/clonit/internal/cloud/authz"
	"github.com/clonit/clonit/internal/errs"
)

func testOrgs(t *testing.T, s cloud.Store) {
	c := ctx(t)
	ada := newUser(t, s, "ada@example.com")
	acme := cloud.Org{Slug: "acme", Name: "Acme", Website: "https://acme.example", Sector: "retail"}
	if err := s.CreateOrg(c, &acme, ada.ID); err != nil {
		t.Fatalf("CreateOrg: %v", err)
	}

	t.Run("create fills ID, time and the free plan", func(t *testing.T) {
		checkID(t, "org", acme.ID)
		checkRecent(t, "CreatedAt", acme.CreatedAt)
		want := cloud.Org{ID: acme.ID, Slug: "acme", Name: "Acme", Plan: "free", Website: "https://acme.example",
			Sector: "retail", CreatedAt: acme.CreatedAt}
		if !reflect.DeepEqual(acme, want) {
			t.Errorf("CreateOrg filled %+v, want %+v", acme, want)
		}
		got, err := s.OrgBySlug(c, "acme")
		if err != nil || !reflect.DeepEqual(got, want) {
			t.Errorf("OrgBySlug = %+v, %v; want %+v", got, err, want)
		}
	})

	t.Run("the creator is the first owner", func(t *testing.T) {
		m, err := s.Member(c, acme.ID, ada.ID)
		if err != nil || m.Role != authz.Owner || m.OrgID != acme.ID || m.User.ID != ada.ID || !m.JoinedAt.Equal(acme.CreatedAt) {
			t.Errorf("Member = %+v, %v; want owner %s of %s joined at creation", m, err, ada.ID, acme.ID)
		}
		if n, err := s.CountOwners(c, acme.ID); n != 1 || err != nil {
			t.Errorf("CountOwners = %d, %v; want 1", n, err)
		}
	})

	t.Run("a given plan is kept", func(t *testing.T) {
		o := cloud.Org{Slug: "bigco", Name: "BigCo", Plan: "enterprise"}
		if err := s.CreateOrg(c, &o, ada.ID); err != nil {
			t.Fatalf("CreateOrg: %v", err)
		}
		if got, _ := s.OrgBySlug(c, "bigco"); got.Plan != "enterprise" {
			t.Errorf("plan = %q, want enterprise", got.Plan)
		}
	})

	t.Run("update writes the profile, not the slug", func(t *testing.T) {
		up := cloud.Org{ID: acme.ID, Slug: "renamed", Name: "Acme Inc", Plan: "pro", Website: "https://acme.test",
			Location: "Lyon", Sector: "industry", Description: "We make anvils."}
		if err := s.UpdateOrg(c, up); err != nil {
			t.Fatalf("UpdateOrg: %v", err)
		}
		got, err := s.OrgBySlug(c, "acme")
		want := up
		want.Slug, want.CreatedAt = "acme", acme.CreatedAt
		if err != nil || !reflect.DeepEqual(got, want) {
			t.Errorf("after update: %+v, %v; want %+v", got, err, want)
		}
		up.Plan, up.Name = "", "Acme SA"
		if err := s.UpdateOrg(c, up); err != nil {
			t.Fatalf("UpdateOrg: %v", err)
		}
		if got, _ := s.OrgBySlug(c, "acme"); got.Plan != "pro" || got.Name != "Acme SA" {
			t.Errorf("an update without a plan: plan %q name %q, want pro, Acme SA", got.Plan, got.Name)
		}
	})

	errCases := []struct {
		name string
		call func() error
		kind error
		msg  string
	}{
		{"taken slug", func() error { return s.CreateOrg(c, &cloud.Org{Slug: "acme", Name: "Other"}, ada.ID) },
			errs.ErrConflict, `slug "acme" is taken: choose another`},
		{"unknown owner", func() error { return s.CreateOrg(c, &cloud.Org{Slug: "orphan"}, "nosuchuser") },
			errs.ErrNotFound, "user not found"},
		{"unknown slug", func() error { _, err := s.OrgBySlug(c, "ghost"); return err },
			errs.ErrNotFound, `organization "ghost" not found`},
		{"the failed create kept nothing", func() error { _, err := s.OrgBySlug(c, "orphan"); return err },
			errs.ErrNotFound, `organization "orphan" not found`},
		{"update of an unknown org", func() error { return s.UpdateOrg(c, cloud.Org{ID: "nosuchorg", Name: "X"}) },
			errs.ErrNotFound, "organization not found"},
	}
	for _, tc := range errCases {
		t.Run(tc.name, func(t *testing.T) { checkErr(t, tc.call(), tc.kind, tc.msg) })
	}

	t.Run("a failed create leaves the first org intact", func(t *testing.T) {
		got, err := s.OrgBySlug(c, "acme")
		if err != nil || got.ID != acme.ID || got.Name != "Acme SA" {
			t.Errorf("OrgBySlug(acme) = %+v, %v", got, err)
		}
	})
}

func testOrgsOfUser(t *testing.T, s cloud.Store) {
	c := ctx(t)
	ada, bob, cy := newUser(t, s, "ada@example.com"), newUser(t, s, "bob@example.com"), newUser(t, s, "cy@example.com")
	zeta := newOrg(t, s, "zeta", ada)
	alpha := newOrg(t, s, "alpha", bob)
	mid := newOrg(t, s, "mid", bob)
	newOrg(t, s, "bobs-own", bob)
	addMember(t, s, alpha, ada, authz.Viewer)
	addMember(t, s, mid, ada, authz.Admin)

	cases := []struct {
		name string
		user cloud.User
		want []string // slug:role
	}{
		{"member of three, by slug", ada, []string{"alpha:viewer", "mid:admin", "zeta:owner"}},
		{"owner of three", bob, []string{"alpha:owner", "bobs-own:owner", "mid:owner"}},
		{"member of none", cy, nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := s.OrgsOfUser(c, tc.user.ID)
			if err != nil {
				t.Fatalf("OrgsOfUser: %v", err)
			}
			var slugs []string
			for _, or := range got {
				slugs = append(slugs, or.Org.Slug+":"+or.Role.String())
			}
			if !reflect.DeepEqual(slugs, tc.want) {
				t.Errorf("OrgsOfUser = %q, want %q", slugs, tc.want)
			}
		})
	}

	t.Run("orgs come whole", func(t *testing.T) {
		got, _ := s.OrgsOfUser(c, ada.ID)
		if len(got) != 3 || !reflect.DeepEqual(got[2].Org, zeta) {
			t.Errorf("OrgsOfUser[2].Org = %+v, want %+v", got, zeta)
		}
	})
}
