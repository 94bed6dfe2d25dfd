// Package api holds the JSON wire types of Clonit Cloud's REST API (/api/v1). The server
// (cloud/httpapi) and the client (apiclient) share them; the OpenAPI document describes them.
// It imports nothing of the project.
//
// Routes (all JSON; authenticated with "Authorization: Bearer <token or key>" unless noted):
//
//	GET    /healthz, /readyz, /metrics                       (no auth)
//	GET    /api/v1/openapi.json                              (no auth)
//	GET    /api/v1/auth/config                               (no auth) → AuthConfig
//	GET    /api/v1/me                                        → Me
//	GET    /api/v1/orgs                                      → []OrgSummary
//	POST   /api/v1/orgs                  CreateOrgRequest    → Org (201)
//	GET    /api/v1/orgs/{org}                                → Org
//	PATCH  /api/v1/orgs/{org}            UpdateOrgRequest    → Org
//	GET    /api/v1/orgs/{org}/members                        → []Member
//	PATCH  /api/v1/orgs/{org}/members/{member} SetRoleRequest → Member
//	DELETE /api/v1/orgs/{org}/members/{member}               → 204
//	GET    /api/v1/orgs/{org}/audit?before=ID&limit=N        → AuditPage
//	GET    /api/v1/orgs/{org}/invites                        → []Invite
//	POST   /api/v1/orgs/{org}/invites    CreateInvitesRequest → CreatedInvites (201)
//	DELETE /api/v1/orgs/{org}/invites/{invite}               → 204
//	POST   /api/v1/orgs/{org}/transfer   TransferRequest     → Org
//	POST   /api/v1/orgs/{org}/leave                          → 204
//	POST   /api/v1/join                  JoinRequest         → OrgSummary
//	GET    /api/v1/orgs/{org}/keys                           → []APIKey
//	POST   /api/v1/orgs/{org}/keys       CreateAPIKeyRequest → CreatedAPIKey (201)
//	POST   /api/v1/orgs/{org}/keys/login LoginKeyRequest     → CreatedAPIKey (201)
//	POST   /api/v1/orgs/{org}/keys/login/revoke RevokeLoginKeyRequest → 204
//	DELETE /api/v1/orgs/{org}/keys/{key}                     → 204
//	GET    /api/v1/orgs/{org}/agents                         → []Agent
//	POST   /api/v1/orgs/{org}/agents     RegisterAgentRequest → Agent (201)
//	GET    /api/v1/orgs/{org}/agents/{agent}                 → Agent
//	DELETE /api/v1/orgs/{org}/agents/{agent}                 → 204
//	GET    /api/v1/orgs/{org}/snapshots?shared=&cursor=&limit= → SnapshotPage
//	GET    /api/v1/orgs/{org}/snapshots/{snapshot}           → CloudSnapshot
//	GET    /api/v1/orgs/{org}/snapshots/{snapshot}/download  → Download
//	DELETE /api/v1/orgs/{org}/snapshots/{snapshot}           → 204
//	PUT    /api/v1/orgs/{org}/snapshots/{snapshot}/shares/{org|groups/G|orgs/SLUG} → SnapshotShares
//	DELETE /api/v1/orgs/{org}/snapshots/{snapshot}/shares/{org|groups/G|orgs/SLUG} → SnapshotShares
//	POST   /api/v1/orgs/{org}/uploads    CreateUploadRequest → Upload (201)
//	POST   /api/v1/orgs/{org}/uploads/{upload}/complete      → CloudSnapshot
//	DELETE /api/v1/orgs/{org}/uploads/{upload}               → 204
//	GET|PUT /blob/...  (no auth: the URL's signature)        the embedded storage's presigned URLs
//
// (snapshots.go details the snapshot routes.) {org} is a slug; {member} is a user id or an email. An org the caller does not belong to
// answers 404 exactly as a slug never created.
package api

import "time"

// Error is the body of every non-2xx answer.
type Error struct {
	Status  int    `json:"status"`
	Code    string `json:"code"` // not_found, forbidden, conflict, invalid, unauthenticated, rate_limited, unavailable, internal
	Message string `json:"message"`
}

// AuthConfig tells the agent how to sign in.
type AuthConfig struct {
	// Issuer is the OIDC issuer; its discovery document names every endpoint.
	Issuer string `json:"issuer"`
	// AuthURL is the issuer's base URL for the agent's --auth-url (same as Issuer).
	AuthURL  string `json:"auth_url"`
	ClientID string `json:"client_id"`
	// DeviceAuthorizationEndpoint and TokenEndpoint save the agent a discovery round trip.
	DeviceAuthorizationEndpoint string   `json:"device_authorization_endpoint,omitempty"`
	TokenEndpoint               string   `json:"token_endpoint,omitempty"`
	Scopes                      []string `json:"scopes"`
	// BuiltIn is true when the cloud's own auth service is in use.
	BuiltIn bool `json:"built_in"`
}

// User is a person as the API shows them.
type User struct {
	ID     string   `json:"id"`
	Email  string   `json:"email"`
	Name   string   `json:"name"`
	Groups []string `json:"groups"`
}

// Me is the caller's identity and orgs.
type Me struct {
	User User `json:"user"`
	// Credential says how the caller authenticated: "session", "token" or "apikey:<id>".
	Credential string       `json:"credential"`
	Orgs       []OrgSummary `json:"orgs"`
	// Key describes the API key the caller used, if any.
	Key *KeyIdentity `json:"key,omitempty"`
}

// OrgSummary is an org in a listing, with the caller's role.
type OrgSummary struct {
	Slug string `json:"slug"`
	Name string `json:"name"`
	Plan string `json:"plan"`
	Role string `json:"role"`
}

// Org is an org's profile, the caller's role and its leadership.
type Org struct {
	Slug        string    `json:"slug"`
	Name        string    `json:"name"`
	Plan        string    `json:"plan"`
	Website     string    `json:"website"`
	Location    string    `json:"location"`
	Sector      string    `json:"sector"`
	Description string    `json:"description"`
	CreatedAt   time.Time `json:"created_at"`
	// Role is the caller's role in the org.
	Role string `json:"role"`
	// Leadership lists every owner and admin, owners first.
	Leadership []Member `json:"leadership"`
}

// CreateOrgRequest creates an org; the caller becomes its first owner.
type CreateOrgRequest struct {
	Name string `json:"name"`
	Slug string `json:"slug"`
}

// UpdateOrgRequest changes an org's profile; nil fields are left alone.
type UpdateOrgRequest struct {
	Name        *string `json:"name,omitempty"`
	Website     *string `json:"website,omitempty"`
	Location    *string `json:"location,omitempty"`
	Sector      *string `json:"sector,omitempty"`
	Description *string `json:"description,omitempty"`
}

// Member is a person's membership in an org.
type Member struct {
	User     User      `json:"user"`
	Role     string    `json:"role"`
	JoinedAt time.Time `json:"joined_at"`
	// Agents are the agents the member registered (in the members list only).
	Agents []MemberAgent `json:"agents,omitempty"`
}

// SetRoleRequest changes a member's role.
type SetRoleRequest struct {
	Role string `json:"role"`
}

// AuditEvent is one entry of the audit log.
type AuditEvent struct {
	ID         int64     `json:"id"`
	Actor      string    `json:"actor"` // email, or the credential for machines
	Credential string    `json:"credential"`
	Action     string    `json:"action"`
	Target     string    `json:"target"`
	Detail     string    `json:"detail"`
	CreatedAt  time.Time `json:"created_at"`
}

// AuditPage is a page of the audit log, newest first; NextBefore pages further back.
type AuditPage struct {
	Events     []AuditEvent `json:"events"`
	NextBefore int64        `json:"next_before,omitempty"`
}

// CreateInvitesRequest creates join codes. Role is member or viewer (admins and owners),
// or admin (owners; one live admin code per org).
type CreateInvitesRequest struct {
	Role string `json:"role"`
	// Count is how many codes to make, 1 to 50 (0 means 1); admin codes come one at a time.
	Count int `json:"count,omitempty"`
	// Replace revokes the org's live admin code, when there is one, instead of refusing.
	Replace bool `json:"replace,omitempty"`
}

// Invite is a live join code as listed: never its digits, which are shown only once, when
// the code is created.
type Invite struct {
	ID        string    `json:"id"`
	Role      string    `json:"role"`
	CreatedBy string    `json:"created_by"` // the creator's email
	CreatedAt time.Time `json:"created_at"`
	ExpiresAt time.Time `json:"expires_at"`
}

// NewInvite is a join code just created, with its digits as 1234-5678.
type NewInvite struct {
	Invite
	Code string `json:"code"`
}

// CreatedInvites answers CreateInvitesRequest.
type CreatedInvites struct {
	Org     string      `json:"org"`
	Invites []NewInvite `json:"invites"`
	// Replaced is the id of the admin code that --replace revoked, if any.
	Replaced string `json:"replaced,omitempty"`
}

// JoinRequest redeems a join code of the org with slug Org. Code may be typed with or
// without its dash.
type JoinRequest struct {
	Org  string `json:"org"`
	Code string `json:"code"`
}

// TransferRequest hands the org's ownership to an admin: To names them (email or user
// id); ConfirmOrg and ConfirmMember re-type the org's slug and the admin's email exactly.
type TransferRequest struct {
	To            string `json:"to"`
	ConfirmOrg    string `json:"confirm_org"`
	ConfirmMember string `json:"confirm_member"`
}
