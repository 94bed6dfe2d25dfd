package agent

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/clonit/clonit/internal/errs"
)

// CredentialsFile is the name of the session file inside ConfigDir.
const CredentialsFile = "credentials.json"

// ErrNoSession is returned by LoadSession when nobody is signed in.
var ErrNoSession = errs.E(errs.ErrUnauthenticated, "not signed in: run `clonit login`")

// Session is a person's signed-in session with Clonit Cloud, as `clonit login` saves it. It
// holds bearer tokens, so it lives in a file only its owner may read (mode 0600).
type Session struct {
	// CloudURL is the cloud the session was opened against.
	CloudURL string `json:"cloud_url"`
	// Issuer is the OIDC issuer that issued the tokens.
	Issuer string `json:"issuer"`
	// ClientID is the OAuth client the tokens were issued to; refreshes use it.
	ClientID string `json:"client_id"`
	// TokenURL is the issuer's token endpoint, saved so a refresh needs no discovery.
	TokenURL     string `json:"token_url,omitempty"`
	AccessToken  string `json:"access_token"`
	IDToken      string `json:"id_token,omitempty"`
	RefreshToken string `json:"refresh_token,omitempty"`
	// Expiry is when the access token stops working; zero means unknown.
	Expiry time.Time `json:"expiry,omitzero"`
	// Org is the slug of the org the person signed in to ("" until they have one).
	Org string `json:"org,omitempty"`
	// APIKey is the per-user key `clonit login` provisioned for this machine in Org (push
	// and pull, acting as the person, never above their current role); the next login
	// revokes it and saves a new one.
	APIKey string `json:"api_key,omitempty"`
}

// Bearer returns the token the cloud should see: the ID token when the provider issued one
// (it is always a JWT naming the person and their groups), else the access token.
func (s *Session) Bearer() string {
	if s.IDToken != "" {
		return s.IDToken
	}
	return s.AccessToken
}

// Expired reports whether the access token has expired at now, with a little margin so a
// request does not race the expiry.
func (s *Session) Expired(now time.Time) bool {
	return !s.Expiry.IsZero() && !now.Add(30*time.Second).Before(s.Expiry)
}

// CredentialsPath returns <ConfigDir>/credentials.json.
func CredentialsPath() (string, error) {
	d, err := ConfigDir()
	if err != nil {
		return "", err
	}
	return filepath.Join(d, CredentialsFile), nil
}

// LoadSession reads the session at path. It returns ErrNoSession when there is no file.
func LoadSession(path string) (*Session, error) {
	data, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil, ErrNoSession
	}
	if err != nil {
		return nil, fmt.Errorf("read session: %w", err)
	}
	var s Session
	if err := json.Unmarshal(data, &s); err != nil {
		return nil, errs.Wrap(errs.ErrUnauthenticated, err, "session file %s is damaged: run `clonit login` again", path)
	}
	if s.AccessToken == "" && s.IDToken == "" {
		return nil, ErrNoSession
	}
	return &s, nil
}

// SaveSession writes s to path atomically with mode 0600.
func SaveSession(path string, s *Session) error {
	data, err := json.MarshalIndent(s, "", "  ")
	if err != nil {
		return err
	}
	if err := WriteFileAtomic(path, append(data, '\n'), 0o600); err != nil {
		return fmt.Errorf("save session: %w", err)
	}
	return nil
}

// RemoveSession deletes the session at path and reports whether there was one.
func RemoveSession(path string) (bool, error) {
	err := os.Remove(path)
	switch {
	case errors.Is(err, os.ErrNotExist):
		return false, nil
	case err != nil:
		return false, fmt.Errorf("remove session: %w", err)
	}
	return true, nil
}
