package apiclient_test

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sync/atomic"
	"testing"
	"time"

	"github.com/clonit/clonit/internal/agent"
	"github.com/clonit/clonit/internal/apiclient"
	"github.com/clonit/clonit/internal/errs"
)

func TestPick(t *testing.T) {
	sess := &agent.Session{AccessToken: "session-access"}
	cases := []struct {
		name   string
		cloud  agent.Cloud
		sess   *agent.Session
		kind   string
		bearer string
	}{
		{"api key wins over everything", agent.Cloud{APIKey: "ck_1", Token: "tok"}, sess, apiclient.KindAPIKey, "ck_1"},
		{"token wins over the session", agent.Cloud{Token: "tok"}, sess, apiclient.KindToken, "tok"},
		{"session last", agent.Cloud{}, sess, apiclient.KindSession, "session-access"},
		{"nothing", agent.Cloud{}, nil, "", ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c := apiclient.Pick(tc.cloud, tc.sess, filepath.Join(t.TempDir(), "credentials.json"), nil, time.Now)
			if c == nil {
				if tc.kind != "" {
					t.Fatalf("no credential, want %s", tc.kind)
				}
				return
			}
			b, err := c.Bearer(context.Background(), false)
			if c.Kind() != tc.kind || b != tc.bearer || err != nil {
				t.Errorf("got %s %q %v, want %s %q", c.Kind(), b, err, tc.kind, tc.bearer)
			}
		})
	}
}

// fakeJWT builds an unsigned token whose payload has exp; the agent only reads exp.
func fakeJWT(exp time.Time) string {
	enc := base64.RawURLEncoding.EncodeToString
	return enc([]byte(`{"alg":"none"}`)) + "." + enc([]byte(fmt.Sprintf(`{"exp":%d}`, exp.Unix()))) + ".sig"
}

// tokenServer is a fake token endpoint that grants refreshes of refresh token "r1" and
// counts them; it refuses any other.
func tokenServer(t *testing.T, idToken string) (*httptest.Server, *atomic.Int32) {
	var n atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		r.ParseForm()
		w.Header().Set("Content-Type", "application/json")
		if r.Form.Get("grant_type") != "refresh_token" || r.Form.Get("refresh_token") != "r1" || r.Form.Get("client_id") != "clonit-cli" {
			w.WriteHeader(400)
			io.WriteString(w, `{"error":"invalid_grant"}`)
			return
		}
		n.Add(1)
		json.NewEncoder(w).Encode(map[string]any{"access_token": "a2", "id_token": idToken, "refresh_token": "r2", "token_type": "Bearer", "expires_in": 3600})
	}))
	t.Cleanup(srv.Close)
	return srv, &n
}

func TestSessionRenewsWhenExpired(t *testing.T) {
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	idExp := time.Now().Add(10 * time.Minute).Truncate(time.Second)
	id2 := fakeJWT(idExp)
	tokens, n := tokenServer(t, id2)
	path := filepath.Join(t.TempDir(), "clonit", "credentials.json")
	start := &agent.Session{CloudURL: "http://cloud", Issuer: "http://issuer", ClientID: "clonit-cli", TokenURL: tokens.URL,
		AccessToken: "a1", IDToken: "id1", RefreshToken: "r1", Expiry: now.Add(-time.Minute), Org: "acme"}
	if err := agent.SaveSession(path, start); err != nil {
		t.Fatal(err)
	}
	cred := apiclient.NewSessionCredential(path, start, nil, func() time.Time { return now })
	b, err := cred.Bearer(context.Background(), false)
	if err != nil || b != id2 {
		t.Fatalf("bearer = %q, %v; want the renewed ID token", b, err)
	}
	if b, _ := cred.Bearer(context.Background(), false); b != id2 || n.Load() != 1 {
		t.Errorf("second call renewed again (%d renewals) or changed bearer %q", n.Load(), b)
	}
	saved, err := agent.LoadSession(path)
	if err != nil {
		t.Fatal(err)
	}
	want := agent.Session{CloudURL: "http://cloud", Issuer: "http://issuer", ClientID: "clonit-cli", TokenURL: tokens.URL,
		AccessToken: "a2", IDToken: id2, RefreshToken: "r2", Expiry: idExp, Org: "acme"}
	if !saved.Expiry.Equal(want.Expiry) {
		t.Errorf("expiry = %v, want the ID token's %v", saved.Expiry, want.Expiry)
	}
	saved.Expiry = want.Expiry
	if *saved != want {
		t.Errorf("saved session = %+v\nwant %+v", *saved, want)
	}
	if st, _ := os.Stat(path); st.Mode().Perm() != 0o600 {
		t.Errorf("session file mode = %v, want 0600", st.Mode().Perm())
	}
}

func TestSessionRenewsOn401(t *testing.T) {
	tokens, n := tokenServer(t, "")
	cloud := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") != "Bearer a2" {
			w.WriteHeader(401)
			io.WriteString(w, `{"status":401,"code":"unauthenticated","message":"token expired"}`)
			return
		}
		io.WriteString(w, `[]`)
	}))
	defer cloud.Close()
	path := filepath.Join(t.TempDir(), "credentials.json")
	sess := &agent.Session{CloudURL: cloud.URL, ClientID: "clonit-cli", TokenURL: tokens.URL, AccessToken: "a1", RefreshToken: "r1"}
	c, _ := apiclient.New(cloud.URL, apiclient.NewSessionCredential(path, sess, nil, time.Now))
	if _, err := c.Orgs(context.Background()); err != nil {
		t.Fatalf("orgs: %v", err)
	}
	if n.Load() != 1 {
		t.Errorf("renewals = %d, want 1", n.Load())
	}
}

func TestSessionCannotRenew(t *testing.T) {
	tokens, _ := tokenServer(t, "")
	now := time.Now()
	cases := []struct {
		name string
		sess agent.Session
		kind error
		msg  string
	}{
		{"no refresh token", agent.Session{AccessToken: "a1", Expiry: now.Add(-time.Hour)},
			errs.ErrUnauthenticated, "your session has expired: run `clonit login` to sign in again"},
		{"refresh token refused", agent.Session{ClientID: "clonit-cli", TokenURL: tokens.URL, AccessToken: "a1", RefreshToken: "revoked", Expiry: now.Add(-time.Hour)},
			errs.ErrUnauthenticated, "your session has expired and could not be renewed: run `clonit login` to sign in again"},
		{"issuer unreachable", agent.Session{Issuer: "http://127.0.0.1:1", ClientID: "clonit-cli", AccessToken: "a1", RefreshToken: "r1", Expiry: now.Add(-time.Hour)},
			errs.ErrUnavailable, "cannot reach the sign-in service at http://127.0.0.1:1: check --auth-url and your network"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "credentials.json")
			cred := apiclient.NewSessionCredential(path, &tc.sess, nil, time.Now)
			_, err := cred.Bearer(context.Background(), false)
			if !errors.Is(err, tc.kind) || errs.Public(err, "") != tc.msg {
				t.Errorf("err = %v, want %v %q", err, tc.kind, tc.msg)
			}
			if _, err := os.Stat(path); !errors.Is(err, os.ErrNotExist) {
				t.Errorf("a failed renewal wrote the session file")
			}
		})
	}
}
