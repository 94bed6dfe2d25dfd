package identity

import (
	"time"

	"github.com/clonit/clonit/internal/cloud/authz"
)

// KeyGrant is what an API key lets its bearer do: act in one org, as one person (a per-user
// key) or as the org's machine (an org-level key), with the key's permissions. The
// middleware still re-reads the person's membership on every request, so that a per-user
// key never acts above its user's current role.
type KeyGrant struct {
	// ID is the key's id; the audit log names the credential "apikey:<ID>".
	ID    string
	Name  string
	OrgID string
	// OrgSlug is the org's slug: requests for any other org are refused.
	OrgSlug string
	// UserID is the person a per-user key acts as; empty for an org-level key.
	UserID string
	// CreatedAt lets the middleware refuse a per-user key older than its user's current
	// membership (a key of someone who left and came back).
	CreatedAt   time.Time
	Permissions authz.Permission
}
