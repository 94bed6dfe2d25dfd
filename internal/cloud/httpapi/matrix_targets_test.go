package httpapi_test

import (
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/clonit/clonit/internal/cloud"
)

// The target and storage profile endpoints that need no setup join the people's matrix
// (TestRoleActionMatrix) and the keys' (TestKeyMatrix): keys read, never write.
func init() {
	endpoints = append(endpoints,
		endpoint{"list targets", "GET", "/api/v1/orgs/{org}/targets", nil, 200, members},
		endpoint{"create a target", "POST", "/api/v1/orgs/{org}/targets", map[string]string{"name": "new", "db_type": "sqlite", "src_url": "/data/new.db"}, 201, writers},
		endpoint{"list storage profiles", "GET", "/api/v1/orgs/{org}/storage-profiles", nil, 200, members},
		endpoint{"create a storage profile", "POST", "/api/v1/orgs/{org}/storage-profiles", map[string]string{"name": "new", "provider": "local", "bucket": "/srv/snaps"}, 201, writers},
	)
	keyAllowed["list targets"] = thisOrgKeys
	keyAllowed["list storage profiles"] = thisOrgKeys
}

// targetEndpoint is a matrix endpoint that acts on the org's target "shop" (storage
// profile "team") or its unused storage profile "spare". Keys lists the key callers
// allowed; changes says whether an allowed call changes the org's state.
type targetEndpoint struct {
	endpoint
	keys    []string
	changes bool
}

var (
	writers = []string{owner, admin, member}
	// revealKeys are the key callers that may reveal: pull permission, acting as a member
	// or above.
	revealKeys = []string{orgKey, orgPullKey, ownerKey, adminKey, memberKey}
)

var targetEndpoints = []targetEndpoint{
	{endpoint{"show a target", "GET", "/api/v1/orgs/{org}/targets/shop", nil, 200, members}, thisOrgKeys, false},
	{endpoint{"update a target", "PUT", "/api/v1/orgs/{org}/targets/shop", map[string]string{"db_type": "sqlite", "src_url": "/data/changed.db"}, 200, writers}, nil, true},
	{endpoint{"delete a target", "DELETE", "/api/v1/orgs/{org}/targets/shop", nil, 204, writers}, nil, true},
	{endpoint{"reveal a target", "POST", "/api/v1/orgs/{org}/targets/shop/reveal", nil, 200, writers}, revealKeys, true},
	{endpoint{"create a taken target", "POST", "/api/v1/orgs/{org}/targets", map[string]string{"name": "shop", "db_type": "sqlite", "src_url": "/x.db"}, 409, writers}, nil, false},
	{endpoint{"show a storage profile", "GET", "/api/v1/orgs/{org}/storage-profiles/team", nil, 200, members}, thisOrgKeys, false},
	{endpoint{"update a storage profile", "PUT", "/api/v1/orgs/{org}/storage-profiles/team", map[string]string{"provider": "s3", "bucket": "other"}, 200, writers}, nil, true},
	{endpoint{"delete a storage profile", "DELETE", "/api/v1/orgs/{org}/storage-profiles/spare", nil, 204, writers}, nil, true},
	{endpoint{"delete a used storage profile", "DELETE", "/api/v1/orgs/{org}/storage-profiles/team", nil, 409, writers}, nil, false},
	{endpoint{"reveal a storage profile", "POST", "/api/v1/orgs/{org}/storage-profiles/team/reveal", nil, 200, writers}, revealKeys, true},
}

// TestTargetMatrix walks the endpoints that act on an existing target or storage profile
// for every person and every key caller, as TestRoleActionMatrix does: only the listed
// cells are allowed; the others are denied with 401 (anonymous), 404 with the body of an
// org never created (outside the org) or 403 (in it), and change nothing.
func TestTargetMatrix(t *testing.T) {
	for _, b := range backends() {
		t.Run(b.name, func(t *testing.T) {
			e, foreign := newMachineEnv(t, b.open(t))
			n := 0
			for _, ep := range targetEndpoints {
				for _, caller := range append(slices.Clone(callers), allKeys...) {
					n++
					slug := fmt.Sprintf("t%d", n)
					t.Run(ep.name+"/"+caller, func(t *testing.T) {
						e.t = t
						checkTargetCell(e, ep, caller, slug, foreign)
					})
				}
			}
		})
	}
}

func checkTargetCell(e *env, ep targetEndpoint, caller, slug, foreign string) {
	t := e.t
	org := e.org(slug, owner, roster)
	base := "/api/v1/orgs/" + slug
	plant := e.token(owner)
	for _, p := range []struct {
		path string
		body any
	}{
		{base + "/storage-profiles", map[string]string{"name": "team", "provider": "s3", "bucket": "b", "access_key": "AK", "secret_key": "SK"}},
		{base + "/storage-profiles", map[string]string{"name": "spare", "provider": "local", "bucket": "/srv"}},
		{base + "/targets", map[string]string{"name": "shop", "db_type": "postgres", "src_url": "postgres://u:pw@h/db", "storage_profile": "team"}},
	} {
		if status, body := e.do("POST", p.path, plant, p.body); status != http.StatusCreated {
			t.Fatalf("plant %s: %d %s", p.path, status, body)
		}
	}
	token := e.bearer(caller, org, foreign)
	path := strings.ReplaceAll(ep.path, "{org}", slug)
	before := e.state(org) + e.targetState(org)
	status, got := e.do(ep.method, path, token, ep.body)

	if slices.Contains(ep.allowed, caller) || slices.Contains(ep.keys, caller) {
		if status != ep.status {
			t.Fatalf("%s %s as %s = %d %s, want %d", ep.method, path, caller, status, got, ep.status)
		}
		if after := e.state(org) + e.targetState(org); ep.changes && after == before {
			t.Errorf("%s %s as %s was allowed but changed nothing: %s", ep.method, path, caller, after)
		}
		return
	}
	var want int
	switch {
	case caller == anonymous:
		want = http.StatusUnauthorized
	case caller == outsider || caller == otherOrg || caller == foreignKey:
		want = http.StatusNotFound
	default:
		want = http.StatusForbidden
	}
	if status != want {
		t.Fatalf("%s %s as %s = %d %s, want denied with %d", ep.method, path, caller, status, got, want)
	}
	if want == http.StatusNotFound {
		_, unknown := e.do(ep.method, strings.ReplaceAll(ep.path, "{org}", "never-created"), token, ep.body)
		if wantBody := strings.ReplaceAll(unknown, "never-created", slug); got != wantBody {
			t.Errorf("404 body for %s differs from an org never created:\n got %s\nwant %s", caller, got, wantBody)
		}
	}
	if after := e.state(org) + e.targetState(org); after != before {
		t.Errorf("denied %s %s as %s changed the org:\nbefore %s\n after %s", ep.method, path, caller, before, after)
	}
}

// targetState is the org's targets and storage profiles as stored (sealed credentials
// included, which change at every write), for the matrix's "changed nothing" checks.
func (e *env) targetState(org cloud.Org) string {
	e.t.Helper()
	ctx := e.t.Context()
	ts, err := e.st.Targets(ctx, org.ID)
	if err != nil {
		e.t.Fatal(err)
	}
	ps, err := e.st.StorageProfiles(ctx, org.ID)
	if err != nil {
		e.t.Fatal(err)
	}
	return fmt.Sprintf(" | targets %+v | profiles %+v", ts, ps)
}
