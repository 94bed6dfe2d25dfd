package httpapi_test

import (
	"context"
	"encoding/base64"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/clonit/clonit/internal/cloud/authz"
	"github.com/clonit/clonit/internal/cloud/identity/selftoken"
	"github.com/clonit/clonit/internal/cloud/identity/signing"
	"github.com/clonit/clonit/internal/errs"
)

// TestBadInput checks that each kind of bad request gets a clear answer, changes nothing,
// and never echoes a credential.
func TestBadInput(t *testing.T) {
	for _, b := range backends() {
		t.Run(b.name, func(t *testing.T) {
			e := newEnv(t, b.open(t))
			acme := e.org("acme", "ann", map[string]authz.Role{"bob": authz.Member})
			solo := e.org("solo", "ann", nil)
			ann := e.token("ann")
			expired := e.expiredToken("ann")
			tampered := tamper(t, e.token("mallory"))

			tests := []struct {
				name    string
				method  string
				path    string
				token   string
				body    any
				status  int
				code    string
				message string
			}{
				{"malformed slug", "POST", "/api/v1/orgs", ann, map[string]string{"name": "Acme", "slug": "Acme_Data!"}, 400, "invalid",
					`invalid slug "Acme_Data!": use 1-40 lowercase letters, digits and hyphens, starting and ending with a letter or digit, such as "acme-data"`},
				{"slug starting with a hyphen", "POST", "/api/v1/orgs", ann, map[string]string{"name": "Acme", "slug": "-acme"}, 400, "invalid",
					`invalid slug "-acme": use 1-40 lowercase letters, digits and hyphens, starting and ending with a letter or digit, such as "acme-data"`},
				{"slug too long", "POST", "/api/v1/orgs", ann, map[string]string{"name": "Acme", "slug": strings.Repeat("a", 41)}, 400, "invalid",
					`invalid slug "` + strings.Repeat("a", 41) + `": use 1-40 lowercase letters, digits and hyphens, starting and ending with a letter or digit, such as "acme-data"`},
				{"no slug", "POST", "/api/v1/orgs", ann, map[string]string{"name": "Acme"}, 400, "invalid",
					`the slug is required: 1-40 lowercase letters, digits and hyphens, such as "acme-data"`},
				{"no name", "POST", "/api/v1/orgs", ann, map[string]string{"name": "  ", "slug": "fine"}, 400, "invalid", "the name is required"},
				{"taken slug", "POST", "/api/v1/orgs", ann, map[string]string{"name": "Acme", "slug": "acme"}, 409, "conflict",
					`the slug "acme" is taken: choose another`},
				{"unknown field", "POST", "/api/v1/orgs", ann, map[string]string{"name": "Acme", "slug": "x", "plan": "enterprise"}, 400, "invalid",
					`the request body is not valid JSON for this request: json: unknown field "plan"`},
				{"unknown member by email", "PATCH", "/api/v1/orgs/acme/members/ghost@example.com", ann, role("viewer"), 404, "not_found",
					"\"ghost@example.com\" is not a member of acme: list the members with `clonit cloud members list`"},
				{"unknown member by id", "DELETE", "/api/v1/orgs/acme/members/u-nobody", ann, nil, 404, "not_found",
					"\"u-nobody\" is not a member of acme: list the members with `clonit cloud members list`"},
				{"unknown role", "PATCH", "/api/v1/orgs/acme/members/bob@example.com", ann, role("king"), 400, "invalid",
					`unknown role "king": use owner, admin, member or viewer`},
				{"website not a URL", "PATCH", "/api/v1/orgs/acme", ann, map[string]string{"website": "ftp://acme"}, 400, "invalid",
					`the website must start with https:// or http://, such as "https://acme.example"`},
				{"audit limit out of range", "GET", "/api/v1/orgs/acme/audit?limit=0", ann, nil, 400, "invalid", "limit must be between 1 and 500"},
				{"unknown org", "GET", "/api/v1/orgs/nope/members", ann, nil, 404, "not_found",
					"organization \"nope\" not found: check the slug, or list yours with `clonit cloud org list`"},
				{"last owner leaves", "DELETE", "/api/v1/orgs/solo/members/ann@example.com", ann, nil, 409, "conflict",
					"an organization must keep at least one owner: transfer ownership or make another member owner first"},
				{"expired token", "PATCH", "/api/v1/orgs/acme", expired, map[string]string{"name": "Hacked"}, 401, "unauthenticated",
					"token expired, sign in again with `clonit login`"},
				{"tampered token", "GET", "/api/v1/orgs/acme", tampered, nil, 401, "unauthenticated",
					"invalid token, sign in again with `clonit login`"},
				{"garbage token", "GET", "/api/v1/me", "not-a-token", nil, 401, "unauthenticated",
					"invalid token, sign in again with `clonit login`"},
				{"no credential", "POST", "/api/v1/orgs", "", map[string]string{"name": "Acme", "slug": "anon"}, 401, "unauthenticated",
					"sign in first: run `clonit login`, or send an access token as \"Authorization: Bearer <token>\""},
				{"unknown route", "GET", "/api/v1/nothing", ann, nil, 404, "not_found",
					"no API route GET /api/v1/nothing: the API is described at /api/v1/openapi.json"},
			}
			for _, tt := range tests {
				t.Run(tt.name, func(t *testing.T) {
					e.t = t
					before := e.state(acme) + e.state(solo) + e.orgsOf("ann")
					status, body := e.do(tt.method, tt.path, tt.token, tt.body)
					if want := errorBody(tt.status, tt.code, tt.message); status != tt.status || body != want {
						t.Errorf("%s %s = %d %s\nwant %d %s", tt.method, tt.path, status, body, tt.status, want)
					}
					if after := e.state(acme) + e.state(solo) + e.orgsOf("ann"); after != before {
						t.Errorf("the request changed state:\nbefore %s\n after %s", before, after)
					}
					if tt.token != "" && len(tt.token) > 20 && strings.Contains(body, tt.token[len(tt.token)-20:]) {
						t.Errorf("the answer echoes the credential: %s", body)
					}
				})
			}
			if _, err := e.st.UserByEmail(context.Background(), email("mallory")); !errors.Is(err, errs.ErrNotFound) {
				t.Errorf("a tampered token stored its user: err = %v", err)
			}
		})
	}
}

// expiredToken mints a token for name that expired an hour ago, with the cloud's real key.
func (e *env) expiredToken(name string) string {
	e.t.Helper()
	key, err := signing.Load(context.Background(), e.st)
	if err != nil {
		e.t.Fatal(err)
	}
	past, err := selftoken.New(key, selftoken.Config{SelfIssuer: selfIssuer, Now: func() time.Time { return time.Now().Add(-2 * time.Hour) }})
	if err != nil {
		e.t.Fatal(err)
	}
	tok, err := past.Issue(identityOf(name), time.Hour)
	if err != nil {
		e.t.Fatal(err)
	}
	return tok
}

// tamper rewrites a signed token's claims (the email) and keeps its signature.
func tamper(t *testing.T, token string) string {
	parts := strings.Split(token, ".")
	payload, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil {
		t.Fatal(err)
	}
	forged := strings.Replace(string(payload), "mallory@example.com", "ann@example.com", 1)
	if forged == string(payload) {
		t.Fatalf("token payload has no email to forge: %s", payload)
	}
	parts[1] = base64.RawURLEncoding.EncodeToString([]byte(forged))
	return strings.Join(parts, ".")
}

// orgsOf lists the slugs of name's orgs.
func (e *env) orgsOf(name string) string {
	e.t.Helper()
	ors, err := e.st.OrgsOfUser(context.Background(), e.user(name).ID)
	if err != nil {
		e.t.Fatal(err)
	}
	var s []string
	for _, o := range ors {
		s = append(s, o.Org.Slug+"="+o.Role.String())
	}
	return strings.Join(s, ",")
}
