package httpapi_test

import (
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/clonit/clonit/internal/cloud/authz"
)

// The callers of the matrix: the four roles of the org under test, a signed-in person in
// no org, a member (owner) of another org, and nobody.
const (
	owner     = "owner"
	admin     = "admin"
	member    = "member"
	viewer    = "viewer"
	outsider  = "outsider"
	otherOrg  = "other"
	anonymous = "anonymous"
)

var callers = []string{owner, admin, member, viewer, outsider, otherOrg, anonymous}

// roster is the org every cell starts from: each caller's role plus a second person at
// every role, to act on.
var roster = map[string]authz.Role{
	admin: authz.Admin, member: authz.Member, viewer: authz.Viewer,
	"owner2": authz.Owner, "admin2": authz.Admin, "member2": authz.Member, "viewer2": authz.Viewer,
}

// endpoint is one request of the matrix, with the callers allowed to make it and the
// status they get. {org} is the org under test; {self} is the caller's email.
type endpoint struct {
	name    string
	method  string
	path    string
	body    any
	status  int // of an allowed call
	allowed []string
}

var (
	members     = []string{owner, admin, member, viewer}
	adminsUp    = []string{owner, admin}
	ownersOnly  = []string{owner}
	signedInAll = []string{owner, admin, member, viewer, outsider, otherOrg}
	everyone    = callers
)

func role(r string) map[string]string { return map[string]string{"role": r} }

var endpoints = []endpoint{
	{"healthz", "GET", "/healthz", nil, 200, everyone},
	{"readyz", "GET", "/readyz", nil, 200, everyone},
	{"metrics", "GET", "/metrics", nil, 200, everyone},
	{"oauth discovery", "GET", "/oauth/.well-known/openid-configuration", nil, 200, everyone},
	{"openapi", "GET", "/api/v1/openapi.json", nil, 200, everyone},
	{"auth config", "GET", "/api/v1/auth/config", nil, 200, everyone},
	{"me", "GET", "/api/v1/me", nil, 200, signedInAll},
	{"list orgs", "GET", "/api/v1/orgs", nil, 200, signedInAll},
	{"create org", "POST", "/api/v1/orgs", map[string]string{"name": "New", "slug": "{org}-new"}, 201, signedInAll},
	{"show org", "GET", "/api/v1/orgs/{org}", nil, 200, members},
	{"update org", "PATCH", "/api/v1/orgs/{org}", map[string]string{"description": "changed"}, 200, adminsUp},
	{"list members", "GET", "/api/v1/orgs/{org}/members", nil, 200, members},
	{"audit log", "GET", "/api/v1/orgs/{org}/audit", nil, 200, adminsUp},
	{"member to viewer", "PATCH", "/api/v1/orgs/{org}/members/member2@example.com", role("viewer"), 200, adminsUp},
	{"viewer to member", "PATCH", "/api/v1/orgs/{org}/members/viewer2@example.com", role("member"), 200, adminsUp},
	{"member to admin", "PATCH", "/api/v1/orgs/{org}/members/member2@example.com", role("admin"), 200, adminsUp},
	{"admin to member", "PATCH", "/api/v1/orgs/{org}/members/admin2@example.com", role("member"), 200, ownersOnly},
	{"member to owner", "PATCH", "/api/v1/orgs/{org}/members/member2@example.com", role("owner"), 200, ownersOnly},
	{"owner to admin", "PATCH", "/api/v1/orgs/{org}/members/owner2@example.com", role("admin"), 200, ownersOnly},
	{"own role", "PATCH", "/api/v1/orgs/{org}/members/{self}", role("viewer"), 200, nil},
	{"remove viewer", "DELETE", "/api/v1/orgs/{org}/members/viewer2@example.com", nil, 204, adminsUp},
	{"remove member", "DELETE", "/api/v1/orgs/{org}/members/member2@example.com", nil, 204, adminsUp},
	{"remove admin", "DELETE", "/api/v1/orgs/{org}/members/admin2@example.com", nil, 204, ownersOnly},
	{"remove owner", "DELETE", "/api/v1/orgs/{org}/members/owner2@example.com", nil, 204, ownersOnly},
	{"leave", "DELETE", "/api/v1/orgs/{org}/members/{self}", nil, 204, members},
}

// TestRoleActionMatrix walks every endpoint for every caller. Only the allowed cells are
// listed; every other cell must be denied: 401 for anonymous, 404 (the body of a slug never
// created) for a caller outside the org, 403 for a member whose role may not act. A denied
// cell changes nothing.
func TestRoleActionMatrix(t *testing.T) {
	for _, b := range backends() {
		t.Run(b.name, func(t *testing.T) {
			e := newEnv(t, b.open(t))
			e.org("elsewhere", otherOrg, nil)
			e.user(outsider)
			n := 0
			for _, ep := range endpoints {
				for _, caller := range callers {
					n++
					slug := fmt.Sprintf("m%d", n)
					t.Run(ep.name+"/"+caller, func(t *testing.T) {
						e.t = t
						checkCell(e, ep, caller, slug)
					})
				}
			}
		})
	}
}

func checkCell(e *env, ep endpoint, caller, slug string) {
	t := e.t
	org := e.org(slug, owner, roster)
	r := strings.NewReplacer("{org}", slug, "{self}", email(caller))
	path := r.Replace(ep.path)
	var body any = ep.body
	if m, ok := ep.body.(map[string]string); ok {
		c := map[string]string{}
		for k, v := range m {
			c[k] = r.Replace(v)
		}
		body = c
	}
	token := ""
	if caller != anonymous {
		token = e.token(caller)
	}
	before := e.state(org)
	status, got := e.do(ep.method, path, token, body)

	if slices.Contains(ep.allowed, caller) {
		if status != ep.status {
			t.Fatalf("%s %s as %s = %d %s, want %d", ep.method, path, caller, status, got, ep.status)
		}
		if ep.method != http.MethodGet && !strings.HasPrefix(ep.path, "/api/v1/orgs/{org}") {
			return
		}
		if after := e.state(org); ep.method != http.MethodGet && after == before {
			t.Errorf("%s %s as %s was allowed but changed nothing: %s", ep.method, path, caller, after)
		}
		return
	}
	var want int
	switch {
	case caller == anonymous:
		want = http.StatusUnauthorized
	case caller == outsider || caller == otherOrg:
		want = http.StatusNotFound
	default:
		want = http.StatusForbidden
	}
	if status != want {
		t.Fatalf("%s %s as %s = %d %s, want denied with %d", ep.method, path, caller, status, got, want)
	}
	if want == http.StatusNotFound {
		_, unknown := e.do(ep.method, strings.Replace(path, "/orgs/"+slug, "/orgs/never-created", 1), token, body)
		if wantBody := strings.ReplaceAll(unknown, "never-created", slug); got != wantBody {
			t.Errorf("404 body for %s differs from a slug never created:\n got %s\nwant %s", caller, got, wantBody)
		}
	}
	if after := e.state(org); after != before {
		t.Errorf("denied %s %s as %s changed the org:\nbefore %s\n after %s", ep.method, path, caller, before, after)
	}
}
