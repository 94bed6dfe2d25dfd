// Package cloud holds Clonit Cloud's domain types and the store interfaces, one per
// aggregate. Implementations live in store/sqlite and store/postgres and pass the one
// suite in store/storetest.
package cloud

import (
	"context"
	"time"

	"github.com/clonit/clonit/internal/cloud/authz"
)

// User is a person known to the cloud, identified by the (issuer, subject) pair of their
// identity provider. Email, name and groups are refreshed at every sign-in.
type User struct {
	ID        string
	Issuer    string
	Subject   string
	Email     string
	Name      string
	Groups    []string
	CreatedAt time.Time
	UpdatedAt time.Time
}

// Org is an organization: a team's private space.
type Org struct {
	ID          string
	Slug        string
	Name        string
	Plan        string // free, pro, enterprise
	Website     string
	Location    string
	Sector      string
	Description string
	CreatedAt   time.Time
}

// Member is a user's membership in an org.
type Member struct {
	OrgID    string
	User     User
	Role     authz.Role
	JoinedAt time.Time
}

// OrgRole is an org seen by one of its members.
type OrgRole struct {
	Org  Org
	Role authz.Role
}

// AuditEvent records one change: who did what to which target, when, and with which
// credential.
type AuditEvent struct {
	ID         int64
	OrgID      string
	ActorID    string // user id; empty for an org-level machine credential
	ActorEmail string
	Credential string // "session", "token", "apikey:<id>"
	Action     string // e.g. "member.role", "org.update"
	Target     string // what was acted on, e.g. an email or a slug
	Detail     string // short human-readable detail ("member → admin")
	CreatedAt  time.Time
}

// AuditFilter selects audit events, newest first.
type AuditFilter struct {
	Before int64 // return events with ID < Before (0 = from the newest)
	Limit  int
}

// Account is a local account of the built-in auth service: used only when no external
// identity provider is configured.
type Account struct {
	ID           string
	Email        string
	Name         string
	PasswordHash string // argon2id or bcrypt, never the password
	Groups       []string
	Disabled     bool
	CreatedAt    time.Time
}

// Users stores the people known to the cloud.
type Users interface {
	// UpsertUser creates or refreshes the user with u's (Issuer, Subject), updating email,
	// name and groups, and returns the stored user with its ID.
	UpsertUser(ctx context.Context, u User) (User, error)
	// UserByID returns errs.ErrNotFound when no such user exists.
	UserByID(ctx context.Context, id string) (User, error)
	// UserByEmail returns the user with that email (case-insensitive), or errs.ErrNotFound.
	UserByEmail(ctx context.Context, email string) (User, error)
}

// Orgs stores organizations.
type Orgs interface {
	// CreateOrg inserts org, makes ownerID its first owner and appends events (their OrgID
	// set to the new org's) to its audit log, all in one transaction. A taken slug returns
	// errs.ErrConflict. It fills org.ID and CreatedAt.
	CreateOrg(ctx context.Context, org *Org, ownerID string, events ...AuditEvent) error
	// OrgBySlug returns errs.ErrNotFound for an unknown slug.
	OrgBySlug(ctx context.Context, slug string) (Org, error)
	// OrgsOfUser lists the orgs the user belongs to, with their role, by slug.
	OrgsOfUser(ctx context.Context, userID string) ([]OrgRole, error)
	// UpdateOrg writes the profile fields (name, website, location, sector, description, plan).
	UpdateOrg(ctx context.Context, org Org) error
}

// Members stores memberships. Every method is scoped by org id.
type Members interface {
	// Member returns the user's membership in the org, or errs.ErrNotFound.
	Member(ctx context.Context, orgID, userID string) (Member, error)
	// Members lists the org's members ordered by role (owners first), then email. It is
	// the members list of large orgs, so each User holds only what the list shows: ID,
	// Email, Name and Groups (Member and UserByID return the whole user).
	Members(ctx context.Context, orgID string) ([]Member, error)
	// MemberListVersion returns the version of the org's members list, which the database
	// raises in the transaction of every change to what the list shows (memberships;
	// members' email, name and groups), whoever writes it; errs.ErrNotFound for an unknown
	// org. Readers compare it to know whether a list they keep is still the list of now.
	MemberListVersion(ctx context.Context, orgID string) (int64, error)
	// Leadership lists the org's owners and admins, in the order of Members and with the
	// same fields, without reading the other members.
	Leadership(ctx context.Context, orgID string) ([]Member, error)
	// AddMember inserts a membership; an existing one returns errs.ErrConflict.
	AddMember(ctx context.Context, orgID, userID string, role authz.Role) error
	// SetRole changes a member's role; errs.ErrNotFound when not a member.
	SetRole(ctx context.Context, orgID, userID string, role authz.Role) error
	// RemoveMember deletes a membership and, in the same transaction, passes the agents
	// and targets the user registered in the org to the org (their RegisteredBy and
	// CreatedBy become empty, as for an org-level key); errs.ErrNotFound when not a member.
	RemoveMember(ctx context.Context, orgID, userID string) error
	// CountOwners returns how many owners the org has.
	CountOwners(ctx context.Context, orgID string) (int, error)
}

// Audit stores the audit log.
type Audit interface {
	// AddAudit appends an event; it fills ID and CreatedAt when zero.
	AddAudit(ctx context.Context, e AuditEvent) error
	// AuditEvents lists an org's events newest first.
	AuditEvents(ctx context.Context, orgID string, f AuditFilter) ([]AuditEvent, error)
}

// Accounts stores the built-in auth service's local accounts.
type Accounts interface {
	// CreateAccount inserts an account; a taken email returns errs.ErrConflict.
	CreateAccount(ctx context.Context, a *Account) error
	// AccountByEmail returns errs.ErrNotFound for an unknown email (case-insensitive).
	AccountByEmail(ctx context.Context, email string) (Account, error)
	AccountByID(ctx context.Context, id string) (Account, error)
	Accounts(ctx context.Context) ([]Account, error)
	// UpdateAccount writes name, groups, password hash and disabled.
	UpdateAccount(ctx context.Context, a Account) error
}

// Secrets stores the server's own key material (signing keys, HMAC keys), created once and
// shared by every process that serves the same database.
type Secrets interface {
	// Secret returns the secret called name, creating it with create when it does not
	// exist yet. Concurrent callers all receive the same value.
	Secret(ctx context.Context, name string, create func() ([]byte, error)) ([]byte, error)
}

// Store is the whole persistence layer. InOrgTx gives the membership rules their atomicity.
type Store interface {
	Users
	Orgs
	Members
	Audit
	Accounts
	Secrets
	JoinCodes
	RateLimits
	APIKeys
	Agents
	Targets
	StorageProfiles
	Snapshots
	OAuthState
	// InOrgTx runs fn in one transaction that holds an exclusive lock on the org, so that
	// rule checks (such as "one owner remains") and the writes they allow cannot interleave
	// with another request's. fn receives a Store bound to the transaction. If fn returns an
	// error, nothing it wrote is kept.
	InOrgTx(ctx context.Context, orgID string, fn func(tx Store) error) error
	// Ping checks that the database answers.
	Ping(ctx context.Context) error
	Close() error
}

// JoinCode is one join code of an org. The digits are never stored: MAC is their
// HMAC-SHA256 under the server's join-code key (see package joincode), so that a copy of the
// database does not reveal live codes. A code is live until it is used, revoked or expired.
type JoinCode struct {
	ID    string
	OrgID string
	MAC   []byte
	Role  authz.Role
	// CreatedBy is the creator's user id; CreatorEmail is filled when reading.
	CreatedBy    string
	CreatorEmail string
	CreatedAt    time.Time
	ExpiresAt    time.Time
	// UsedAt and UsedBy are set once the code is redeemed; RevokedAt once it is revoked.
	UsedAt    time.Time
	UsedBy    string
	RevokedAt time.Time
}

// Live reports whether the code may still be redeemed at now.
func (c JoinCode) Live(now time.Time) bool {
	return c.UsedAt.IsZero() && c.RevokedAt.IsZero() && now.Before(c.ExpiresAt)
}

// JoinCodes stores join codes. Every method is scoped by org id; a code of another org does
// not exist for it.
type JoinCodes interface {
	// CreateJoinCodes inserts codes, filling ID and, when zero, CreatedAt. A MAC that the
	// org already holds (in any state) returns errs.ErrConflict and inserts none.
	CreateJoinCodes(ctx context.Context, codes []JoinCode) error
	// JoinCodeByMAC returns the org's code with that MAC, in any state, or errs.ErrNotFound.
	JoinCodeByMAC(ctx context.Context, orgID string, mac []byte) (JoinCode, error)
	// JoinCodeByID returns the org's code with that id, in any state, or errs.ErrNotFound.
	JoinCodeByID(ctx context.Context, orgID, id string) (JoinCode, error)
	// LiveJoinCodes lists the org's codes that are live at now, newest first.
	LiveJoinCodes(ctx context.Context, orgID string, now time.Time) ([]JoinCode, error)
	// RevokeJoinCode marks a code live at now revoked; errs.ErrNotFound when the org has
	// no such live code.
	RevokeJoinCode(ctx context.Context, orgID, id string, now time.Time) error
	// UseJoinCode marks a code live at now used by userID, in one statement, so that of
	// concurrent callers exactly one succeeds; the others get errs.ErrConflict.
	UseJoinCode(ctx context.Context, orgID, id, userID string, now time.Time) error
}

// RatePolicy says how many failures a bucket may count within Window before it is blocked
// for Block.
type RatePolicy struct {
	Max    int
	Window time.Duration
	Block  time.Duration
}

// RateState is a bucket's count of failures in its current window and the end of its
// block (zero when it was never blocked).
type RateState struct {
	Failures     int
	WindowStart  time.Time
	BlockedUntil time.Time
}

// Blocked reports whether the bucket is blocked at now.
func (s RateState) Blocked(now time.Time) bool { return now.Before(s.BlockedUntil) }

// RateLimits keeps counters of failed attempts (such as join code guesses) per bucket in the
// database, so that every process serving it enforces the same limits.
type RateLimits interface {
	// RateState returns the bucket's state at now under p: a window older than p.Window
	// counts no failures. An unknown bucket has the zero state.
	RateState(ctx context.Context, bucket string, p RatePolicy, now time.Time) (RateState, error)
	// AddFailure counts one failure in the bucket at now, in one atomic statement, starting
	// a new window when the current one is older than p.Window, and blocks the bucket until
	// now+p.Block when the count reaches p.Max. It returns the state after the failure.
	AddFailure(ctx context.Context, bucket string, p RatePolicy, now time.Time) (RateState, error)
}
