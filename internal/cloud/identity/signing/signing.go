// Package signing holds the cloud's own token signing key. The key is created once and kept
// in the store (cloud.Secrets), so every process that serves the same database signs with
// the same key and tokens survive restarts. Both the built-in OIDC provider and the
// operator tokens of `clonit-cloud admin token` sign with it, and the cloud verifies them
// locally, without an HTTP round trip.
package signing

import (
	"context"
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"

	jose "github.com/go-jose/go-jose/v4"

	"github.com/clonit/clonit/internal/cloud"
)

// SecretName is the name of the signing key in cloud.Secrets.
const SecretName = "oidc-signing-key"

// Algorithm is the JWS algorithm of every token the cloud signs.
const Algorithm = jose.RS256

// Key is an RSA signing key with a stable key id (the RFC 7638 thumbprint of its public
// half, so that every process computes the same id).
type Key struct {
	priv *rsa.PrivateKey
	id   string
}

// Load returns the signing key stored in secrets, creating it on first use.
func Load(ctx context.Context, secrets cloud.Secrets) (*Key, error) {
	raw, err := secrets.Secret(ctx, SecretName, generate)
	if err != nil {
		return nil, fmt.Errorf("load signing key: %w", err)
	}
	return parse(raw)
}

// generate creates a new 2048-bit RSA key, PEM-encoded as PKCS #8.
func generate() ([]byte, error) {
	priv, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		return nil, fmt.Errorf("generate signing key: %w", err)
	}
	der, err := x509.MarshalPKCS8PrivateKey(priv)
	if err != nil {
		return nil, fmt.Errorf("encode signing key: %w", err)
	}
	return pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}), nil
}

// parse reads a PEM-encoded PKCS #8 RSA private key.
func parse(raw []byte) (*Key, error) {
	block, _ := pem.Decode(raw)
	if block == nil {
		return nil, errors.New("parse signing key: not PEM")
	}
	parsed, err := x509.ParsePKCS8PrivateKey(block.Bytes)
	if err != nil {
		return nil, fmt.Errorf("parse signing key: %w", err)
	}
	priv, ok := parsed.(*rsa.PrivateKey)
	if !ok {
		return nil, fmt.Errorf("parse signing key: %T is not an RSA key", parsed)
	}
	jwk := jose.JSONWebKey{Key: &priv.PublicKey}
	thumb, err := jwk.Thumbprint(crypto.SHA256)
	if err != nil {
		return nil, fmt.Errorf("signing key thumbprint: %w", err)
	}
	return &Key{priv: priv, id: base64.RawURLEncoding.EncodeToString(thumb)}, nil
}

// ID returns the key id (kid) that tokens signed with the key carry.
func (k *Key) ID() string { return k.id }

// Private returns the private key, for the OIDC provider's signer.
func (k *Key) Private() *rsa.PrivateKey { return k.priv }

// Public returns the public key, as published in the JWKS.
func (k *Key) Public() *rsa.PublicKey { return &k.priv.PublicKey }

// Sign serializes claims as JSON and returns them as a compact JWS (a JWT).
func (k *Key) Sign(claims any) (string, error) {
	payload, err := json.Marshal(claims)
	if err != nil {
		return "", fmt.Errorf("encode claims: %w", err)
	}
	signer, err := jose.NewSigner(jose.SigningKey{
		Algorithm: Algorithm,
		Key:       jose.JSONWebKey{Key: k.priv, KeyID: k.id},
	}, (&jose.SignerOptions{}).WithType("JWT"))
	if err != nil {
		return "", fmt.Errorf("signer: %w", err)
	}
	jws, err := signer.Sign(payload)
	if err != nil {
		return "", fmt.Errorf("sign: %w", err)
	}
	return jws.CompactSerialize()
}

// Verify checks a compact JWS against the key and returns its payload. It accepts only
// RS256 and, when the token names a key id, only this key's id. It checks no claims.
func (k *Key) Verify(token string) ([]byte, error) {
	jws, err := jose.ParseSigned(token, []jose.SignatureAlgorithm{Algorithm})
	if err != nil {
		return nil, fmt.Errorf("parse jws: %w", err)
	}
	if len(jws.Signatures) != 1 {
		return nil, fmt.Errorf("want 1 signature, got %d", len(jws.Signatures))
	}
	if kid := jws.Signatures[0].Header.KeyID; kid != "" && kid != k.id {
		return nil, fmt.Errorf("unknown key id %q", kid)
	}
	payload, err := jws.Verify(&k.priv.PublicKey)
	if err != nil {
		return nil, fmt.Errorf("verify signature: %w", err)
	}
	return payload, nil
}
