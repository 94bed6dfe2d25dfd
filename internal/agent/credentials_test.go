package agent

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/clonit/clonit/internal/errs"
)

func TestSessionFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "clonit", CredentialsFile)
	if _, err := LoadSession(path); !errors.Is(err, ErrNoSession) {
		t.Fatalf("load before save = %v, want ErrNoSession", err)
	}
	s := &Session{CloudURL: "http://cloud", Issuer: "http://cloud/oauth", ClientID: "clonit-cli", AccessToken: "a", IDToken: "i",
		RefreshToken: "r", Expiry: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC), Org: "acme"}
	if err := SaveSession(path, s); err != nil {
		t.Fatal(err)
	}
	st, err := os.Stat(path)
	if err != nil || st.Mode().Perm() != 0o600 {
		t.Fatalf("stat = %v, %v; want mode 0600", st, err)
	}
	got, err := LoadSession(path)
	if err != nil || *got != *s {
		t.Fatalf("load = %+v, %v; want %+v", got, err, s)
	}
	if removed, err := RemoveSession(path); !removed || err != nil {
		t.Fatalf("remove = %v, %v", removed, err)
	}
	if removed, err := RemoveSession(path); removed || err != nil {
		t.Fatalf("second remove = %v, %v; want false, nil", removed, err)
	}
}

func TestSessionDamaged(t *testing.T) {
	path := filepath.Join(t.TempDir(), CredentialsFile)
	os.WriteFile(path, []byte("{not json"), 0o600)
	_, err := LoadSession(path)
	want := "session file " + path + " is damaged: run `clonit login` again"
	if !errors.Is(err, errs.ErrUnauthenticated) || errs.Public(err, "") != want {
		t.Errorf("err = %v, want %q", err, want)
	}
}

func TestSessionBearerAndExpiry(t *testing.T) {
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	cases := []struct {
		name    string
		s       Session
		bearer  string
		expired bool
	}{
		{"id token preferred", Session{AccessToken: "a", IDToken: "i", Expiry: now.Add(time.Hour)}, "i", false},
		{"access token without id token", Session{AccessToken: "a", Expiry: now.Add(time.Hour)}, "a", false},
		{"unknown expiry never expires", Session{AccessToken: "a"}, "a", false},
		{"expires within the margin", Session{AccessToken: "a", Expiry: now.Add(10 * time.Second)}, "a", true},
		{"expired", Session{AccessToken: "a", Expiry: now.Add(-time.Second)}, "a", true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if b := tc.s.Bearer(); b != tc.bearer {
				t.Errorf("bearer = %q, want %q", b, tc.bearer)
			}
			if e := tc.s.Expired(now); e != tc.expired {
				t.Errorf("expired = %v, want %v", e, tc.expired)
			}
		})
	}
}
