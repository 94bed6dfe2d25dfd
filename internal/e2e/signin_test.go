package e2e

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/oauth2-proxy/mockoidc"
	"golang.org/x/oauth2"

	clonitagent "github.com/clonit/clonit/internal/agent"
)

const notConfigured = "error: cloud is not configured: set cloud.url in the config or CLONIT_CLOUD__URL, then run `clonit login`\n"

// whoamiText is what `clonit whoami` prints.
func whoamiText(cloudURL, name, email, credential, org, role, groups string) string {
	return "Cloud:       " + cloudURL + "\nName:        " + name + "\nEmail:       " + email + "\nCredential:  " + credential +
		"\nOrg:         " + org + "\nRole:        " + role + "\nGroups:      " + groups + "\n"
}

func checkResult(t *testing.T, what string, got result, want result) {
	t.Helper()
	if got != want {
		t.Errorf("%s:\n got  %+v\n want %+v", what, got, want)
	}
}

// TestSignInWithTheBuiltInService signs in with the device grant of the cloud's own
// provider, creates an org, and sees group changes after the next sign-in.
func TestSignInWithTheBuiltInService(t *testing.T) {
	c := startCloud(t)
	const email, password = "ada@example.com", "correct horse battery staple"
	c.addUser(t, email, "Ada Lovelace", password, "eng,ops")
	ada := newAgent(t, c.URL)

	checkResult(t, "whoami before login", ada.run(t, "whoami"), result{Stderr: notConfigured, Code: 6})

	stderr := ada.login(t, email, password)
	if want := "Signed in as ada@example.com (no org yet: create one with `clonit cloud org create --name NAME --slug SLUG`)\n"; !strings.HasSuffix(stderr, want) {
		t.Errorf("first login said:\n%s\nwant it to end with:\n%s", stderr, want)
	}
	st, err := os.Stat(sessionPath(ada))
	if err != nil || st.Mode().Perm() != 0o600 {
		t.Fatalf("session file: %v, %v; want mode 0600", st, err)
	}

	checkResult(t, "org create", ada.run(t, "cloud", "org", "create", "--name", "Acme Data", "--slug", "acme-data"),
		result{Stderr: "Created org acme-data (Acme Data); you are its owner.\n"})
	checkResult(t, "whoami", ada.run(t, "whoami"),
		result{Stdout: whoamiText(c.URL, "Ada Lovelace", email, "session", "acme-data", "owner", "eng, ops")})
	checkResult(t, "org list", ada.run(t, "cloud", "org", "list"),
		result{Stdout: "SLUG       NAME       PLAN  ROLE\nacme-data  Acme Data  free  owner\n"})
	if r := ada.run(t, "cloud", "org", "create", "--name", "Bad", "--slug", "Bad Slug!"); r.Code != 2 || r.Stdout != "" || !strings.HasPrefix(r.Stderr, "error: ") {
		t.Errorf("org create with a malformed slug: %+v", r)
	}
	checkResult(t, "org list after the refused create", ada.run(t, "cloud", "org", "list"),
		result{Stdout: "SLUG       NAME       PLAN  ROLE\nacme-data  Acme Data  free  owner\n"})

	c.operator(t, "", "users", "set-groups", "--email", email, "qa")
	stderr = ada.login(t, email, password)
	if want := "Signed in as ada@example.com (org acme-data, role owner)\n"; !strings.HasSuffix(stderr, want) {
		t.Errorf("second login said:\n%s\nwant it to end with:\n%s", stderr, want)
	}
	checkResult(t, "whoami after the group change", ada.run(t, "whoami"),
		result{Stdout: whoamiText(c.URL, "Ada Lovelace", email, "session", "acme-data", "owner", "qa")})

	expireSession(t, ada)
	checkResult(t, "whoami with an expired session", ada.run(t, "whoami"),
		result{Stdout: whoamiText(c.URL, "Ada Lovelace", email, "session", "acme-data", "owner", "qa")})
	if s := readSession(t, ada); s.AccessToken == "" || !s.Expiry.After(time.Now()) {
		t.Errorf("the session was not renewed: expiry %v", s.Expiry)
	}

	checkResult(t, "logout", ada.run(t, "logout"),
		result{Stderr: "Revoked this machine's API key for acme-data.\nSigned out of " + c.URL + ".\n"})
	checkResult(t, "whoami after logout", ada.run(t, "whoami"), result{Stderr: notConfigured, Code: 6})
}

// TestScriptWithAnOperatorToken uses `clonit-cloud admin token` the way a script would:
// through CLONIT_CLOUD__TOKEN, with no session.
func TestScriptWithAnOperatorToken(t *testing.T) {
	c := startCloud(t)
	c.addUser(t, "bot@example.com", "Build Bot", "a long enough password", "ci")
	token := strings.TrimSpace(c.operator(t, "", "admin", "token", "--email", "bot@example.com", "--public-url", c.URL))
	if token == "" {
		t.Fatal("admin token printed nothing")
	}
	bot := newAgent(t, c.URL, "CLONIT_CLOUD__TOKEN="+token)
	checkResult(t, "whoami with no org", bot.run(t, "whoami"), result{Stdout: whoamiText(c.URL, "Build Bot", "bot@example.com", "token",
		"none (create one with `clonit cloud org create --name NAME --slug SLUG`)", "-", "ci")})
	bot.mustRun(t, "cloud", "org", "create", "--name", "CI", "--slug", "ci-org")
	checkResult(t, "whoami", bot.run(t, "whoami"), result{Stdout: whoamiText(c.URL, "Build Bot", "bot@example.com", "token", "ci-org", "owner", "ci")})
	members := bot.mustRun(t, "cloud", "members", "list")
	if !strings.HasPrefix(members.Stdout, "NAME       EMAIL            ROLE   JOINED      GROUPS  AGENTS\nBuild Bot  bot@example.com  owner  ") || !strings.HasSuffix(members.Stdout, "  ci      -\n") {
		t.Errorf("members list:\n%s", members.Stdout)
	}
	audit := bot.mustRun(t, "cloud", "audit")
	if !strings.Contains(audit.Stdout, "bot@example.com") || !strings.Contains(audit.Stdout, "token") {
		t.Errorf("audit log shows no change by the token:\n%s", audit.Stdout)
	}

	tampered := newAgent(t, c.URL, "CLONIT_CLOUD__TOKEN="+token[:len(token)-4]+"AAAA")
	r := tampered.run(t, "whoami")
	if r.Code != 6 || r.Stdout != "" || !strings.HasSuffix(r.Stderr, "(check CLONIT_CLOUD__TOKEN: it may have expired)\n") || strings.Contains(r.Stderr, token[:20]) {
		t.Errorf("whoami with a tampered token: %+v", r)
	}
}

// TestExternalProvider runs the cloud against mockoidc, an independent OpenID Connect
// provider, over HTTP: a token it issues through its authorization code flow is accepted
// through CLONIT_CLOUD__TOKEN with its email and groups mapped, and the groups of the next
// sign-in replace those of the first. mockoidc offers no device grant, so `clonit login`
// must say so.
func TestExternalProvider(t *testing.T) {
	m, err := mockoidc.Run()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { m.Shutdown() })
	cfg := m.Config()
	c := startCloud(t, "--oidc-issuer", cfg.Issuer, "--oidc-client-id", cfg.ClientID)

	m.QueueUser(&mockoidc.MockUser{Subject: "ext-grace", Email: "grace@example.com", EmailVerified: true,
		PreferredUsername: "grace", Groups: []string{"platform", "data"}})
	idToken := codeFlow(t, m)

	grace := newAgent(t, c.URL, "CLONIT_CLOUD__TOKEN="+idToken)
	grace.mustRun(t, "cloud", "org", "create", "--name", "Platform", "--slug", "platform")
	checkResult(t, "whoami", grace.run(t, "whoami"),
		result{Stdout: whoamiText(c.URL, "grace", "grace@example.com", "session", "platform", "owner", "platform, data")})
	if r := grace.mustRun(t, "cloud", "members", "list"); !strings.HasSuffix(r.Stdout, "  platform, data  -\n") {
		t.Errorf("members list does not show the provider's groups:\n%s", r.Stdout)
	}

	// The provider moves grace to other groups; her next sign-in brings them.
	m.QueueUser(&mockoidc.MockUser{Subject: "ext-grace", Email: "grace@example.com", EmailVerified: true,
		PreferredUsername: "grace", Groups: []string{"security"}})
	grace = newAgent(t, c.URL, "CLONIT_CLOUD__TOKEN="+codeFlow(t, m))
	checkResult(t, "whoami after the groups changed", grace.run(t, "whoami"),
		result{Stdout: whoamiText(c.URL, "grace", "grace@example.com", "session", "platform", "owner", "security")})
	if r := grace.mustRun(t, "cloud", "members", "list"); !strings.HasSuffix(r.Stdout, "  security  -\n") || strings.Count(r.Stdout, "\n") != 2 {
		t.Errorf("members list does not show the groups of the second sign-in:\n%s", r.Stdout)
	}

	r := newAgent(t, c.URL).run(t, "login", "--no-browser")
	want := "error: the sign-in service at " + cfg.Issuer + " does not offer the device authorization grant that `clonit login` uses: use an API key (cloud.api_key) or an access token (CLONIT_CLOUD__TOKEN) instead\n"
	checkResult(t, "login without a device grant", r, result{Stderr: want, Code: 7})
}

// codeFlow signs the queued user in through mockoidc's authorization code flow, as a web
// application would, and returns the ID token.
func codeFlow(t *testing.T, m *mockoidc.MockOIDC) string {
	t.Helper()
	cfg := m.Config()
	conf := oauth2.Config{
		ClientID: cfg.ClientID, ClientSecret: cfg.ClientSecret,
		Endpoint:    oauth2.Endpoint{AuthURL: m.AuthorizationEndpoint(), TokenURL: m.TokenEndpoint()},
		RedirectURL: "http://127.0.0.1/callback",
		Scopes:      []string{"openid", "email", "profile", "groups"},
	}
	noRedirect := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := noRedirect.Get(conf.AuthCodeURL("state-1", oauth2.SetAuthURLParam("nonce", "nonce-1")))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	loc, err := url.Parse(resp.Header.Get("Location"))
	if err != nil || loc.Query().Get("code") == "" {
		t.Fatalf("authorize answered %s, Location %q", resp.Status, resp.Header.Get("Location"))
	}
	tok, err := conf.Exchange(context.Background(), loc.Query().Get("code"))
	if err != nil {
		t.Fatalf("exchange the code: %v", err)
	}
	id, _ := tok.Extra("id_token").(string)
	if id == "" {
		t.Fatal("mockoidc issued no ID token")
	}
	return id
}

// sessionPath is where clonit keeps a's session.
func sessionPath(a *agent) string {
	return filepath.Join(a.home, ".config", "clonit", "credentials.json")
}

// readSession reads a's saved session.
func readSession(t *testing.T, a *agent) clonitagent.Session {
	t.Helper()
	data, err := os.ReadFile(sessionPath(a))
	if err != nil {
		t.Fatal(err)
	}
	var s clonitagent.Session
	if err := json.Unmarshal(data, &s); err != nil {
		t.Fatal(err)
	}
	return s
}

// expireSession backdates a's session so that its next use must renew it.
func expireSession(t *testing.T, a *agent) {
	t.Helper()
	s := readSession(t, a)
	s.Expiry = time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)
	data, _ := json.Marshal(s)
	if err := os.WriteFile(sessionPath(a), data, 0o600); err != nil {
		t.Fatal(err)
	}
}
