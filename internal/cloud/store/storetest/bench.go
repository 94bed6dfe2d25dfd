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

// BenchMembers measures Members (from its cache, and without) and Leadership on an org of
// 1,000 members: the store's share of GET /api/v1/orgs/{org}/members and GET /api/v1/orgs/{org}. Besides the wall time it
// reports cpu-us/op, this process's CPU time per call, steadier when other work shares the
// machine (for PostgreSQL it leaves out the server's share).
func BenchMembers(b *testing.B, s cloud.Store) {
	org := SeedLargeOrg(b, s, 1000)
	c := context.Background()
	cases := []struct {
		name string
		list func() ([]cloud.Member, error)
		want int
	}{
		{"Members", func() ([]cloud.Member, error) { return s.Members(c, org.ID) }, 1000},
		// In a transaction Members reads the list without its cache: the cost of a miss.
		{"MembersQuery", func() (ms []cloud.Member, err error) {
			err = s.InOrgTx(c, org.ID, func(tx cloud.Store) error {
				ms, err = tx.Members(c, org.ID)
				return err
			})
			return ms, err
		}, 1000},
		{"Leadership", func() ([]cloud.Member, error) { return s.Leadership(c, org.ID) }, 201},
	}
	for _, bc := range cases {
		b.Run(bc.name, func(b *testing.B) {
			b.ReportAllocs()
			start := processCPU()
			for b.Loop() {
				ms, err := bc.list()
				if err != nil || len(ms) != bc.want {
					b.Fatalf("%s = %d members, %v; want %d", bc.name, len(ms), err, bc.want)
				}
			}
			b.ReportMetric(float64((processCPU()-start).Microseconds())/float64(b.N), "cpu-us/op")
		})
	}
}
