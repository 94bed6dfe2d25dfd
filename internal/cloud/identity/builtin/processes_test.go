package builtin_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"net/http/httptest"
	"net/url"
	"reflect"
	"strings"
	"sync"
	"testing"

	"github.com/jackc/pgx/v5"
	"golang.org/x/oauth2"

	"github.com/clonit/clonit/internal/cloud"
	"github.com/clonit/clonit/internal/cloud/identity"
	"github.com/clonit/clonit/internal/cloud/identity/builtin"
	"github.com/clonit/clonit/internal/cloud/identity/selftoken"
	"github.com/clonit/clonit/internal/cloud/identity/signing"
	"github.com/clonit/clonit/internal/cloud/store/postgres"
	"github.com/clonit/clonit/internal/testutil"
)

// processEnv is one process of a cloud behind a load balancer: its own connection pool to
// the shared PostgreSQL database, its own provider and HTTP server, and the public issuer
// that every process shares. Requests go to the process directly (e.issuer is its own
// URL), as the load balancer would send them.
func processEnv(t *testing.T, dbURL, public string) *env {
	t.Helper()
	st, err := postgres.Open(context.Background(), dbURL)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	prov, err := builtin.New(st, builtin.Config{Issuer: public + "/oauth"})
	if err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	mux.Handle("/oauth/", prov.Handler())
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	key, err := signing.Load(context.Background(), st)
	if err != nil {
		t.Fatal(err)
	}
	local, err := selftoken.New(key, selftoken.Config{SelfIssuer: public, BuiltinIssuer: prov.Issuer(), BuiltinClientID: prov.ClientID()})
	if err != nil {
		t.Fatal(err)
	}
	return &env{t: t, store: st, srv: srv, issuer: srv.URL + "/oauth", prov: prov, local: local}
}

// TestSignInAcrossProcesses runs two providers on one PostgreSQL database, as two
// `clonit-cloud serve` processes behind one public URL: every step of a sign-in may reach
// either, and a code or token still works exactly once.
func TestSignInAcrossProcesses(t *testing.T) {
	dbURL := testutil.NewPostgresDB(t)
	const public = "http://cloud.test"
	a, b := processEnv(t, dbURL, public), processEnv(t, dbURL, public)
	ada := a.addAccount("ada@example.com", "Ada Lovelace", "analytical engine", "eng")
	want := identity.Principal{Issuer: public + "/oauth", Subject: ada.ID, Email: "ada@example.com", Name: "Ada Lovelace",
		Groups: []string{"eng"}, Credential: "session"}

	t.Run("one signing key", func(t *testing.T) {
		_, keysA := a.get(a.issuer + "/keys")
		_, keysB := b.get(b.issuer + "/keys")
		if keysA != keysB || !strings.Contains(keysA, `"kid"`) {
			t.Fatalf("the processes publish different keys:\n%s\n%s", keysA, keysB)
		}
	})

	var tokens tokenResponse
	t.Run("device grant", func(t *testing.T) {
		d := a.startDevice()
		if d.VerificationURI != public+"/oauth/device" {
			t.Errorf("verification URI %q is not the public one", d.VerificationURI)
		}
		if tr := b.poll(d.DeviceCode); tr.Error != "authorization_pending" {
			t.Fatalf("poll on the other process before sign-in: %+v", tr)
		}
		if status, msg := b.verify(d.UserCode, "ada@example.com", "analytical engine"); status != http.StatusOK {
			t.Fatalf("verification form on the other process: %d %q", status, msg)
		}
		if status, msg := a.verify(d.UserCode, "ada@example.com", "analytical engine"); status != http.StatusBadRequest ||
			msg != "This code is unknown, already used or expired. Run `clonit login` again for a new code." {
			t.Fatalf("approving a code twice: %d %q", status, msg)
		}
		tokens = a.poll(d.DeviceCode)
		if tokens.Error != "" || tokens.AccessToken == "" || tokens.RefreshToken == "" {
			t.Fatalf("token on the first process: %+v", tokens)
		}
		if again := b.poll(d.DeviceCode); again.Error != "access_denied" {
			t.Fatalf("the same device code on the other process: %+v", again)
		}
		for _, env := range []*env{a, b} {
			p, err := env.local.Authenticate(context.Background(), tokens.AccessToken)
			if err != nil || !reflect.DeepEqual(p, want) {
				t.Fatalf("principal = %+v, %v; want %+v", p, err, want)
			}
		}
	})

	t.Run("refresh token rotation", func(t *testing.T) {
		refresh := func(env *env, token string) tokenResponse {
			return env.token(url.Values{"grant_type": {"refresh_token"}, "refresh_token": {token}})
		}
		next := refresh(b, tokens.RefreshToken)
		if next.Error != "" || next.RefreshToken == "" {
			t.Fatalf("refresh on the other process: %+v", next)
		}
		if replay := refresh(a, tokens.RefreshToken); replay.Error != "invalid_grant" {
			t.Fatalf("a rotated token on the first process: %+v", replay)
		}
		if last := refresh(a, next.RefreshToken); last.Error != "" {
			t.Fatalf("the new token on the first process: %+v", last)
		}
	})

	t.Run("concurrent polls of one approval", func(t *testing.T) {
		d := b.startDevice()
		if status, msg := a.verify(d.UserCode, "ada@example.com", "analytical engine"); status != http.StatusOK {
			t.Fatalf("verification form: %d %q", status, msg)
		}
		results := make([]tokenResponse, 10)
		var wg sync.WaitGroup
		for i := range results {
			env := []*env{a, b}[i%2]
			wg.Go(func() { results[i] = env.poll(d.DeviceCode) })
		}
		wg.Wait()
		issued := 0
		for _, r := range results {
			switch {
			case r.Error == "" && r.AccessToken != "":
				issued++
			case r.Error != "access_denied":
				t.Errorf("poll: %+v", r)
			}
		}
		if issued != 1 {
			t.Fatalf("%d of %d concurrent polls got tokens, want 1", issued, len(results))
		}
	})

	t.Run("authorization code flow", func(t *testing.T) {
		authCodeAcrossProcesses(t, a, b, public, ada)
	})

	t.Run("codes are stored as hashes", func(t *testing.T) {
		d := a.startDevice()
		conn, err := pgx.Connect(context.Background(), dbURL)
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close(context.Background())
		hash := func(s string) string { h := sha256.Sum256([]byte(s)); return hex.EncodeToString(h[:]) }
		var clear, hashed int
		err = conn.QueryRow(context.Background(), `SELECT
			(SELECT count(*) FROM oauth_device_auths WHERE device_hash = $1 OR strpos(scopes || subject || client_id, $1) > 0),
			(SELECT count(*) FROM oauth_device_auths WHERE device_hash = $2)`, d.DeviceCode, hash(d.DeviceCode)).Scan(&clear, &hashed)
		if err != nil || clear != 0 || hashed != 1 {
			t.Fatalf("rows holding the device code in clear: %d, by its hash: %d (%v)", clear, hashed, err)
		}
	})

	t.Run("failed passwords count on every process", func(t *testing.T) {
		d := a.startDevice()
		for i := range 5 {
			if status, _ := []*env{a, b}[i%2].verify(d.UserCode, "ada@example.com", "guess"); status != http.StatusUnauthorized {
				t.Fatalf("attempt %d: status %d", i+1, status)
			}
		}
		for _, env := range []*env{a, b} {
			if status, msg := env.verify(d.UserCode, "ada@example.com", "analytical engine"); status != http.StatusTooManyRequests {
				t.Errorf("sixth attempt: %d %q", status, msg)
			}
		}
	})
}

// authCodeAcrossProcesses runs the browser flow with each step on the other process than
// the one before.
func authCodeAcrossProcesses(t *testing.T, a, b *env, public string, ada cloud.Account) {
	oc := oauth2.Config{
		ClientID:    "clonit-cli",
		Endpoint:    oauth2.Endpoint{AuthURL: a.issuer + "/authorize", TokenURL: b.issuer + "/token", AuthStyle: oauth2.AuthStyleInParams},
		RedirectURL: "http://127.0.0.1:43123/callback",
		Scopes:      strings.Fields(scopes),
	}
	verifier := oauth2.GenerateVerifier()
	resp, _ := a.get(oc.AuthCodeURL("st", oauth2.S256ChallengeOption(verifier)))
	login, err := url.Parse(resp.Header.Get("Location"))
	if err != nil || !strings.HasPrefix(login.String(), public+"/oauth/login?authRequestID=") {
		t.Fatalf("authorize: %d, location %q", resp.StatusCode, login)
	}
	id := login.Query().Get("authRequestID")
	if resp, _ := b.get(b.issuer + "/login?authRequestID=" + url.QueryEscape(id)); resp.StatusCode != http.StatusOK {
		t.Fatalf("login page on the other process: %d", resp.StatusCode)
	}
	resp, _ = b.postForm(b.issuer+"/login", url.Values{"authRequestID": {id}, "email": {"ada@example.com"}, "password": {"analytical engine"}})
	callback, err := url.Parse(resp.Header.Get("Location"))
	if err != nil || resp.StatusCode != http.StatusFound || !strings.HasPrefix(callback.String(), public+"/oauth/authorize/callback?") {
		t.Fatalf("login: %d, location %q", resp.StatusCode, callback)
	}
	resp, _ = a.get(a.issuer + strings.TrimPrefix(callback.Path, "/oauth") + "?" + callback.RawQuery)
	back, err := url.Parse(resp.Header.Get("Location"))
	if err != nil || back.Query().Get("state") != "st" || back.Query().Get("code") == "" {
		t.Fatalf("callback on the first process: %d, location %q", resp.StatusCode, back)
	}
	code := back.Query().Get("code")
	tok, err := oc.Exchange(context.Background(), code, oauth2.VerifierOption(verifier))
	if err != nil {
		t.Fatalf("exchange on the other process: %v", err)
	}
	p, err := a.local.Authenticate(context.Background(), tok.AccessToken)
	if err != nil || p.Subject != ada.ID {
		t.Fatalf("access token: %+v, %v", p, err)
	}
	oc.Endpoint.TokenURL = a.issuer + "/token"
	if _, err := oc.Exchange(context.Background(), code, oauth2.VerifierOption(verifier)); err == nil {
		t.Fatal("an authorization code worked twice, on two processes")
	}
}
