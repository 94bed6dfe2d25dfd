package password_test

import (
	"strings"
	"testing"

	"github.com/clonit/clonit/internal/cloud/identity/password"
	"github.com/clonit/clonit/internal/errs"
)

func TestHashAndVerify(t *testing.T) {
	h, err := password.Hash("correct horse")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(h, "$argon2id$v=19$m=47104,t=1,p=1$") || strings.Contains(h, "correct horse") {
		t.Fatalf("hash = %q", h)
	}
	h2, _ := password.Hash("correct horse")
	if h == h2 {
		t.Fatal("two hashes of one password are equal: salt not random")
	}
	tests := []struct {
		name string
		hash string
		pw   string
		want bool
		err  bool
	}{
		{"right password", h, "correct horse", true, false},
		{"wrong password", h, "correct horsE", false, false},
		{"empty password", h, "", false, false},
		{"not a PHC string", "plain", "x", false, true},
		{"bcrypt-like", "$2a$10$abc", "x", false, true},
		{"bad version", strings.Replace(h, "v=19", "v=16", 1), "correct horse", false, true},
		{"absurd memory", strings.Replace(h, "m=47104", "m=99999999", 1), "correct horse", false, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ok, err := password.Verify(tt.hash, tt.pw)
			if ok != tt.want || (err != nil) != tt.err {
				t.Fatalf("Verify = %v, %v; want %v, err %v", ok, err, tt.want, tt.err)
			}
		})
	}
	if password.Waste("x") {
		t.Fatal("Waste returned true")
	}
}

func TestValidate(t *testing.T) {
	tests := []struct {
		pw   string
		want string
	}{
		{"short", "the password is too short: use at least 8 characters"},
		{"éééééééé", ""},
		{strings.Repeat("a", 1025), "the password is too long: use at most 1024 bytes"},
		{"long enough", ""},
	}
	for _, tt := range tests {
		err := password.Validate(tt.pw)
		got := errs.Public(err, "")
		if got != tt.want || (err != nil && errs.KindOf(err) != errs.ErrInvalid) {
			t.Errorf("Validate(%.10q) = %v, want %q", tt.pw, err, tt.want)
		}
	}
}
