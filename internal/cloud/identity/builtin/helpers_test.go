package builtin_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/clonit/clonit/internal/cloud"
	"github.com/clonit/clonit/internal/cloud/identity"
	"github.com/clonit/clonit/internal/cloud/identity/builtin"
	"github.com/clonit/clonit/internal/cloud/identity/oidcverify"
	"github.com/clonit/clonit/internal/cloud/identity/password"
	"github.com/clonit/clonit/internal/cloud/identity/selftoken"
	"github.com/clonit/clonit/internal/cloud/identity/signing"
	"github.com/clonit/clonit/internal/cloud/store/sqlite"
)

const scopes = "openid profile email groups offline_access"

// env is a cloud serving the built-in provider at /oauth over real HTTP, on SQLite.
type env struct {
	t      *testing.T
	store  cloud.Store
	srv    *httptest.Server
	issuer string
	prov   *builtin.Provider
	// local verifies the provider's tokens against the persisted key (the cloud's way).
	local identity.Authenticator
	// remote verifies ID tokens through discovery and JWKS over HTTP, like any relying party.
	remote identity.Authenticator
}

func openStore(t *testing.T) cloud.Store {
	t.Helper()
	db, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "clonit-cloud.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func newEnv(t *testing.T, store cloud.Store, cfg builtin.Config) *env {
	t.Helper()
	mux := http.NewServeMux()
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	cfg.Issuer = srv.URL + "/oauth"
	prov, err := builtin.New(store, cfg)
	if err != nil {
		t.Fatal(err)
	}
	mux.Handle("/oauth/", prov.Handler())
	key, err := signing.Load(context.Background(), store)
	if err != nil {
		t.Fatal(err)
	}
	local, err := selftoken.New(key, selftoken.Config{SelfIssuer: srv.URL, BuiltinIssuer: prov.Issuer(), BuiltinClientID: prov.ClientID()})
	if err != nil {
		t.Fatal(err)
	}
	remote, err := oidcverify.New(oidcverify.Config{Issuer: prov.Issuer(), ClientID: prov.ClientID()})
	if err != nil {
		t.Fatal(err)
	}
	return &env{t: t, store: store, srv: srv, issuer: prov.Issuer(), prov: prov, local: local, remote: remote}
}

func (e *env) addAccount(email, name, pw string, groups ...string) cloud.Account {
	e.t.Helper()
	h, err := password.Hash(pw)
	if err != nil {
		e.t.Fatal(err)
	}
	a := cloud.Account{Email: email, Name: name, PasswordHash: h, Groups: groups}
	if err := e.store.CreateAccount(context.Background(), &a); err != nil {
		e.t.Fatal(err)
	}
	return a
}

// postForm posts form values and returns the status and body, following no redirect.
func (e *env) postForm(u string, form url.Values) (*http.Response, string) {
	e.t.Helper()
	c := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := c.PostForm(u, form)
	if err != nil {
		e.t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp, string(body)
}

func (e *env) get(u string) (*http.Response, string) {
	e.t.Helper()
	c := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := c.Get(u)
	if err != nil {
		e.t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp, string(body)
}

// deviceAuth is the device authorization response.
type deviceAuth struct {
	DeviceCode              string `json:"device_code"`
	UserCode                string `json:"user_code"`
	VerificationURI         string `json:"verification_uri"`
	VerificationURIComplete string `json:"verification_uri_complete"`
	ExpiresIn               int    `json:"expires_in"`
	Interval                int    `json:"interval"`
}

func (e *env) startDevice() deviceAuth {
	e.t.Helper()
	resp, body := e.postForm(e.issuer+"/device_authorization", url.Values{"client_id": {"clonit-cli"}, "scope": {scopes}})
	if resp.StatusCode != http.StatusOK {
		e.t.Fatalf("device_authorization: %d %s", resp.StatusCode, body)
	}
	var d deviceAuth
	if err := json.Unmarshal([]byte(body), &d); err != nil {
		e.t.Fatal(err)
	}
	return d
}

// tokenResponse is the token endpoint's answer, success or error.
type tokenResponse struct {
	AccessToken  string `json:"access_token"`
	IDToken      string `json:"id_token"`
	RefreshToken string `json:"refresh_token"`
	TokenType    string `json:"token_type"`
	ExpiresIn    int    `json:"expires_in"`
	Error        string `json:"error"`
}

func (e *env) token(form url.Values) tokenResponse {
	e.t.Helper()
	form.Set("client_id", "clonit-cli")
	_, body := e.postForm(e.issuer+"/token", form)
	var tr tokenResponse
	if err := json.Unmarshal([]byte(body), &tr); err != nil {
		e.t.Fatalf("token response %q: %v", body, err)
	}
	return tr
}

func (e *env) poll(deviceCode string) tokenResponse {
	return e.token(url.Values{"grant_type": {"urn:ietf:params:oauth:grant-type:device_code"}, "device_code": {deviceCode}})
}

// verify fills the device verification form.
func (e *env) verify(userCode, email, pw string) (int, string) {
	e.t.Helper()
	resp, body := e.postForm(e.issuer+"/device", url.Values{"user_code": {userCode}, "email": {email}, "password": {pw}})
	return resp.StatusCode, pageMessage(body)
}

// signIn runs the whole device grant for one person and returns the tokens.
func (e *env) signIn(email, pw string) tokenResponse {
	e.t.Helper()
	d := e.startDevice()
	if status, msg := e.verify(d.UserCode, email, pw); status != http.StatusOK {
		e.t.Fatalf("verification form: %d %q", status, msg)
	}
	tr := e.poll(d.DeviceCode)
	if tr.Error != "" || tr.AccessToken == "" {
		e.t.Fatalf("token: %+v", tr)
	}
	return tr
}

var messageRE = regexp.MustCompile(`<p (?:class="error" )?id="(?:message|done)">([^<]*)</p>`)

// pageMessage returns the message a sign-in page shows, unescaped.
func pageMessage(body string) string {
	m := messageRE.FindStringSubmatch(body)
	if m == nil {
		return ""
	}
	r := strings.NewReplacer("&#39;", "'", "&#34;", `"`, "&amp;", "&", "&lt;", "<", "&gt;", ">", "&#96;", "`")
	return r.Replace(m[1])
}
