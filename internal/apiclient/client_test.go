package apiclient_test

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/clonit/clonit/internal/api"
	"github.com/clonit/clonit/internal/apiclient"
	"github.com/clonit/clonit/internal/errs"
	"github.com/clonit/clonit/internal/version"
)

// recorded is one request the fake cloud saw.
type recorded struct {
	Method, Path, Query, Body, Auth, UserAgent string
}

// fakeCloud answers every request with status and body, recording what it saw.
func fakeCloud(t *testing.T, status int, body string) (*httptest.Server, *[]recorded) {
	t.Helper()
	var mu sync.Mutex
	var seen []recorded
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		mu.Lock()
		seen = append(seen, recorded{r.Method, r.URL.Path, r.URL.RawQuery, string(b), r.Header.Get("Authorization"), r.Header.Get("User-Agent")})
		mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		io.WriteString(w, body)
	}))
	t.Cleanup(srv.Close)
	return srv, &seen
}

func TestRoutes(t *testing.T) {
	ctx := context.Background()
	cases := []struct {
		name   string
		call   func(*apiclient.Client) error
		answer string
		want   recorded
	}{
		{"auth config", func(c *apiclient.Client) error { _, err := c.AuthConfig(ctx); return err }, `{}`,
			recorded{Method: "GET", Path: "/api/v1/auth/config"}},
		{"me", func(c *apiclient.Client) error { _, err := c.Me(ctx); return err }, `{}`,
			recorded{Method: "GET", Path: "/api/v1/me"}},
		{"orgs", func(c *apiclient.Client) error { _, err := c.Orgs(ctx); return err }, `[]`,
			recorded{Method: "GET", Path: "/api/v1/orgs"}},
		{"create org", func(c *apiclient.Client) error {
			_, err := c.CreateOrg(ctx, api.CreateOrgRequest{Name: "Acme", Slug: "acme"})
			return err
		}, `{}`, recorded{Method: "POST", Path: "/api/v1/orgs", Body: `{"name":"Acme","slug":"acme"}`}},
		{"org", func(c *apiclient.Client) error { _, err := c.Org(ctx, "acme"); return err }, `{}`,
			recorded{Method: "GET", Path: "/api/v1/orgs/acme"}},
		{"update org", func(c *apiclient.Client) error {
			site := "https://acme.example"
			_, err := c.UpdateOrg(ctx, "acme", api.UpdateOrgRequest{Website: &site})
			return err
		}, `{}`, recorded{Method: "PATCH", Path: "/api/v1/orgs/acme", Body: `{"website":"https://acme.example"}`}},
		{"members", func(c *apiclient.Client) error { _, err := c.Members(ctx, "acme"); return err }, `[]`,
			recorded{Method: "GET", Path: "/api/v1/orgs/acme/members"}},
		{"set role", func(c *apiclient.Client) error {
			_, err := c.SetRole(ctx, "acme", "ada@example.com", "admin")
			return err
		}, `{}`,
			recorded{Method: "PATCH", Path: "/api/v1/orgs/acme/members/ada@example.com", Body: `{"role":"admin"}`}},
		{"remove member", func(c *apiclient.Client) error { return c.RemoveMember(ctx, "acme", "ada@example.com") }, ``,
			recorded{Method: "DELETE", Path: "/api/v1/orgs/acme/members/ada@example.com"}},
		{"audit first page", func(c *apiclient.Client) error { _, err := c.Audit(ctx, "acme", 0, 0); return err }, `{}`,
			recorded{Method: "GET", Path: "/api/v1/orgs/acme/audit"}},
		{"audit older page", func(c *apiclient.Client) error { _, err := c.Audit(ctx, "acme", 42, 10); return err }, `{}`,
			recorded{Method: "GET", Path: "/api/v1/orgs/acme/audit", Query: "before=42&limit=10"}},
		{"healthz", func(c *apiclient.Client) error { return c.Health(ctx) }, `{}`,
			recorded{Method: "GET", Path: "/healthz"}},
		{"readyz", func(c *apiclient.Client) error { return c.Ready(ctx) }, `{}`,
			recorded{Method: "GET", Path: "/readyz"}},
		{"openapi", func(c *apiclient.Client) error { _, err := c.OpenAPI(ctx); return err }, `{"openapi":"3.1.0"}`,
			recorded{Method: "GET", Path: "/api/v1/openapi.json"}},
		{"metrics", func(c *apiclient.Client) error { _, err := c.Metrics(ctx); return err }, `up 1`,
			recorded{Method: "GET", Path: "/metrics"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			status := http.StatusOK
			if tc.answer == "" {
				status = http.StatusNoContent
			}
			srv, seen := fakeCloud(t, status, tc.answer)
			c, err := apiclient.New(srv.URL+"/", apiclient.Token("tok-1"))
			if err != nil {
				t.Fatal(err)
			}
			if err := tc.call(c); err != nil {
				t.Fatalf("call: %v", err)
			}
			want := tc.want
			want.Auth, want.UserAgent = "Bearer tok-1", "clonit/"+version.Version
			if len(*seen) != 1 || (*seen)[0] != want {
				t.Errorf("requests = %+v, want [%+v]", *seen, want)
			}
		})
	}
}

func TestDecodesAnswers(t *testing.T) {
	srv, _ := fakeCloud(t, http.StatusOK, `{"user":{"id":"u1","email":"ada@example.com","name":"Ada","groups":["eng"]},"credential":"session","orgs":[{"slug":"acme","name":"Acme","plan":"free","role":"owner"}]}`)
	c, _ := apiclient.New(srv.URL, apiclient.Token("t"))
	me, err := c.Me(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	got, _ := json.Marshal(me)
	want := `{"user":{"id":"u1","email":"ada@example.com","name":"Ada","groups":["eng"]},"credential":"session","orgs":[{"slug":"acme","name":"Acme","plan":"free","role":"owner"}]}`
	if string(got) != want {
		t.Errorf("me = %s, want %s", got, want)
	}
}

func TestErrors(t *testing.T) {
	cases := []struct {
		name    string
		status  int
		body    string
		cred    apiclient.Credential
		kind    error
		message string
	}{
		{"not found", 404, `{"status":404,"code":"not_found","message":"org \"nope\" not found"}`, apiclient.Token("t"),
			errs.ErrNotFound, `org "nope" not found`},
		{"forbidden", 403, `{"status":403,"code":"forbidden","message":"only owners assign or revoke the owner role"}`, apiclient.Token("t"),
			errs.ErrPermission, "only owners assign or revoke the owner role"},
		{"conflict", 409, `{"status":409,"code":"conflict","message":"slug \"acme\" is taken"}`, apiclient.Token("t"),
			errs.ErrConflict, `slug "acme" is taken`},
		{"invalid", 400, `{"status":400,"code":"invalid","message":"slug must match [a-z0-9-]"}`, apiclient.Token("t"),
			errs.ErrInvalid, "slug must match [a-z0-9-]"},
		{"rate limited", 429, `{"status":429,"code":"rate_limited","message":"slow down"}`, apiclient.Token("t"),
			errs.ErrRateLimited, "slow down"},
		{"unavailable", 503, `{"status":503,"code":"unavailable","message":"database unreachable"}`, apiclient.Token("t"),
			errs.ErrUnavailable, "database unreachable"},
		{"token refused", 401, `{"status":401,"code":"unauthenticated","message":"token expired"}`, apiclient.Token("t"),
			errs.ErrUnauthenticated, "token expired (check CLONIT_CLOUD__TOKEN: it may have expired)"},
		{"api key refused", 401, `{"status":401,"code":"unauthenticated","message":"unknown API key"}`, apiclient.APIKey("k"),
			errs.ErrUnauthenticated, "unknown API key (check cloud.api_key or CLONIT_CLOUD__API_KEY)"},
		{"anonymous refused", 401, `{"status":401,"code":"unauthenticated","message":"sign in first"}`, nil,
			errs.ErrUnauthenticated, "sign in first"},
		{"internal", 500, `{"status":500,"code":"internal","message":"internal error"}`, apiclient.Token("t"),
			nil, "internal error"},
		{"not json", 502, `<html>bad gateway</html>`, apiclient.Token("t"),
			errs.ErrUnavailable, "Clonit Cloud answered 502 Bad Gateway"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			srv, _ := fakeCloud(t, tc.status, tc.body)
			c, _ := apiclient.New(srv.URL, tc.cred)
			_, err := c.Orgs(context.Background())
			if err == nil {
				t.Fatal("no error")
			}
			if got := err.Error(); got != tc.message {
				t.Errorf("message = %q, want %q", got, tc.message)
			}
			if errs.KindOf(err) != tc.kind {
				t.Errorf("kind = %v, want %v", errs.KindOf(err), tc.kind)
			}
		})
	}
}

func TestUnreachable(t *testing.T) {
	srv, _ := fakeCloud(t, 200, "{}")
	srv.Close()
	c, _ := apiclient.New(srv.URL, apiclient.Token("secret-token"))
	_, err := c.Me(context.Background())
	want := "cannot reach Clonit Cloud at " + srv.URL + ": check cloud.url and that the server is running"
	if !errors.Is(err, errs.ErrUnavailable) || errs.Public(err, "") != want {
		t.Fatalf("err = %v, want kind unavailable and message %q", err, want)
	}
	if strings.Contains(err.Error(), "secret-token") {
		t.Errorf("error leaks the token: %v", err)
	}
}

func TestNewRejectsBadURL(t *testing.T) {
	for _, u := range []string{"", "ftp://x", "localhost:8080", "http://"} {
		_, err := apiclient.New(u, nil)
		want := `cloud URL "` + u + `" is not an http:// or https:// URL: fix cloud.url in the config or CLONIT_CLOUD__URL`
		if !errors.Is(err, errs.ErrInvalid) || err.Error() != want {
			t.Errorf("New(%q) = %v, want %q", u, err, want)
		}
	}
}
