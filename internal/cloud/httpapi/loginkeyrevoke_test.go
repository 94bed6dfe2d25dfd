package httpapi_test

import (
	"strings"
	"testing"

	"github.com/clonit/clonit/internal/api"
)

// TestRevokeLoginKey gives a login key back, as `clonit logout` does: only the caller's own
// login key in the org is revoked, and revoking it again is not an error.
func TestRevokeLoginKey(t *testing.T) {
	for _, b := range backends() {
		t.Run(b.name, func(t *testing.T) {
			e := newEnv(t, b.open(t))
			e.org("acme", owner, roster)
			e.org("beta", member, nil)
			mine := e.loginKey("acme", member)
			admins := e.loginKey("acme", admin)
			other := e.loginKey("beta", member)
			orgKey := e.createKey("acme", admin, api.CreateAPIKeyRequest{Name: "ci", Permissions: []string{"pull"}}).Key
			notYours := errorBody(404, "not_found", "this is not your login key in acme: list the org's keys with `clonit cloud keys list`")
			revoke := func(by, key string) (int, string) {
				return e.do("POST", "/api/v1/orgs/acme/keys/login/revoke", by, api.RevokeLoginKeyRequest{Key: key})
			}
			steps := []struct {
				name   string
				by     string
				key    string
				status int
				body   string
			}{
				{"another person's login key", e.token(member), admins, 404, notYours},
				{"one's login key of another org", e.token(member), other, 404, notYours},
				{"an org key", e.token(admin), orgKey, 404, notYours},
				{"not a key", e.token(member), "hunter2", 400,
					errorBody(400, "invalid", "key must be the secret of an API key (clonit_...)")},
				{"with the key itself", mine, mine, 403,
					errorBody(403, "forbidden", "API keys only read, register their machine, and push or pull snapshots: sign in with `clonit login` to make this change")},
				{"one's own login key", e.token(member), mine, 204, ""},
				{"again", e.token(member), mine, 204, ""},
			}
			for _, s := range steps {
				if status, body := revoke(s.by, s.key); status != s.status || body != s.body {
					t.Errorf("%s: %d %s\nwant %d %s", s.name, status, body, s.status, s.body)
				}
			}
			for key, want := range map[string]int{mine: 401, admins: 200, other: 200, orgKey: 200} {
				if status, _ := e.do("GET", "/api/v1/me", key, nil); status != want {
					t.Errorf("GET /me with %s...: %d, want %d", key[:11], status, want)
				}
			}
			_, audit := e.do("GET", "/api/v1/orgs/acme/audit", e.token(owner), nil)
			if n := strings.Count(audit, `"action":"apikey.revoke"`); n != 1 {
				t.Errorf("%d apikey.revoke events, want 1:\n%s", n, audit)
			}
		})
	}
}
