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

// at is a fixed time of the suite's machine tests, to the microsecond the stores keep.
var at = time.Date(2026, 5, 4, 10, 30, 0, 123456000, time.UTC)

func testAPIKeys(t *testing.T, s cloud.Store) {
	c := ctx(t)
	ada := newUser(t, s, "ada@example.com")
	bob := newUser(t, s, "bob@example.com")
	acme := newOrg(t, s, "acme", ada)
	other := newOrg(t, s, "other", bob)

	orgKey := cloud.APIKey{OrgID: acme.ID, Name: "ci", Hash: "hash-ci", Hint: "clonit_AbCd",
		Permissions: authz.Push, CreatedBy: ada.ID, CreatedAt: at, ExpiresAt: at.Add(30 * 24 * time.Hour)}
	if err := s.CreateAPIKey(c, &orgKey); err != nil {
		t.Fatalf("CreateAPIKey: %v", err)
	}
	checkID(t, "API key", orgKey.ID)
	userKey := cloud.APIKey{OrgID: acme.ID, UserID: bob.ID, Name: "login", Hash: "hash-bob", Hint: "clonit_XyZw",
		Permissions: authz.AllPermissions, Login: true, CreatedBy: bob.ID, CreatedAt: at.Add(time.Second)}
	if err := s.CreateAPIKey(c, &userKey); err != nil {
		t.Fatalf("CreateAPIKey(per-user): %v", err)
	}
	otherKey := cloud.APIKey{OrgID: other.ID, Name: "elsewhere", Hash: "hash-other", CreatedBy: bob.ID}
	if err := s.CreateAPIKey(c, &otherKey); err != nil {
		t.Fatalf("CreateAPIKey(other org): %v", err)
	}
	checkRecent(t, "CreatedAt of a key created without one", otherKey.CreatedAt)

	t.Run("a key reads back whole, with the emails of its user and creator", func(t *testing.T) {
		got, err := s.APIKeyByHash(c, "hash-ci")
		if err != nil {
			t.Fatalf("APIKeyByHash: %v", err)
		}
		want := orgKey
		want.OrgSlug, want.CreatorEmail = "acme", "ada@example.com"
		if !reflect.DeepEqual(got, want) {
			t.Errorf("APIKeyByHash = %+v,\nwant %+v", got, want)
		}
		got, err = s.APIKey(c, acme.ID, userKey.ID)
		want = userKey
		want.OrgSlug, want.UserEmail, want.CreatorEmail = "acme", "bob@example.com", "bob@example.com"
		if err != nil || !reflect.DeepEqual(got, want) {
			t.Errorf("APIKey = %+v, %v,\nwant %+v", got, err, want)
		}
	})

	t.Run("list is per org, newest first", func(t *testing.T) {
		ks, err := s.APIKeys(c, acme.ID)
		if err != nil {
			t.Fatalf("APIKeys: %v", err)
		}
		if got := keyNames(ks); !reflect.DeepEqual(got, []string{"login", "ci"}) {
			t.Errorf("APIKeys(acme) = %q, want [login ci]", got)
		}
	})

	t.Run("errors", func(t *testing.T) {
		_, err := s.APIKeyByHash(c, "no-such-hash")
		checkErr(t, err, errs.ErrNotFound, "API key not found")
		_, err = s.APIKey(c, other.ID, orgKey.ID)
		checkErr(t, err, errs.ErrNotFound, "API key not found")
		dup := cloud.APIKey{OrgID: acme.ID, Name: "dup", Hash: "hash-ci"}
		checkErr(t, s.CreateAPIKey(c, &dup), errs.ErrConflict, "an API key with this hash already exists")
		orphan := cloud.APIKey{OrgID: "nosuchorg", Name: "x", Hash: "hash-orphan"}
		checkErr(t, s.CreateAPIKey(c, &orphan), errs.ErrNotFound, "organization not found")
		noName := cloud.APIKey{OrgID: acme.ID, Hash: "hash-noname"}
		checkErr(t, s.CreateAPIKey(c, &noName), errs.ErrInvalid, "an API key needs an org, a name and a hash")
		checkErr(t, s.RevokeAPIKey(c, other.ID, orgKey.ID, at), errs.ErrNotFound, "API key not found")
	})

	t.Run("last used only moves forward", func(t *testing.T) {
		later := at.Add(time.Hour)
		for _, tm := range []time.Time{later, at} {
			if err := s.TouchAPIKey(c, orgKey.ID, tm); err != nil {
				t.Fatalf("TouchAPIKey: %v", err)
			}
		}
		if k, _ := s.APIKey(c, acme.ID, orgKey.ID); !k.LastUsedAt.Equal(later) {
			t.Errorf("LastUsedAt = %v, want %v", k.LastUsedAt, later)
		}
	})

	t.Run("revoked keys leave the list and revoke once", func(t *testing.T) {
		if err := s.RevokeAPIKey(c, acme.ID, orgKey.ID, at); err != nil {
			t.Fatalf("RevokeAPIKey: %v", err)
		}
		checkErr(t, s.RevokeAPIKey(c, acme.ID, orgKey.ID, at), errs.ErrNotFound, "API key not found")
		if k, err := s.APIKeyByHash(c, "hash-ci"); err != nil || !k.RevokedAt.Equal(at) {
			t.Errorf("revoked key = %v, %v; want RevokedAt %v", k.RevokedAt, err, at)
		}
		ks, _ := s.APIKeys(c, acme.ID)
		if got := keyNames(ks); !reflect.DeepEqual(got, []string{"login"}) {
			t.Errorf("APIKeys after revoke = %q, want [login]", got)
		}
	})

	t.Run("revoke login keys touches only that person's login keys of that org", func(t *testing.T) {
		mine := cloud.APIKey{OrgID: acme.ID, UserID: bob.ID, Name: "bob's ci", Hash: "hash-bob-ci", CreatedBy: bob.ID}
		if err := s.CreateAPIKey(c, &mine); err != nil {
			t.Fatal(err)
		}
		n, err := s.RevokeLoginKeys(c, acme.ID, bob.ID, at)
		if n != 1 || err != nil {
			t.Fatalf("RevokeLoginKeys = %d, %v; want 1", n, err)
		}
		if n, _ := s.RevokeLoginKeys(c, acme.ID, bob.ID, at); n != 0 {
			t.Errorf("second RevokeLoginKeys = %d, want 0", n)
		}
		ks, _ := s.APIKeys(c, acme.ID)
		if got := keyNames(ks); !reflect.DeepEqual(got, []string{"bob's ci"}) {
			t.Errorf("APIKeys after RevokeLoginKeys = %q, want [bob's ci]", got)
		}
	})
}

func testAgents(t *testing.T, s cloud.Store) {
	c := ctx(t)
	ada := newUser(t, s, "ada@example.com")
	acme := newOrg(t, s, "acme", ada)
	other := newOrg(t, s, "other", ada)
	key := cloud.APIKey{OrgID: acme.ID, Name: "ci", Hash: "hash-ci", CreatedBy: ada.ID}
	if err := s.CreateAPIKey(c, &key); err != nil {
		t.Fatal(err)
	}
	laptop := cloud.Agent{OrgID: acme.ID, Name: "laptop", Hostname: "laptop.local", Version: "1.0.0", RegisteredBy: ada.ID, RegisteredAt: at}
	runner := cloud.Agent{OrgID: acme.ID, Name: "ci-runner", Hostname: "runner-7", Version: "1.0.0", RegisteredByKey: key.ID}
	for _, a := range []*cloud.Agent{&laptop, &runner} {
		if err := s.CreateAgent(c, a); err != nil {
			t.Fatalf("CreateAgent(%s): %v", a.Name, err)
		}
		checkID(t, "agent", a.ID)
	}
	checkRecent(t, "RegisteredAt of an agent registered without one", runner.RegisteredAt)
	if !laptop.LastSeenAt.Equal(at) {
		t.Errorf("LastSeenAt of a new agent = %v, want its registration time %v", laptop.LastSeenAt, at)
	}

	t.Run("an agent reads back with who registered it", func(t *testing.T) {
		got, err := s.AgentByID(c, laptop.ID)
		want := laptop
		want.RegistrantEmail = "ada@example.com"
		if err != nil || !reflect.DeepEqual(got, want) {
			t.Errorf("AgentByID = %+v, %v,\nwant %+v", got, err, want)
		}
		got, _ = s.AgentByID(c, runner.ID)
		if got.RegistrantKeyName != "ci" || got.RegistrantEmail != "" {
			t.Errorf("agent registered by a key: key %q, email %q; want ci and none", got.RegistrantKeyName, got.RegistrantEmail)
		}
	})

	t.Run("names are unique among an org's registered agents", func(t *testing.T) {
		dup := cloud.Agent{OrgID: acme.ID, Name: "laptop"}
		checkErr(t, s.CreateAgent(c, &dup), errs.ErrConflict, `an agent named "laptop" is already registered in this organization`)
		elsewhere := cloud.Agent{OrgID: other.ID, Name: "laptop"}
		checkErr(t, s.CreateAgent(c, &elsewhere), nil, "")
		orphan := cloud.Agent{OrgID: "nosuchorg", Name: "laptop"}
		checkErr(t, s.CreateAgent(c, &orphan), errs.ErrNotFound, "organization not found")
	})

	t.Run("touch moves last seen forward and records the version", func(t *testing.T) {
		later := at.Add(time.Hour)
		checkErr(t, s.TouchAgent(c, laptop.ID, "1.1.0", later), nil, "")
		checkErr(t, s.TouchAgent(c, laptop.ID, "0.9.0", at), nil, "")
		got, _ := s.AgentByID(c, laptop.ID)
		if !got.LastSeenAt.Equal(later) || got.Version != "1.1.0" {
			t.Errorf("after touch: last seen %v version %s; want %v 1.1.0", got.LastSeenAt, got.Version, later)
		}
	})

	t.Run("removed agents leave the list, keep their row, and free their name", func(t *testing.T) {
		checkErr(t, s.RemoveAgent(c, other.ID, laptop.ID, "ada@example.com", at), errs.ErrNotFound, "agent not found")
		checkErr(t, s.RemoveAgent(c, acme.ID, laptop.ID, "ada@example.com", at), nil, "")
		checkErr(t, s.RemoveAgent(c, acme.ID, laptop.ID, "ada@example.com", at), errs.ErrNotFound, "agent not found")
		got, err := s.AgentByID(c, laptop.ID)
		if err != nil || !got.RemovedAt.Equal(at) || got.RemovedBy != "ada@example.com" {
			t.Errorf("removed agent = %+v, %v", got, err)
		}
		seen := got.LastSeenAt
		checkErr(t, s.TouchAgent(c, laptop.ID, "2.0.0", at.Add(2*time.Hour)), nil, "")
		if got, _ := s.AgentByID(c, laptop.ID); !got.LastSeenAt.Equal(seen) {
			t.Errorf("a removed agent was touched: last seen %v, want %v", got.LastSeenAt, seen)
		}
		list, err := s.Agents(c, acme.ID)
		if err != nil || fmt.Sprint(agentNames(list)) != "[ci-runner]" {
			t.Errorf("Agents = %q, %v; want [ci-runner]", agentNames(list), err)
		}
		again := cloud.Agent{OrgID: acme.ID, Name: "laptop"}
		checkErr(t, s.CreateAgent(c, &again), nil, "")
		list, _ = s.Agents(c, acme.ID)
		if fmt.Sprint(agentNames(list)) != "[ci-runner laptop]" {
			t.Errorf("Agents after re-registering = %q, want [ci-runner laptop]", agentNames(list))
		}
	})

	t.Run("unknown agent", func(t *testing.T) {
		_, err := s.AgentByID(c, "nosuchagent")
		if !errors.Is(err, errs.ErrNotFound) {
			t.Errorf("AgentByID(unknown) = %v, want not found", err)
		}
	})
}

func keyNames(ks []cloud.APIKey) []string {
	out := []string{}
	for _, k := range ks {
		out = append(out, k.Name)
	}
	return out
}

func agentNames(as []cloud.Agent) []string {
	out := []string{}
	for _, a := range as {
		out = append(out, a.Name)
	}
	return out
}
