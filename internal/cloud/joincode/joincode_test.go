package joincode

import (
	"bytes"
	"context"
	"regexp"
	"testing"
)

func TestParse(t *testing.T) {
	cases := []struct {
		name, in, want string
		ok             bool
	}{
		{"with the dash", "1234-5678", "12345678", true},
		{"without the dash", "12345678", "12345678", true},
		{"spaces around", "  0000-0001\n", "00000001", true},
		{"leading zeros", "00000000", "00000000", true},
		{"too short", "1234-567", "", false},
		{"too long", "123456789", "", false},
		{"dash elsewhere", "123-45678", "", false},
		{"two dashes", "12-34-5678", "", false},
		{"a letter", "1234-567a", "", false},
		{"unicode digits", "١٢٣٤٥٦٧٨", "", false},
		{"empty", "", "", false},
		{"space inside", "1234 5678", "", false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, ok := Parse(tc.in)
			if got != tc.want || ok != tc.ok {
				t.Errorf("Parse(%q) = %q, %v; want %q, %v", tc.in, got, ok, tc.want, tc.ok)
			}
		})
	}
}

func TestGenerateAndFormat(t *testing.T) {
	shape := regexp.MustCompile(`^[0-9]{4}-[0-9]{4}$`)
	seen := map[string]bool{}
	firsts := map[byte]bool{}
	for range 1000 {
		d, err := Generate()
		if err != nil {
			t.Fatal(err)
		}
		shown := Format(d)
		if !shape.MatchString(shown) {
			t.Fatalf("Format(Generate()) = %q, want 1234-5678", shown)
		}
		if back, ok := Parse(shown); !ok || back != d {
			t.Fatalf("Parse(%q) = %q, %v; want %q", shown, back, ok, d)
		}
		seen[d] = true
		firsts[d[0]] = true
	}
	// 1000 draws from 10^8 codes: a repeat has odds of about 1 in 200; two would mean a
	// broken source.
	if len(seen) < 998 {
		t.Errorf("1000 codes hold only %d distinct ones", len(seen))
	}
	if len(firsts) != 10 {
		t.Errorf("the first digit took %d values of 10 in 1000 codes", len(firsts))
	}
}

func TestMAC(t *testing.T) {
	key, other := []byte("key-one"), []byte("key-two")
	m := MAC(key, "org-a", "12345678")
	cases := []struct {
		name  string
		mac   []byte
		equal bool
	}{
		{"same key, org and digits", MAC(key, "org-a", "12345678"), true},
		{"another org", MAC(key, "org-b", "12345678"), false},
		{"other digits", MAC(key, "org-a", "12345679"), false},
		{"another key", MAC(other, "org-a", "12345678"), false},
		{"org and digits shifted", MAC(key, "org-a1", "2345678"), false},
	}
	for _, tc := range cases {
		if got := Equal(m, tc.mac); got != tc.equal {
			t.Errorf("%s: Equal = %v, want %v", tc.name, got, tc.equal)
		}
	}
	if len(m) != 32 || bytes.Contains(m, []byte("12345678")) {
		t.Errorf("MAC = %x, want 32 bytes that do not hold the digits", m)
	}
}

// secrets is a cloud.Secrets over a map, for the unit test of Key.
type secrets map[string][]byte

func (s secrets) Secret(_ context.Context, name string, create func() ([]byte, error)) ([]byte, error) {
	if v, ok := s[name]; ok {
		return v, nil
	}
	v, err := create()
	if err == nil {
		s[name] = v
	}
	return v, err
}

func TestKey(t *testing.T) {
	s := secrets{}
	k1, err := Key(context.Background(), s)
	if err != nil || len(k1) != 32 {
		t.Fatalf("Key = %x, %v; want 32 bytes", k1, err)
	}
	k2, _ := Key(context.Background(), s)
	if !bytes.Equal(k1, k2) || len(s) != 1 || !bytes.Equal(s[SecretName], k1) {
		t.Errorf("Key is not stable under %q: %x then %x", SecretName, k1, k2)
	}
}
