package httpapi_test

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/clonit/clonit/internal/cloud"
	"github.com/clonit/clonit/internal/cloud/authz"
	"github.com/clonit/clonit/internal/cloud/httpapi"
	"github.com/clonit/clonit/internal/cloud/identity/apikey"
)

// The key and agent endpoints that need no setup join the matrix of TestRoleActionMatrix.
func init() {
	endpoints = append(endpoints,
		endpoint{"list keys", "GET", "/api/v1/orgs/{org}/keys", nil, 200, adminsUp},
		endpoint{"create an org key", "POST", "/api/v1/orgs/{org}/keys", map[string]any{"name": "ci", "permissions": []string{"push"}}, 201, adminsUp},
		endpoint{"create a per-user key", "POST", "/api/v1/orgs/{org}/keys", map[string]any{"name": "mine", "user": true}, 201, adminsUp},
		endpoint{"provision the login key", "POST", "/api/v1/orgs/{org}/keys/login", nil, 201, members},
		endpoint{"list agents", "GET", "/api/v1/orgs/{org}/agents", nil, 200, members},
		endpoint{"register an agent", "POST", "/api/v1/orgs/{org}/agents", map[string]string{"name": "laptop", "hostname": "laptop.local", "version": "1.0.0"}, 201, members},
	)
}

// The API key callers: org-level keys of the org under test with each set of permissions,
// the login (per-user, push and pull) key of each of its roles, and an org key of another
// org.
const (
	orgKey     = "orgkey"
	orgPushKey = "orgkey-push"
	orgPullKey = "orgkey-pull"
	orgReadKey = "orgkey-read"
	ownerKey   = "ownerkey"
	adminKey   = "adminkey"
	memberKey  = "memberkey"
	viewerKey  = "viewerkey"
	foreignKey = "foreignkey"
)

var (
	orgKeys     = []string{orgKey, orgPushKey, orgPullKey, orgReadKey}
	userKeys    = []string{ownerKey, adminKey, memberKey, viewerKey}
	thisOrgKeys = append(slices.Clone(orgKeys), userKeys...)
	allKeys     = append(slices.Clone(thisOrgKeys), foreignKey)
)

// keyPerms are the permissions of the org-level key callers.
var keyPerms = map[string]authz.Permission{orgKey: authz.AllPermissions, orgPushKey: authz.Push, orgPullKey: authz.Pull, orgReadKey: 0}

// keyOwners are the people whose login keys the per-user key callers hold.
var keyOwners = map[string]string{ownerKey: owner, adminKey: admin, memberKey: member, viewerKey: viewer}

// keyAllowed lists, by endpoint name, the key callers allowed each endpoint of endpoints
// (the people's matrix). Every other cell is denied: a key reads, registers its machine,
// and pushes and pulls with the matching permission; it changes nothing else.
var keyAllowed = map[string][]string{
	"healthz": allKeys, "readyz": allKeys, "metrics": allKeys, "oauth discovery": allKeys,
	"openapi": allKeys, "auth config": allKeys, "me": allKeys, "list orgs": allKeys,
	"show org": thisOrgKeys, "list members": thisOrgKeys, "list agents": thisOrgKeys,
	"register an agent": thisOrgKeys,
}

// machineEndpoint is a matrix endpoint that needs the org's keys and agents: {key} is the id
// of a live org key of the org under test, {agent} the id of an agent member2 registered,
// {login-key} the secret of the caller's own login key in the org (a key caller's, the key
// it calls with).
// Members and keys of the org who are denied get takenStatus (403 unless set); changes says
// whether an allowed call changes the org's state.
type machineEndpoint struct {
	endpoint
	keys        []string // the key callers allowed
	takenStatus int
	changes     bool
}

var machineEndpoints = []machineEndpoint{
	{endpoint{"revoke a key", "DELETE", "/api/v1/orgs/{org}/keys/{key}", nil, 204, adminsUp}, nil, 0, true},
	{endpoint{"show an agent", "GET", "/api/v1/orgs/{org}/agents/{agent}", nil, 200, members}, thisOrgKeys, 0, false},
	{endpoint{"give back one's login key", "POST", "/api/v1/orgs/{org}/keys/login/revoke", map[string]string{"key": "{login-key}"}, 204, members}, nil, 0, true},
	{endpoint{"remove an agent", "DELETE", "/api/v1/orgs/{org}/agents/{agent}", nil, 204, adminsUp}, nil, 0, true},
	{endpoint{"register over a taken name", "POST", "/api/v1/orgs/{org}/agents", map[string]string{"name": "runner"}, 201, nil}, nil, http.StatusConflict, false},
	{endpoint{"force over another's agent", "POST", "/api/v1/orgs/{org}/agents", map[string]any{"name": "runner", "force": true}, 201, adminsUp}, nil, 0, true},
	{endpoint{"push (issue 6 guard)", "POST", "/api/v1/orgs/{org}/test/push", nil, 204, []string{owner, admin, member}},
		[]string{orgKey, orgPushKey, ownerKey, adminKey, memberKey}, 0, false},
	{endpoint{"pull (issue 6 guard)", "GET", "/api/v1/orgs/{org}/test/pull", nil, 204, members},
		[]string{orgKey, orgPullKey, ownerKey, adminKey, memberKey, viewerKey}, 0, false},
}

// guardRoutes are the test routes that stand for issue 6's push and pull: each answers 204
// to whoever its guard lets through, so that the matrix tests the guard alone.
var guardRoutes = map[string]authz.Action{
	"POST /api/v1/orgs/{org}/test/push": authz.PushSnapshots,
	"GET /api/v1/orgs/{org}/test/pull":  authz.PullSnapshots,
}

// newMachineEnv is newEnv with the routes that stand for issue 6's push and pull, and the
// org key of another org.
func newMachineEnv(t *testing.T, st cloud.Store) (*env, string) {
	e := newEnv(t, st)
	a := e.srv.Config.Handler.(*httpapi.API)
	for pattern, action := range guardRoutes {
		a.AddTestRoute(pattern, action)
	}
	elsewhere := e.org("elsewhere", otherOrg, nil)
	e.user(outsider)
	foreign, _ := e.plantKey(elsewhere, foreignKey, "", authz.AllPermissions)
	return e, foreign
}

// plantKey stores an API key of org named name (a login key of userID when set) and
// returns its secret and id.
func (e *env) plantKey(org cloud.Org, name, userID string, perms authz.Permission) (string, string) {
	e.t.Helper()
	secret := apikey.New()
	k := cloud.APIKey{OrgID: org.ID, UserID: userID, Login: userID != "", Name: name, Hash: apikey.Hash(secret),
		Hint: apikey.Hint(secret), Permissions: perms, CreatedBy: userID}
	if err := e.st.CreateAPIKey(context.Background(), &k); err != nil {
		e.t.Fatalf("plant key %s: %v", name, err)
	}
	return secret, k.ID
}

// bearer returns what caller sends to act on org: an operator token for a person, an API
// key for a key caller (planted in org), nothing for anonymous.
func (e *env) bearer(caller string, org cloud.Org, foreign string) string {
	switch {
	case caller == anonymous:
		return ""
	case caller == foreignKey:
		return foreign
	case keyOwners[caller] != "":
		secret, _ := e.plantKey(org, "login", e.user(keyOwners[caller]).ID, authz.AllPermissions)
		return secret
	case slices.Contains(orgKeys, caller):
		secret, _ := e.plantKey(org, caller, "", keyPerms[caller])
		return secret
	}
	return e.token(caller)
}

// TestKeyMatrix walks every endpoint of the people's matrix for every key caller but the
// push-only and pull-only org keys, whose permissions matter only to the endpoints of
// TestMachineMatrix. Only the allowed cells are listed (keyAllowed); every other is denied:
// 404 with the body of an org never created for a key of another org, 403 for a key of the
// org. A denied cell changes nothing.
func TestKeyMatrix(t *testing.T) {
	keyCallers := slices.DeleteFunc(slices.Clone(allKeys), func(c string) bool { return c == orgPushKey || c == orgPullKey })
	for _, b := range backends() {
		t.Run(b.name, func(t *testing.T) {
			e, foreign := newMachineEnv(t, b.open(t))
			n := 0
			for _, ep := range endpoints {
				for _, caller := range keyCallers {
					n++
					slug := fmt.Sprintf("k%d", n)
					me := machineEndpoint{endpoint: ep, keys: keyAllowed[ep.name], changes: ep.method != http.MethodGet}
					me.allowed = nil
					t.Run(ep.name+"/"+caller, func(t *testing.T) {
						e.t = t
						checkMachineCell(e, me, caller, slug, foreign)
					})
				}
			}
		})
	}
}

// TestMachineMatrix walks the endpoints that act on a key or an agent, and the guards of
// pushing and pulling, for every person and every key caller, as TestRoleActionMatrix
// does.
func TestMachineMatrix(t *testing.T) {
	for _, b := range backends() {
		t.Run(b.name, func(t *testing.T) {
			e, foreign := newMachineEnv(t, b.open(t))
			n := 0
			for _, ep := range machineEndpoints {
				for _, caller := range append(slices.Clone(callers), allKeys...) {
					n++
					slug := fmt.Sprintf("a%d", n)
					t.Run(ep.name+"/"+caller, func(t *testing.T) {
						e.t = t
						checkMachineCell(e, ep, caller, slug, foreign)
					})
				}
			}
		})
	}
}

func checkMachineCell(e *env, ep machineEndpoint, caller, slug, foreign string) {
	t := e.t
	ctx := context.Background()
	org := e.org(slug, owner, roster)
	_, keyID := e.plantKey(org, "ci", "", authz.AllPermissions)
	runner := cloud.Agent{OrgID: org.ID, Name: "runner", Hostname: "runner-7", Version: "1.0.0", RegisteredBy: e.user("member2").ID}
	if err := e.st.CreateAgent(ctx, &runner); err != nil {
		t.Fatal(err)
	}
	token := e.bearer(caller, org, foreign)
	loginKey := token
	switch {
	case slices.Contains(members, caller):
		loginKey, _ = e.plantKey(org, "login", e.user(caller).ID, authz.AllPermissions)
	case !slices.Contains(allKeys, caller):
		loginKey = apikey.New() // a person outside the org has none in it
	}
	fill := func(slug string) *strings.Replacer {
		return strings.NewReplacer("{org}", slug, "{self}", email(caller), "{key}", keyID, "{agent}", runner.ID, "{login-key}", loginKey)
	}
	body := func(r *strings.Replacer) any {
		m, ok := ep.body.(map[string]string)
		if !ok {
			return ep.body
		}
		c := map[string]string{}
		for k, v := range m {
			c[k] = r.Replace(v)
		}
		return c
	}
	path := fill(slug).Replace(ep.path)
	before := e.state(org)
	status, got := e.do(ep.method, path, token, body(fill(slug)))

	if slices.Contains(ep.allowed, caller) || slices.Contains(ep.keys, caller) {
		if status != ep.status {
			t.Fatalf("%s %s as %s = %d %s, want %d", ep.method, path, caller, status, got, ep.status)
		}
		if after := e.state(org); ep.changes && strings.HasPrefix(ep.path, "/api/v1/orgs/{org}") && after == before {
			t.Errorf("%s %s as %s was allowed but changed nothing: %s", ep.method, path, caller, after)
		}
		return
	}
	inOrg := strings.HasPrefix(ep.path, "/api/v1/orgs/{org}")
	var want int
	switch {
	case caller == anonymous:
		want = http.StatusUnauthorized
	case inOrg && (caller == outsider || caller == otherOrg || caller == foreignKey):
		want = http.StatusNotFound
	case ep.takenStatus != 0:
		want = ep.takenStatus
	default:
		want = http.StatusForbidden
	}
	if status != want {
		t.Fatalf("%s %s as %s = %d %s, want denied with %d", ep.method, path, caller, status, got, want)
	}
	if want == http.StatusNotFound {
		_, unknown := e.do(ep.method, fill("never-created").Replace(ep.path), token, body(fill("never-created")))
		if wantBody := strings.ReplaceAll(unknown, "never-created", slug); got != wantBody {
			t.Errorf("404 body for %s differs from an org never created:\n got %s\nwant %s", caller, got, wantBody)
		}
	}
	if after := e.state(org); after != before {
		t.Errorf("denied %s %s as %s changed the org:\nbefore %s\n after %s", ep.method, path, caller, before, after)
	}
}
