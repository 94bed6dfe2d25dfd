package storetest

import (
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/clonit/clonit/internal/cloud"
	"github.com/clonit/clonit/internal/cloud/authz"
	"github.com/clonit/clonit/internal/errs"
)

// code builds a join code of org with the given MAC, made by creator, created at created and
// valid for ttl.
func code(org cloud.Org, creator cloud.User, mac string, role authz.Role, created time.Time, ttl time.Duration) cloud.JoinCode {
	return cloud.JoinCode{OrgID: org.ID, MAC: []byte(mac), Role: role, CreatedBy: creator.ID,
		CreatedAt: created, ExpiresAt: created.Add(ttl)}
}

// macs returns the MACs of codes, in order, as strings.
func macs(codes []cloud.JoinCode) []string {
	var out []string
	for _, c := range codes {
		out = append(out, string(c.MAC))
	}
	return out
}

func testJoinCodes(t *testing.T, s cloud.Store) {
	c := ctx(t)
	ada, bob := newUser(t, s, "ada@example.com"), newUser(t, s, "bob@example.com")
	acme, beta := newOrg(t, s, "acme", ada), newOrg(t, s, "beta", bob)
	now := time.Now().UTC().Truncate(time.Second)

	t.Run("create fills ids and reads back", func(t *testing.T) {
		batch := []cloud.JoinCode{
			code(acme, ada, "mac-1", authz.Member, now.Add(-2*time.Minute), 24*time.Hour),
			code(acme, ada, "mac-2", authz.Viewer, now.Add(-time.Minute), 24*time.Hour),
		}
		if err := s.CreateJoinCodes(c, batch); err != nil {
			t.Fatalf("CreateJoinCodes: %v", err)
		}
		for _, jc := range batch {
			checkID(t, "join code", jc.ID)
			got, err := s.JoinCodeByMAC(c, acme.ID, jc.MAC)
			if err != nil {
				t.Fatalf("JoinCodeByMAC: %v", err)
			}
			want := jc
			want.CreatorEmail = "ada@example.com"
			if fmt.Sprint(got) != fmt.Sprint(want) {
				t.Errorf("JoinCodeByMAC =\n %+v\nwant\n %+v", got, want)
			}
			byID, err := s.JoinCodeByID(c, acme.ID, jc.ID)
			if err != nil || fmt.Sprint(byID) != fmt.Sprint(want) {
				t.Errorf("JoinCodeByID = %+v, %v", byID, err)
			}
		}
		live, err := s.LiveJoinCodes(c, acme.ID, now)
		if err != nil || !slices.Equal(macs(live), []string{"mac-2", "mac-1"}) {
			t.Errorf("LiveJoinCodes = %q, %v; want mac-2, mac-1 (newest first)", macs(live), err)
		}
	})

	t.Run("a code of another org does not exist for this one", func(t *testing.T) {
		jc, err := s.JoinCodeByMAC(c, acme.ID, []byte("mac-1"))
		if err != nil {
			t.Fatal(err)
		}
		_, err = s.JoinCodeByMAC(c, beta.ID, []byte("mac-1"))
		checkErr(t, err, errs.ErrNotFound, "join code not found")
		_, err = s.JoinCodeByID(c, beta.ID, jc.ID)
		checkErr(t, err, errs.ErrNotFound, "join code not found")
		checkErr(t, s.RevokeJoinCode(c, beta.ID, jc.ID, now), errs.ErrNotFound, "join code not found")
		checkErr(t, s.UseJoinCode(c, beta.ID, jc.ID, bob.ID, now), errs.ErrConflict, "the join code is no longer live")
		if live, _ := s.LiveJoinCodes(c, beta.ID, now); len(live) != 0 {
			t.Errorf("beta lists acme's codes: %q", macs(live))
		}
		// The same MAC in another org is another code.
		if err := s.CreateJoinCodes(c, []cloud.JoinCode{code(beta, bob, "mac-1", authz.Member, now, time.Hour)}); err != nil {
			t.Errorf("the same MAC in another org: %v", err)
		}
	})

	t.Run("bad codes", func(t *testing.T) {
		cases := []struct {
			name  string
			codes []cloud.JoinCode
			kind  error
			msg   string
		}{
			{"a MAC the org holds", []cloud.JoinCode{code(acme, ada, "mac-new", authz.Member, now, time.Hour), code(acme, ada, "mac-1", authz.Member, now, time.Hour)},
				errs.ErrConflict, "the organization already holds this join code"},
			{"a MAC twice in the batch", []cloud.JoinCode{code(acme, ada, "mac-x", authz.Member, now, time.Hour), code(acme, ada, "mac-x", authz.Viewer, now, time.Hour)},
				errs.ErrConflict, "the organization already holds this join code"},
			{"an owner code", []cloud.JoinCode{code(acme, ada, "mac-o", authz.Owner, now, time.Hour)},
				errs.ErrInvalid, "a join code's role must be admin, member or viewer"},
			{"no role", []cloud.JoinCode{code(acme, ada, "mac-n", authz.None, now, time.Hour)},
				errs.ErrInvalid, "a join code's role must be admin, member or viewer"},
			{"no MAC", []cloud.JoinCode{code(acme, ada, "", authz.Member, now, time.Hour)},
				errs.ErrInvalid, "a join code needs its MAC"},
			{"expires at creation", []cloud.JoinCode{code(acme, ada, "mac-e", authz.Member, now, 0)},
				errs.ErrInvalid, "a join code must expire after its creation"},
			{"an unknown org", []cloud.JoinCode{{OrgID: "nosuchorg", MAC: []byte("m"), Role: authz.Member, CreatedAt: now, ExpiresAt: now.Add(time.Hour)}},
				errs.ErrNotFound, "organization not found"},
		}
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				checkErr(t, s.CreateJoinCodes(c, tc.codes), tc.kind, tc.msg)
			})
		}
		if _, err := s.JoinCodeByMAC(c, acme.ID, []byte("mac-new")); err == nil {
			t.Errorf("a refused batch kept its first code")
		}
	})

	t.Run("use, revoke and expiry end a code's life", func(t *testing.T) {
		batch := []cloud.JoinCode{
			code(acme, ada, "use-me", authz.Member, now, time.Hour),
			code(acme, ada, "revoke-me", authz.Member, now, time.Hour),
			code(acme, ada, "expired", authz.Member, now.Add(-2*time.Hour), time.Hour),
		}
		if err := s.CreateJoinCodes(c, batch); err != nil {
			t.Fatal(err)
		}
		use, revoke, expired := batch[0], batch[1], batch[2]
		checkErr(t, s.UseJoinCode(c, acme.ID, use.ID, bob.ID, now), nil, "")
		checkErr(t, s.UseJoinCode(c, acme.ID, use.ID, bob.ID, now), errs.ErrConflict, "the join code is no longer live")
		checkErr(t, s.RevokeJoinCode(c, acme.ID, use.ID, now), errs.ErrNotFound, "join code not found")
		checkErr(t, s.RevokeJoinCode(c, acme.ID, revoke.ID, now), nil, "")
		checkErr(t, s.RevokeJoinCode(c, acme.ID, revoke.ID, now), errs.ErrNotFound, "join code not found")
		checkErr(t, s.UseJoinCode(c, acme.ID, revoke.ID, bob.ID, now), errs.ErrConflict, "the join code is no longer live")
		checkErr(t, s.UseJoinCode(c, acme.ID, expired.ID, bob.ID, now), errs.ErrConflict, "the join code is no longer live")
		checkErr(t, s.RevokeJoinCode(c, acme.ID, expired.ID, now), errs.ErrNotFound, "join code not found")

		got, _ := s.JoinCodeByID(c, acme.ID, use.ID)
		if !got.UsedAt.Equal(now) || got.UsedBy != bob.ID || !got.RevokedAt.IsZero() || got.Live(now) {
			t.Errorf("used code = %+v; want used by bob at %v", got, now)
		}
		got, _ = s.JoinCodeByID(c, acme.ID, revoke.ID)
		if !got.RevokedAt.Equal(now) || !got.UsedAt.IsZero() || got.Live(now) {
			t.Errorf("revoked code = %+v; want revoked at %v", got, now)
		}
		got, _ = s.JoinCodeByID(c, acme.ID, expired.ID)
		if got.Live(now) || !got.UsedAt.IsZero() || !got.RevokedAt.IsZero() {
			t.Errorf("expired code = %+v; want expired and nothing else", got)
		}
		live, _ := s.LiveJoinCodes(c, acme.ID, now)
		if !slices.Equal(macs(live), []string{"mac-2", "mac-1"}) {
			t.Errorf("LiveJoinCodes = %q; want mac-2, mac-1", macs(live))
		}
		// A code is live until its ExpiresAt, and not at it.
		for _, tc := range []struct {
			at   time.Time
			want []string
		}{
			{now.Add(24*time.Hour - 2*time.Minute - time.Second), []string{"mac-2", "mac-1"}},
			{now.Add(24*time.Hour - 2*time.Minute), []string{"mac-2"}},
			{now.Add(24*time.Hour - time.Minute), nil},
		} {
			if live, _ := s.LiveJoinCodes(c, acme.ID, tc.at); !slices.Equal(macs(live), tc.want) {
				t.Errorf("LiveJoinCodes at %v = %q; want %q", tc.at, macs(live), tc.want)
			}
		}
	})

	t.Run("in a rolled-back transaction nothing is kept", func(t *testing.T) {
		jc := code(acme, ada, "tx-code", authz.Viewer, now, time.Hour)
		stop := fmt.Errorf("stop")
		err := s.InOrgTx(c, acme.ID, func(tx cloud.Store) error {
			if err := tx.CreateJoinCodes(c, []cloud.JoinCode{jc}); err != nil {
				return err
			}
			// An expected error inside the transaction does not spoil it.
			checkErr(t, tx.CreateJoinCodes(c, []cloud.JoinCode{code(acme, ada, "mac-1", authz.Member, now, time.Hour)}), errs.ErrConflict, "the organization already holds this join code")
			got, err := tx.JoinCodeByMAC(c, acme.ID, []byte("tx-code"))
			if err != nil {
				return err
			}
			if err := tx.UseJoinCode(c, acme.ID, got.ID, bob.ID, now); err != nil {
				return err
			}
			return stop
		})
		if err != stop {
			t.Fatalf("InOrgTx = %v, want fn's error", err)
		}
		_, err = s.JoinCodeByMAC(c, acme.ID, []byte("tx-code"))
		checkErr(t, err, errs.ErrNotFound, "join code not found")
	})
}

// JoinCodeRace has 100 goroutines, spread over stores (which may be several connections to
// one database, as several processes would be), use one code at once: exactly one succeeds.
func JoinCodeRace(t *testing.T, stores ...cloud.Store) {
	t.Helper()
	c := ctx(t)
	s := stores[0]
	ada := newUser(t, s, "ada@example.com")
	org := newOrg(t, s, "race", ada)
	now := time.Now()
	jc := []cloud.JoinCode{code(org, ada, "the-code", authz.Member, now, time.Hour)}
	if err := s.CreateJoinCodes(c, jc); err != nil {
		t.Fatal(err)
	}
	var users []cloud.User
	for i := range 100 {
		users = append(users, newUser(t, s, fmt.Sprintf("u%d@example.com", i)))
	}
	var wg sync.WaitGroup
	errc := make(chan error, len(users))
	for i, u := range users {
		wg.Go(func() { errc <- stores[i%len(stores)].UseJoinCode(c, org.ID, jc[0].ID, u.ID, now) })
	}
	wg.Wait()
	close(errc)
	won := 0
	for err := range errc {
		switch {
		case err == nil:
			won++
		case errs.KindOf(err) != errs.ErrConflict:
			t.Errorf("UseJoinCode: %v", err)
		}
	}
	if won != 1 {
		t.Fatalf("%d of 100 concurrent UseJoinCode succeeded, want exactly 1", won)
	}
}
