package cloud

import (
	"context"
	"time"

	"github.com/clonit/clonit/internal/cloud/authz"
)

// APIKey is a machine credential of one org (PRODUCT.md §3.2). The secret is never stored:
// only its SHA-256 hash, which is what requests are looked up by.
type APIKey struct {
	ID    string
	OrgID string
	// OrgSlug is filled when reading.
	OrgSlug string
	// UserID is the person a per-user key acts as; empty for an org-level key. UserEmail
	// is filled when reading.
	UserID    string
	UserEmail string
	Name      string
	// Hash is the hex SHA-256 of the whole key.
	Hash string
	// Hint is the key's recognizable start ("clonit_AbCd"), shown in listings so that a
	// key can be told apart without its secret.
	Hint        string
	Permissions authz.Permission
	// Login marks the key `clonit login` provisions for UserID; the next login rotates it.
	Login bool
	// CreatedBy is the id of the person who created the key; CreatorEmail is filled when
	// reading.
	CreatedBy    string
	CreatorEmail string
	CreatedAt    time.Time
	// ExpiresAt is when the key stops working; zero means never.
	ExpiresAt time.Time
	// LastUsedAt is when the key last authenticated a request, updated coarsely; zero
	// means never.
	LastUsedAt time.Time
	// RevokedAt is when the key was revoked; zero means it is live.
	RevokedAt time.Time
}

// Agent is a machine running clonit that is registered with an org.
type Agent struct {
	ID       string
	OrgID    string
	Name     string
	Hostname string
	Version  string
	// RegisteredBy is the id of the person who registered it (directly or with their
	// per-user key); empty when an org-level key did. RegistrantEmail is filled when
	// reading.
	RegisteredBy    string
	RegistrantEmail string
	// RegisteredByKey is the id of the API key that registered it, if one did;
	// RegistrantKeyName is filled when reading.
	RegisteredByKey   string
	RegistrantKeyName string
	RegisteredAt      time.Time
	LastSeenAt        time.Time
	// RemovedAt is when an admin removed it (or a re-registration replaced it); zero while
	// it is registered. A removed agent's row stays so its next call can be told why.
	RemovedAt time.Time
	// RemovedBy says who removed it: an email, or "replaced" for a re-registration.
	RemovedBy string
}

// APIKeys stores API keys. Listing and changes are scoped by org id; APIKeyByHash is the one
// lookup across orgs, for authentication.
type APIKeys interface {
	// CreateAPIKey inserts k; it fills ID and, when zero, CreatedAt. A hash already stored
	// returns errs.ErrConflict.
	CreateAPIKey(ctx context.Context, k *APIKey) error
	// APIKeyByHash returns the key with that hash, revoked or not, or errs.ErrNotFound.
	APIKeyByHash(ctx context.Context, hash string) (APIKey, error)
	// APIKey returns one key of the org, revoked or not, or errs.ErrNotFound.
	APIKey(ctx context.Context, orgID, id string) (APIKey, error)
	// APIKeys lists the org's live (unrevoked) keys, newest first.
	APIKeys(ctx context.Context, orgID string) ([]APIKey, error)
	// RevokeAPIKey marks a live key revoked at at; errs.ErrNotFound when the org has no such
	// live key.
	RevokeAPIKey(ctx context.Context, orgID, id string, at time.Time) error
	// RevokeLoginKeys revokes the user's live login keys of the org and returns how many.
	RevokeLoginKeys(ctx context.Context, orgID, userID string, at time.Time) (int, error)
	// TouchAPIKey sets the key's last-used time to at, when that is later than the stored one.
	TouchAPIKey(ctx context.Context, id string, at time.Time) error
}

// Agents stores the agent registry.
type Agents interface {
	// CreateAgent inserts a; it fills ID and, when zero, RegisteredAt and LastSeenAt. A live
	// agent of the org with the same name returns errs.ErrConflict.
	CreateAgent(ctx context.Context, a *Agent) error
	// AgentByID returns the agent with that id, in any org, removed or not, or
	// errs.ErrNotFound.
	AgentByID(ctx context.Context, id string) (Agent, error)
	// Agents lists the org's registered (not removed) agents by name.
	Agents(ctx context.Context, orgID string) ([]Agent, error)
	// RemoveAgent marks a registered agent of the org removed; errs.ErrNotFound when the
	// org has no such registered agent.
	RemoveAgent(ctx context.Context, orgID, id, by string, at time.Time) error
	// TouchAgent records that a registered agent called at at with version, when at is later
	// than its last-seen time.
	TouchAgent(ctx context.Context, id, version string, at time.Time) error
}
