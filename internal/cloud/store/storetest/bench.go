package storetest

import (
	"context"
	"fmt"
	"testing"

	"github.com/clonit/clonit/internal/cloud"
	"github.com/clonit/clonit/internal/cloud/authz"
)

// SeedLargeOrg creates the org "big" with n members (the owner included), in the mix of
// roles bench/members uses, each with two groups, and returns the org.
func SeedLargeOrg(tb testing.TB, s cloud.Store, n int) cloud.Org {
	tb.Helper()
	c := context.Background()
	owner, err := s.UpsertUser(c, cloud.User{Issuer: testIssuer, Subject: "owner", Email: "owner@example.com", Name: "Owner", Groups: []string{"leads"}})
	if err != nil {
		tb.Fatalf("UpsertUser: %v", err)
	}
	org := cloud.Org{Slug: "big", Name: "Big"}
	if err := s.CreateOrg(c, &org, owner.ID); err != nil {
		tb.Fatalf("CreateOrg: %v", err)
	}
	roles := []authz.Role{authz.Viewer, authz.Member, authz.Member, authz.Member, authz.Admin}
	err = s.InOrgTx(c, org.ID, func(tx cloud.Store) error {
		for i := 1; i < n; i++ {
			u, err := tx.UpsertUser(c, cloud.User{Issuer: testIssuer, Subject: fmt.Sprintf("p%04d", i),
				Email: fmt.Sprintf("person%04d@example.com", i), Name: fmt.Sprintf("Person %04d", i),
				Groups: []string{"team-" + fmt.Sprint(i%10), "all"}})
			if err != nil {
				return err
			}
			if err := tx.AddMember(c, org.ID, u.ID, roles[i%len(roles)]); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		tb.Fatalf("adding %d members: %v", n, err)
	}
	return org
}

// BenchMembers measures Members, MemberListVersion and Leadership on an org of
// 1,000 members: the store's share of GET /api/v1/orgs/{org}/members and GET /api/v1/orgs/{org}. Besides the wall time it
// reports cpu-us/op, this process's CPU time per call, steadier when other work shares the
// machine (for PostgreSQL it leaves out the server's share).
func BenchMembers(b *testing.B, s cloud.Store) {
	org := SeedLargeOrg(b, s, 1000)
	c := context.Background()
	count := func(ms []cloud.Member, err error) (int, error) { return len(ms), err }
	cases := []struct {
		name string
		run  func() (int, error) // how many members it read
		want int
	}{
		{"Members", func() (int, error) { return count(s.Members(c, org.ID)) }, 1000},
		// What a members page costs while the API's cached answer is still the list of now.
		{"MemberListVersion", func() (int, error) { _, err := s.MemberListVersion(c, org.ID); return 0, err }, 0},
		{"Leadership", func() (int, error) { return count(s.Leadership(c, org.ID)) }, 201},
	}
	for _, bc := range cases {
		b.Run(bc.name, func(b *testing.B) {
			b.ReportAllocs()
			start := processCPU()
			for b.Loop() {
				n, err := bc.run()
				if err != nil || n != bc.want {
					b.Fatalf("%s = %d members, %v; want %d", bc.name, n, err, bc.want)
				}
			}
			b.ReportMetric(float64((processCPU()-start).Microseconds())/float64(b.N), "cpu-us/op")
		})
	}
}
