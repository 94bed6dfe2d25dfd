package builtin

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/clonit/clonit/internal/cloud"
	"github.com/clonit/clonit/internal/cloud/identity/password"
	"github.com/clonit/clonit/internal/errs"
)

// signInPolicy limits failed password attempts per email: after 5 failures within 15
// minutes the email is blocked for 15 minutes. The counters live in the store
// (cloud.RateLimits), so every process serving the database enforces one limit; a
// successful sign-in does not clear them, it only ends with the window.
var signInPolicy = cloud.RatePolicy{Max: 5, Window: 15 * time.Minute, Block: 15 * time.Minute}

// Sign-in outcomes that the pages turn into messages.
var (
	errBadCredentials = errors.New("wrong email or password")
	errDisabled       = errors.New("account disabled")
)

// rateLimited says how long to wait before the next attempt.
type rateLimited struct{ wait time.Duration }

func (e *rateLimited) Error() string { return fmt.Sprintf("too many failed attempts, wait %s", e.wait) }

// signInStore is what signing in reads: accounts, and the counters of failed attempts.
type signInStore interface {
	cloud.Accounts
	cloud.RateLimits
}

// signIn checks local account passwords and limits failed attempts per email.
type signIn struct {
	store signInStore
	now   func() time.Time
}

func newSignIn(store signInStore) *signIn {
	return &signIn{store: store, now: time.Now}
}

// check returns the enabled account whose password is pw. Unknown emails cost as much
// time as wrong passwords, and both count against the email's limit.
func (s *signIn) check(ctx context.Context, email, pw string) (cloud.Account, error) {
	key := strings.ToLower(strings.TrimSpace(email))
	bucket := "signin:" + key
	now := s.now()
	st, err := s.store.RateState(ctx, bucket, signInPolicy, now)
	if err != nil {
		return cloud.Account{}, fmt.Errorf("read sign-in limit: %w", err)
	}
	if st.Blocked(now) {
		return cloud.Account{}, &rateLimited{wait: st.BlockedUntil.Sub(now)}
	}
	a, err := s.store.AccountByEmail(ctx, key)
	if errors.Is(err, errs.ErrNotFound) {
		password.Waste(pw)
		return cloud.Account{}, s.fail(ctx, bucket)
	}
	if err != nil {
		return cloud.Account{}, fmt.Errorf("look up account: %w", err)
	}
	ok, err := password.Verify(a.PasswordHash, pw)
	if err != nil {
		return cloud.Account{}, fmt.Errorf("account %s: %w", a.ID, err)
	}
	if !ok {
		return cloud.Account{}, s.fail(ctx, bucket)
	}
	if a.Disabled {
		return cloud.Account{}, errDisabled
	}
	return a, nil
}

// fail counts a failed attempt and returns errBadCredentials, or the store's error.
func (s *signIn) fail(ctx context.Context, bucket string) error {
	if _, err := s.store.AddFailure(ctx, bucket, signInPolicy, s.now()); err != nil {
		return fmt.Errorf("count failed sign-in: %w", err)
	}
	return errBadCredentials
}
