package storetest

import (
	"errors"
	"fmt"
	"reflect"
	"sync"
	"testing"

	"github.com/clonit/clonit/internal/cloud"
	"github.com/clonit/clonit/internal/cloud/authz"
	"github.com/clonit/clonit/internal/errs"
)

func testInOrgTx(t *testing.T, s cloud.Store) {
	c := ctx(t)
	ada, bob := newUser(t, s, "ada@example.com"), newUser(t, s, "bob@example.com")
	acme := newOrg(t, s, "acme", ada)

	t.Run("ping", func(t *testing.T) {
		if err := s.Ping(c); err != nil {
			t.Errorf("Ping: %v", err)
		}
	})

	t.Run("commit keeps the writes, which fn already sees", func(t *testing.T) {
		err := s.InOrgTx(c, acme.ID, func(tx cloud.Store) error {
			if err := tx.Ping(c); err != nil {
				return err
			}
			if err := tx.AddMember(c, acme.ID, bob.ID, authz.Member); err != nil {
				return err
			}
			if m, err := tx.Member(c, acme.ID, bob.ID); err != nil || m.Role != authz.Member {
				return fmt.Errorf("inside the transaction: %+v, %v", m, err)
			}
			return tx.AddAudit(c, cloud.AuditEvent{OrgID: acme.ID, Action: "member.add", Target: bob.Email})
		})
		if err != nil {
			t.Fatalf("InOrgTx: %v", err)
		}
		if m, err := s.Member(c, acme.ID, bob.ID); err != nil || m.Role != authz.Member {
			t.Errorf("after commit: %+v, %v; want bob as member", m, err)
		}
	})

	t.Run("an error keeps nothing", func(t *testing.T) {
		stop := errors.New("rule broken")
		carol := newUser(t, s, "carol@example.com")
		before, _ := s.AuditEvents(c, acme.ID, cloud.AuditFilter{})
		err := s.InOrgTx(c, acme.ID, func(tx cloud.Store) error {
			steps := []error{
				tx.AddMember(c, acme.ID, carol.ID, authz.Admin),
				tx.SetRole(c, acme.ID, bob.ID, authz.Viewer),
				tx.UpdateOrg(c, cloud.Org{ID: acme.ID, Name: "Changed"}),
				tx.AddAudit(c, cloud.AuditEvent{OrgID: acme.ID, Action: "member.add", Target: carol.Email}),
				tx.InOrgTx(c, acme.ID, func(tx cloud.Store) error { return tx.RemoveMember(c, acme.ID, ada.ID) }),
			}
			if err := errors.Join(steps...); err != nil {
				return err
			}
			if _, err := tx.Secret(c, "in-tx", func() ([]byte, error) { return []byte("x"), nil }); err != nil {
				return err
			}
			return stop
		})
		if !errors.Is(err, stop) {
			t.Fatalf("InOrgTx = %v, want fn's error", err)
		}
		checkErr(t, func() error { _, err := s.Member(c, acme.ID, carol.ID); return err }(), errs.ErrNotFound, "user is not a member of this organization")
		if m, _ := s.Member(c, acme.ID, bob.ID); m.Role != authz.Member {
			t.Errorf("bob's role = %s, want member", m.Role)
		}
		if m, _ := s.Member(c, acme.ID, ada.ID); m.Role != authz.Owner {
			t.Errorf("ada's role = %s, want owner", m.Role)
		}
		if o, _ := s.OrgBySlug(c, "acme"); o.Name != acme.Name {
			t.Errorf("org name = %q, want %q", o.Name, acme.Name)
		}
		if after, _ := s.AuditEvents(c, acme.ID, cloud.AuditFilter{}); !reflect.DeepEqual(after, before) {
			t.Errorf("audit log changed: %d events, had %d", len(after), len(before))
		}
		if v, _ := s.Secret(c, "in-tx", func() ([]byte, error) { return []byte("y"), nil }); string(v) != "y" {
			t.Errorf("a secret made in the rolled-back transaction survived: %q", v)
		}
	})

	t.Run("an expected error does not spoil the transaction", func(t *testing.T) {
		dan := newUser(t, s, "dan@example.com")
		err := s.InOrgTx(c, acme.ID, func(tx cloud.Store) error {
			checkErr(t, tx.AddMember(c, acme.ID, bob.ID, authz.Viewer), errs.ErrConflict, "user is already a member of this organization")
			checkErr(t, tx.AddMember(c, acme.ID, "nosuchuser", authz.Viewer), errs.ErrNotFound, "organization or user not found")
			checkErr(t, tx.CreateOrg(c, &cloud.Org{Slug: "acme"}, ada.ID), errs.ErrConflict, `slug "acme" is taken: choose another`)
			checkErr(t, tx.SetRole(c, acme.ID, "nosuchuser", authz.Viewer), errs.ErrNotFound, "user is not a member of this organization")
			_, err := tx.Member(c, acme.ID, "nosuchuser")
			checkErr(t, err, errs.ErrNotFound, "user is not a member of this organization")
			return tx.AddMember(c, acme.ID, dan.ID, authz.Viewer)
		})
		if err != nil {
			t.Fatalf("InOrgTx: %v", err)
		}
		if m, err := s.Member(c, acme.ID, dan.ID); err != nil || m.Role != authz.Viewer {
			t.Errorf("after commit: %+v, %v; want dan as viewer", m, err)
		}
	})

	t.Run("an unknown org", func(t *testing.T) {
		called := false
		err := s.InOrgTx(c, "nosuchorg", func(cloud.Store) error { called = true; return nil })
		checkErr(t, err, errs.ErrNotFound, "organization not found")
		if called {
			t.Errorf("fn ran for an unknown org")
		}
	})
}

// OwnerRace runs the pattern by which the HTTP layer keeps an owner: 50 goroutines, spread
// over stores (which may be several connections to one database, as several processes
// would be), each run InOrgTx that counts the owners and demotes or removes one of the two
// owners of an org only while more than one remains. Exactly one owner must remain.
func OwnerRace(t *testing.T, stores ...cloud.Store) {
	t.Helper()
	c := ctx(t)
	s := stores[0]
	ada, bob := newUser(t, s, "ada@example.com"), newUser(t, s, "bob@example.com")
	org := newOrg(t, s, "race", ada)
	addMember(t, s, org, bob, authz.Owner)
	owners := []cloud.User{ada, bob}

	const n = 50
	var wg sync.WaitGroup
	errc := make(chan error, n)
	for i := range n {
		wg.Go(func() {
			target := owners[i%2]
			errc <- stores[i%len(stores)].InOrgTx(c, org.ID, func(tx cloud.Store) error {
				count, err := tx.CountOwners(c, org.ID)
				if err != nil {
					return err
				}
				m, err := tx.Member(c, org.ID, target.ID)
				if errors.Is(err, errs.ErrNotFound) || (err == nil && m.Role != authz.Owner) {
					return nil // already demoted or removed
				}
				if err != nil {
					return err
				}
				if count <= 1 {
					return nil // the last owner stays
				}
				if i%4 < 2 {
					return tx.SetRole(c, org.ID, target.ID, authz.Admin)
				}
				return tx.RemoveMember(c, org.ID, target.ID)
			})
		})
	}
	wg.Wait()
	close(errc)
	for err := range errc {
		if err != nil {
			t.Errorf("InOrgTx: %v", err)
		}
	}
	if count, err := s.CountOwners(c, org.ID); count != 1 || err != nil {
		t.Fatalf("owners after the race = %d, %v; want 1", count, err)
	}
}
