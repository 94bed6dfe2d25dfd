package builtin

import (
	"context"
	"errors"
	"slices"
	"strings"
	"time"

	"github.com/zitadel/oidc/v3/pkg/op"

	"github.com/clonit/clonit/internal/cloud"
	"github.com/clonit/clonit/internal/errs"
)

// expiredGrace keeps an expired device code in the store for a while, so that a client
// polling late hears "expired_token" rather than "access_denied".
const expiredGrace = 10 * time.Minute

// errUnknownCode is any device code or user code that is not pending.
var errUnknownCode = errors.New("unknown, used or expired code")

// normalizeUserCode accepts a user code typed with any case, spaces or dashes.
func normalizeUserCode(code string) string {
	var b strings.Builder
	for _, r := range strings.ToUpper(code) {
		if (r >= 'A' && r <= 'Z') || (r >= '0' && r <= '9') {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// approveDevice marks the device authorization of userCode as approved by subject.
func (s *storage) approveDevice(ctx context.Context, userCode, subject string) error {
	err := s.store.ApproveDeviceAuth(ctx, hashSecret(normalizeUserCode(userCode)), subject, s.now())
	if errors.Is(err, errs.ErrNotFound) {
		return errUnknownCode
	}
	return err
}

// StoreDeviceAuthorization records a new device authorization request. The store keeps
// the hashes of both codes.
func (s *storage) StoreDeviceAuthorization(ctx context.Context, clientID, deviceCode, userCode string, expires time.Time, scopes []string) error {
	s.purge(ctx)
	err := s.store.CreateDeviceAuth(ctx, cloud.DeviceAuth{
		DeviceHash: hashSecret(deviceCode),
		UserHash:   hashSecret(normalizeUserCode(userCode)),
		ClientID:   clientID,
		Scopes:     slices.Clone(scopes),
		CreatedAt:  s.now(),
		ExpiresAt:  expires,
	})
	if errors.Is(err, errs.ErrConflict) {
		return op.ErrDuplicateUserCode
	}
	return err
}

// GetDeviceAuthorizatonState returns the state op polls. A completed authorization is
// handed out once and deleted in the same statement, so one sign-in yields one set of
// tokens even when polls reach several processes.
func (s *storage) GetDeviceAuthorizatonState(ctx context.Context, clientID, deviceCode string) (*op.DeviceAuthorizationState, error) {
	d, err := s.store.PollDeviceAuth(ctx, hashSecret(deviceCode))
	if errors.Is(err, errs.ErrNotFound) {
		return nil, errUnknownCode
	}
	if err != nil {
		return nil, err
	}
	if d.ClientID != clientID {
		return nil, errUnknownCode
	}
	state := &op.DeviceAuthorizationState{ClientID: d.ClientID, Scopes: d.Scopes, Expires: d.ExpiresAt}
	if d.Approved() {
		state.Done, state.Subject, state.AMR, state.AuthTime = true, d.Subject, []string{"pwd"}, d.AuthTime
	}
	return state, nil
}
