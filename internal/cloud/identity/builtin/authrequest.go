package builtin

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/google/uuid"
	"github.com/zitadel/oidc/v3/pkg/oidc"
	"github.com/zitadel/oidc/v3/pkg/op"

	"github.com/clonit/clonit/internal/cloud"
	"github.com/clonit/clonit/internal/errs"
)

// authRequestTTL bounds how long a browser sign-in may take between /authorize and /token.
const authRequestTTL = 10 * time.Minute

// errUnknownRequest is any lookup of an authorization request that is not pending.
var errUnknownRequest = errors.New("unknown or expired authorization request")

// authParams is what the provider keeps of a client's authorization request: the store
// holds it as opaque JSON (cloud.OAuthRequest.Params).
type authParams struct {
	ClientID            string                   `json:"client_id"`
	RedirectURI         string                   `json:"redirect_uri"`
	Scopes              []string                 `json:"scopes"`
	State               string                   `json:"state,omitempty"`
	Nonce               string                   `json:"nonce,omitempty"`
	ResponseType        oidc.ResponseType        `json:"response_type"`
	ResponseMode        oidc.ResponseMode        `json:"response_mode,omitempty"`
	CodeChallenge       string                   `json:"code_challenge"`
	CodeChallengeMethod oidc.CodeChallengeMethod `json:"code_challenge_method"`
}

// authRequest is one pending authorization code flow; it implements op.AuthRequest.
type authRequest struct {
	id       string
	p        authParams
	subject  string
	authTime time.Time
}

func (a *authRequest) GetID() string                      { return a.id }
func (a *authRequest) GetACR() string                     { return "" }
func (a *authRequest) GetAMR() []string                   { return []string{"pwd"} }
func (a *authRequest) GetAudience() []string              { return []string{a.p.ClientID} }
func (a *authRequest) GetAuthTime() time.Time             { return a.authTime }
func (a *authRequest) GetClientID() string                { return a.p.ClientID }
func (a *authRequest) GetNonce() string                   { return a.p.Nonce }
func (a *authRequest) GetRedirectURI() string             { return a.p.RedirectURI }
func (a *authRequest) GetResponseType() oidc.ResponseType { return a.p.ResponseType }
func (a *authRequest) GetResponseMode() oidc.ResponseMode { return a.p.ResponseMode }
func (a *authRequest) GetScopes() []string                { return a.p.Scopes }
func (a *authRequest) GetState() string                   { return a.p.State }
func (a *authRequest) GetSubject() string                 { return a.subject }
func (a *authRequest) Done() bool                         { return a.subject != "" }
func (a *authRequest) GetCodeChallenge() *oidc.CodeChallenge {
	return &oidc.CodeChallenge{Challenge: a.p.CodeChallenge, Method: a.p.CodeChallengeMethod}
}

// decodeAuthRequest reads a stored request.
func decodeAuthRequest(r cloud.OAuthRequest) (*authRequest, error) {
	a := &authRequest{id: r.ID, subject: r.Subject, authTime: r.AuthTime}
	if err := json.Unmarshal(r.Params, &a.p); err != nil {
		return nil, fmt.Errorf("decode authorization request %s: %w", r.ID, err)
	}
	return a, nil
}

// authRequest returns a pending request; errUnknownRequest when there is none.
func (s *storage) authRequest(ctx context.Context, id string) (*authRequest, error) {
	r, err := s.store.OAuthRequest(ctx, id, s.now())
	if errors.Is(err, errs.ErrNotFound) {
		return nil, errUnknownRequest
	}
	if err != nil {
		return nil, err
	}
	return decodeAuthRequest(r)
}

// completeAuthRequest records who signed in for the request.
func (s *storage) completeAuthRequest(ctx context.Context, id, subject string) error {
	err := s.store.CompleteOAuthRequest(ctx, id, subject, s.now())
	if errors.Is(err, errs.ErrNotFound) {
		return errUnknownRequest
	}
	return err
}

// CreateAuthRequest stores a new authorization request. The public client must use PKCE.
func (s *storage) CreateAuthRequest(ctx context.Context, req *oidc.AuthRequest, _ string) (op.AuthRequest, error) {
	if req.CodeChallenge == "" || req.CodeChallengeMethod != oidc.CodeChallengeMethodS256 {
		return nil, oidc.ErrInvalidRequest().WithDescription("PKCE with code_challenge_method S256 is required")
	}
	s.purge(ctx)
	a := &authRequest{id: uuid.NewString(), p: authParams{
		ClientID: req.ClientID, RedirectURI: req.RedirectURI, Scopes: req.Scopes, State: req.State, Nonce: req.Nonce,
		ResponseType: req.ResponseType, ResponseMode: req.ResponseMode,
		CodeChallenge: req.CodeChallenge, CodeChallengeMethod: req.CodeChallengeMethod,
	}}
	params, err := json.Marshal(a.p)
	if err != nil {
		return nil, fmt.Errorf("encode authorization request: %w", err)
	}
	now := s.now()
	if err := s.store.CreateOAuthRequest(ctx, cloud.OAuthRequest{ID: a.id, Params: params, CreatedAt: now, ExpiresAt: now.Add(authRequestTTL)}); err != nil {
		return nil, err
	}
	return a, nil
}

// AuthRequestByID returns a pending request.
func (s *storage) AuthRequestByID(ctx context.Context, id string) (op.AuthRequest, error) {
	return s.authRequest(ctx, id)
}

// AuthRequestByCode returns the request an authorization code was issued for and deletes
// it in the same statement, so that a code is exchanged once even when two processes
// receive it at once. A code presented with the wrong PKCE verifier is spent too, as RFC
// 6749 §10.5 allows.
func (s *storage) AuthRequestByCode(ctx context.Context, code string) (op.AuthRequest, error) {
	r, err := s.store.TakeOAuthCode(ctx, hashSecret(code), s.now())
	if errors.Is(err, errs.ErrNotFound) {
		return nil, errUnknownRequest
	}
	if err != nil {
		return nil, err
	}
	return decodeAuthRequest(r)
}

// SaveAuthCode records the hash of the authorization code issued for a request.
func (s *storage) SaveAuthCode(ctx context.Context, id, code string) error {
	err := s.store.SetOAuthCode(ctx, id, hashSecret(code), s.now())
	if errors.Is(err, errs.ErrNotFound) {
		return errUnknownRequest
	}
	return err
}

// DeleteAuthRequest forgets a request once its code is exchanged (AuthRequestByCode has
// already deleted it then).
func (s *storage) DeleteAuthRequest(ctx context.Context, id string) error {
	return s.store.DeleteOAuthRequest(ctx, id)
}
