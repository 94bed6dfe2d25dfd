package cloud

import (
	"context"
	"time"
)

// The built-in auth service (identity/builtin) keeps the state of its sign-ins in the store
// rather than in a process's memory, so that a sign-in started on one process of a cloud
// can finish on another. Secrets a client presents (device codes, authorization codes,
// refresh tokens) are never stored: only their hex SHA-256 hash, which is what they are
// looked up by, so that a copy of the database yields no usable code or token. Every row
// expires; PurgeOAuthState deletes the expired ones.

// OAuthRequest is a pending sign-in of the authorization code flow: created at /authorize,
// completed when the person signs in on the login page, consumed when its code is
// exchanged at the token endpoint.
type OAuthRequest struct {
	ID string
	// Params is the client's request as the provider encoded it; the store keeps it opaque.
	Params []byte
	// Subject is the account that signed in and AuthTime when; empty and zero while the
	// request waits for its person.
	Subject  string
	AuthTime time.Time
	// CodeHash is the hash of the authorization code issued for the request; empty until
	// one is.
	CodeHash  string
	CreatedAt time.Time
	ExpiresAt time.Time
}

// DeviceAuth is one device authorization (RFC 8628): created when `clonit login` asks for a
// code, approved when the person enters the user code and signs in, handed out once to the
// device that polls with the device code.
type DeviceAuth struct {
	// DeviceHash is the hash of the device code; UserHash the hash of the normalized user
	// code (upper case, no separators).
	DeviceHash string
	UserHash   string
	ClientID   string
	Scopes     []string
	// Subject is the account that approved the device and AuthTime when; empty and zero
	// while pending.
	Subject   string
	AuthTime  time.Time
	CreatedAt time.Time
	ExpiresAt time.Time
}

// Approved reports whether a person approved the device.
func (d DeviceAuth) Approved() bool { return d.Subject != "" }

// RefreshToken is one live refresh token: what a refresh needs to issue new tokens for the
// same sign-in. Each refresh replaces it with a new one (rotation).
type RefreshToken struct {
	Hash     string
	Subject  string
	ClientID string
	Scopes   []string
	// AMR and AuthTime describe the sign-in the token descends from.
	AMR       []string
	AuthTime  time.Time
	CreatedAt time.Time
	ExpiresAt time.Time
}

// OAuthState stores the built-in auth service's sign-in state. A method that changes the
// state of a row does so in one statement, so that of concurrent callers (on any process)
// exactly one succeeds: a code or token works once. The methods given now treat the rows
// expired at now as gone, except PollDeviceAuth, which tells an expired code apart.
type OAuthState interface {
	// CreateOAuthRequest inserts r; an ID already stored returns errs.ErrConflict.
	CreateOAuthRequest(ctx context.Context, r OAuthRequest) error
	// OAuthRequest returns the live request with that id, or errs.ErrNotFound.
	OAuthRequest(ctx context.Context, id string, now time.Time) (OAuthRequest, error)
	// CompleteOAuthRequest records that subject signed in at now for a live request still
	// waiting for its person; errs.ErrNotFound otherwise.
	CompleteOAuthRequest(ctx context.Context, id, subject string, now time.Time) error
	// SetOAuthCode records the hash of the code issued for a live, completed request;
	// errs.ErrNotFound otherwise.
	SetOAuthCode(ctx context.Context, id, codeHash string, now time.Time) error
	// TakeOAuthCode deletes the live request whose code has that hash and returns it, so
	// that a code is exchanged once; errs.ErrNotFound when there is none.
	TakeOAuthCode(ctx context.Context, codeHash string, now time.Time) (OAuthRequest, error)
	// DeleteOAuthRequest deletes a request; an unknown id is not an error.
	DeleteOAuthRequest(ctx context.Context, id string) error

	// CreateDeviceAuth inserts d; a device or user code hash already stored returns
	// errs.ErrConflict.
	CreateDeviceAuth(ctx context.Context, d DeviceAuth) error
	// ApproveDeviceAuth records that subject approved at now the pending, live device
	// authorization with that user code hash; errs.ErrNotFound otherwise.
	ApproveDeviceAuth(ctx context.Context, userHash, subject string, now time.Time) error
	// PollDeviceAuth returns the device authorization with that device code hash, expired
	// or not, or errs.ErrNotFound. An approved one is deleted in the same statement that
	// returns it, so that one approval yields tokens once.
	PollDeviceAuth(ctx context.Context, deviceHash string) (DeviceAuth, error)

	// CreateRefreshToken inserts t; a hash already stored returns errs.ErrConflict.
	CreateRefreshToken(ctx context.Context, t RefreshToken) error
	// RefreshToken returns the live refresh token with that hash, or errs.ErrNotFound.
	RefreshToken(ctx context.Context, hash string, now time.Time) (RefreshToken, error)
	// RotateRefreshToken deletes the live token with hash old and inserts next, in one
	// transaction; errs.ErrNotFound, and nothing inserted, when old is not live (used,
	// revoked or expired).
	RotateRefreshToken(ctx context.Context, old string, next RefreshToken, now time.Time) error
	// DeleteRefreshToken deletes the token with that hash; an unknown one is not an error.
	DeleteRefreshToken(ctx context.Context, hash string) error

	// PurgeOAuthState deletes the requests, device authorizations and refresh tokens that
	// expired before before, and returns how many rows it deleted.
	PurgeOAuthState(ctx context.Context, before time.Time) (int64, error)
}
