// Package storetest is the one conformance suite of cloud.Store: every implementation
// (store/sqlite, store/postgres) runs Run against a real database and must pass it
// unchanged. Each group of cases gets a fresh, empty store from open.
package storetest

import (
	"context"
	"errors"
	"regexp"
	"testing"
	"time"

	"github.com/clonit/clonit/internal/cloud"
	"github.com/clonit/clonit/internal/cloud/authz"
	"github.com/clonit/clonit/internal/errs"
)

// Run runs the whole suite. open must return a fresh, empty, migrated store and close it
// when the test ends.
func Run(t *testing.T, open func(t *testing.T) cloud.Store) {
	groups := []struct {
		name string
		run  func(t *testing.T, s cloud.Store)
	}{
		{"Users", testUsers},
		{"Orgs", testOrgs},
		{"OrgsOfUser", testOrgsOfUser},
		{"Members", testMembers},
		{"LargeOrg", testLargeOrg},
		{"MemberList", testMemberList},
		{"CreateOrgAudit", testCreateOrgAudit},
		{"Handover", testHandover},
		{"Audit", testAudit},
		{"AuditPaging", testAuditPaging},
		{"Accounts", testAccounts},
		{"Secrets", testSecrets},
		{"InOrgTx", testInOrgTx},
		{"OwnerRace", func(t *testing.T, s cloud.Store) { OwnerRace(t, s) }},
		{"JoinCodes", testJoinCodes},
		{"JoinCodeRace", func(t *testing.T, s cloud.Store) { JoinCodeRace(t, s) }},
		{"RateLimits", testRateLimits},
		{"RateLimitRace", func(t *testing.T, s cloud.Store) { RateLimitRace(t, s) }},
		{"APIKeys", testAPIKeys},
		{"OAuthRequests", testOAuthRequests},
		{"DeviceAuths", testDeviceAuths},
		{"RefreshTokens", testRefreshTokens},
		{"PurgeOAuthState", testPurgeOAuthState},
		{"OAuthStateRace", func(t *testing.T, s cloud.Store) { OAuthStateRace(t, s) }},
		{"Agents", testAgents},
		{"TargetsAndProfiles", testTargetsAndProfiles},
		{"Snapshots", testSnapshots},
		{"SnapshotVisibility", testSnapshotVisibility},
		{"SnapshotPaging", testSnapshotPaging},
		{"SnapshotVisibilityProperty", testSnapshotVisibilityProperty},
	}
	for _, g := range groups {
		t.Run(g.name, func(t *testing.T) { g.run(t, open(t)) })
	}
}

// testIssuer is the issuer of the users the suite creates.
const testIssuer = "https://issuer.test"

// idPattern is the shape of every ID the stores make: 128 random bits in lowercase base32.
var idPattern = regexp.MustCompile(`^[a-z2-7]{26}$`)

// ctx returns a context that ends with the test.
func ctx(t *testing.T) context.Context {
	c, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	t.Cleanup(cancel)
	return c
}

// newUser stores a user whose subject is its email.
func newUser(t *testing.T, s cloud.Store, email string, groups ...string) cloud.User {
	t.Helper()
	u, err := s.UpsertUser(ctx(t), cloud.User{Issuer: testIssuer, Subject: "sub-" + email, Email: email, Name: "Name of " + email, Groups: groups})
	if err != nil {
		t.Fatalf("UpsertUser(%s): %v", email, err)
	}
	return u
}

// newOrg creates an org owned by owner.
func newOrg(t *testing.T, s cloud.Store, slug string, owner cloud.User) cloud.Org {
	t.Helper()
	o := cloud.Org{Slug: slug, Name: "Org " + slug}
	if err := s.CreateOrg(ctx(t), &o, owner.ID); err != nil {
		t.Fatalf("CreateOrg(%s): %v", slug, err)
	}
	return o
}

// addMember adds u to org with role.
func addMember(t *testing.T, s cloud.Store, org cloud.Org, u cloud.User, role authz.Role) {
	t.Helper()
	if err := s.AddMember(ctx(t), org.ID, u.ID, role); err != nil {
		t.Fatalf("AddMember(%s, %s, %s): %v", org.Slug, u.Email, role, err)
	}
}

// checkErr fails unless err is of kind with exactly the public message msg; kind nil
// means err must be nil.
func checkErr(t *testing.T, err, kind error, msg string) {
	t.Helper()
	if kind == nil {
		if err != nil {
			t.Fatalf("error = %v, want none", err)
		}
		return
	}
	if err == nil {
		t.Fatalf("error = nil, want %v %q", kind, msg)
	}
	if !errors.Is(err, kind) {
		t.Errorf("error %q is not %v", err, kind)
	}
	if got := errs.Public(err, ""); got != msg {
		t.Errorf("message = %q, want %q", got, msg)
	}
}

// checkID fails unless id has the shape of a store ID.
func checkID(t *testing.T, what, id string) {
	t.Helper()
	if !idPattern.MatchString(id) {
		t.Errorf("%s ID = %q, want 26 lowercase base32 characters", what, id)
	}
}

// checkRecent fails unless tm was set within the last minute, in UTC.
func checkRecent(t *testing.T, what string, tm time.Time) {
	t.Helper()
	if d := time.Since(tm); tm.IsZero() || d < -time.Minute || d > time.Minute || tm.Location() != time.UTC {
		t.Errorf("%s = %v, want the current time in UTC", what, tm)
	}
}
