package apikey

import (
	"context"
	"errors"
	"time"

	"github.com/clonit/clonit/internal/cloud"
	"github.com/clonit/clonit/internal/cloud/identity"
	"github.com/clonit/clonit/internal/errs"
)

// TouchEvery is how stale a key's last-used time may get: a request updates it only when
// the stored one is older, so that a busy key costs one write a minute, not one a request.
const TouchEvery = time.Minute

// Store is what the Authenticator needs of the cloud's store.
type Store interface {
	APIKeyByHash(ctx context.Context, hash string) (cloud.APIKey, error)
	TouchAPIKey(ctx context.Context, id string, at time.Time) error
}

// Authenticator verifies API keys against the store. It is an identity.Authenticator.
type Authenticator struct {
	store Store
	now   func() time.Time
}

// NewAuthenticator returns an Authenticator over st; now is the clock (nil: time.Now).
func NewAuthenticator(st Store, now func() time.Time) *Authenticator {
	if now == nil {
		now = time.Now
	}
	return &Authenticator{store: st, now: now}
}

// ErrInvalid is the one answer for a key that is malformed, fails its checksum or is
// unknown: the caller cannot tell which.
var ErrInvalid = errs.E(errs.ErrUnauthenticated,
	"invalid API key: check the key you set in cloud.api_key or CLONIT_CLOUD__API_KEY, or create a new one with `clonit cloud keys create`")

// Authenticate implements identity.Authenticator. A revoked or expired key gets its own
// message: its bearer holds a real key and needs to know to replace it.
func (a *Authenticator) Authenticate(ctx context.Context, bearer string) (identity.Principal, error) {
	if err := Check(bearer); err != nil {
		return identity.Principal{}, ErrInvalid
	}
	k, err := a.store.APIKeyByHash(ctx, Hash(bearer))
	if errors.Is(err, errs.ErrNotFound) {
		return identity.Principal{}, ErrInvalid
	}
	if err != nil {
		return identity.Principal{}, err
	}
	now := a.now()
	switch {
	case !k.RevokedAt.IsZero():
		return identity.Principal{}, errs.E(errs.ErrUnauthenticated,
			"the API key %q was revoked on %s: create a new one with `clonit cloud keys create`, or sign in with `clonit login`",
			k.Name, k.RevokedAt.UTC().Format("2006-01-02 15:04 UTC"))
	case !k.ExpiresAt.IsZero() && !now.Before(k.ExpiresAt):
		return identity.Principal{}, errs.E(errs.ErrUnauthenticated,
			"the API key %q expired on %s: create a new one with `clonit cloud keys create`",
			k.Name, k.ExpiresAt.UTC().Format("2006-01-02 15:04 UTC"))
	}
	if now.Sub(k.LastUsedAt) >= TouchEvery {
		// Best effort: a failed bookkeeping write must not refuse a valid key.
		_ = a.store.TouchAPIKey(ctx, k.ID, now)
	}
	return identity.Principal{
		Subject:    "apikey:" + k.ID,
		Name:       k.Name,
		Credential: "apikey:" + k.ID,
		Key: &identity.KeyGrant{
			ID: k.ID, Name: k.Name, OrgID: k.OrgID, OrgSlug: k.OrgSlug, UserID: k.UserID,
			CreatedAt: k.CreatedAt, Permissions: k.Permissions,
		},
	}, nil
}
