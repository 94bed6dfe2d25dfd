package builtin

import (
	"context"
	"errors"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/zitadel/oidc/v3/pkg/op"
)

// expiredGrace keeps an expired device code around for a while, so that a client polling
// late hears "expired_token" rather than "access_denied".
const expiredGrace = 10 * time.Minute

// errUnknownCode is any device code or user code that is not pending here.
var errUnknownCode = errors.New("unknown, used or expired code")

type deviceEntry struct {
	deviceCode string
	userCode   string
	state      op.DeviceAuthorizationState
}

// devices keeps pending device authorizations in memory, by device code and by user code.
type devices struct {
	mu       sync.Mutex
	byDevice map[string]*deviceEntry
	byUser   map[string]*deviceEntry
}

func newDevices() *devices {
	return &devices{byDevice: map[string]*deviceEntry{}, byUser: map[string]*deviceEntry{}}
}

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

// complete marks the device authorization of userCode as approved by subject.
func (d *devices) complete(userCode, subject string) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	e, ok := d.byUser[normalizeUserCode(userCode)]
	if !ok || e.state.Done || e.state.Denied || time.Now().After(e.state.Expires) {
		return errUnknownCode
	}
	e.state.Done = true
	e.state.Subject = subject
	e.state.AMR = []string{"pwd"}
	e.state.AuthTime = time.Now()
	return nil
}

// StoreDeviceAuthorization records a new device authorization request.
func (s *storage) StoreDeviceAuthorization(_ context.Context, clientID, deviceCode, userCode string, expires time.Time, scopes []string) error {
	d := s.devices
	d.mu.Lock()
	defer d.mu.Unlock()
	now := time.Now()
	for code, e := range d.byDevice {
		if now.After(e.state.Expires.Add(expiredGrace)) {
			delete(d.byDevice, code)
			delete(d.byUser, e.userCode)
		}
	}
	key := normalizeUserCode(userCode)
	if _, taken := d.byUser[key]; taken {
		return op.ErrDuplicateUserCode
	}
	e := &deviceEntry{deviceCode: deviceCode, userCode: key, state: op.DeviceAuthorizationState{
		ClientID: clientID,
		Scopes:   slices.Clone(scopes),
		Expires:  expires,
	}}
	d.byDevice[deviceCode] = e
	d.byUser[key] = e
	return nil
}

// GetDeviceAuthorizatonState returns the state op polls. A completed authorization is
// handed out once and then forgotten, so one sign-in yields one set of tokens.
func (s *storage) GetDeviceAuthorizatonState(_ context.Context, clientID, deviceCode string) (*op.DeviceAuthorizationState, error) {
	d := s.devices
	d.mu.Lock()
	defer d.mu.Unlock()
	e, ok := d.byDevice[deviceCode]
	if !ok || e.state.ClientID != clientID {
		return nil, errUnknownCode
	}
	state := e.state
	state.Scopes = slices.Clone(e.state.Scopes)
	if state.Done || state.Denied {
		delete(d.byDevice, deviceCode)
		delete(d.byUser, e.userCode)
	}
	return &state, nil
}
