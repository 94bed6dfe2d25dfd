package server

import (
	"context"
	"log/slog"
	"net/http"

	"github.com/clonit/clonit/internal/api"
	"github.com/clonit/clonit/internal/cloud"
	"github.com/clonit/clonit/internal/cloud/identity"
	"github.com/clonit/clonit/internal/cloud/identity/builtin"
	"github.com/clonit/clonit/internal/cloud/identity/oidcverify"
	"github.com/clonit/clonit/internal/cloud/identity/selftoken"
	"github.com/clonit/clonit/internal/cloud/identity/signing"
	"github.com/clonit/clonit/internal/errs"
)

// auth is how the server verifies callers and tells the agent to sign in.
type auth struct {
	verifier identity.Authenticator
	config   api.AuthConfig
	oauth    http.Handler // the built-in provider; nil with an external one
}

// BuiltinPath is where the built-in OAuth 2.0 / OIDC provider is served.
const BuiltinPath = "/oauth"

// newAuth builds the verifiers: the cloud's own tokens (operator tokens, and the built-in
// provider's when it runs) are always trusted; an external issuer, when configured,
// replaces the built-in provider.
func newAuth(ctx context.Context, cfg Config, st cloud.Store, log *slog.Logger) (auth, error) {
	key, err := signing.Load(ctx, st)
	if err != nil {
		return auth{}, errs.Wrap(errs.ErrUnavailable, err, "cannot load the token signing key from the database")
	}
	chain := identity.NewChain()
	self := selftoken.Config{SelfIssuer: cfg.PublicURL, GroupsClaim: cfg.OIDCGroupsClaim}
	var a auth
	if cfg.OIDCIssuer == "" {
		p, err := builtin.New(st, builtin.Config{Issuer: cfg.PublicURL + BuiltinPath, GroupsClaim: cfg.OIDCGroupsClaim})
		if err != nil {
			return auth{}, err
		}
		self.BuiltinIssuer, self.BuiltinClientID = p.Issuer(), p.ClientID()
		a.oauth = p.Handler()
		a.config = api.AuthConfig{
			Issuer: p.Issuer(), AuthURL: p.Issuer(), ClientID: p.ClientID(),
			DeviceAuthorizationEndpoint: p.Issuer() + "/device_authorization",
			TokenEndpoint:               p.Issuer() + "/token",
			Scopes:                      []string{"openid", "profile", "email", "offline_access", "groups"},
			BuiltIn:                     true,
		}
	} else {
		v, err := oidcverify.New(oidcverify.Config{Issuer: cfg.OIDCIssuer, ClientID: cfg.OIDCClientID, GroupsClaim: cfg.OIDCGroupsClaim})
		if err != nil {
			return auth{}, errs.Wrap(errs.ErrInvalid, err, "invalid OIDC configuration: check --oidc-issuer and --oidc-client-id")
		}
		if err := v.Discover(ctx); err != nil {
			// Not fatal: the verifier retries discovery on the next token.
			log.Warn("the OIDC issuer does not answer yet; sign-ins fail until it does", "issuer", cfg.OIDCIssuer, "err", err.Error())
		}
		chain.Add(v.Issuer(), v)
		a.config = api.AuthConfig{
			Issuer: v.Issuer(), AuthURL: v.Issuer(), ClientID: cfg.OIDCClientID,
			Scopes: []string{"openid", "profile", "email", "offline_access"},
		}
	}
	tokens, err := selftoken.New(key, self)
	if err != nil {
		return auth{}, err
	}
	tokens.Register(chain)
	a.verifier = chain
	return a, nil
}
