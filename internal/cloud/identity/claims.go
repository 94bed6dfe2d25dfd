package identity

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/clonit/clonit/internal/errs"
)

// DefaultGroupsClaim is the claim that carries a person's groups unless configured otherwise.
const DefaultGroupsClaim = "groups"

// ErrExpired is returned for a token that was valid but has expired: the caller must sign
// in again.
var ErrExpired = errs.E(errs.ErrUnauthenticated, "token expired, sign in again with `clonit login`")

// Invalid returns the error for a token that is not accepted. cause is kept for logs only;
// the public message never contains the token.
func Invalid(cause error) error {
	return errs.Wrap(errs.ErrUnauthenticated, cause, "invalid token, sign in again with `clonit login`")
}

// Missing is the error for a request that carries no credential at all.
func Missing() error {
	return errs.E(errs.ErrUnauthenticated, "not signed in, sign in with `clonit login`")
}

// GroupsFromClaim reads a groups claim value as providers send it: an array of strings, or
// a single string. Anything else (a number, an object, nil) gives no groups. Empty entries
// and duplicates are dropped, order is kept.
func GroupsFromClaim(v any) []string {
	var raw []string
	switch g := v.(type) {
	case string:
		raw = []string{g}
	case []string:
		raw = g
	case []any:
		for _, e := range g {
			if s, ok := e.(string); ok {
				raw = append(raw, s)
			}
		}
	}
	groups := []string{}
	seen := map[string]bool{}
	for _, s := range raw {
		s = strings.TrimSpace(s)
		if s == "" || seen[s] {
			continue
		}
		seen[s] = true
		groups = append(groups, s)
	}
	return groups
}

// UnverifiedIssuer returns the iss claim of a JWT without checking its signature. It is
// only good for choosing which verifier to ask; never trust anything else it could read.
func UnverifiedIssuer(token string) (string, error) {
	parts := strings.Split(token, ".")
	if len(parts) != 3 {
		return "", fmt.Errorf("not a JWT: %d parts", len(parts))
	}
	payload, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil {
		return "", fmt.Errorf("decode payload: %w", err)
	}
	var claims struct {
		Issuer string `json:"iss"`
	}
	if err := json.Unmarshal(payload, &claims); err != nil {
		return "", fmt.Errorf("parse payload: %w", err)
	}
	if claims.Issuer == "" {
		return "", fmt.Errorf("no iss claim")
	}
	return claims.Issuer, nil
}

// LooksLikeJWT reports whether a credential has the three-part shape of a JWT.
func LooksLikeJWT(token string) bool {
	return strings.Count(token, ".") == 2
}
