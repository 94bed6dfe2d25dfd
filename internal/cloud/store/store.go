// Package store holds what the SQLite and PostgreSQL implementations of cloud.Store share:
// ID generation, normalization of emails and groups, the audit paging limits, the numbered
// migrations loader and the user-visible error messages, so that both dialects behave and
// speak exactly alike. The implementations live in store/sqlite and store/postgres; the one
// suite both must pass lives in store/storetest.
package store

import (
	"crypto/rand"
	"encoding/base32"
	"strings"
	"time"

	"github.com/clonit/clonit/internal/cloud"
)

// idEncoding is lowercase base32 without padding: 16 random bytes make 26 characters.
var idEncoding = base32.NewEncoding("abcdefghijklmnopqrstuvwxyz234567").WithPadding(base32.NoPadding)

// NewID returns a random, unguessable identifier (128 bits, lowercase base32). IDs are made
// in Go rather than by the database so that both dialects produce the same shape.
func NewID() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b) // crypto/rand.Read never fails on supported platforms
	return idEncoding.EncodeToString(b)
}

// EmailKey returns the form of an email used for lookups and uniqueness: trimmed and
// lowercased, so that emails compare case-insensitively in both dialects.
func EmailKey(email string) string {
	return strings.ToLower(strings.TrimSpace(email))
}

// Groups returns groups ready to store and return: never nil, so that an empty list is
// stored as an empty list and marshals to JSON as [].
func Groups(groups []string) []string {
	if groups == nil {
		return []string{}
	}
	return groups
}

// Now returns the current time as the stores keep it: UTC, to the microsecond (the
// precision of PostgreSQL's timestamptz), so that a value written and read back is equal.
func Now() time.Time {
	return Time(time.Now())
}

// Time returns t as the stores keep it (see Now).
func Time(t time.Time) time.Time {
	return t.UTC().Truncate(time.Microsecond)
}

// Audit paging limits: AuditEvents returns DefaultAuditLimit events when the filter asks for
// none, and never more than MaxAuditLimit.
const (
	DefaultAuditLimit = 100
	MaxAuditLimit     = 1000
)

// AuditLimit returns the number of events to return for a requested limit.
func AuditLimit(n int) int {
	switch {
	case n <= 0:
		return DefaultAuditLimit
	case n > MaxAuditLimit:
		return MaxAuditLimit
	}
	return n
}

// DefaultPlan is the plan of an org created without one.
const DefaultPlan = "free"

// RateStateAt returns s as seen at now under p: a window older than p.Window counts no
// failures any more. Both dialects read rate limits through it.
func RateStateAt(s cloud.RateState, p cloud.RatePolicy, now time.Time) cloud.RateState {
	if !s.WindowStart.After(now.Add(-p.Window)) {
		s.Failures = 0
	}
	return s
}
