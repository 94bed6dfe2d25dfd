package httpapi_test

import (
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/clonit/clonit/internal/cloud/authz"
)

// The join code, transfer and leave endpoints that need no setup join the matrix of
// TestRoleActionMatrix.
func init() {
	endpoints = append(endpoints,
		endpoint{"list invites", "GET", "/api/v1/orgs/{org}/invites", nil, 200, adminsUp},
		endpoint{"create member codes", "POST", "/api/v1/orgs/{org}/invites", map[string]any{"role": "member", "count": 3}, 201, adminsUp},
		endpoint{"create a viewer code", "POST", "/api/v1/orgs/{org}/invites", map[string]string{"role": "viewer"}, 201, adminsUp},
		endpoint{"create an admin code", "POST", "/api/v1/orgs/{org}/invites", map[string]string{"role": "admin"}, 201, ownersOnly},
		endpoint{"transfer ownership", "POST", "/api/v1/orgs/{org}/transfer",
			map[string]string{"to": "admin2@example.com", "confirm_org": "{org}", "confirm_member": "admin2@example.com"}, 200, ownersOnly},
		endpoint{"leave the org", "POST", "/api/v1/orgs/{org}/leave", nil, 204, members},
	)
}

// codeEndpoint is a matrix endpoint that needs the org's codes: {member-code} and
// {admin-code} are the ids of a live member code and a live admin code of the org under
// test, and the body may hold {org}. Members who are denied get memberStatus (403 unless
// set).
type codeEndpoint struct {
	endpoint
	memberStatus int
}

// The digits of the codes every cell of TestJoinCodeMatrix plants.
const (
	memberDigits = "12345678"
	adminDigits  = "87654321"
	otherDigits  = "11223344" // a live code of the caller's other org
)

var codeEndpoints = []codeEndpoint{
	{endpoint{"revoke a member code", "DELETE", "/api/v1/orgs/{org}/invites/{member-code}", nil, 204, adminsUp}, 0},
	{endpoint{"revoke the admin code", "DELETE", "/api/v1/orgs/{org}/invites/{admin-code}", nil, 204, ownersOnly}, 0},
	// Redeeming needs no membership: outsiders are the ones allowed; members are told they
	// are members already.
	{endpoint{"join with a member code", "POST", "/api/v1/join", map[string]string{"org": "{org}", "code": "1234-5678"}, 200,
		[]string{outsider, otherOrg}}, http.StatusConflict},
	{endpoint{"join with the admin code", "POST", "/api/v1/join", map[string]string{"org": "{org}", "code": "8765-4321"}, 200,
		[]string{outsider, otherOrg}}, http.StatusConflict},
	{endpoint{"join with a code of another org", "POST", "/api/v1/join", map[string]string{"org": "{org}", "code": "1122-3344"}, 200,
		nil}, http.StatusConflict},
}

// TestJoinCodeMatrix walks the endpoints that act on a code for every caller, as
// TestRoleActionMatrix does: only the allowed cells are listed, every other is denied (404
// with the body of an org never created for a caller outside the org, 401 for anonymous),
// and a denied cell changes nothing.
func TestJoinCodeMatrix(t *testing.T) {
	for _, b := range backends() {
		t.Run(b.name, func(t *testing.T) {
			e := newEnv(t, b.open(t))
			elsewhere := e.org("elsewhere", otherOrg, nil)
			e.plantCode(elsewhere, e.user(otherOrg), otherDigits, authz.Member, time.Now())
			e.user(outsider)
			n := 0
			for _, ep := range codeEndpoints {
				for _, caller := range callers {
					n++
					slug := fmt.Sprintf("c%d", n)
					t.Run(ep.name+"/"+caller, func(t *testing.T) {
						e.t = t
						checkCodeCell(e, ep, caller, slug)
					})
				}
			}
		})
	}
}

func checkCodeCell(e *env, ep codeEndpoint, caller, slug string) {
	t := e.t
	org := e.org(slug, owner, roster)
	creator := e.user(owner)
	mc := e.plantCode(org, creator, memberDigits, authz.Member, time.Now())
	ac := e.plantCode(org, creator, adminDigits, authz.Admin, time.Now())
	r := strings.NewReplacer("{org}", slug, "{member-code}", mc.ID, "{admin-code}", ac.ID)
	path := r.Replace(ep.path)
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
	token := ""
	if caller != anonymous {
		token = e.token(caller)
	}
	before := e.state(org)
	status, got := e.do(ep.method, path, token, body(r))

	if slices.Contains(ep.allowed, caller) {
		if status != ep.status {
			t.Fatalf("%s %s as %s = %d %s, want %d", ep.method, path, caller, status, got, ep.status)
		}
		if after := e.state(org); after == before {
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
	case ep.memberStatus != 0:
		want = ep.memberStatus
	default:
		want = http.StatusForbidden
	}
	if status != want {
		t.Fatalf("%s %s as %s = %d %s, want denied with %d", ep.method, path, caller, status, got, want)
	}
	if want == http.StatusNotFound {
		never := strings.NewReplacer("{org}", "never-created", "{member-code}", mc.ID, "{admin-code}", ac.ID)
		_, unknown := e.do(ep.method, never.Replace(ep.path), token, body(never))
		if wantBody := strings.ReplaceAll(unknown, "never-created", slug); got != wantBody {
			t.Errorf("404 body for %s differs from an org never created:\n got %s\nwant %s", caller, got, wantBody)
		}
	}
	if after := e.state(org); !sameExceptFailures(before, after) {
		t.Errorf("denied %s %s as %s changed the org:\nbefore %s\n after %s", ep.method, path, caller, before, after)
	}
}

// sameExceptFailures compares two e.state snapshots, ignoring the audit events that a
// failed redemption adds by design.
func sameExceptFailures(before, after string) bool {
	return strings.ReplaceAll(after, "invite.redeem_failed:- ", "") == before
}
