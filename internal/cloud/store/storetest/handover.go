package storetest

import (
	"reflect"
	"testing"

	"github.com/clonit/clonit/internal/cloud"
	"github.com/clonit/clonit/internal/cloud/authz"
	"github.com/clonit/clonit/internal/errs"
)

// testHandover checks that removing a member passes the agents and targets they registered
// in that org to the org, and touches nothing of other people or other orgs.
func testHandover(t *testing.T, s cloud.Store) {
	c := ctx(t)
	ada := newUser(t, s, "ada@example.com")
	bob := newUser(t, s, "bob@example.com")
	acme := newOrg(t, s, "acme", ada)
	other := newOrg(t, s, "other", ada)
	addMember(t, s, acme, bob, authz.Member)
	addMember(t, s, other, bob, authz.Member)
	agents := []cloud.Agent{
		{OrgID: acme.ID, Name: "bob-laptop", RegisteredBy: bob.ID},
		{OrgID: acme.ID, Name: "bob-old", RegisteredBy: bob.ID},
		{OrgID: acme.ID, Name: "ada-laptop", RegisteredBy: ada.ID},
		{OrgID: other.ID, Name: "bob-laptop", RegisteredBy: bob.ID},
	}
	for i := range agents {
		if err := s.CreateAgent(c, &agents[i]); err != nil {
			t.Fatalf("CreateAgent(%s): %v", agents[i].Name, err)
		}
	}
	if err := s.RemoveAgent(c, acme.ID, agents[1].ID, "ada@example.com", agents[1].RegisteredAt); err != nil {
		t.Fatalf("RemoveAgent: %v", err)
	}
	targets := []cloud.Target{
		{OrgID: acme.ID, Name: "shop", DBType: "sqlite", SrcURL: "/data/shop.db", CreatedBy: bob.ID},
		{OrgID: acme.ID, Name: "blog", DBType: "sqlite", SrcURL: "/data/blog.db", CreatedBy: ada.ID},
		{OrgID: other.ID, Name: "shop", DBType: "sqlite", SrcURL: "/other/shop.db", CreatedBy: bob.ID},
	}
	for i := range targets {
		if err := s.CreateTarget(c, &targets[i]); err != nil {
			t.Fatalf("CreateTarget(%s): %v", targets[i].Name, err)
		}
	}

	if err := s.RemoveMember(c, acme.ID, bob.ID); err != nil {
		t.Fatalf("RemoveMember: %v", err)
	}
	owners := map[string]string{}
	for _, a := range agents {
		got, err := s.AgentByID(c, a.ID)
		if err != nil {
			t.Fatalf("AgentByID: %v", err)
		}
		owners["agent "+a.Name+" in "+a.OrgID[:4]] = got.RegisteredBy + "/" + got.RegistrantEmail
	}
	for _, tg := range targets {
		got, err := s.Target(c, tg.OrgID, tg.Name)
		if err != nil {
			t.Fatalf("Target: %v", err)
		}
		owners["target "+tg.Name+" in "+tg.OrgID[:4]] = got.CreatedBy + "/" + got.CreatorEmail
	}
	a4, o4 := acme.ID[:4], other.ID[:4]
	want := map[string]string{
		"agent bob-laptop in " + a4: "/", "agent bob-old in " + a4: "/", "agent ada-laptop in " + a4: ada.ID + "/ada@example.com",
		"agent bob-laptop in " + o4: bob.ID + "/bob@example.com",
		"target shop in " + a4:      "/", "target blog in " + a4: ada.ID + "/ada@example.com",
		"target shop in " + o4: bob.ID + "/bob@example.com",
	}
	if !reflect.DeepEqual(owners, want) {
		t.Errorf("registrants after bob's removal from acme:\n got  %v\n want %v", owners, want)
	}
	if list, _ := s.Agents(c, acme.ID); len(list) != 2 {
		t.Errorf("acme lists %d agents after the removal, want 2 (ada-laptop and bob-laptop)", len(list))
	}

	t.Run("a second removal changes nothing", func(t *testing.T) {
		checkErr(t, s.RemoveMember(c, acme.ID, bob.ID), errs.ErrNotFound, "user is not a member of this organization")
		if got, _ := s.AgentByID(c, agents[3].ID); got.RegisteredBy != bob.ID {
			t.Errorf("bob's agent in other is registered by %q, want bob", got.RegisteredBy)
		}
	})

	t.Run("inside a transaction that fails, nothing passes", func(t *testing.T) {
		err := s.InOrgTx(c, other.ID, func(tx cloud.Store) error {
			if err := tx.RemoveMember(c, other.ID, bob.ID); err != nil {
				return err
			}
			return errs.Conflict("changed my mind")
		})
		checkErr(t, err, errs.ErrConflict, "changed my mind")
		if got, _ := s.AgentByID(c, agents[3].ID); got.RegisteredBy != bob.ID {
			t.Errorf("bob's agent in other is registered by %q after the rollback, want bob", got.RegisteredBy)
		}
		if got, _ := s.Target(c, other.ID, "shop"); got.CreatedBy != bob.ID {
			t.Errorf("bob's target in other was created by %q after the rollback, want bob", got.CreatedBy)
		}
		if _, err := s.Member(c, other.ID, bob.ID); err != nil {
			t.Errorf("bob is no longer a member of other after the rollback: %v", err)
		}
	})
}
