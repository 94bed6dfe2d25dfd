// Package selftoken verifies the tokens the cloud signs itself, locally against the
// persisted signing key (no HTTP round trip): the built-in provider's ID and access tokens,
// and the operator tokens of `clonit-cloud admin token`, which it also mints.
//
// Operator tokens carry iss = the cloud's self issuer (its public URL), aud = "clonit-cloud"
// and clonit_cred = "token". They speak for a person identified by email, mapped to an
// (issuer, subject) pair when minted (see Identity). Because the cloud keys users by
// (issuer, subject), an operator token for someone who already signed in acts as that same
// user, whichever provider is configured.
package selftoken

import (
	"context"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/clonit/clonit/internal/cloud/identity"
	"github.com/clonit/clonit/internal/cloud/identity/signing"
)

// Audience is the aud claim of operator tokens.
const Audience = "clonit-cloud"

// Claim names private to the cloud's own tokens.
const (
	// CredentialClaim marks an operator token; its value is "token".
	CredentialClaim = "clonit_cred"
	// IdentityIssuerClaim names the issuer of the identity an operator token speaks for,
	// when that is not the self issuer (a person who signed in through a provider).
	IdentityIssuerClaim = "clonit_idp"
)

// leeway tolerates small clock differences between the processes sharing a key.
const leeway = 30 * time.Second

// Config says which issuers the cloud signs for.
type Config struct {
	// SelfIssuer is the issuer of operator tokens: the cloud's public URL.
	SelfIssuer string
	// BuiltinIssuer is the built-in provider's issuer ("<public URL>/oauth"). Leave it empty
	// when an external provider is configured, so that built-in tokens are refused.
	BuiltinIssuer string
	// BuiltinClientID is the audience the built-in provider's tokens must carry.
	BuiltinClientID string
	// GroupsClaim names the groups claim (default "groups").
	GroupsClaim string
	// Now is the clock; nil means time.Now.
	Now func() time.Time
}

// Service mints operator tokens and verifies every token signed with the cloud's key.
type Service struct {
	key      *signing.Key
	cfg      Config
	verified *verifiedCache
}

// New returns a Service signing and verifying with key.
func New(key *signing.Key, cfg Config) (*Service, error) {
	cfg.SelfIssuer = strings.TrimSuffix(cfg.SelfIssuer, "/")
	cfg.BuiltinIssuer = strings.TrimSuffix(cfg.BuiltinIssuer, "/")
	if cfg.SelfIssuer == "" {
		return nil, errors.New("selftoken: self issuer is required")
	}
	if cfg.BuiltinIssuer != "" && cfg.BuiltinClientID == "" {
		return nil, errors.New("selftoken: built-in client id is required")
	}
	if cfg.GroupsClaim == "" {
		cfg.GroupsClaim = identity.DefaultGroupsClaim
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	return &Service{key: key, cfg: cfg, verified: newVerifiedCache()}, nil
}

// Register adds the Service to chain for every issuer it verifies.
func (s *Service) Register(chain *identity.Chain) {
	chain.Add(s.cfg.SelfIssuer, s)
	if s.cfg.BuiltinIssuer != "" {
		chain.Add(s.cfg.BuiltinIssuer, s)
	}
}

// Identity is the person an operator token speaks for.
type Identity struct {
	// Issuer and Subject map the token to a user; an empty Issuer means the self issuer.
	Issuer  string
	Subject string
	Email   string
	Name    string
	Groups  []string
}

// Issue mints an operator token for id, valid for ttl.
func (s *Service) Issue(id Identity, ttl time.Duration) (string, error) {
	if ttl <= 0 {
		return "", errors.New("token lifetime must be positive")
	}
	if id.Subject == "" {
		return "", errors.New("token subject is required")
	}
	now := s.cfg.Now()
	claims := map[string]any{
		"iss":             s.cfg.SelfIssuer,
		"sub":             id.Subject,
		"aud":             []string{Audience},
		"iat":             now.Unix(),
		"nbf":             now.Unix(),
		"exp":             now.Add(ttl).Unix(),
		"jti":             uuid.NewString(),
		"email":           id.Email,
		"name":            id.Name,
		s.cfg.GroupsClaim: nonNil(id.Groups),
		CredentialClaim:   "token",
	}
	if iss := strings.TrimSuffix(id.Issuer, "/"); iss != "" && iss != s.cfg.SelfIssuer {
		claims[IdentityIssuerClaim] = iss
	}
	return s.key.Sign(claims)
}

// registered holds the claims this package checks.
type registered struct {
	Issuer     string   `json:"iss"`
	Subject    string   `json:"sub"`
	Audience   audience `json:"aud"`
	Expiry     *float64 `json:"exp"`
	NotBefore  *float64 `json:"nbf"`
	Email      string   `json:"email"`
	Name       string   `json:"name"`
	Credential string   `json:"clonit_cred"`
	IdP        string   `json:"clonit_idp"`
}

// Authenticate implements identity.Authenticator. A token verified before is not verified
// again (see verifiedCache): only its times are checked, against the clock of now.
func (s *Service) Authenticate(_ context.Context, bearer string) (identity.Principal, error) {
	key := sha256.Sum256([]byte(bearer))
	v, ok := s.verified.get(key)
	if !ok {
		var err error
		if v, err = s.verify(bearer); err != nil {
			return identity.Principal{}, err
		}
	}
	now := s.cfg.Now()
	if !now.Before(v.expiry) {
		return identity.Principal{}, identity.ErrExpired
	}
	if v.notBefore != nil && now.Add(leeway).Before(*v.notBefore) {
		return identity.Principal{}, identity.Invalid(errors.New("token not valid yet"))
	}
	if !ok {
		s.verified.put(key, v)
	}
	p := v.principal
	p.Groups = slices.Clone(p.Groups)
	return p, nil
}

// verify checks bearer's signature and every claim but its times, which Authenticate checks.
func (s *Service) verify(bearer string) (verified, error) {
	payload, err := s.key.Verify(bearer)
	if err != nil {
		return verified{}, identity.Invalid(err)
	}
	var c registered
	if err := json.Unmarshal(payload, &c); err != nil {
		return verified{}, identity.Invalid(fmt.Errorf("parse claims: %w", err))
	}
	var all map[string]any
	if err := json.Unmarshal(payload, &all); err != nil {
		return verified{}, identity.Invalid(fmt.Errorf("parse claims: %w", err))
	}
	p := identity.Principal{
		Issuer:  c.Issuer,
		Subject: c.Subject,
		Email:   c.Email,
		Name:    c.Name,
		Groups:  identity.GroupsFromClaim(all[s.cfg.GroupsClaim]),
	}
	switch {
	case c.Issuer == s.cfg.SelfIssuer:
		if c.Credential != "token" || !slices.Contains(c.Audience, Audience) {
			return verified{}, identity.Invalid(errors.New("self-issued token without operator marks"))
		}
		p.Credential = "token"
		if c.IdP != "" {
			p.Issuer = c.IdP
		}
	case s.cfg.BuiltinIssuer != "" && c.Issuer == s.cfg.BuiltinIssuer:
		if !slices.Contains(c.Audience, s.cfg.BuiltinClientID) {
			return verified{}, identity.Invalid(errors.New("built-in token for another audience"))
		}
		p.Credential = "session"
	default:
		return verified{}, identity.Invalid(fmt.Errorf("issuer %q is not the cloud's", c.Issuer))
	}
	if c.Subject == "" {
		return verified{}, identity.Invalid(errors.New("no subject"))
	}
	if c.Expiry == nil {
		return verified{}, identity.Invalid(errors.New("no expiry"))
	}
	v := verified{principal: p, expiry: time.Unix(int64(*c.Expiry), 0)}
	if c.NotBefore != nil {
		nbf := time.Unix(int64(*c.NotBefore), 0)
		v.notBefore = &nbf
	}
	return v, nil
}

// audience reads an aud claim that is either one string or an array of strings.
type audience []string

func (a *audience) UnmarshalJSON(b []byte) error {
	var one string
	if err := json.Unmarshal(b, &one); err == nil {
		*a = audience{one}
		return nil
	}
	var many []string
	if err := json.Unmarshal(b, &many); err != nil {
		return fmt.Errorf("aud: %w", err)
	}
	*a = many
	return nil
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}
