package apikey_test

import (
	"context"
	"errors"
	"path/filepath"
	"regexp"
	"testing"
	"time"

	"github.com/clonit/clonit/internal/cloud"
	"github.com/clonit/clonit/internal/cloud/authz"
	"github.com/clonit/clonit/internal/cloud/identity"
	"github.com/clonit/clonit/internal/cloud/identity/apikey"
	"github.com/clonit/clonit/internal/cloud/store/sqlite"
	"github.com/clonit/clonit/internal/errs"
)

var keyShape = regexp.MustCompile(`^clonit_[0-9A-Za-z]{38}$`)

func TestNewKeysAreWellFormedAndDistinct(t *testing.T) {
	seen := map[string]bool{}
	for range 1000 {
		k := apikey.New()
		if !keyShape.MatchString(k) || apikey.Check(k) != nil || !apikey.LooksLikeKey(k) {
			t.Fatalf("New() = %q: not a well-formed key (Check: %v)", k, apikey.Check(k))
		}
		if seen[k] {
			t.Fatalf("New() repeated %q", k)
		}
		seen[k] = true
	}
}

func TestCheckRejectsDamagedKeys(t *testing.T) {
	k := apikey.New()
	swap := func(i int) string {
		b := []byte(k)
		if b[i] == 'a' {
			b[i] = 'b'
		} else {
			b[i] = 'a'
		}
		return string(b)
	}
	cases := map[string]string{
		"empty":                    "",
		"prefix only":              "clonit_",
		"other prefix":             "clonix_" + k[7:],
		"truncated":                k[:len(k)-1],
		"one character too many":   k + "a",
		"typo in the random part":  swap(10),
		"typo in the checksum":     swap(len(k) - 1),
		"two characters swapped":   k[:8] + k[9:10] + k[8:9] + k[10:],
		"character outside base62": k[:12] + "-" + k[13:],
		"a JWT":                    "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiIxIn0.c2ln",
	}
	for name, bad := range cases {
		if bad == k {
			continue // a swap of two equal characters changes nothing
		}
		if err := apikey.Check(bad); !errors.Is(err, apikey.ErrMalformed) {
			t.Errorf("%s: Check(%q) = %v, want ErrMalformed", name, bad, err)
		}
	}
}

func TestHashAndHint(t *testing.T) {
	k := "clonit_" + "0123456789ABCDEFGHIJKLMNOPQRSTUV" + "000000"
	if h := apikey.Hash(k); len(h) != 64 || h != apikey.Hash(k) || h == apikey.Hash(k+"x") {
		t.Errorf("Hash(%q) = %q: want 64 stable hex characters, distinct per key", k, h)
	}
	if got := apikey.Hint(k); got != "clonit_0123" {
		t.Errorf("Hint = %q, want clonit_0123", got)
	}
}

// fixture is a store with one org and a key per state, and a clock the test moves.
type fixture struct {
	st   cloud.Store
	org  cloud.Org
	now  time.Time
	auth *apikey.Authenticator
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	ctx := context.Background()
	st, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "cloud.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	u, err := st.UpsertUser(ctx, cloud.User{Issuer: "https://issuer.test", Subject: "ada", Email: "ada@example.com"})
	if err != nil {
		t.Fatal(err)
	}
	f := &fixture{st: st, org: cloud.Org{Slug: "acme", Name: "Acme"}, now: time.Date(2026, 5, 4, 10, 0, 0, 0, time.UTC)}
	if err := st.CreateOrg(ctx, &f.org, u.ID); err != nil {
		t.Fatal(err)
	}
	f.auth = apikey.NewAuthenticator(st, func() time.Time { return f.now })
	return f
}

// key stores a new key named name, changed by edit, and returns its secret and id.
func (f *fixture) key(t *testing.T, name string, edit func(*cloud.APIKey)) (string, string) {
	t.Helper()
	secret := apikey.New()
	k := cloud.APIKey{OrgID: f.org.ID, Name: name, Hash: apikey.Hash(secret), Hint: apikey.Hint(secret),
		Permissions: authz.Pull, CreatedAt: f.now.Add(-time.Hour)}
	if edit != nil {
		edit(&k)
	}
	if err := f.st.CreateAPIKey(context.Background(), &k); err != nil {
		t.Fatal(err)
	}
	return secret, k.ID
}

func TestAuthenticate(t *testing.T) {
	f := newFixture(t)
	live, liveID := f.key(t, "ci", nil)
	revoked, _ := f.key(t, "old", nil)
	if err := f.st.RevokeAPIKey(context.Background(), f.org.ID, mustKeyID(t, f, revoked), time.Date(2026, 5, 3, 9, 0, 0, 0, time.UTC)); err != nil {
		t.Fatal(err)
	}
	expired, _ := f.key(t, "short", func(k *cloud.APIKey) { k.ExpiresAt = f.now })
	future, _ := f.key(t, "long", func(k *cloud.APIKey) { k.ExpiresAt = f.now.Add(time.Second) })
	unknown := apikey.New()
	typo := []byte(live)
	typo[9] ^= 1

	invalid := "invalid API key: check the key you set in cloud.api_key or CLONIT_CLOUD__API_KEY, or create a new one with `clonit cloud keys create`"
	cases := []struct {
		name, bearer, err string
	}{
		{"live key", live, ""},
		{"key expiring later", future, ""},
		{"unknown key", unknown, invalid},
		{"wrong checksum", string(typo), invalid},
		{"malformed", "clonit_short", invalid},
		{"revoked key", revoked, "the API key \"old\" was revoked on 2026-05-03 09:00 UTC: create a new one with `clonit cloud keys create`, or sign in with `clonit login`"},
		{"expired key", expired, "the API key \"short\" expired on 2026-05-04 10:00 UTC: create a new one with `clonit cloud keys create`"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			p, err := f.auth.Authenticate(context.Background(), tc.bearer)
			if tc.err == "" {
				if err != nil {
					t.Fatalf("Authenticate: %v", err)
				}
				if p.Key == nil || p.Key.OrgID != f.org.ID || p.Credential != "apikey:"+p.Key.ID || p.Key.Permissions != authz.Pull {
					t.Errorf("principal = %+v, key %+v", p, p.Key)
				}
				return
			}
			if !errors.Is(err, errs.ErrUnauthenticated) || errs.Public(err, "") != tc.err {
				t.Errorf("Authenticate error = %v, want unauthenticated %q", err, tc.err)
			}
		})
	}

	t.Run("last used is written at most once a minute", func(t *testing.T) {
		start := f.now
		steps := []struct {
			after time.Duration
			want  time.Duration // the stored last-used time, after start
		}{{0, 0}, {30 * time.Second, 0}, {59 * time.Second, 0}, {61 * time.Second, 61 * time.Second}}
		for _, s := range steps {
			f.now = start.Add(s.after)
			if _, err := f.auth.Authenticate(context.Background(), live); err != nil {
				t.Fatal(err)
			}
			k, _ := f.st.APIKey(context.Background(), f.org.ID, liveID)
			if !k.LastUsedAt.Equal(start.Add(s.want)) {
				t.Errorf("at +%s: LastUsedAt = %v, want %v", s.after, k.LastUsedAt, start.Add(s.want))
			}
		}
	})
}

func mustKeyID(t *testing.T, f *fixture, secret string) string {
	t.Helper()
	k, err := f.st.APIKeyByHash(context.Background(), apikey.Hash(secret))
	if err != nil {
		t.Fatal(err)
	}
	return k.ID
}

var _ identity.Authenticator = (*apikey.Authenticator)(nil)
