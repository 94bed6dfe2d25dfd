package builtin

import (
	"context"
	"errors"
	"fmt"
	"sync/atomic"
	"time"

	jose "github.com/go-jose/go-jose/v4"
	"github.com/zitadel/oidc/v3/pkg/oidc"
	"github.com/zitadel/oidc/v3/pkg/op"

	"github.com/clonit/clonit/internal/cloud"
	"github.com/clonit/clonit/internal/cloud/identity/signing"
)

// storage implements op.Storage and op.DeviceAuthorizationStorage on the cloud store:
// accounts, and the state of sign-ins in progress (see the package comment).
type storage struct {
	store  cloud.Store
	key    *signing.Key
	cfg    Config
	client *client
	now    func() time.Time
	// lastPurge is when this process last deleted expired sign-in state (Unix nanoseconds).
	lastPurge atomic.Int64
}

func newStorage(store cloud.Store, key *signing.Key, cfg Config, loginURL string) *storage {
	return &storage{store: store, key: key, cfg: cfg, client: newClient(cfg, loginURL), now: time.Now}
}

// purgeEvery is how often a process deletes expired sign-in state, on the way of a new
// sign-in; purging is idempotent, so processes need not agree on who does it.
const purgeEvery = time.Minute

// purge deletes the sign-in state that expired more than expiredGrace ago, at most once
// per purgeEvery. A failure is logged: expired rows are refused anyway.
func (s *storage) purge(ctx context.Context) {
	now := s.now()
	last := s.lastPurge.Load()
	if now.UnixNano()-last < int64(purgeEvery) || !s.lastPurge.CompareAndSwap(last, now.UnixNano()) {
		return
	}
	if _, err := s.store.PurgeOAuthState(ctx, now.Add(-expiredGrace)); err != nil {
		s.cfg.Logger.WarnContext(ctx, "built-in auth: purge expired sign-in state", "error", err)
	}
}

// Compile-time checks of the interfaces the op package discovers by assertion.
var (
	_ op.Storage                    = (*storage)(nil)
	_ op.DeviceAuthorizationStorage = (*storage)(nil)
	_ op.CanSetUserinfoFromRequest  = (*storage)(nil)
)

// errUnsupported answers the op features this provider does not offer.
var errUnsupported = errors.New("not supported by the built-in auth service")

// account loads the account behind a token subject and refuses a disabled one, so that a
// disabled account can neither finish a sign-in nor refresh.
func (s *storage) account(ctx context.Context, subject string) (cloud.Account, error) {
	a, err := s.store.AccountByID(ctx, subject)
	if err != nil {
		return cloud.Account{}, fmt.Errorf("account %s: %w", subject, err)
	}
	if a.Disabled {
		return cloud.Account{}, oidc.ErrAccessDenied().WithDescription("the account is disabled")
	}
	return a, nil
}

// claims are the private claims of access tokens, and the userinfo of ID tokens.
func (s *storage) claims(a cloud.Account) map[string]any {
	groups := a.Groups
	if groups == nil {
		groups = []string{}
	}
	return map[string]any{"email": a.Email, "name": a.Name, s.cfg.GroupsClaim: groups}
}

func (s *storage) setUserinfo(info *oidc.UserInfo, a cloud.Account) {
	info.Subject = a.ID
	info.Email = a.Email
	info.EmailVerified = true
	info.Name = a.Name
	groups := a.Groups
	if groups == nil {
		groups = []string{}
	}
	info.AppendClaims(s.cfg.GroupsClaim, groups)
}

// GetClientByClientID knows one client: the public native client of `clonit login`.
func (s *storage) GetClientByClientID(_ context.Context, clientID string) (op.Client, error) {
	if clientID != s.client.id {
		return nil, fmt.Errorf("unknown client %q", clientID)
	}
	return s.client, nil
}

// AuthorizeClientIDSecret refuses every secret: the only client is public.
func (s *storage) AuthorizeClientIDSecret(context.Context, string, string) error {
	return errors.New("the client is public and has no secret")
}

// SetUserinfoFromScopes is deprecated in op; SetUserinfoFromRequest does the work.
func (s *storage) SetUserinfoFromScopes(context.Context, *oidc.UserInfo, string, string, []string) error {
	return nil
}

// SetUserinfoFromRequest fills the ID token's claims from the account.
func (s *storage) SetUserinfoFromRequest(ctx context.Context, info *oidc.UserInfo, req op.IDTokenRequest, _ []string) error {
	a, err := s.account(ctx, req.GetSubject())
	if err != nil {
		return err
	}
	s.setUserinfo(info, a)
	return nil
}

// SetUserinfoFromToken answers the userinfo endpoint.
func (s *storage) SetUserinfoFromToken(ctx context.Context, info *oidc.UserInfo, _, subject, _ string) error {
	a, err := s.account(ctx, subject)
	if err != nil {
		return err
	}
	s.setUserinfo(info, a)
	return nil
}

// SetIntrospectionFromToken is unused: introspection needs a confidential client.
func (s *storage) SetIntrospectionFromToken(context.Context, *oidc.IntrospectionResponse, string, string, string) error {
	return errUnsupported
}

// GetPrivateClaimsFromScopes puts email, name and groups into JWT access tokens.
func (s *storage) GetPrivateClaimsFromScopes(ctx context.Context, userID, _ string, _ []string) (map[string]any, error) {
	a, err := s.account(ctx, userID)
	if err != nil {
		return nil, err
	}
	return s.claims(a), nil
}

// GetKeyByIDAndClientID is for JWT client authentication, which no client uses.
func (s *storage) GetKeyByIDAndClientID(context.Context, string, string) (*jose.JSONWebKey, error) {
	return nil, errUnsupported
}

// ValidateJWTProfileScopes is for the JWT profile grant, which is not offered.
func (s *storage) ValidateJWTProfileScopes(context.Context, string, []string) ([]string, error) {
	return nil, errUnsupported
}

// Health reports whether the account store answers.
func (s *storage) Health(ctx context.Context) error { return s.store.Ping(ctx) }

// SigningKey returns the cloud's signing key.
func (s *storage) SigningKey(context.Context) (op.SigningKey, error) { return signingKey{s.key}, nil }

// SignatureAlgorithms lists the one algorithm tokens are signed with.
func (s *storage) SignatureAlgorithms(context.Context) ([]jose.SignatureAlgorithm, error) {
	return []jose.SignatureAlgorithm{signing.Algorithm}, nil
}

// KeySet publishes the public half of the signing key in the JWKS.
func (s *storage) KeySet(context.Context) ([]op.Key, error) { return []op.Key{publicKey{s.key}}, nil }

// TerminateSession has nothing to end: the provider keeps no browser sessions.
func (s *storage) TerminateSession(context.Context, string, string) error { return nil }

// signingKey adapts signing.Key to op.SigningKey.
type signingKey struct{ k *signing.Key }

func (k signingKey) SignatureAlgorithm() jose.SignatureAlgorithm { return signing.Algorithm }
func (k signingKey) Key() any                                    { return k.k.Private() }
func (k signingKey) ID() string                                  { return k.k.ID() }

// publicKey adapts signing.Key to op.Key.
type publicKey struct{ k *signing.Key }

func (k publicKey) ID() string                         { return k.k.ID() }
func (k publicKey) Algorithm() jose.SignatureAlgorithm { return signing.Algorithm }
func (k publicKey) Use() string                        { return "sig" }
func (k publicKey) Key() any                           { return k.k.Public() }

// client is the public native client of `clonit login`: PKCE, device code and refresh
// token grants, JWT access tokens.
type client struct {
	id       string
	ttl      time.Duration
	loginURL string
}

func newClient(cfg Config, loginURL string) *client {
	return &client{id: cfg.ClientID, ttl: cfg.AccessTokenTTL, loginURL: loginURL}
}

func (c *client) GetID() string { return c.id }

// RedirectURIs are loopback callbacks; op accepts any port on them for a native client.
func (c *client) RedirectURIs() []string {
	return []string{"http://127.0.0.1/callback", "http://localhost/callback", "http://[::1]/callback"}
}
func (c *client) PostLogoutRedirectURIs() []string    { return nil }
func (c *client) ApplicationType() op.ApplicationType { return op.ApplicationTypeNative }
func (c *client) AuthMethod() oidc.AuthMethod         { return oidc.AuthMethodNone }
func (c *client) ResponseTypes() []oidc.ResponseType {
	return []oidc.ResponseType{oidc.ResponseTypeCode}
}
func (c *client) LoginURL(id string) string            { return c.loginURL + id }
func (c *client) AccessTokenType() op.AccessTokenType  { return op.AccessTokenTypeJWT }
func (c *client) IDTokenLifetime() time.Duration       { return c.ttl }
func (c *client) DevMode() bool                        { return false }
func (c *client) IDTokenUserinfoClaimsAssertion() bool { return true }
func (c *client) ClockSkew() time.Duration             { return 0 }
func (c *client) IsScopeAllowed(scope string) bool     { return scope == "groups" }
func (c *client) RestrictAdditionalIdTokenScopes() func([]string) []string {
	return func(s []string) []string { return s }
}
func (c *client) RestrictAdditionalAccessTokenScopes() func([]string) []string {
	return func(s []string) []string { return s }
}
func (c *client) GrantTypes() []oidc.GrantType {
	return []oidc.GrantType{oidc.GrantTypeCode, oidc.GrantTypeRefreshToken, oidc.GrantTypeDeviceCode}
}
