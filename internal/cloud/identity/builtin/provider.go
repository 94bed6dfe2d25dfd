// Package builtin is Clonit Cloud's built-in auth service: a real OAuth 2.0 / OpenID
// Connect provider built on github.com/zitadel/oidc's op package, used when no external
// identity provider is configured. It serves discovery, JWKS, the authorization code flow
// with PKCE, the device authorization grant (RFC 8628) and refresh tokens for one public
// native client ("clonit-cli" by default), and signs in the local accounts of cloud.Accounts
// with their password on two plain HTML pages (device verification and browser login).
//
// ID tokens and JWT access tokens carry sub (the account id), email, name and the groups
// claim, read from the account at every sign-in and refresh. They are signed with the
// cloud's persisted key (package signing), so every process sharing the database signs
// with the same key and tokens survive restarts.
//
// The state of sign-ins in progress lives in the store (cloud.OAuthState), never in a
// process's memory: pending authorization requests, authorization codes, device
// authorizations and refresh tokens. Several processes serving one database therefore
// act as one provider: a device sign-in may start on one, be approved on a second and be
// polled on a third, and a refresh token works on any process, once. Codes and tokens are
// stored only as their SHA-256 hash; each use that spends one (a code exchange, a device
// poll that hands out tokens, a refresh) deletes it in the statement that reads it, so
// that of two concurrent uses on any processes exactly one succeeds. Expired state is
// refused at once and deleted a little later.
package builtin

import (
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/zitadel/oidc/v3/pkg/op"
	"golang.org/x/text/language"

	"github.com/clonit/clonit/internal/cloud"
	"github.com/clonit/clonit/internal/cloud/identity"
	"github.com/clonit/clonit/internal/cloud/identity/signing"
)

// DefaultClientID is the id of the public client that `clonit login` uses.
const DefaultClientID = "clonit-cli"

// Defaults of Config.
const (
	DefaultAccessTokenTTL  = time.Hour
	DefaultRefreshTokenTTL = 30 * 24 * time.Hour
	DefaultDeviceCodeTTL   = 10 * time.Minute
	DefaultPollInterval    = 5 * time.Second
)

// providerKeySecret names the store secret from which the key op encrypts authorization
// codes with is derived, the same on every process. (Its name is historical: it also
// sealed the refresh tokens of version 1.)
const providerKeySecret = "oidc-refresh-key"

// Config configures the provider.
type Config struct {
	// Issuer is the provider's public URL, e.g. "https://cloud.example.com/oauth". Its path
	// is where Handler expects to be mounted.
	Issuer string
	// ClientID is the public native client's id (default "clonit-cli").
	ClientID string
	// GroupsClaim names the groups claim in tokens (default "groups").
	GroupsClaim string
	// AccessTokenTTL is the lifetime of access and ID tokens (default 1h).
	AccessTokenTTL time.Duration
	// RefreshTokenTTL is how long a refresh token stays usable (default 30 days); each
	// refresh issues a new one.
	RefreshTokenTTL time.Duration
	// DeviceCodeTTL is how long a device code waits for its user (default 10 minutes).
	DeviceCodeTTL time.Duration
	// PollInterval is the device grant's advertised polling interval (default 5s).
	PollInterval time.Duration
	// Logger receives the provider's own events (sign-ins, server errors); nil means
	// slog.Default(). The op package logs protocol errors through slog.Default().
	Logger *slog.Logger
}

// Provider is the built-in OIDC provider.
type Provider struct {
	cfg     Config
	path    string // the issuer's path, where Handler is mounted
	op      *op.Provider
	storage *storage
	signIn  *signIn
	handler http.Handler
}

// New builds the provider on store: it loads (or creates) the signing key and the code
// encryption key from store.Secret.
func New(store cloud.Store, cfg Config) (*Provider, error) {
	cfg, err := withDefaults(cfg)
	if err != nil {
		return nil, err
	}
	issuer, err := url.Parse(cfg.Issuer)
	if err != nil || issuer.Host == "" || (issuer.Scheme != "http" && issuer.Scheme != "https") {
		return nil, fmt.Errorf("built-in auth: issuer %q is not an http(s) URL", cfg.Issuer)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	key, err := signing.Load(ctx, store)
	if err != nil {
		return nil, fmt.Errorf("built-in auth: %w", err)
	}
	secret, err := store.Secret(ctx, providerKeySecret, randomKey)
	if err != nil {
		return nil, fmt.Errorf("built-in auth: load code key: %w", err)
	}
	path := strings.TrimSuffix(issuer.Path, "/")
	p := &Provider{cfg: cfg, path: path}
	p.signIn = newSignIn(store)
	p.storage = newStorage(store, key, cfg, cfg.Issuer+"/login?authRequestID=")

	opts := []op.Option{
		op.WithCustomTokenEndpoint(op.NewEndpoint("token")),
		op.WithCustomIntrospectionEndpoint(op.NewEndpoint("introspect")),
		op.WithCustomDeviceAuthorizationEndpoint(op.NewEndpoint("device_authorization")),
	}
	if issuer.Scheme == "http" {
		opts = append(opts, op.WithAllowInsecure())
	}
	p.op, err = op.NewProvider(&op.Config{
		CryptoKey:             derive(secret, "authorization-code"),
		CryptoKeyId:           "c1",
		CodeMethodS256:        true,
		AuthMethodPost:        false,
		GrantTypeRefreshToken: true,
		SupportedUILocales:    []language.Tag{language.English},
		SupportedClaims:       append(append([]string{}, op.DefaultSupportedClaims...), cfg.GroupsClaim),
		SupportedScopes:       []string{"openid", "profile", "email", "offline_access", "groups"},
		DeviceAuthorization: op.DeviceAuthorizationConfig{
			Lifetime:     cfg.DeviceCodeTTL,
			PollInterval: cfg.PollInterval,
			UserFormPath: path + "/device",
			UserCode:     op.UserCodeBase20,
		},
	}, p.storage, op.StaticIssuer(cfg.Issuer), opts...)
	if err != nil {
		return nil, fmt.Errorf("built-in auth: %w", err)
	}
	p.handler = p.routes()
	return p, nil
}

func withDefaults(cfg Config) (Config, error) {
	cfg.Issuer = strings.TrimSuffix(strings.TrimSpace(cfg.Issuer), "/")
	if cfg.Issuer == "" {
		return cfg, errors.New("built-in auth: issuer is required")
	}
	if cfg.ClientID == "" {
		cfg.ClientID = DefaultClientID
	}
	if cfg.GroupsClaim == "" {
		cfg.GroupsClaim = identity.DefaultGroupsClaim
	}
	if cfg.AccessTokenTTL <= 0 {
		cfg.AccessTokenTTL = DefaultAccessTokenTTL
	}
	if cfg.RefreshTokenTTL <= 0 {
		cfg.RefreshTokenTTL = DefaultRefreshTokenTTL
	}
	if cfg.DeviceCodeTTL <= 0 {
		cfg.DeviceCodeTTL = DefaultDeviceCodeTTL
	}
	if cfg.PollInterval <= 0 {
		cfg.PollInterval = DefaultPollInterval
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	return cfg, nil
}

// derive turns the stored secret into a key for one purpose.
func derive(secret []byte, purpose string) [32]byte {
	return sha256.Sum256(append([]byte("clonit builtin auth "+purpose+"\x00"), secret...))
}

// Handler serves the provider under the issuer's path: mount it there, e.g.
// mux.Handle("/oauth/", p.Handler()) for an issuer ending in /oauth. It serves
// /.well-known/openid-configuration, /keys, /authorize, /token, /device_authorization,
// /userinfo, /revoke, the device verification page /device and the login page /login.
func (p *Provider) Handler() http.Handler { return p.handler }

// Issuer returns the provider's issuer URL.
func (p *Provider) Issuer() string { return p.cfg.Issuer }

// ClientID returns the public client's id.
func (p *Provider) ClientID() string { return p.cfg.ClientID }

func (p *Provider) routes() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc(p.path+"/device", p.devicePage)
	mux.HandleFunc(p.path+"/login", p.loginPage)
	mux.Handle(p.path+"/", http.StripPrefix(p.path, p.op))
	return mux
}
