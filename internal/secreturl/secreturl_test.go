package secreturl

import (
	"errors"
	"slices"
	"strings"
	"testing"
)

func TestURLs(t *testing.T) {
	tests := []struct {
		name, url, masked, stripped string
		passwords                   []string
		missing                     bool
		filled                      string // Fill(url, "p@ss w/rd")
	}{
		{"userinfo", "postgres://app:s3cret@db.example.com:5432/shop?sslmode=disable",
			"postgres://app:****@db.example.com:5432/shop?sslmode=disable",
			"postgres://app:@db.example.com:5432/shop?sslmode=disable", []string{"s3cret"}, false,
			"postgres://app:s3cret@db.example.com:5432/shop?sslmode=disable"},
		{"escaped password", "postgresql://app:p%40ss%2Fw0rd@localhost/shop",
			"postgresql://app:****@localhost/shop", "postgresql://app:@localhost/shop", []string{"p%40ss%2Fw0rd"}, false,
			"postgresql://app:p%40ss%2Fw0rd@localhost/shop"},
		{"at sign in password", "postgres://app:p@ss@localhost/shop",
			"postgres://app:****@localhost/shop", "postgres://app:@localhost/shop", []string{"p@ss"}, false,
			"postgres://app:p@ss@localhost/shop"},
		{"query parameter", "postgres://localhost/shop?user=app&password=qwerty&sslmode=require",
			"postgres://localhost/shop?user=app&password=****&sslmode=require",
			"postgres://localhost/shop?user=app&password=&sslmode=require", []string{"qwerty"}, false,
			"postgres://localhost/shop?user=app&password=qwerty&sslmode=require"},
		{"both", "postgres://a:one@h/db?password=two", "postgres://a:****@h/db?password=****",
			"postgres://a:@h/db?password=", []string{"one", "two"}, false, "postgres://a:one@h/db?password=two"},
		{"no password", "postgres://app@localhost/shop", "postgres://app@localhost/shop",
			"postgres://app@localhost/shop", nil, false, "postgres://app@localhost/shop"},
		{"missing in userinfo", "postgres://app:@localhost/shop", "postgres://app:@localhost/shop",
			"postgres://app:@localhost/shop", nil, true, "postgres://app:p%40ss%20w%2Frd@localhost/shop"},
		{"missing in query", "postgres://localhost/shop?password=&user=app", "postgres://localhost/shop?password=&user=app",
			"postgres://localhost/shop?password=&user=app", nil, true, "postgres://localhost/shop?password=p%40ss+w%2Frd&user=app"},
		{"sqlite path", "/var/data/app.db", "/var/data/app.db", "/var/data/app.db", nil, false, "/var/data/app.db"},
		{"sqlite url", "sqlite:///var/data/app.db", "sqlite:///var/data/app.db", "sqlite:///var/data/app.db", nil, false, "sqlite:///var/data/app.db"},
		{"empty", "", "", "", nil, false, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := MaskURL(tt.url); got != tt.masked {
				t.Errorf("MaskURL = %q, want %q", got, tt.masked)
			}
			if got := Strip(tt.url); got != tt.stripped {
				t.Errorf("Strip = %q, want %q", got, tt.stripped)
			}
			if got := Passwords(tt.url); !slices.Equal(got, tt.passwords) {
				t.Errorf("Passwords = %q, want %q", got, tt.passwords)
			}
			if got := HasPassword(tt.url); got != (len(tt.passwords) > 0) {
				t.Errorf("HasPassword = %v", got)
			}
			if got := Missing(tt.url); got != tt.missing {
				t.Errorf("Missing = %v, want %v", got, tt.missing)
			}
			if got := Missing(Strip(tt.url)); got != (tt.missing || len(tt.passwords) > 0) {
				t.Errorf("Missing(Strip) = %v", got)
			}
			if got := Fill(tt.url, "p@ss w/rd"); got != tt.filled {
				t.Errorf("Fill = %q, want %q", got, tt.filled)
			}
			sealed, err := Rewrite(tt.url, func(pw string) (string, error) { return "$aes$" + strings.ToUpper(pw), nil })
			if err != nil {
				t.Fatal(err)
			}
			back, _ := Rewrite(sealed, func(pw string) (string, error) { return strings.ToLower(pw[5:]), nil })
			if back != strings.ToLower(tt.url) && len(tt.passwords) > 0 {
				t.Errorf("Rewrite round trip = %q", back)
			}
			if MaskURL(sealed) != tt.masked {
				t.Errorf("MaskURL(sealed) = %q, want %q", MaskURL(sealed), tt.masked)
			}
		})
	}
}

func TestRewriteError(t *testing.T) {
	boom := errors.New("boom")
	if _, err := Rewrite("postgres://a:b@h/db", func(string) (string, error) { return "", boom }); !errors.Is(err, boom) {
		t.Errorf("Rewrite error = %v, want boom", err)
	}
}
