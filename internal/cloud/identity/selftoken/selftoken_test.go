package selftoken_test

import (
	"context"
	"encoding/base64"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/clonit/clonit/internal/cloud/identity"
	"github.com/clonit/clonit/internal/cloud/identity/selftoken"
	"github.com/clonit/clonit/internal/cloud/identity/signing"
	"github.com/clonit/clonit/internal/errs"
)

// memSecrets is a unit-test stand-in for cloud.Secrets.
type memSecrets struct {
	mu sync.Mutex
	m  map[string][]byte
}

func (s *memSecrets) Secret(_ context.Context, name string, create func() ([]byte, error)) ([]byte, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if v, ok := s.m[name]; ok {
		return v, nil
	}
	v, err := create()
	if err != nil {
		return nil, err
	}
	s.m[name] = v
	return v, nil
}

func newKey(t *testing.T) *signing.Key {
	t.Helper()
	k, err := signing.Load(context.Background(), &memSecrets{m: map[string][]byte{}})
	if err != nil {
		t.Fatal(err)
	}
	return k
}

const (
	self    = "https://cloud.example.com"
	builtin = "https://cloud.example.com/oauth"
)

func TestAuthenticate(t *testing.T) {
	key, otherKey := newKey(t), newKey(t)
	now := time.Unix(1_800_000_000, 0)
	cfg := selftoken.Config{SelfIssuer: self, BuiltinIssuer: builtin, BuiltinClientID: "clonit-cli", Now: func() time.Time { return now }}
	svc, err := selftoken.New(key, cfg)
	if err != nil {
		t.Fatal(err)
	}
	other, _ := selftoken.New(otherKey, cfg)
	later, _ := selftoken.New(key, selftoken.Config{SelfIssuer: self, BuiltinIssuer: builtin, BuiltinClientID: "clonit-cli",
		Now: func() time.Time { return now.Add(2 * time.Hour) }})
	externalMode, _ := selftoken.New(key, selftoken.Config{SelfIssuer: self, Now: func() time.Time { return now }})

	ada := selftoken.Identity{Subject: "acc-1", Issuer: builtin, Email: "ada@example.com", Name: "Ada", Groups: []string{"dba", "eng"}}
	bob := selftoken.Identity{Subject: "email:bob@example.com", Email: "bob@example.com", Name: "Bob"}
	mint := func(s *selftoken.Service, id selftoken.Identity) string {
		tok, err := s.Issue(id, time.Hour)
		if err != nil {
			t.Fatal(err)
		}
		return tok
	}
	sign := func(claims map[string]any) string {
		tok, err := key.Sign(claims)
		if err != nil {
			t.Fatal(err)
		}
		return tok
	}
	builtinClaims := func(aud string) map[string]any {
		return map[string]any{"iss": builtin, "sub": "acc-1", "aud": aud, "exp": now.Add(time.Minute).Unix(),
			"email": "ada@example.com", "name": "Ada", "groups": "dba"}
	}

	tests := []struct {
		name    string
		verify  *selftoken.Service
		token   string
		want    identity.Principal
		wantErr string
	}{
		{"operator token for a built-in account", svc, mint(svc, ada),
			identity.Principal{Issuer: builtin, Subject: "acc-1", Email: "ada@example.com", Name: "Ada", Groups: []string{"dba", "eng"}, Credential: "token"}, ""},
		{"operator token under the self issuer", svc, mint(svc, bob),
			identity.Principal{Issuer: self, Subject: "email:bob@example.com", Email: "bob@example.com", Name: "Bob", Groups: []string{}, Credential: "token"}, ""},
		{"operator token in external mode", externalMode, mint(svc, bob),
			identity.Principal{Issuer: self, Subject: "email:bob@example.com", Email: "bob@example.com", Name: "Bob", Groups: []string{}, Credential: "token"}, ""},
		{"built-in provider token", svc, sign(builtinClaims("clonit-cli")),
			identity.Principal{Issuer: builtin, Subject: "acc-1", Email: "ada@example.com", Name: "Ada", Groups: []string{"dba"}, Credential: "session"}, ""},
		{"expired operator token", later, mint(svc, ada), identity.Principal{}, "token expired, sign in again with `clonit login`"},
		{"tampered payload", svc, tamperPayload(t, mint(svc, bob)), identity.Principal{}, "invalid token, sign in again with `clonit login`"},
		{"tampered signature", svc, tamperSignature(mint(svc, bob)), identity.Principal{}, "invalid token, sign in again with `clonit login`"},
		{"signed by another key", svc, mint(other, bob), identity.Principal{}, "invalid token, sign in again with `clonit login`"},
		{"unsigned token", svc, unsigned(self), identity.Principal{}, "invalid token, sign in again with `clonit login`"},
		{"built-in token for another audience", svc, sign(builtinClaims("someone-else")), identity.Principal{}, "invalid token, sign in again with `clonit login`"},
		{"built-in token in external mode", externalMode, sign(builtinClaims("clonit-cli")), identity.Principal{}, "invalid token, sign in again with `clonit login`"},
		{"self issuer without operator marks", svc, sign(map[string]any{"iss": self, "sub": "x", "aud": "clonit-cloud", "exp": now.Add(time.Minute).Unix()}),
			identity.Principal{}, "invalid token, sign in again with `clonit login`"},
		{"no expiry", svc, sign(map[string]any{"iss": builtin, "sub": "x", "aud": "clonit-cli"}), identity.Principal{}, "invalid token, sign in again with `clonit login`"},
		{"not a token", svc, "hello", identity.Principal{}, "invalid token, sign in again with `clonit login`"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := tt.verify.Authenticate(context.Background(), tt.token)
			if tt.wantErr != "" {
				if !errors.Is(err, errs.ErrUnauthenticated) {
					t.Fatalf("err = %v, want unauthenticated", err)
				}
				if msg := errs.Public(err, ""); msg != tt.wantErr {
					t.Fatalf("message = %q, want %q", msg, tt.wantErr)
				}
				if strings.Contains(err.Error(), tt.token) {
					t.Fatalf("error %q echoes the token", err)
				}
				return
			}
			if err != nil {
				t.Fatalf("Authenticate: %v", err)
			}
			if !equal(got, tt.want) {
				t.Fatalf("principal = %+v, want %+v", got, tt.want)
			}
		})
	}
}

func TestIssueRefusesBadInput(t *testing.T) {
	svc, err := selftoken.New(newKey(t), selftoken.Config{SelfIssuer: self})
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		name string
		id   selftoken.Identity
		ttl  time.Duration
		want string
	}{
		{"zero ttl", selftoken.Identity{Subject: "s"}, 0, "token lifetime must be positive"},
		{"no subject", selftoken.Identity{}, time.Hour, "token subject is required"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, err := svc.Issue(tt.id, tt.ttl)
			if err == nil || err.Error() != tt.want {
				t.Fatalf("err = %v, want %q", err, tt.want)
			}
		})
	}
}

func equal(a, b identity.Principal) bool {
	return a.Issuer == b.Issuer && a.Subject == b.Subject && a.Email == b.Email && a.Name == b.Name &&
		a.Credential == b.Credential && strings.Join(a.Groups, ",") == strings.Join(b.Groups, ",") &&
		(a.Groups == nil) == (b.Groups == nil)
}

// tamperPayload swaps the subject for another while keeping the signature.
func tamperPayload(t *testing.T, tok string) string {
	parts := strings.Split(tok, ".")
	payload, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil {
		t.Fatal(err)
	}
	forged := strings.Replace(string(payload), "bob@example.com", "eve@example.com", -1)
	return parts[0] + "." + base64.RawURLEncoding.EncodeToString([]byte(forged)) + "." + parts[2]
}

func tamperSignature(tok string) string {
	b := []byte(tok)
	i := len(b) - 5
	if b[i] == 'A' {
		b[i] = 'B'
	} else {
		b[i] = 'A'
	}
	return string(b)
}

func unsigned(iss string) string {
	enc := base64.RawURLEncoding.EncodeToString
	return enc([]byte(`{"alg":"none","typ":"JWT"}`)) + "." +
		enc([]byte(`{"iss":"`+iss+`","sub":"x","aud":"clonit-cloud","clonit_cred":"token","exp":9999999999}`)) + "."
}

// TestAuthenticateAgain checks that a token accepted once, and so remembered, is judged
// again on every use: refused once expired, its principal not shared with earlier callers.
func TestAuthenticateAgain(t *testing.T) {
	now := time.Unix(1_800_000_000, 0)
	svc, err := selftoken.New(newKey(t), selftoken.Config{SelfIssuer: self, Now: func() time.Time { return now }})
	if err != nil {
		t.Fatal(err)
	}
	tok, err := svc.Issue(selftoken.Identity{Subject: "ada", Email: "ada@example.com", Groups: []string{"dba", "eng"}}, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	for i := range 2 {
		p, err := svc.Authenticate(context.Background(), tok)
		if err != nil || p.Subject != "ada" || len(p.Groups) != 2 || p.Groups[0] != "dba" {
			t.Fatalf("use %d: Authenticate = %+v, %v; want ada in dba and eng", i+1, p, err)
		}
		p.Groups[0] = "changed by the caller"
	}
	now = now.Add(time.Hour)
	if _, err := svc.Authenticate(context.Background(), tok); !errors.Is(err, identity.ErrExpired) {
		t.Fatalf("after its expiry: Authenticate error = %v, want identity.ErrExpired", err)
	}
	if _, err := svc.Authenticate(context.Background(), tok[:len(tok)-2]+"AA"); errs.KindOf(err) != errs.ErrUnauthenticated {
		t.Fatalf("with a forged signature: Authenticate error = %v, want unauthenticated", err)
	}
}
