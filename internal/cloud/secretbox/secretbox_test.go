package secretbox

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/clonit/clonit/internal/errs"
)

func testBox(t *testing.T) *Box {
	t.Helper()
	b, err := New(bytes.Repeat([]byte{7}, KeySize))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestSealOpen(t *testing.T) {
	b := testBox(t)
	sealed, err := b.Seal("hunter2", "org1/target/shop/src_url")
	if err != nil {
		t.Fatal(err)
	}
	if !IsSealed(sealed) || strings.Contains(sealed, "hunter2") {
		t.Fatalf("Seal = %q", sealed)
	}
	again, _ := b.Seal("hunter2", "org1/target/shop/src_url")
	if again == sealed {
		t.Errorf("two seals of one value are equal: the nonce is not fresh")
	}
	if got, err := b.Open(sealed, "org1/target/shop/src_url"); err != nil || got != "hunter2" {
		t.Errorf("Open = %q, %v", got, err)
	}
	tests := []struct{ name, value, place, want string }{
		{"another place", sealed, "org2/target/shop/src_url", "secretbox: the sealed value does not open with this key and place: was the secrets key replaced?"},
		{"plain text", "hunter2", "p", "secretbox: the stored value is not sealed"},
		{"damaged", Prefix + "zz", "p", "secretbox: the sealed value is damaged"},
		{"too short", Prefix + "00ff", "p", "secretbox: the sealed value is damaged"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := b.Open(tt.value, tt.place); err == nil || err.Error() != tt.want {
				t.Errorf("Open error = %v, want %q", err, tt.want)
			}
		})
	}
	if s, _ := b.Seal("", "p"); s != "" {
		t.Errorf("Seal(\"\") = %q", s)
	}
}

func TestURL(t *testing.T) {
	b := testBox(t)
	raw := "postgres://app:s3cr%40t@db:5432/shop?password=two&sslmode=disable"
	sealed, err := b.SealURL(raw, "o/t/shop/src_url")
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(sealed, "s3cr") || strings.Contains(sealed, "two") || !strings.HasPrefix(sealed, "postgres://app:$aes$") {
		t.Errorf("SealURL = %q", sealed)
	}
	if got, err := b.OpenURL(sealed, "o/t/shop/src_url"); err != nil || got != raw {
		t.Errorf("OpenURL = %q, %v; want %q", got, err, raw)
	}
}

func TestKeyFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "sub", "secrets.key")
	k1, err := LoadKeyFile(path)
	if err != nil || len(k1) != KeySize {
		t.Fatalf("LoadKeyFile (create) = %x, %v", k1, err)
	}
	st, err := os.Stat(path)
	if err != nil || st.Mode().Perm() != 0o600 {
		t.Errorf("key file mode = %v, %v; want 0600", st.Mode().Perm(), err)
	}
	k2, err := LoadKeyFile(path)
	if err != nil || !bytes.Equal(k1, k2) {
		t.Errorf("LoadKeyFile (read) = %x, %v; want %x", k2, err, k1)
	}
	bad := filepath.Join(t.TempDir(), "bad.key")
	os.WriteFile(bad, []byte("not hex\n"), 0o600)
	_, err = LoadKeyFile(bad)
	if want := "the secrets key file " + bad + " must hold 64 hex digits: restore it from your backup (a new key cannot open what the old one sealed)"; errs.Public(err, "") != want {
		t.Errorf("LoadKeyFile(bad) = %v, want %q", err, want)
	}
}
