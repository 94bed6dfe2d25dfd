package agent

import (
	"errors"
	"strings"
	"testing"

	"github.com/clonit/clonit/internal/errs"
)

const (
	testKey16 = "00112233445566778899aabbccddeeff"
	testKey32 = "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff"
)

func mustCipher(t *testing.T, key string) *Cipher {
	t.Helper()
	c, err := NewCipher(key)
	if err != nil {
		t.Fatalf("NewCipher: %v", err)
	}
	return c
}

func TestCipherRoundTrip(t *testing.T) {
	for _, key := range []string{testKey16, testKey32} {
		c := mustCipher(t, key)
		for _, plain := range []string{"s3cr3t", "pässwörd with spaces", strings.Repeat("x", 1000)} {
			enc, err := c.Encrypt(plain)
			if err != nil {
				t.Fatalf("Encrypt: %v", err)
			}
			if !IsEncrypted(enc) || strings.Contains(enc, plain) {
				t.Fatalf("Encrypt(%q) = %q, want an opaque $aes$ token", plain, enc)
			}
			if len(enc) != len(EncryptedPrefix)+2*(nonceSize+len(plain)+16) {
				t.Errorf("token length %d does not hold a 12-byte nonce, the ciphertext and its tag", len(enc))
			}
			again, err := c.Encrypt(enc)
			if err != nil || again != enc {
				t.Errorf("Encrypt(token) = %q, %v; want the token unchanged", again, err)
			}
			other, _ := c.Encrypt(plain)
			if other == enc {
				t.Errorf("two encryptions of %q gave the same token; the nonce must be fresh", plain)
			}
			dec, err := c.Decrypt(enc)
			if err != nil || dec != plain {
				t.Errorf("Decrypt = %q, %v; want %q", dec, err, plain)
			}
		}
	}
}

func TestCipherErrors(t *testing.T) {
	good := mustCipher(t, testKey16)
	token, _ := good.Encrypt("hunter2")
	noKey := mustCipher(t, "")
	wrongKey := mustCipher(t, strings.Repeat("ab", 16))

	tests := []struct {
		name    string
		run     func() (string, error)
		want    string
		wantErr string
	}{
		{"plain value reads as is", func() (string, error) { return good.Decrypt("legacy") }, "legacy", ""},
		{"empty stays empty", func() (string, error) { return noKey.Encrypt("") }, "", ""},
		{"no key cannot store a secret", func() (string, error) { return noKey.Encrypt("hunter2") }, "",
			"the config has no secret_key to encrypt secrets with; run `clonit config init` to create one"},
		{"no key cannot read a secret", func() (string, error) { return noKey.Decrypt(token) }, "",
			"the local database holds encrypted secrets but the config has no secret_key; restore the config that has it, or run `clonit config init` and add the secrets again"},
		{"wrong key", func() (string, error) { return wrongKey.Decrypt(token) }, "",
			"cannot decrypt a secret: the config's secret_key is not the one it was stored with"},
		{"damaged token", func() (string, error) { return good.Decrypt("$aes$zz") }, "",
			"an encrypted secret in the local database is damaged; add it again"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := tt.run()
			if tt.wantErr != "" {
				if err == nil || errs.Public(err, "") != tt.wantErr || !errors.Is(err, errs.ErrInvalid) {
					t.Fatalf("err = %v, want %q", err, tt.wantErr)
				}
				if strings.Contains(err.Error(), "hunter2") {
					t.Fatalf("error %q contains the secret", err)
				}
				return
			}
			if err != nil || got != tt.want {
				t.Fatalf("got %q, %v; want %q", got, err, tt.want)
			}
		})
	}
}

func TestNewCipherBadKey(t *testing.T) {
	for _, key := range []string{"nothex", "0011", strings.Repeat("a", 48)} {
		if _, err := NewCipher(key); err == nil || errs.Public(err, "") != "secret_key must be 32 or 64 hex digits (16 or 32 bytes); fix it with `clonit config edit`" {
			t.Errorf("NewCipher(%q) err = %v", key, err)
		}
	}
}

func TestURLPasswords(t *testing.T) {
	tests := []struct {
		name, url, masked string
		secrets           []string
	}{
		{"userinfo", "postgres://app:s3cret@db.example.com:5432/shop?sslmode=disable",
			"postgres://app:****@db.example.com:5432/shop?sslmode=disable", []string{"s3cret"}},
		{"escaped password", "postgresql://app:p%40ss%2Fw0rd@localhost/shop",
			"postgresql://app:****@localhost/shop", []string{"p%40ss%2Fw0rd"}},
		{"at sign in password", "postgres://app:p@ss@localhost/shop",
			"postgres://app:****@localhost/shop", []string{"p@ss"}},
		{"query parameter", "postgres://localhost/shop?user=app&password=qwerty&sslmode=require",
			"postgres://localhost/shop?user=app&password=****&sslmode=require", []string{"qwerty"}},
		{"both", "postgres://a:one@h/db?password=two",
			"postgres://a:****@h/db?password=****", []string{"one", "two"}},
		{"no password", "postgres://app@localhost/shop", "postgres://app@localhost/shop", nil},
		{"empty password", "postgres://app:@localhost/shop", "postgres://app:@localhost/shop", nil},
		{"sqlite path", "/var/data/app.db", "/var/data/app.db", nil},
		{"sqlite url", "sqlite:///var/data/app.db", "sqlite:///var/data/app.db", nil},
	}
	c := mustCipher(t, testKey16)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := MaskURL(tt.url); got != tt.masked {
				t.Errorf("MaskURL = %q, want %q", got, tt.masked)
			}
			enc, err := c.EncryptURL(tt.url)
			if err != nil {
				t.Fatalf("EncryptURL: %v", err)
			}
			for _, s := range tt.secrets {
				if strings.Contains(enc, s) {
					t.Errorf("EncryptURL = %q still holds %q", enc, s)
				}
			}
			if MaskURL(enc) != tt.masked {
				t.Errorf("MaskURL(encrypted) = %q, want %q", MaskURL(enc), tt.masked)
			}
			if again, _ := c.EncryptURL(enc); again != enc {
				t.Errorf("EncryptURL twice changed the URL: %q -> %q", enc, again)
			}
			dec, err := c.DecryptURL(enc)
			if err != nil || dec != tt.url {
				t.Errorf("DecryptURL = %q, %v; want %q", dec, err, tt.url)
			}
		})
	}
}
