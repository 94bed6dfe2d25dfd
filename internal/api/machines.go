package api

import "time"

// AgentHeader carries a registered agent's id on every request it makes, so that the cloud
// records when the agent was last seen (and its version, from the User-Agent), and tells a
// removed agent that it was removed.
const AgentHeader = "X-Clonit-Agent"

// APIKey is an API key as listings show it: never its secret.
type APIKey struct {
	ID   string `json:"id"`
	Name string `json:"name"`
	// Kind is "org" for an org-level key, "user" for a per-user key.
	Kind string `json:"kind"`
	// User is the email of the person a per-user key acts as.
	User string `json:"user,omitempty"`
	// Login marks the key `clonit login` provisioned; the next login rotates it.
	Login bool `json:"login"`
	// Hint is the start of the key ("clonit_AbCd"), to tell keys apart.
	Hint string `json:"hint"`
	// Permissions are "push" and/or "pull"; every key may read.
	Permissions []string   `json:"permissions"`
	CreatedBy   string     `json:"created_by"`
	CreatedAt   time.Time  `json:"created_at"`
	ExpiresAt   *time.Time `json:"expires_at,omitempty"`
	LastUsedAt  *time.Time `json:"last_used_at,omitempty"`
}

// CreateAPIKeyRequest creates a key.
type CreateAPIKeyRequest struct {
	Name string `json:"name"`
	// Permissions are "push" and/or "pull"; none makes a read-only key.
	Permissions []string `json:"permissions"`
	// ExpiresAt, when set, must be in the future.
	ExpiresAt *time.Time `json:"expires_at,omitempty"`
	// User makes a per-user key that acts as the caller instead of an org-level key.
	User bool `json:"user,omitempty"`
}

// LoginKeyRequest provisions the caller's login key; the previous one is revoked.
type LoginKeyRequest struct {
	// Name describes where the key lives (default "clonit login").
	Name string `json:"name,omitempty"`
}

// RevokeLoginKeyRequest gives back the caller's login key, to revoke it (`clonit logout`).
type RevokeLoginKeyRequest struct {
	// Key is the key's secret, as the login answered it.
	Key string `json:"key"`
}

// CreatedAPIKey answers a key's creation: the only answer that carries the secret.
type CreatedAPIKey struct {
	APIKey
	// Key is the secret: shown once, stored by the cloud only as a hash.
	Key string `json:"key"`
}

// KeyIdentity is the API key a caller authenticated with, as GET /me shows it.
type KeyIdentity struct {
	ID          string   `json:"id"`
	Name        string   `json:"name"`
	Kind        string   `json:"kind"` // "org" or "user"
	Org         string   `json:"org"`
	Permissions []string `json:"permissions"`
}

// Agent is a registered machine.
type Agent struct {
	ID       string `json:"id"`
	Name     string `json:"name"`
	Hostname string `json:"hostname"`
	Version  string `json:"version"`
	// RegisteredBy is the registrant's email, or "key <name>" for an org-level key.
	RegisteredBy string    `json:"registered_by"`
	RegisteredAt time.Time `json:"registered_at"`
	LastSeenAt   time.Time `json:"last_seen_at"`
}

// RegisterAgentRequest registers the calling machine.
type RegisterAgentRequest struct {
	Name     string `json:"name"`
	Hostname string `json:"hostname"`
	Version  string `json:"version"`
	// Force replaces a registered agent of the same name, and the agent named by Replaces.
	Force bool `json:"force,omitempty"`
	// Replaces is this machine's previous agent id (its cloud.agent_id), if any.
	Replaces string `json:"replaces,omitempty"`
}

// MemberAgent is an agent in the members list.
type MemberAgent struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}
