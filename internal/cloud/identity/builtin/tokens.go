package builtin

import (
	"context"
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/google/uuid"
	"github.com/zitadel/oidc/v3/pkg/oidc"
	"github.com/zitadel/oidc/v3/pkg/op"
)

// refreshPrefix starts every refresh token; it names the sealing format's version.
const refreshPrefix = "crt1."

// randomKey creates the stored secret the refresh token key is derived from.
func randomKey() ([]byte, error) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return nil, fmt.Errorf("random key: %w", err)
	}
	return b, nil
}

// refreshClaims is what a refresh token holds: enough to issue new tokens for the same
// sign-in without server-side state.
type refreshClaims struct {
	ID       string   `json:"jti"`
	Subject  string   `json:"sub"`
	ClientID string   `json:"cid"`
	Scopes   []string `json:"scp"`
	AMR      []string `json:"amr,omitempty"`
	AuthTime int64    `json:"at"`
	Expiry   int64    `json:"exp"`
}

// refreshRequest implements op.RefreshTokenRequest for a presented refresh token.
type refreshRequest struct{ c refreshClaims }

func (r *refreshRequest) GetAMR() []string                 { return r.c.AMR }
func (r *refreshRequest) GetAudience() []string            { return []string{r.c.ClientID} }
func (r *refreshRequest) GetAuthTime() time.Time           { return time.Unix(r.c.AuthTime, 0) }
func (r *refreshRequest) GetClientID() string              { return r.c.ClientID }
func (r *refreshRequest) GetScopes() []string              { return r.c.Scopes }
func (r *refreshRequest) GetSubject() string               { return r.c.Subject }
func (r *refreshRequest) SetCurrentScopes(scopes []string) { r.c.Scopes = scopes }

// refreshTokens seals refresh tokens with AES-256-GCM and remembers, in this process, the
// ones already rotated or revoked until they would have expired.
type refreshTokens struct {
	aead cipher.AEAD
	ttl  time.Duration

	mu   sync.Mutex
	used map[string]time.Time // jti -> expiry
}

func newRefreshTokens(key [32]byte, ttl time.Duration) *refreshTokens {
	block, err := aes.NewCipher(key[:])
	if err != nil {
		panic(err) // a 32-byte key always makes a cipher
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		panic(err)
	}
	return &refreshTokens{aead: aead, ttl: ttl, used: map[string]time.Time{}}
}

func (t *refreshTokens) seal(c refreshClaims) (string, error) {
	plain, err := json.Marshal(c)
	if err != nil {
		return "", fmt.Errorf("encode refresh token: %w", err)
	}
	nonce := make([]byte, t.aead.NonceSize())
	if _, err := rand.Read(nonce); err != nil {
		return "", fmt.Errorf("refresh token nonce: %w", err)
	}
	sealed := t.aead.Seal(nonce, nonce, plain, []byte(refreshPrefix))
	return refreshPrefix + base64.RawURLEncoding.EncodeToString(sealed), nil
}

// open returns the claims of a refresh token that is authentic, unexpired and not used.
func (t *refreshTokens) open(token string) (refreshClaims, error) {
	var c refreshClaims
	raw, ok := strings.CutPrefix(token, refreshPrefix)
	if !ok {
		return c, errors.New("not a refresh token")
	}
	sealed, err := base64.RawURLEncoding.DecodeString(raw)
	if err != nil || len(sealed) < t.aead.NonceSize() {
		return c, errors.New("malformed refresh token")
	}
	n := t.aead.NonceSize()
	plain, err := t.aead.Open(nil, sealed[:n], sealed[n:], []byte(refreshPrefix))
	if err != nil {
		return c, errors.New("refresh token fails authentication")
	}
	if err := json.Unmarshal(plain, &c); err != nil {
		return c, fmt.Errorf("decode refresh token: %w", err)
	}
	if time.Now().Unix() >= c.Expiry {
		return c, errors.New("refresh token expired")
	}
	t.mu.Lock()
	_, used := t.used[c.ID]
	t.mu.Unlock()
	if used {
		return c, errors.New("refresh token already used or revoked")
	}
	return c, nil
}

// retire marks a refresh token as used, pruning entries that expired anyway.
func (t *refreshTokens) retire(c refreshClaims) {
	t.mu.Lock()
	defer t.mu.Unlock()
	now := time.Now()
	for id, exp := range t.used {
		if now.After(exp) {
			delete(t.used, id)
		}
	}
	t.used[c.ID] = time.Unix(c.Expiry, 0)
}

// requestInfo reads what a refresh token must remember from any of op's token requests.
func (s *storage) requestInfo(req op.TokenRequest) (clientID string, amr []string, authTime time.Time) {
	switch r := req.(type) {
	case *authRequest:
		return r.GetClientID(), r.GetAMR(), r.GetAuthTime()
	case *refreshRequest:
		return r.GetClientID(), r.GetAMR(), r.GetAuthTime()
	case *op.DeviceAuthorizationState:
		return r.ClientID, r.AMR, r.AuthTime
	}
	return s.cfg.ClientID, nil, time.Now()
}

// CreateAccessToken returns the id and expiry of a new JWT access token (op signs it).
func (s *storage) CreateAccessToken(ctx context.Context, req op.TokenRequest) (string, time.Time, error) {
	if _, err := s.account(ctx, req.GetSubject()); err != nil {
		return "", time.Time{}, err
	}
	return uuid.NewString(), time.Now().Add(s.cfg.AccessTokenTTL), nil
}

// CreateAccessAndRefreshTokens also seals a new refresh token; a refresh token being
// exchanged is retired so that it cannot be used twice on this process.
func (s *storage) CreateAccessAndRefreshTokens(ctx context.Context, req op.TokenRequest, current string) (string, string, time.Time, error) {
	id, exp, err := s.CreateAccessToken(ctx, req)
	if err != nil {
		return "", "", time.Time{}, err
	}
	if current != "" {
		old, err := s.refresh.open(current)
		if err != nil {
			return "", "", time.Time{}, oidc.ErrInvalidGrant().WithParent(err)
		}
		s.refresh.retire(old)
	}
	clientID, amr, authTime := s.requestInfo(req)
	token, err := s.refresh.seal(refreshClaims{
		ID:       uuid.NewString(),
		Subject:  req.GetSubject(),
		ClientID: clientID,
		Scopes:   slices.Clone(req.GetScopes()),
		AMR:      amr,
		AuthTime: authTime.Unix(),
		Expiry:   time.Now().Add(s.cfg.RefreshTokenTTL).Unix(),
	})
	if err != nil {
		return "", "", time.Time{}, err
	}
	return id, token, exp, nil
}

// TokenRequestByRefreshToken accepts a valid refresh token of an account still enabled.
func (s *storage) TokenRequestByRefreshToken(ctx context.Context, token string) (op.RefreshTokenRequest, error) {
	c, err := s.refresh.open(token)
	if err != nil {
		return nil, err
	}
	if _, err := s.account(ctx, c.Subject); err != nil {
		return nil, err
	}
	return &refreshRequest{c: c}, nil
}

// GetRefreshTokenInfo identifies a refresh token for revocation.
func (s *storage) GetRefreshTokenInfo(_ context.Context, clientID, token string) (string, string, error) {
	c, err := s.refresh.open(token)
	if err != nil || c.ClientID != clientID {
		return "", "", op.ErrInvalidRefreshToken
	}
	return c.Subject, c.ID, nil
}

// RevokeToken retires a refresh token. Access tokens are short-lived JWTs and cannot be
// revoked; revoking one succeeds without effect, as RFC 7009 allows.
func (s *storage) RevokeToken(_ context.Context, tokenOrID, userID, clientID string) *oidc.Error {
	if userID != "" {
		return nil
	}
	c, err := s.refresh.open(tokenOrID)
	if err != nil || c.ClientID != clientID {
		return nil
	}
	s.refresh.retire(c)
	return nil
}
