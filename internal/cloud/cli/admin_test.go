package cli

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/clonit/clonit/internal/api"
	"github.com/clonit/clonit/internal/cloud"
	"github.com/clonit/clonit/internal/cloud/identity"
	"github.com/clonit/clonit/internal/cloud/identity/selftoken"
	"github.com/clonit/clonit/internal/cloud/identity/signing"
	"github.com/clonit/clonit/internal/cloud/server"
	"github.com/clonit/clonit/internal/cloud/store/sqlite"
	"github.com/clonit/clonit/internal/cmdutil"
)

const publicURL = "http://cloud.test:8585"

// serveCloud runs the real server over the data directory, as `serve` would with cfg.
func serveCloud(t *testing.T, st cloud.Store, cfg server.Config) *httptest.Server {
	t.Helper()
	cfg.Addr, cfg.PublicURL, cfg.LogFormat, cfg.LogLevel = "127.0.0.1:0", publicURL, "text", "error"
	if err := cfg.Validate(); err != nil {
		t.Fatal(err)
	}
	srv, err := server.New(context.Background(), cfg, st, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(srv.Handler())
	t.Cleanup(ts.Close)
	return ts
}

// whoami calls GET /api/v1/me with token and returns the status and the decoded answer.
func whoami(t *testing.T, ts *httptest.Server, token string) (int, api.Me, string) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, ts.URL+"/api/v1/me", nil)
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	var me api.Me
	var apiErr api.Error
	_ = json.Unmarshal(body, &me)
	_ = json.Unmarshal(body, &apiErr)
	return resp.StatusCode, me, apiErr.Message
}

func TestAdminTokenWithTheBuiltInService(t *testing.T) {
	clearCloudEnv(t)
	dir := t.TempDir()
	db := []string{"--data-dir", dir, "--public-url", publicURL}
	for _, args := range [][]string{
		{"users", "add", "--email", "ada@example.com", "--name", "Ada", "--password-stdin", "--groups", "eng,dba", "--data-dir", dir},
		{"users", "add", "--email", "off@example.com", "--password-stdin", "--data-dir", dir},
		{"users", "disable", "--email", "off@example.com", "--data-dir", dir},
	} {
		if r := runCloud(t, "a long password\n", args...); r.err != nil {
			t.Fatalf("%v: %v", args, r.err)
		}
	}

	r := runCloud(t, "", append([]string{"admin", "token", "--email", "Ada@example.com", "--ttl", "2h"}, db...)...)
	if r.err != nil {
		t.Fatal(r.err)
	}
	token := strings.TrimSuffix(r.out, "\n")
	if strings.Count(r.out, "\n") != 1 || !identity.LooksLikeJWT(token) {
		t.Fatalf("stdout = %q, want one token line", r.out)
	}
	if got := dateRE.ReplaceAllString(r.errOut, "DATE"); got != "Token for ada@example.com, valid until DATE UTC.\n" {
		t.Fatalf("stderr = %q", r.errOut)
	}

	st, err := sqlite.Open(context.Background(), filepath.Join(dir, SQLiteFile))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	ts := serveCloud(t, st, server.Config{DataDir: dir})
	status, me, msg := whoami(t, ts, token)
	if status != http.StatusOK || me.User.Email != "ada@example.com" || me.Credential != "token" ||
		!reflect.DeepEqual(me.User.Groups, []string{"eng", "dba"}) {
		t.Fatalf("GET /api/v1/me with the operator token: %d %+v %q", status, me, msg)
	}

	// The token acts as the account: the same user the built-in provider's tokens map to.
	ada, err := st.AccountByEmail(context.Background(), "ada@example.com")
	if err != nil {
		t.Fatal(err)
	}
	key, err := signing.Load(context.Background(), st)
	if err != nil {
		t.Fatal(err)
	}
	twoHoursLater, _ := selftoken.New(key, selftoken.Config{SelfIssuer: publicURL, Now: func() time.Time { return time.Now().Add(2*time.Hour + time.Second) }})
	now, _ := selftoken.New(key, selftoken.Config{SelfIssuer: publicURL})
	p, err := now.Authenticate(context.Background(), token)
	if err != nil || p.Issuer != publicURL+"/oauth" || p.Subject != ada.ID {
		t.Fatalf("principal = %+v, %v; want the account %s of the built-in issuer", p, err, ada.ID)
	}
	if _, err := twoHoursLater.Authenticate(context.Background(), token); err != identity.ErrExpired {
		t.Fatalf("after its ttl: %v, want %v", err, identity.ErrExpired)
	}

	// A tampered token is refused over HTTP, and the answer does not echo it.
	parts := strings.Split(token, ".")
	forged := parts[0] + "." + strings.Replace(parts[1], parts[1][5:9], "AAAA", 1) + "." + parts[2]
	status, _, msg = whoami(t, ts, forged)
	if status != http.StatusUnauthorized || msg != "invalid token, sign in again with `clonit login`" {
		t.Fatalf("tampered token: %d %q", status, msg)
	}

	for _, tt := range []struct {
		name     string
		args     []string
		wantErr  string
		wantExit int
	}{
		{"unknown email", []string{"--email", "zed@example.com"}, "no account with email \"zed@example.com\": create it with `clonit-cloud users add`", cmdutil.ExitNotFound},
		{"disabled account", []string{"--email", "off@example.com"}, "the account off@example.com is disabled: enable it with `clonit-cloud users enable` first", cmdutil.ExitPermission},
		{"zero ttl", []string{"--email", "ada@example.com", "--ttl", "0s"}, "usage: --ttl must be positive and at most 8760h (a year)", cmdutil.ExitUsage},
		{"bad email", []string{"--email", "ada"}, `invalid email "ada": use an address like ada@example.com`, cmdutil.ExitUsage},
	} {
		t.Run(tt.name, func(t *testing.T) {
			r := runCloud(t, "", append(append([]string{"admin", "token"}, tt.args...), db...)...)
			checkErr(t, r.err, tt.wantErr, tt.wantExit)
			if r.out != "" {
				t.Fatalf("stdout = %q, want nothing", r.out)
			}
		})
	}
}

func TestAdminTokenWithAnExternalProvider(t *testing.T) {
	clearCloudEnv(t)
	dir := t.TempDir()
	const idp = "https://idp.example.com"
	t.Setenv("CLONIT_CLOUD_OIDC_ISSUER", idp)
	t.Setenv("CLONIT_CLOUD_OIDC_CLIENT_ID", "clonit")
	t.Setenv("CLONIT_CLOUD_PUBLIC_URL", publicURL)
	st, err := sqlite.Open(context.Background(), filepath.Join(dir, SQLiteFile))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if _, err := st.UpsertUser(context.Background(), cloud.User{Issuer: idp, Subject: "idp-42", Email: "ada@example.com", Name: "Ada", Groups: []string{"eng"}}); err != nil {
		t.Fatal(err)
	}
	key, err := signing.Load(context.Background(), st)
	if err != nil {
		t.Fatal(err)
	}
	verifier, _ := selftoken.New(key, selftoken.Config{SelfIssuer: publicURL})

	tests := []struct {
		name  string
		email string
		want  identity.Principal
	}{
		{"someone who signed in through the provider", "ada@example.com",
			identity.Principal{Issuer: idp, Subject: "idp-42", Email: "ada@example.com", Name: "Ada", Groups: []string{"eng"}, Credential: "token"}},
		{"nobody signed in with that email yet", "CI@example.com",
			identity.Principal{Issuer: publicURL, Subject: "email:ci@example.com", Email: "CI@example.com", Name: "CI@example.com", Groups: []string{}, Credential: "token"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := runCloud(t, "", "admin", "token", "--email", tt.email, "--data-dir", dir)
			if r.err != nil {
				t.Fatal(r.err)
			}
			p, err := verifier.Authenticate(context.Background(), strings.TrimSpace(r.out))
			if err != nil || !reflect.DeepEqual(p, tt.want) {
				t.Fatalf("principal = %+v, %v; want %+v", p, err, tt.want)
			}
		})
	}
}
