// Package secreturl finds the passwords of database connection URLs so that they can be
// masked, stripped, sealed or filled in without touching the rest of the URL. The cloud
// (which seals the passwords of org targets) and the agent's cloud sync (which compares
// and strips them) share it, so that both sides read a URL the same way. It imports
// nothing of the project.
//
// A connection URL keeps a password in its userinfo (postgres://user:PASSWORD@host/db) or
// in a "password" query parameter (postgres://host/db?password=PASSWORD). The functions
// rewrite only those spans of the raw string, byte for byte, so everything else (escaping,
// parameter order) survives a round trip unchanged. A string that is not a URL (a SQLite
// file path) has no password.
//
// An empty password slot ("postgres://user:@host/db", "?password=") means a password the
// URL needs but does not carry: one that was synced without secrets. Missing reports it
// and Fill puts a password into it.
package secreturl

import (
	"net/url"
	"strings"
)

// Mask is what a password looks like in anything shown to a person.
const Mask = "****"

// slot is where a password is, or would be, in a raw URL: a half-open byte range, and
// whether it is in the userinfo (else in the query).
type slot struct {
	start, end int
	userinfo   bool
}

// slots returns the password slots of raw in increasing order, empty ones included.
func slots(raw string) []slot {
	i := strings.Index(raw, "://")
	if i < 0 {
		return nil
	}
	var out []slot
	rest := i + 3
	authEnd := len(raw)
	if j := strings.IndexAny(raw[rest:], "/?#"); j >= 0 {
		authEnd = rest + j
	}
	if at := strings.LastIndex(raw[rest:authEnd], "@"); at >= 0 {
		if c := strings.Index(raw[rest:rest+at], ":"); c >= 0 {
			out = append(out, slot{rest + c + 1, rest + at, true})
		}
	}
	q := strings.Index(raw[authEnd:], "?")
	if q < 0 {
		return out
	}
	pos := authEnd + q + 1
	end := len(raw)
	if h := strings.Index(raw[pos:], "#"); h >= 0 {
		end = pos + h
	}
	for pos < end {
		next := end
		if amp := strings.Index(raw[pos:end], "&"); amp >= 0 {
			next = pos + amp
		}
		if strings.HasPrefix(raw[pos:next], "password=") {
			out = append(out, slot{pos + len("password="), next, false})
		}
		pos = next + 1
	}
	return out
}

// rewrite replaces every slot of raw for which keep reports true with f(slot, password).
func rewrite(raw string, keep func(pw string) bool, f func(s slot, pw string) (string, error)) (string, error) {
	var b strings.Builder
	last := 0
	for _, s := range slots(raw) {
		pw := raw[s.start:s.end]
		if !keep(pw) {
			continue
		}
		repl, err := f(s, pw)
		if err != nil {
			return "", err
		}
		b.WriteString(raw[last:s.start])
		b.WriteString(repl)
		last = s.end
	}
	if last == 0 {
		return raw, nil
	}
	b.WriteString(raw[last:])
	return b.String(), nil
}

func nonEmpty(pw string) bool { return pw != "" }

// Rewrite returns raw with each password replaced by f(password); empty slots stay empty.
// The password is passed in its raw (still percent-escaped) form.
func Rewrite(raw string, f func(pw string) (string, error)) (string, error) {
	return rewrite(raw, nonEmpty, func(_ slot, pw string) (string, error) { return f(pw) })
}

// MaskURL returns raw with its passwords replaced by Mask; empty slots stay empty, so a
// masked URL still tells a present password from a missing one.
func MaskURL(raw string) string {
	out, _ := rewrite(raw, nonEmpty, func(slot, string) (string, error) { return Mask, nil })
	return out
}

// Strip returns raw with its passwords removed but their slots kept, so that the URL says
// a password is missing ("postgres://app:@db/shop").
func Strip(raw string) string {
	out, _ := rewrite(raw, nonEmpty, func(slot, string) (string, error) { return "", nil })
	return out
}

// HasPassword reports whether raw carries at least one password.
func HasPassword(raw string) bool {
	for _, s := range slots(raw) {
		if s.end > s.start {
			return true
		}
	}
	return false
}

// Missing reports whether raw has an empty password slot: a password it needs but lacks.
func Missing(raw string) bool {
	for _, s := range slots(raw) {
		if s.end == s.start {
			return true
		}
	}
	return false
}

// Fill returns raw with password put, escaped as its place demands, into each empty slot.
func Fill(raw, password string) string {
	out, _ := rewrite(raw, func(pw string) bool { return pw == "" }, func(s slot, _ string) (string, error) {
		if s.userinfo {
			return strings.TrimPrefix(url.UserPassword("", password).String(), ":"), nil
		}
		return url.QueryEscape(password), nil
	})
	return out
}

// Passwords returns the raw passwords of raw, in order (empty slots left out).
func Passwords(raw string) []string {
	var out []string
	for _, s := range slots(raw) {
		if s.end > s.start {
			out = append(out, raw[s.start:s.end])
		}
	}
	return out
}
