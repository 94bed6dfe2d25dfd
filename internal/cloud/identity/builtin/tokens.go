package builtin

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/zitadel/oidc/v3/pkg/oidc"
	"github.com/zitadel/oidc/v3/pkg/op"

	"github.com/clonit/clonit/internal/cloud"
	"github.com/clonit/clonit/internal/errs"
)

// refreshPrefix starts every refresh token; it names the token format's version. Version
// 1 tokens were sealed and self-contained; version 2 tokens are 256 random bits that the
// store knows by their hash.
const refreshPrefix = "crt2."

// randomKey creates the stored secret the provider's code encryption key is derived from.
func randomKey() ([]byte, error) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return nil, fmt.Errorf("random key: %w", err)
	}
	return b, nil
}

// hashSecret is the hex SHA-256 of a code or token, what the store keeps and looks up.
// The secrets it hashes carry at least 128 random bits, except user codes, which only
// identify a device authorization and yield nothing without the account's password.
func hashSecret(s string) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:])
}

// newRefreshToken returns a fresh refresh token.
func newRefreshToken() (string, error) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("refresh token: %w", err)
	}
	return refreshPrefix + base64.RawURLEncoding.EncodeToString(b), nil
}

// refreshRequest implements op.RefreshTokenRequest for a presented refresh token.
type refreshRequest struct{ t cloud.RefreshToken }

func (r *refreshRequest) GetAMR() []string                 { return r.t.AMR }
func (r *refreshRequest) GetAudience() []string            { return []string{r.t.ClientID} }
func (r *refreshRequest) GetAuthTime() time.Time           { return r.t.AuthTime }
func (r *refreshRequest) GetClientID() string              { return r.t.ClientID }
func (r *refreshRequest) GetScopes() []string              { return r.t.Scopes }
func (r *refreshRequest) GetSubject() string               { return r.t.Subject }
func (r *refreshRequest) SetCurrentScopes(scopes []string) { r.t.Scopes = scopes }

// refreshToken returns the live refresh token presented as token.
func (s *storage) refreshToken(ctx context.Context, token string) (cloud.RefreshToken, error) {
	if !strings.HasPrefix(token, refreshPrefix) {
		return cloud.RefreshToken{}, errors.New("not a refresh token")
	}
	t, err := s.store.RefreshToken(ctx, hashSecret(token), s.now())
	if errors.Is(err, errs.ErrNotFound) {
		return cloud.RefreshToken{}, errors.New("refresh token unknown, used, revoked or expired")
	}
	return t, err
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
	return s.cfg.ClientID, nil, s.now()
}

// CreateAccessToken returns the id and expiry of a new JWT access token (op signs it).
func (s *storage) CreateAccessToken(ctx context.Context, req op.TokenRequest) (string, time.Time, error) {
	if _, err := s.account(ctx, req.GetSubject()); err != nil {
		return "", time.Time{}, err
	}
	return uuid.NewString(), s.now().Add(s.cfg.AccessTokenTTL), nil
}

// CreateAccessAndRefreshTokens also issues a new refresh token. A refresh token being
// exchanged is replaced by the new one in one transaction, so that it works once: of two
// refreshes with the same token, on any processes, one gets invalid_grant.
func (s *storage) CreateAccessAndRefreshTokens(ctx context.Context, req op.TokenRequest, current string) (string, string, time.Time, error) {
	id, exp, err := s.CreateAccessToken(ctx, req)
	if err != nil {
		return "", "", time.Time{}, err
	}
	token, err := newRefreshToken()
	if err != nil {
		return "", "", time.Time{}, err
	}
	now := s.now()
	clientID, amr, authTime := s.requestInfo(req)
	next := cloud.RefreshToken{
		Hash:      hashSecret(token),
		Subject:   req.GetSubject(),
		ClientID:  clientID,
		Scopes:    slices.Clone(req.GetScopes()),
		AMR:       amr,
		AuthTime:  authTime,
		CreatedAt: now,
		ExpiresAt: now.Add(s.cfg.RefreshTokenTTL),
	}
	if current == "" {
		s.purge(ctx)
		err = s.store.CreateRefreshToken(ctx, next)
	} else {
		err = s.store.RotateRefreshToken(ctx, hashSecret(current), next, now)
		if errors.Is(err, errs.ErrNotFound) {
			return "", "", time.Time{}, oidc.ErrInvalidGrant().WithDescription("the refresh token was already used or revoked")
		}
	}
	if err != nil {
		return "", "", time.Time{}, err
	}
	return id, token, exp, nil
}

// TokenRequestByRefreshToken accepts a live refresh token of an account still enabled.
func (s *storage) TokenRequestByRefreshToken(ctx context.Context, token string) (op.RefreshTokenRequest, error) {
	t, err := s.refreshToken(ctx, token)
	if err != nil {
		return nil, err
	}
	if _, err := s.account(ctx, t.Subject); err != nil {
		return nil, err
	}
	return &refreshRequest{t: t}, nil
}

// GetRefreshTokenInfo identifies a refresh token for revocation: its id is its hash.
func (s *storage) GetRefreshTokenInfo(ctx context.Context, clientID, token string) (string, string, error) {
	t, err := s.refreshToken(ctx, token)
	if err != nil || t.ClientID != clientID {
		return "", "", op.ErrInvalidRefreshToken
	}
	return t.Subject, t.Hash, nil
}

// RevokeToken deletes a refresh token: op passes the hash GetRefreshTokenInfo returned,
// with the token's subject. Access tokens are short-lived JWTs and cannot be revoked;
// revoking one succeeds without effect, as RFC 7009 allows.
func (s *storage) RevokeToken(ctx context.Context, tokenOrID, userID, clientID string) *oidc.Error {
	hash := tokenOrID
	if userID == "" { // not identified by GetRefreshTokenInfo: a refresh token only by chance
		t, err := s.refreshToken(ctx, tokenOrID)
		if err != nil || t.ClientID != clientID {
			return nil
		}
		hash = t.Hash
	}
	if err := s.store.DeleteRefreshToken(ctx, hash); err != nil {
		return oidc.ErrServerError().WithParent(err)
	}
	return nil
}
