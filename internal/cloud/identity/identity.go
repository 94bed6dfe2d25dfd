// Package identity turns a bearer credential into a Principal. It holds the built-in OAuth
// 2.0 / OpenID Connect provider (used when no external issuer is configured), the
// verification of tokens from any compliant external provider, and the cloud's own
// self-signed tokens for automation (`clonit-cloud admin token`).
package identity

import "context"

// Principal is who presented a credential, as the identity provider describes them.
type Principal struct {
	Issuer  string
	Subject string
	Email   string
	Name    string
	// Groups come from the provider's groups claim (configurable name, default "groups").
	Groups []string
	// Credential says what kind of credential it was: "session" (a token from the built-in
	// or external provider), "token" (a self-signed operator token), "apikey:<id>".
	Credential string
	// Key is what an API key grants; nil unless the credential was an API key.
	Key *KeyGrant
}

// Authenticator verifies a bearer credential. It returns an error of kind
// errs.ErrUnauthenticated for anything it does not accept (malformed, expired, wrong
// signature, wrong audience, unknown issuer), with a message that reveals nothing secret.
type Authenticator interface {
	Authenticate(ctx context.Context, bearer string) (Principal, error)
}
