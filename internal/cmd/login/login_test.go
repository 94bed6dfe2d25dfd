package login

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/clonit/clonit/internal/agent"
	"github.com/clonit/clonit/internal/cmdutil"
	"github.com/clonit/clonit/internal/errs"
)

func TestFlags(t *testing.T) {
	cases := []struct {
		name string
		args []string
		want string
		err  string
	}{
		{"defaults", nil, `browser=true auth="" client="" scope="" org="" join=""`, ""},
		{"all flags", []string{"--no-browser", "--auth-url", "https://idp.example", "--client-id", "cli", "--scope", "openid email", "--org", "acme"},
			`browser=false auth="https://idp.example" client="cli" scope="openid email" org="acme" join=""`, ""},
		{"an argument", []string{"acme"}, "", `unknown command "acme" for "login"`},
		{"join an org", []string{"--org", "acme", "--join", "1234-5678"}, `browser=true auth="" client="" scope="" org="acme" join="1234-5678"`, ""},
		{"join without --org", []string{"--join", "1234-5678"}, "", "usage: --join needs the org's slug: pass --org SLUG too"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got := ""
			f := cmdutil.NewFactory(&cmdutil.IOStreams{Out: &bytes.Buffer{}, ErrOut: &bytes.Buffer{}})
			cmd := NewCmdLogin(f, func(_ context.Context, o *Options) error {
				got = fmt.Sprintf("browser=%v auth=%q client=%q scope=%q org=%q join=%q", !o.NoBrowser, o.AuthURL, o.ClientID, o.Scope, o.Org, o.Join)
				return nil
			})
			cmd.SetArgs(tc.args)
			cmd.SilenceErrors, cmd.SilenceUsage = true, true
			err := cmd.Execute()
			gotErr := ""
			if err != nil {
				gotErr = err.Error()
			}
			if got != tc.want || gotErr != tc.err {
				t.Errorf("got %s / error %q; want %s / error %q", got, gotErr, tc.want, tc.err)
			}
		})
	}
}

// fakeAuth is a fake cloud with a fake device-grant sign-in service under /oauth.
type fakeAuth struct {
	authConfig string // body of /api/v1/auth/config; "" means derive from the server URL
	discovery  bool   // serve /oauth/.well-known/openid-configuration
	tokenError string // OAuth error the token endpoint answers; "" grants
	orgs       string // the orgs of /api/v1/me
	// joinStatus and joinBody answer POST /api/v1/join; status 0 means 200, which makes
	// joined the orgs of /api/v1/me.
	joinStatus int
	joinBody   string
	joined     string
	// keyStatus answers POST /api/v1/orgs/{org}/keys/login; 0 means 201 with the key
	// "clonit_login-key-of-<org>".
	keyStatus int

	mu     sync.Mutex
	scopes string   // scopes the device endpoint was asked for
	joins  []string // bodies of POST /api/v1/join
	bearer string   // Authorization of /api/v1/me
}

func (fa *fakeAuth) start(t *testing.T) *httptest.Server {
	var srv *httptest.Server
	mux := http.NewServeMux()
	mux.HandleFunc("GET /api/v1/auth/config", func(w http.ResponseWriter, r *http.Request) {
		body := fa.authConfig
		if body == "" {
			body = fmt.Sprintf(`{"issuer":%q,"auth_url":%q,"client_id":"clonit-cli","device_authorization_endpoint":%q,"token_endpoint":%q,"scopes":["openid","profile","email","offline_access","groups"],"built_in":true}`,
				srv.URL+"/oauth", srv.URL+"/oauth", srv.URL+"/oauth/device_authorization", srv.URL+"/oauth/token")
		}
		io.WriteString(w, strings.ReplaceAll(body, "SRV", srv.URL))
	})
	mux.HandleFunc("GET /oauth/.well-known/openid-configuration", func(w http.ResponseWriter, r *http.Request) {
		if !fa.discovery {
			http.NotFound(w, r)
			return
		}
		fmt.Fprintf(w, `{"issuer":%q,"token_endpoint":%q,"device_authorization_endpoint":%q,"scopes_supported":["openid","email"]}`,
			srv.URL+"/oauth", srv.URL+"/oauth/token", srv.URL+"/oauth/device_authorization")
	})
	mux.HandleFunc("POST /oauth/device_authorization", func(w http.ResponseWriter, r *http.Request) {
		r.ParseForm()
		fa.mu.Lock()
		fa.scopes = r.Form.Get("scope")
		fa.mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		if r.Form.Get("client_id") != "clonit-cli" {
			w.WriteHeader(401)
			io.WriteString(w, `{"error":"invalid_client"}`)
			return
		}
		fmt.Fprintf(w, `{"device_code":"dev-1","user_code":"WDJB-MJHT","verification_uri":%q,"expires_in":60,"interval":1}`, srv.URL+"/oauth/device")
	})
	mux.HandleFunc("POST /oauth/token", func(w http.ResponseWriter, r *http.Request) {
		r.ParseForm()
		w.Header().Set("Content-Type", "application/json")
		if fa.tokenError != "" || r.Form.Get("device_code") != "dev-1" {
			w.WriteHeader(400)
			fmt.Fprintf(w, `{"error":%q}`, fa.tokenError)
			return
		}
		io.WriteString(w, `{"access_token":"acc-1","id_token":"id-1","refresh_token":"ref-1","token_type":"Bearer","expires_in":3600}`)
	})
	mux.HandleFunc("GET /api/v1/me", func(w http.ResponseWriter, r *http.Request) {
		fa.mu.Lock()
		fa.bearer = r.Header.Get("Authorization")
		fa.mu.Unlock()
		fmt.Fprintf(w, `{"user":{"id":"u1","email":"ada@example.com","name":"Ada","groups":["eng"]},"credential":"session","orgs":%s}`, fa.orgs)
	})
	mux.HandleFunc("POST /api/v1/orgs/{org}/keys/login", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		if fa.keyStatus != 0 {
			w.WriteHeader(fa.keyStatus)
			io.WriteString(w, `{"status":403,"code":"forbidden","message":"no keys today"}`)
			return
		}
		w.WriteHeader(http.StatusCreated)
		fmt.Fprintf(w, `{"id":"k1","name":"clonit login","kind":"user","login":true,"key":"clonit_login-key-of-%s"}`, r.PathValue("org"))
	})
	mux.HandleFunc("POST /api/v1/join", func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		fa.mu.Lock()
		defer fa.mu.Unlock()
		fa.joins = append(fa.joins, string(body))
		status := fa.joinStatus
		if status == 0 {
			status, fa.orgs = http.StatusOK, fa.joined
		}
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		io.WriteString(w, fa.joinBody)
	})
	srv = httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return srv
}

const twoOrgs = `[{"slug":"acme","name":"Acme","plan":"free","role":"owner"},{"slug":"beta","name":"Beta","plan":"pro","role":"viewer"}]`

func TestLogin(t *testing.T) {
	cases := []struct {
		name     string
		fake     *fakeAuth
		opts     Options
		previous string // org of a previous session of the same cloud
		noURL    bool
		stderr   string
		err      string
		exit     int
		org      string // the saved session's org; "-" means no session saved
		scopes   string
	}{
		{
			name:   "the only org",
			fake:   &fakeAuth{orgs: `[{"slug":"acme","name":"Acme","plan":"free","role":"owner"}]`},
			stderr: "To sign in, open SRV/oauth/device in a browser and enter the code WDJB-MJHT\nWaiting for you to sign in...\nSigned in as ada@example.com (org acme, role owner)\n",
			org:    "acme",
			scopes: "openid profile email offline_access groups",
		},
		{
			name:   "the machine's API key cannot be provisioned",
			fake:   &fakeAuth{orgs: `[{"slug":"acme","name":"Acme","plan":"free","role":"owner"}]`, keyStatus: 403},
			stderr: "To sign in, open SRV/oauth/device in a browser and enter the code WDJB-MJHT\nWaiting for you to sign in...\nwarning: this machine's API key for acme could not be provisioned (no keys today): run `clonit login` again to retry\nSigned in as ada@example.com (org acme, role owner)\n",
			org:    "acme",
		},
		{
			name:   "no org yet",
			fake:   &fakeAuth{orgs: `[]`},
			stderr: "To sign in, open SRV/oauth/device in a browser and enter the code WDJB-MJHT\nWaiting for you to sign in...\nSigned in as ada@example.com (no org yet: create one with `clonit cloud org create --name NAME --slug SLUG`)\n",
			org:    "",
		},
		{
			name:   "--org picks one of several",
			fake:   &fakeAuth{orgs: twoOrgs},
			opts:   Options{Org: "beta"},
			stderr: "To sign in, open SRV/oauth/device in a browser and enter the code WDJB-MJHT\nWaiting for you to sign in...\nSigned in as ada@example.com (org beta, role viewer)\nYou are in 2 orgs; switch with `clonit login --org SLUG`.\n",
			org:    "beta",
		},
		{
			name:     "the last org used",
			fake:     &fakeAuth{orgs: twoOrgs},
			previous: "beta",
			stderr:   "To sign in, open SRV/oauth/device in a browser and enter the code WDJB-MJHT\nWaiting for you to sign in...\nSigned in as ada@example.com (org beta, role viewer)\nYou are in 2 orgs; switch with `clonit login --org SLUG`.\n",
			org:      "beta",
		},
		{
			name:   "--org of an org one is not in",
			fake:   &fakeAuth{orgs: twoOrgs},
			opts:   Options{Org: "gamma"},
			stderr: "To sign in, open SRV/oauth/device in a browser and enter the code WDJB-MJHT\nWaiting for you to sign in...\n",
			err:    "you are not a member of org \"gamma\": check the slug with `clonit cloud org list`",
			exit:   cmdutil.ExitNotFound,
			org:    "-",
		},
		{
			name:   "sign-in denied",
			fake:   &fakeAuth{orgs: `[]`, tokenError: "access_denied"},
			stderr: "To sign in, open SRV/oauth/device in a browser and enter the code WDJB-MJHT\nWaiting for you to sign in...\n",
			err:    "sign-in was denied: run `clonit login` again",
			exit:   cmdutil.ExitUnauthorized,
			org:    "-",
		},
		{
			name:   "code expired",
			fake:   &fakeAuth{orgs: `[]`, tokenError: "expired_token"},
			stderr: "To sign in, open SRV/oauth/device in a browser and enter the code WDJB-MJHT\nWaiting for you to sign in...\n",
			err:    "the code WDJB-MJHT expired before you signed in: run `clonit login` again",
			exit:   cmdutil.ExitUnauthorized,
			org:    "-",
		},
		{
			name: "--client-id the service does not know",
			fake: &fakeAuth{orgs: `[]`},
			opts: Options{ClientID: "other"},
			err:  `the sign-in service at SRV/oauth does not know client id "other": check --client-id`,
			exit: cmdutil.ExitUsage,
			org:  "-",
		},
		{
			name:   "--scope replaces the default scopes",
			fake:   &fakeAuth{orgs: `[]`},
			opts:   Options{Scope: "openid email"},
			stderr: "To sign in, open SRV/oauth/device in a browser and enter the code WDJB-MJHT\nWaiting for you to sign in...\nSigned in as ada@example.com (no org yet: create one with `clonit cloud org create --name NAME --slug SLUG`)\n",
			org:    "",
			scopes: "openid email",
		},
		{
			name: "endpoints found by discovery",
			fake: &fakeAuth{orgs: `[]`, discovery: true,
				authConfig: `{"issuer":"SRV/oauth","auth_url":"SRV/oauth","client_id":"clonit-cli","scopes":["openid"],"built_in":false}`},
			stderr: "To sign in, open SRV/oauth/device in a browser and enter the code WDJB-MJHT\nWaiting for you to sign in...\nSigned in as ada@example.com (no org yet: create one with `clonit cloud org create --name NAME --slug SLUG`)\n",
			org:    "",
			scopes: "openid profile email offline_access",
		},
		{
			name: "a provider without the device grant",
			fake: &fakeAuth{orgs: `[]`,
				authConfig: `{"issuer":"SRV/oauth","auth_url":"SRV/oauth","client_id":"clonit-cli","token_endpoint":"SRV/oauth/token","scopes":["openid"],"built_in":false}`},
			err:  "the sign-in service at SRV/oauth has no OpenID discovery document (it answered 404 Not Found): check --auth-url",
			exit: cmdutil.ExitUnavailable,
			org:  "-",
		},
		{
			name:  "cloud not configured",
			fake:  &fakeAuth{},
			noURL: true,
			err:   "cloud is not configured: set cloud.url in the config or CLONIT_CLOUD__URL, then run `clonit login`",
			exit:  cmdutil.ExitUnauthorized,
			org:   "-",
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			srv := tc.fake.start(t)
			path := filepath.Join(t.TempDir(), "clonit", "credentials.json")
			if tc.previous != "" {
				agent.SaveSession(path, &agent.Session{CloudURL: srv.URL, AccessToken: "old", Org: tc.previous})
			}
			var stderr bytes.Buffer
			opts := tc.opts
			opts.IO = &cmdutil.IOStreams{In: strings.NewReader(""), Out: &bytes.Buffer{}, ErrOut: &stderr}
			opts.CloudURL = func() (string, error) {
				if tc.noURL {
					return "", cmdutil.ErrCloudNotConfigured
				}
				return srv.URL, nil
			}
			opts.Config = func() (*agent.Config, error) { return &agent.Config{}, nil }
			opts.SessionPath = func() (string, error) { return path, nil }
			opts.HTTPClient = srv.Client()
			opts.OpenBrowser = func(string) error { t.Error("opened a browser off a terminal"); return nil }
			opts.Now = time.Now
			err := Run(context.Background(), &opts)
			gotErr := ""
			if err != nil {
				gotErr = strings.ReplaceAll(errs.Public(err, err.Error()), srv.URL, "SRV")
			}
			if gotErr != tc.err || cmdutil.ExitCode(err) != tc.exit {
				t.Errorf("error = %q (exit %d), want %q (exit %d)", gotErr, cmdutil.ExitCode(err), tc.err, tc.exit)
			}
			if got := strings.ReplaceAll(stderr.String(), srv.URL, "SRV"); got != tc.stderr {
				t.Errorf("stderr:\n%s\nwant:\n%s", got, tc.stderr)
			}
			if tc.scopes != "" && tc.fake.scopes != tc.scopes {
				t.Errorf("scopes = %q, want %q", tc.fake.scopes, tc.scopes)
			}
			if tc.org != "-" && tc.fake.bearer != "Bearer id-1" {
				t.Errorf("the cloud saw %q, want the ID token", tc.fake.bearer)
			}
			apiKey := ""
			if tc.org != "" && tc.fake.keyStatus == 0 {
				apiKey = "clonit_login-key-of-" + tc.org
			}
			checkSaved(t, path, srv.URL, tc.org, tc.previous, apiKey)
		})
	}
}

// checkSaved checks the session file: none when org is "-", else a session of base with org.
func checkSaved(t *testing.T, path, base, org, previous, apiKey string) {
	t.Helper()
	s, err := agent.LoadSession(path)
	if org == "-" {
		if previous == "" && err == nil {
			t.Errorf("a failed login saved a session: %+v", s)
		}
		return
	}
	if err != nil {
		t.Fatalf("no session saved: %v", err)
	}
	want := agent.Session{CloudURL: base, Issuer: base + "/oauth", ClientID: "clonit-cli", TokenURL: base + "/oauth/token",
		AccessToken: "acc-1", IDToken: "id-1", RefreshToken: "ref-1", Expiry: s.Expiry, Org: org, APIKey: apiKey}
	if *s != want {
		got, _ := json.Marshal(s)
		t.Errorf("session = %s", got)
	}
	if time.Until(s.Expiry) < 50*time.Minute {
		t.Errorf("expiry %v is not an hour away", s.Expiry)
	}
	if st, _ := os.Stat(path); st.Mode().Perm() != 0o600 {
		t.Errorf("mode = %v, want 0600", st.Mode().Perm())
	}
}
