package httpapi_test

import (
	"context"
	"encoding/json"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/clonit/clonit/internal/api"
	"github.com/clonit/clonit/internal/cloud"
	"github.com/clonit/clonit/internal/cloud/authz"
	"github.com/clonit/clonit/internal/cloud/identity/apikey"
)

// invalidKey is the one answer to a key that is malformed, fails its checksum or is unknown.
var invalidKey = errorBody(401, "unauthenticated", "invalid API key: check the key you set in cloud.api_key or CLONIT_CLOUD__API_KEY, or create a new one with `clonit cloud keys create`")

// createKey creates a key through the API as the person called by and returns the answer.
func (e *env) createKey(slug, by string, req api.CreateAPIKeyRequest) api.CreatedAPIKey {
	e.t.Helper()
	status, body := e.do("POST", "/api/v1/orgs/"+slug+"/keys", e.token(by), req)
	if status != http.StatusCreated {
		e.t.Fatalf("create key: %d %s", status, body)
	}
	var out api.CreatedAPIKey
	if err := json.Unmarshal([]byte(body), &out); err != nil {
		e.t.Fatal(err)
	}
	return out
}

func TestKeyLifecycle(t *testing.T) {
	for _, b := range backends() {
		t.Run(b.name, func(t *testing.T) {
			e := newEnv(t, b.open(t))
			e.org("acme", owner, roster)
			k := e.createKey("acme", admin, api.CreateAPIKeyRequest{Name: "ci", Permissions: []string{"pull"}})

			t.Run("the secret is shown once, in the recognizable format", func(t *testing.T) {
				if apikey.Check(k.Key) != nil || !strings.HasPrefix(k.Key, "clonit_") || k.Hint != k.Key[:11] {
					t.Errorf("created key %q (hint %q) is not a well-formed key", k.Key, k.Hint)
				}
				want := api.APIKey{ID: k.ID, Name: "ci", Kind: "org", Hint: k.Hint, Permissions: []string{"pull"},
					CreatedBy: email(admin), CreatedAt: k.CreatedAt}
				if !reflectEqualJSON(t, k.APIKey, want) {
					t.Errorf("created key = %+v, want %+v", k.APIKey, want)
				}
				_, list := e.do("GET", "/api/v1/orgs/acme/keys", e.token(owner), nil)
				if strings.Contains(list, k.Key) || strings.Contains(list, apikey.Hash(k.Key)) || !strings.Contains(list, k.ID) {
					t.Errorf("the key list shows the secret or its hash, or misses the key: %s", list)
				}
			})

			t.Run("the key acts as the org's machine", func(t *testing.T) {
				status, body := e.do("GET", "/api/v1/me", k.Key, nil)
				want := `{"user":{"id":"","email":"","name":"","groups":[]},"credential":"apikey:` + k.ID +
					`","orgs":[{"slug":"acme","name":"Org acme","plan":"free","role":"member"}],"key":{"id":"` + k.ID +
					`","name":"ci","kind":"org","org":"acme","permissions":["pull"]}}`
				if status != 200 || body != want {
					t.Errorf("GET /me with the key = %d %s\nwant %s", status, body, want)
				}
				status, _ = e.do("POST", "/api/v1/orgs/acme/agents", k.Key, map[string]string{"name": "runner"})
				if status != http.StatusCreated {
					t.Fatalf("register with the key: %d", status)
				}
				evs, _ := e.st.AuditEvents(context.Background(), e.orgID("acme"), cloud.AuditFilter{Limit: 1})
				if len(evs) != 1 || evs[0].Credential != "apikey:"+k.ID || evs[0].ActorID != "" || evs[0].Action != "agent.register" {
					t.Errorf("audit of the key's change = %+v, want agent.register by apikey:%s", evs, k.ID)
				}
			})

			t.Run("malformed, mistyped and unknown keys get the same 401", func(t *testing.T) {
				typo := []byte(k.Key)
				typo[12] ^= 1
				for name, bearer := range map[string]string{
					"malformed":      "clonit_not-a-key",
					"wrong checksum": string(typo),
					"unknown":        apikey.New(),
					"truncated":      k.Key[:len(k.Key)-1],
				} {
					status, body := e.do("GET", "/api/v1/orgs/acme", bearer, nil)
					if status != 401 || body != invalidKey {
						t.Errorf("%s key: %d %s, want 401 %s", name, status, body, invalidKey)
					}
				}
			})

			t.Run("a revoked key fails on its next request", func(t *testing.T) {
				status, _ := e.do("DELETE", "/api/v1/orgs/acme/keys/"+k.ID, e.token(owner), nil)
				if status != 204 {
					t.Fatalf("revoke: %d", status)
				}
				status, body := e.do("GET", "/api/v1/orgs/acme", k.Key, nil)
				if status != 401 || !revokedBody.MatchString(body) {
					t.Errorf("revoked key: %d %s", status, body)
				}
				status, body = e.do("DELETE", "/api/v1/orgs/acme/keys/"+k.ID, e.token(owner), nil)
				if want := errorBody(404, "not_found", `no API key "`+k.ID+"\" in acme: list the keys with `clonit cloud keys list`"); status != 404 || body != want {
					t.Errorf("revoke again: %d %s, want %s", status, body, want)
				}
			})

			t.Run("an expired key fails", func(t *testing.T) {
				secret, _ := e.plantKey(e.orgOf("acme"), "short", "", authz.Pull)
				expired := e.expire(secret)
				status, body := e.do("GET", "/api/v1/orgs/acme", expired, nil)
				if status != 401 || !expiredBody.MatchString(body) {
					t.Errorf("expired key: %d %s", status, body)
				}
			})

			t.Run("expiry must be in the future", func(t *testing.T) {
				past := time.Now().Add(-time.Hour)
				status, body := e.do("POST", "/api/v1/orgs/acme/keys", e.token(owner), api.CreateAPIKeyRequest{Name: "old", ExpiresAt: &past})
				if status != 400 || !strings.Contains(body, "is not in the future") {
					t.Errorf("past expiry: %d %s", status, body)
				}
				status, body = e.do("POST", "/api/v1/orgs/acme/keys", e.token(owner), api.CreateAPIKeyRequest{Name: "x", Permissions: []string{"delete"}})
				if want := errorBody(400, "invalid", `unknown permission "delete": use push, pull or both`); status != 400 || body != want {
					t.Errorf("unknown permission: %d %s, want %s", status, body, want)
				}
			})
		})
	}
}

var (
	revokedBody = regexp.MustCompile(`^\{"status":401,"code":"unauthenticated","message":"the API key \\"ci\\" was revoked on \d{4}-\d\d-\d\d \d\d:\d\d UTC: create a new one with ` + "`clonit cloud keys create`" + `, or sign in with ` + "`clonit login`" + `"\}$`)
	expiredBody = regexp.MustCompile(`^\{"status":401,"code":"unauthenticated","message":"the API key \\"short\\" expired on \d{4}-\d\d-\d\d \d\d:\d\d UTC: create a new one with ` + "`clonit cloud keys create`" + `"\}$`)
)

func TestPerUserKeysFollowTheirPerson(t *testing.T) {
	for _, b := range backends() {
		t.Run(b.name, func(t *testing.T) {
			e, _ := newMachineEnv(t, b.open(t))
			acme := e.org("acme", owner, roster)
			status, body := e.do("POST", "/api/v1/orgs/acme/keys/login", e.token(admin), nil)
			var login api.CreatedAPIKey
			if status != 201 || json.Unmarshal([]byte(body), &login) != nil || login.Kind != "user" || !login.Login || login.User != email(admin) {
				t.Fatalf("login key: %d %s", status, body)
			}
			gone := errorBody(401, "unauthenticated", `the API key "clonit login" belongs to a person who is no longer a member of acme: ask an admin of the organization for a new key`)
			steps := []struct {
				name   string
				change func()
				method string
				path   string
				status int
				body   string
			}{
				{"an admin's key acts as a member: it pushes", nil, "POST", "/api/v1/orgs/acme/test/push", 204, ""},
				{"but it cannot do what only admins do", nil, "GET", "/api/v1/orgs/acme/keys", 403,
					errorBody(403, "forbidden", "this API key acts as a member of acme, which cannot create or revoke API keys: API keys act with member-level access at most; sign in with `clonit login` to act as yourself")},
				{"demoted to viewer, the key can no longer push", func() { e.setRole(acme, admin, authz.Viewer) }, "POST", "/api/v1/orgs/acme/test/push", 403,
					errorBody(403, "forbidden", "this API key acts as a viewer of acme, which cannot push snapshots: API keys act with member-level access at most; sign in with `clonit login` to act as yourself")},
				{"but it still pulls", nil, "GET", "/api/v1/orgs/acme/test/pull", 204, ""},
				{"removed, the key stops working", func() { e.remove(acme, admin) }, "GET", "/api/v1/orgs/acme", 401, gone},
				{"back in the org, the old key stays dead", func() { e.add(acme, admin, authz.Admin) }, "GET", "/api/v1/orgs/acme", 401, gone},
			}
			for _, s := range steps {
				if s.change != nil {
					s.change()
				}
				status, body := e.do(s.method, s.path, login.Key, nil)
				if status != s.status || (s.body != "" && body != s.body) {
					t.Errorf("%s: %d %s\nwant %d %s", s.name, status, body, s.status, s.body)
				}
			}

			t.Run("the next login rotates the key", func(t *testing.T) {
				first := e.loginKey("acme", member)
				second := e.loginKey("acme", member)
				if status, _ := e.do("GET", "/api/v1/orgs/acme", first, nil); status != 401 {
					t.Errorf("the rotated-out login key answered %d, want 401", status)
				}
				if status, _ := e.do("GET", "/api/v1/orgs/acme", second, nil); status != 200 {
					t.Errorf("the new login key answered %d, want 200", status)
				}
			})

			t.Run("a key cannot be used with another org, even its person's", func(t *testing.T) {
				e.org("beta", member, nil)
				key := e.loginKey("acme", member)
				status, body := e.do("GET", "/api/v1/orgs/beta", key, nil)
				if want := errorBody(404, "not_found", "organization \"beta\" not found: check the slug, or list yours with `clonit cloud org list`"); status != 404 || body != want {
					t.Errorf("GET beta with an acme key: %d %s, want %s", status, body, want)
				}
				_, orgs := e.do("GET", "/api/v1/orgs", key, nil)
				if orgs != `[{"slug":"acme","name":"Org acme","plan":"free","role":"member"}]` {
					t.Errorf("orgs of an acme key = %s", orgs)
				}
			})
		})
	}
}

// loginKey provisions name's login key of org slug and returns its secret.
func (e *env) loginKey(slug, name string) string {
	e.t.Helper()
	status, body := e.do("POST", "/api/v1/orgs/"+slug+"/keys/login", e.token(name), nil)
	var k api.CreatedAPIKey
	if status != 201 || json.Unmarshal([]byte(body), &k) != nil {
		e.t.Fatalf("login key of %s: %d %s", name, status, body)
	}
	return k.Key
}

// expire plants a copy of the key secret's row that expired a second ago and returns the
// copy's secret.
func (e *env) expire(secret string) string {
	e.t.Helper()
	ctx := context.Background()
	k, err := e.st.APIKeyByHash(ctx, apikey.Hash(secret))
	if err != nil {
		e.t.Fatal(err)
	}
	other := apikey.New()
	k.Hash, k.Hint, k.CreatedAt, k.ExpiresAt = apikey.Hash(other), apikey.Hint(other), time.Now().Add(-time.Hour), time.Now().Add(-time.Second)
	if err := e.st.CreateAPIKey(ctx, &k); err != nil {
		e.t.Fatal(err)
	}
	return other
}

func (e *env) orgOf(slug string) cloud.Org {
	e.t.Helper()
	o, err := e.st.OrgBySlug(context.Background(), slug)
	if err != nil {
		e.t.Fatal(err)
	}
	return o
}

func (e *env) orgID(slug string) string { return e.orgOf(slug).ID }

func (e *env) setRole(o cloud.Org, name string, r authz.Role) {
	e.t.Helper()
	if err := e.st.SetRole(context.Background(), o.ID, e.user(name).ID, r); err != nil {
		e.t.Fatal(err)
	}
}

func (e *env) remove(o cloud.Org, name string) {
	e.t.Helper()
	if err := e.st.RemoveMember(context.Background(), o.ID, e.user(name).ID); err != nil {
		e.t.Fatal(err)
	}
}

func (e *env) add(o cloud.Org, name string, r authz.Role) {
	e.t.Helper()
	if err := e.st.AddMember(context.Background(), o.ID, e.user(name).ID, r); err != nil {
		e.t.Fatal(err)
	}
}

// reflectEqualJSON compares a and b by their JSON.
func reflectEqualJSON(t *testing.T, a, b any) bool {
	t.Helper()
	x, err := json.Marshal(a)
	if err != nil {
		t.Fatal(err)
	}
	y, _ := json.Marshal(b)
	return string(x) == string(y)
}
