package builtin

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/clonit/clonit/internal/cloud"
	"github.com/clonit/clonit/internal/cloud/identity/password"
	"github.com/clonit/clonit/internal/errs"
)

// Limits on failed password attempts, per email, kept in memory.
const (
	maxFailures   = 5
	failureWindow = 15 * time.Minute
	maxTracked    = 10000
)

// Sign-in outcomes that the pages turn into messages.
var (
	errBadCredentials = errors.New("wrong email or password")
	errDisabled       = errors.New("account disabled")
)

// rateLimited says how long to wait before the next attempt.
type rateLimited struct{ wait time.Duration }

func (e *rateLimited) Error() string { return fmt.Sprintf("too many failed attempts, wait %s", e.wait) }

// signIn checks local account passwords and limits failed attempts per email.
type signIn struct {
	accounts cloud.Accounts
	now      func() time.Time

	mu       sync.Mutex
	failures map[string]*failures
}

type failures struct {
	count int
	first time.Time
}

func newSignIn(accounts cloud.Accounts) *signIn {
	return &signIn{accounts: accounts, now: time.Now, failures: map[string]*failures{}}
}

// check returns the enabled account whose password is pw. Unknown emails cost as much
// time as wrong passwords, and both count against the email's limit.
func (s *signIn) check(ctx context.Context, email, pw string) (cloud.Account, error) {
	key := strings.ToLower(strings.TrimSpace(email))
	if wait := s.blocked(key); wait > 0 {
		return cloud.Account{}, &rateLimited{wait: wait}
	}
	a, err := s.accounts.AccountByEmail(ctx, key)
	if errors.Is(err, errs.ErrNotFound) {
		password.Waste(pw)
		s.fail(key)
		return cloud.Account{}, errBadCredentials
	}
	if err != nil {
		return cloud.Account{}, fmt.Errorf("look up account: %w", err)
	}
	ok, err := password.Verify(a.PasswordHash, pw)
	if err != nil {
		return cloud.Account{}, fmt.Errorf("account %s: %w", a.ID, err)
	}
	if !ok {
		s.fail(key)
		return cloud.Account{}, errBadCredentials
	}
	s.mu.Lock()
	delete(s.failures, key)
	s.mu.Unlock()
	if a.Disabled {
		return cloud.Account{}, errDisabled
	}
	return a, nil
}

// blocked returns how long key must still wait, or 0.
func (s *signIn) blocked(key string) time.Duration {
	s.mu.Lock()
	defer s.mu.Unlock()
	f, ok := s.failures[key]
	if !ok {
		return 0
	}
	end := f.first.Add(failureWindow)
	if !s.now().Before(end) {
		delete(s.failures, key)
		return 0
	}
	if f.count < maxFailures {
		return 0
	}
	return end.Sub(s.now())
}

func (s *signIn) fail(key string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.now()
	if len(s.failures) >= maxTracked {
		for k, f := range s.failures {
			if !now.Before(f.first.Add(failureWindow)) {
				delete(s.failures, k)
			}
		}
	}
	f, ok := s.failures[key]
	if !ok || !now.Before(f.first.Add(failureWindow)) {
		s.failures[key] = &failures{count: 1, first: now}
		return
	}
	f.count++
}
