package builtin_test

import (
	"context"
	"net/http"
	"net/url"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/clonit/clonit/internal/cloud/identity"
	"github.com/clonit/clonit/internal/cloud/identity/builtin"
)

func TestDeviceGrantEndToEnd(t *testing.T) {
	e := newEnv(t, openStore(t), builtin.Config{})
	ada := e.addAccount("ada@example.com", "Ada Lovelace", "analytical engine", "eng", "dba")

	d := e.startDevice()
	if d.VerificationURI != e.issuer+"/device" || d.VerificationURIComplete != e.issuer+"/device?user_code="+d.UserCode ||
		d.ExpiresIn != 600 || d.Interval != 5 {
		t.Fatalf("device authorization = %+v", d)
	}
	resp, body := e.get(d.VerificationURIComplete)
	if resp.StatusCode != http.StatusOK || !strings.Contains(body, `name="user_code" value="`+d.UserCode+`"`) {
		t.Fatalf("verification page: %d\n%s", resp.StatusCode, body)
	}
	if tr := e.poll(d.DeviceCode); tr.Error != "authorization_pending" {
		t.Fatalf("poll before sign-in: %+v", tr)
	}
	// The code is accepted however the person types it.
	typed := strings.ToLower(strings.ReplaceAll(d.UserCode, "-", " "))
	status, msg := e.verify(typed, "ADA@example.com", "analytical engine")
	if status != http.StatusOK || msg != "Signed in as ada@example.com. You can close this page and return to your terminal." {
		t.Fatalf("verification form: %d %q", status, msg)
	}
	tr := e.poll(d.DeviceCode)
	if tr.Error != "" || tr.TokenType != "Bearer" || tr.IDToken == "" || tr.RefreshToken == "" || tr.ExpiresIn < 3590 {
		t.Fatalf("token response: %+v", tr)
	}
	if again := e.poll(d.DeviceCode); again.Error != "access_denied" {
		t.Fatalf("second poll of a used device code: %+v", again)
	}

	want := identity.Principal{Issuer: e.issuer, Subject: ada.ID, Email: "ada@example.com", Name: "Ada Lovelace",
		Groups: []string{"eng", "dba"}, Credential: "session"}
	for _, tc := range []struct {
		name  string
		auth  identity.Authenticator
		token string
	}{
		{"access token, verified locally", e.local, tr.AccessToken},
		{"ID token, verified locally", e.local, tr.IDToken},
		{"ID token, verified through discovery and JWKS", e.remote, tr.IDToken},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p, err := tc.auth.Authenticate(context.Background(), tc.token)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(p, want) {
				t.Fatalf("principal = %+v, want %+v", p, want)
			}
		})
	}

	// An operator changes the groups: the next sign-in carries them.
	ada.Groups = []string{"ops"}
	if err := e.store.UpdateAccount(context.Background(), ada); err != nil {
		t.Fatal(err)
	}
	again := e.signIn("ada@example.com", "analytical engine")
	p, err := e.local.Authenticate(context.Background(), again.AccessToken)
	if err != nil || !reflect.DeepEqual(p.Groups, []string{"ops"}) {
		t.Fatalf("after set-groups: %+v, %v", p, err)
	}
}

func TestDeviceVerificationRefusals(t *testing.T) {
	e := newEnv(t, openStore(t), builtin.Config{})
	e.addAccount("ada@example.com", "Ada", "analytical engine")
	off := e.addAccount("off@example.com", "Off", "switched off!")
	off.Disabled = true
	if err := e.store.UpdateAccount(context.Background(), off); err != nil {
		t.Fatal(err)
	}
	d := e.startDevice()

	tests := []struct {
		name, code, email, pw string
		status                int
		msg                   string
	}{
		{"wrong password", d.UserCode, "ada@example.com", "difference engine", 401, "Wrong email or password."},
		{"unknown email", d.UserCode, "nobody@example.com", "analytical engine", 401, "Wrong email or password."},
		{"disabled account", d.UserCode, "off@example.com", "switched off!", 403, "This account is disabled. Ask your Clonit Cloud operator."},
		{"missing password", d.UserCode, "ada@example.com", "", 400, "Enter the code shown in your terminal, your email and your password."},
		{"missing code", "", "ada@example.com", "analytical engine", 400, "Enter the code shown in your terminal, your email and your password."},
		{"unknown code", "BCDF-GHJK", "ada@example.com", "analytical engine", 400, "This code is unknown, already used or expired. Run `clonit login` again for a new code."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			status, msg := e.verify(tt.code, tt.email, tt.pw)
			if status != tt.status || msg != tt.msg {
				t.Fatalf("got %d %q, want %d %q", status, msg, tt.status, tt.msg)
			}
		})
	}
	if tr := e.poll(d.DeviceCode); tr.Error != "authorization_pending" {
		t.Fatalf("after refused attempts the device must still wait: %+v", tr)
	}
	// A disabled account cannot refresh either: see TestRefreshTokenGrant.
}

func TestFailedPasswordsAreRateLimitedPerEmail(t *testing.T) {
	e := newEnv(t, openStore(t), builtin.Config{})
	e.addAccount("ada@example.com", "Ada", "analytical engine")
	e.addAccount("bob@example.com", "Bob", "bobs password")
	d := e.startDevice()
	for i := range 5 {
		if status, _ := e.verify(d.UserCode, "ada@example.com", "guess"); status != http.StatusUnauthorized {
			t.Fatalf("attempt %d: status %d", i+1, status)
		}
	}
	resp, body := e.postForm(e.issuer+"/device", url.Values{"user_code": {d.UserCode}, "email": {"Ada@Example.com"}, "password": {"analytical engine"}})
	if resp.StatusCode != http.StatusTooManyRequests || resp.Header.Get("Retry-After") == "" ||
		pageMessage(body) != "Too many failed sign-in attempts for this email. Try again in 15 minute(s)." {
		t.Fatalf("sixth attempt: %d %q", resp.StatusCode, pageMessage(body))
	}
	// Another email is not affected.
	if status, msg := e.verify(d.UserCode, "bob@example.com", "bobs password"); status != http.StatusOK {
		t.Fatalf("other email: %d %q", status, msg)
	}
}

func TestExpiredDeviceCode(t *testing.T) {
	e := newEnv(t, openStore(t), builtin.Config{DeviceCodeTTL: time.Second})
	e.addAccount("ada@example.com", "Ada", "analytical engine")
	d := e.startDevice()
	time.Sleep(1100 * time.Millisecond) // outlive the one-second code
	status, msg := e.verify(d.UserCode, "ada@example.com", "analytical engine")
	if status != http.StatusBadRequest || msg != "This code is unknown, already used or expired. Run `clonit login` again for a new code." {
		t.Fatalf("verification of an expired code: %d %q", status, msg)
	}
	if tr := e.poll(d.DeviceCode); tr.Error != "expired_token" {
		t.Fatalf("poll of an expired code: %+v", tr)
	}
}
