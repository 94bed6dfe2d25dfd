package store

import (
	"strings"

	"github.com/clonit/clonit/internal/errs"
)

// ErrOAuthNotFound reports sign-in state of the built-in auth service (what: "authorization
// request", "device authorization", "refresh token") that does not exist, was used or
// has expired.
func ErrOAuthNotFound(what string) error {
	return errs.NotFound("%s not found, used or expired", what)
}

// ErrOAuthTaken reports sign-in state whose id or hash is already stored.
func ErrOAuthTaken(what string) error {
	return errs.Conflict("%s already exists", what)
}

// JoinList writes scopes (or authentication methods) as OAuth does: space-separated. The
// values never contain spaces.
func JoinList(values []string) string { return strings.Join(values, " ") }

// SplitList reads a list JoinList wrote; it never returns nil.
func SplitList(s string) []string {
	out := strings.Fields(s)
	if out == nil {
		return []string{}
	}
	return out
}
