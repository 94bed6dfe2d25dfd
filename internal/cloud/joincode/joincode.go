// Package joincode makes, reads and seals the join codes by which people enter an org: 8
// digits from crypto/rand, shown as 1234-5678. The cloud keeps only a code's HMAC-SHA256
// under a server secret, bound to the org it belongs to, so that neither a copy of the
// database nor a code of one org says anything about the codes of another.
package joincode

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"fmt"
	"math/big"
	"strings"

	"github.com/clonit/clonit/internal/cloud"
)

// Digits is the length of a code.
const Digits = 8

// space is the number of distinct codes: 10^Digits.
var space = big.NewInt(100_000_000)

// SecretName is the name of the server secret that keys the HMAC of every code.
const SecretName = "joincode-hmac"

// Generate returns a fresh code's digits, uniformly drawn from crypto/rand.
func Generate() (string, error) {
	n, err := rand.Int(rand.Reader, space)
	if err != nil {
		return "", fmt.Errorf("generate join code: %w", err)
	}
	return fmt.Sprintf("%0*d", Digits, n), nil
}

// Format shows digits as people read them: 1234-5678.
func Format(digits string) string {
	if len(digits) != Digits {
		return digits
	}
	return digits[:4] + "-" + digits[4:]
}

// Parse reads a code as a person typed it: 8 digits, with or without the dash in the
// middle, spaces around ignored. It returns the digits, or false when s is not a code.
func Parse(s string) (string, bool) {
	s = strings.TrimSpace(s)
	if len(s) == Digits+1 && s[4] == '-' {
		s = s[:4] + s[5:]
	}
	if len(s) != Digits {
		return "", false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return "", false
		}
	}
	return s, true
}

// MAC seals digits of a code of the org orgID under key: HMAC-SHA256 over the org id and the
// digits. Compare MACs with Equal.
func MAC(key []byte, orgID, digits string) []byte {
	m := hmac.New(sha256.New, key)
	m.Write([]byte(orgID))
	m.Write([]byte{0})
	m.Write([]byte(digits))
	return m.Sum(nil)
}

// Equal compares two MACs in constant time.
func Equal(a, b []byte) bool { return hmac.Equal(a, b) }

// Key returns the server's join code key, creating it (32 random bytes) the first time.
// Every process serving one database gets the same key.
func Key(ctx context.Context, secrets cloud.Secrets) ([]byte, error) {
	key, err := secrets.Secret(ctx, SecretName, func() ([]byte, error) {
		b := make([]byte, 32)
		if _, err := rand.Read(b); err != nil {
			return nil, err
		}
		return b, nil
	})
	if err != nil {
		return nil, fmt.Errorf("load join code key: %w", err)
	}
	return key, nil
}
