package identity

import (
	"context"
	"errors"
	"strings"
)

// Chain is an Authenticator that hands each token to the one verifier registered for the
// token's issuer (its unverified iss claim). It never tries every verifier in turn, so an
// outage of one provider cannot slow down or confuse the verification of another's tokens.
// Credentials that are not JWTs (API keys) go to the Opaque authenticator when set.
type Chain struct {
	byIssuer map[string]Authenticator
	// Opaque verifies credentials that are not JWTs; nil refuses them.
	Opaque Authenticator
}

// NewChain returns an empty Chain; register verifiers with Add.
func NewChain() *Chain {
	return &Chain{byIssuer: map[string]Authenticator{}}
}

// Add routes tokens whose iss is issuer to a. A trailing slash on issuer is ignored.
func (c *Chain) Add(issuer string, a Authenticator) {
	c.byIssuer[strings.TrimSuffix(issuer, "/")] = a
}

// Authenticate implements Authenticator.
func (c *Chain) Authenticate(ctx context.Context, bearer string) (Principal, error) {
	bearer = strings.TrimSpace(bearer)
	if bearer == "" {
		return Principal{}, Missing()
	}
	if !LooksLikeJWT(bearer) {
		if c.Opaque != nil {
			return c.Opaque.Authenticate(ctx, bearer)
		}
		return Principal{}, Invalid(errors.New("not a JWT and no API key verifier"))
	}
	iss, err := UnverifiedIssuer(bearer)
	if err != nil {
		return Principal{}, Invalid(err)
	}
	a, ok := c.byIssuer[strings.TrimSuffix(iss, "/")]
	if !ok {
		return Principal{}, Invalid(errors.New("unknown issuer " + iss))
	}
	return a.Authenticate(ctx, bearer)
}
