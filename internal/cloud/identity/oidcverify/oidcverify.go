// Package oidcverify verifies tokens from an external OpenID Connect provider: it finds the
// provider's keys through discovery and JWKS (github.com/coreos/go-oidc), checks issuer,
// audience (the configured client id), expiry and signature, and maps subject, email, name
// and the configured groups claim to an identity.Principal.
package oidcverify

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/coreos/go-oidc/v3/oidc"

	"github.com/clonit/clonit/internal/cloud/identity"
	"github.com/clonit/clonit/internal/errs"
)

// Config describes the external provider.
type Config struct {
	// Issuer is the provider's issuer URL, as its discovery document states it.
	Issuer string
	// ClientID is the audience tokens must carry.
	ClientID string
	// GroupsClaim names the claim holding groups (default "groups"); a string array or a
	// single string.
	GroupsClaim string
	// HTTPClient reaches the provider; nil means http.DefaultClient.
	HTTPClient *http.Client
	// Now is the clock for expiry checks; nil means time.Now.
	Now func() time.Time
}

// Verifier is an identity.Authenticator for one external provider. Discovery happens on
// first use and is retried on later calls until it succeeds, so the cloud can start while
// the provider is briefly unreachable. Safe for concurrent use.
type Verifier struct {
	cfg Config

	mu       sync.Mutex
	verifier *oidc.IDTokenVerifier
}

// New returns a Verifier for cfg. It does not contact the provider; see Discover.
func New(cfg Config) (*Verifier, error) {
	cfg.Issuer = strings.TrimSpace(cfg.Issuer)
	if cfg.Issuer == "" {
		return nil, errors.New("oidcverify: issuer is required")
	}
	if cfg.ClientID == "" {
		return nil, errors.New("oidcverify: client id is required")
	}
	if cfg.GroupsClaim == "" {
		cfg.GroupsClaim = identity.DefaultGroupsClaim
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	return &Verifier{cfg: cfg}, nil
}

// Issuer returns the provider's issuer, for registering the Verifier in an identity.Chain.
func (v *Verifier) Issuer() string { return v.cfg.Issuer }

// Discover fetches the provider's discovery document now (it is otherwise fetched on the
// first token). An error is of kind errs.ErrUnavailable.
func (v *Verifier) Discover(ctx context.Context) error {
	_, err := v.idTokenVerifier(ctx)
	return err
}

func (v *Verifier) idTokenVerifier(ctx context.Context) (*oidc.IDTokenVerifier, error) {
	v.mu.Lock()
	defer v.mu.Unlock()
	if v.verifier != nil {
		return v.verifier, nil
	}
	// The key set outlives this request, so its HTTP client must not carry the request's
	// cancellation; go-oidc takes the client from the context.
	httpCtx := context.WithoutCancel(ctx)
	if v.cfg.HTTPClient != nil {
		httpCtx = oidc.ClientContext(httpCtx, v.cfg.HTTPClient)
	}
	discoverCtx, cancel := context.WithTimeout(httpCtx, 10*time.Second)
	defer cancel()
	provider, err := oidc.NewProvider(discoverCtx, v.cfg.Issuer)
	if err != nil {
		return nil, errs.Wrap(errs.ErrUnavailable, err, "the identity provider %s cannot be reached; try again later", v.cfg.Issuer)
	}
	v.verifier = provider.VerifierContext(httpCtx, &oidc.Config{ClientID: v.cfg.ClientID, Now: v.cfg.Now})
	return v.verifier, nil
}

// Authenticate implements identity.Authenticator.
func (v *Verifier) Authenticate(ctx context.Context, bearer string) (identity.Principal, error) {
	verifier, err := v.idTokenVerifier(ctx)
	if err != nil {
		return identity.Principal{}, err
	}
	tok, err := verifier.Verify(ctx, bearer)
	if err != nil {
		var expired *oidc.TokenExpiredError
		if errors.As(err, &expired) {
			return identity.Principal{}, identity.ErrExpired
		}
		return identity.Principal{}, identity.Invalid(err)
	}
	var claims map[string]any
	if err := tok.Claims(&claims); err != nil {
		return identity.Principal{}, identity.Invalid(fmt.Errorf("parse claims: %w", err))
	}
	email := stringClaim(claims, "email")
	name := stringClaim(claims, "name")
	if name == "" {
		name = stringClaim(claims, "preferred_username")
	}
	if name == "" {
		name = email
	}
	return identity.Principal{
		Issuer:     tok.Issuer,
		Subject:    tok.Subject,
		Email:      email,
		Name:       name,
		Groups:     identity.GroupsFromClaim(claims[v.cfg.GroupsClaim]),
		Credential: "session",
	}, nil
}

func stringClaim(claims map[string]any, name string) string {
	s, _ := claims[name].(string)
	return s
}
