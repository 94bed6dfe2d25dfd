package builtin

import (
	"context"
	"errors"
	"sync"
	"time"

	"github.com/google/uuid"
	"github.com/zitadel/oidc/v3/pkg/oidc"
	"github.com/zitadel/oidc/v3/pkg/op"
)

// authRequestTTL bounds how long a browser sign-in may take between /authorize and /token.
const authRequestTTL = 10 * time.Minute

// errUnknownRequest is any lookup of an authorization request that is not pending here.
var errUnknownRequest = errors.New("unknown or expired authorization request")

// authRequest is one pending authorization code flow; it implements op.AuthRequest.
type authRequest struct {
	id       string
	created  time.Time
	req      oidc.AuthRequest
	subject  string
	authTime time.Time
	done     bool
}

func (a *authRequest) GetID() string          { return a.id }
func (a *authRequest) GetACR() string         { return "" }
func (a *authRequest) GetAMR() []string       { return []string{"pwd"} }
func (a *authRequest) GetAudience() []string  { return []string{a.req.ClientID} }
func (a *authRequest) GetAuthTime() time.Time { return a.authTime }
func (a *authRequest) GetClientID() string    { return a.req.ClientID }
func (a *authRequest) GetNonce() string       { return a.req.Nonce }
func (a *authRequest) GetRedirectURI() string { return a.req.RedirectURI }
func (a *authRequest) GetResponseType() oidc.ResponseType {
	return a.req.ResponseType
}
func (a *authRequest) GetResponseMode() oidc.ResponseMode { return a.req.ResponseMode }
func (a *authRequest) GetScopes() []string                { return a.req.Scopes }
func (a *authRequest) GetState() string                   { return a.req.State }
func (a *authRequest) GetSubject() string                 { return a.subject }
func (a *authRequest) Done() bool                         { return a.done }
func (a *authRequest) GetCodeChallenge() *oidc.CodeChallenge {
	return &oidc.CodeChallenge{Challenge: a.req.CodeChallenge, Method: a.req.CodeChallengeMethod}
}

// authRequests keeps pending authorization requests and their codes in memory.
type authRequests struct {
	mu     sync.Mutex
	byID   map[string]*authRequest
	byCode map[string]string
}

func newAuthRequests() *authRequests {
	return &authRequests{byID: map[string]*authRequest{}, byCode: map[string]string{}}
}

// get returns a copy of a pending request, so callers never race with complete.
func (r *authRequests) get(id string) (*authRequest, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	a, ok := r.byID[id]
	if !ok || time.Since(a.created) > authRequestTTL {
		return nil, errUnknownRequest
	}
	c := *a
	return &c, nil
}

// complete records who signed in for the request.
func (r *authRequests) complete(id, subject string) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	a, ok := r.byID[id]
	if !ok || a.done || time.Since(a.created) > authRequestTTL {
		return errUnknownRequest
	}
	a.subject, a.authTime, a.done = subject, time.Now(), true
	return nil
}

// prune drops expired requests; the caller holds mu.
func (r *authRequests) prune() {
	for id, a := range r.byID {
		if time.Since(a.created) > authRequestTTL {
			delete(r.byID, id)
		}
	}
	for code, id := range r.byCode {
		if _, ok := r.byID[id]; !ok {
			delete(r.byCode, code)
		}
	}
}

// CreateAuthRequest stores a new authorization request. The public client must use PKCE.
func (s *storage) CreateAuthRequest(_ context.Context, req *oidc.AuthRequest, _ string) (op.AuthRequest, error) {
	if req.CodeChallenge == "" || req.CodeChallengeMethod != oidc.CodeChallengeMethodS256 {
		return nil, oidc.ErrInvalidRequest().WithDescription("PKCE with code_challenge_method S256 is required")
	}
	a := &authRequest{id: uuid.NewString(), created: time.Now(), req: *req}
	r := s.requests
	r.mu.Lock()
	defer r.mu.Unlock()
	r.prune()
	r.byID[a.id] = a
	c := *a
	return &c, nil
}

// AuthRequestByID returns a pending request.
func (s *storage) AuthRequestByID(_ context.Context, id string) (op.AuthRequest, error) {
	return s.requests.get(id)
}

// AuthRequestByCode returns the request an authorization code was issued for.
func (s *storage) AuthRequestByCode(_ context.Context, code string) (op.AuthRequest, error) {
	s.requests.mu.Lock()
	id, ok := s.requests.byCode[code]
	s.requests.mu.Unlock()
	if !ok {
		return nil, errUnknownRequest
	}
	return s.requests.get(id)
}

// SaveAuthCode links an authorization code to its request.
func (s *storage) SaveAuthCode(_ context.Context, id, code string) error {
	r := s.requests
	r.mu.Lock()
	defer r.mu.Unlock()
	if _, ok := r.byID[id]; !ok {
		return errUnknownRequest
	}
	r.byCode[code] = id
	return nil
}

// DeleteAuthRequest forgets a request once its code is exchanged, so a code works once.
func (s *storage) DeleteAuthRequest(_ context.Context, id string) error {
	r := s.requests
	r.mu.Lock()
	defer r.mu.Unlock()
	delete(r.byID, id)
	for code, rid := range r.byCode {
		if rid == id {
			delete(r.byCode, code)
		}
	}
	return nil
}
