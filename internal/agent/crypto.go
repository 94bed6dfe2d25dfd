package agent

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"

	"github.com/clonit/clonit/internal/errs"
)

// EncryptedPrefix starts every secret the local database keeps encrypted:
// "$aes$" followed by hex(nonce ‖ AES-GCM ciphertext).
const EncryptedPrefix = "$aes$"

// Mask is what secrets look like in anything shown to a person.
const Mask = "****"

const nonceSize = 12

// ErrNoSecretKey is returned when a secret must be encrypted or decrypted and the config has
// no secret_key.
var ErrNoSecretKey = errs.Invalid("the config has no secret_key to encrypt secrets with; run `clonit config init` to create one")

// Cipher encrypts and decrypts the secrets of the local database with AES-GCM under the
// config's secret_key. The zero key (no secret_key configured) can still read values stored
// in plain text, but refuses to store a secret.
type Cipher struct {
	aead cipher.AEAD // nil when no key is configured
}

// NewCipher returns a Cipher for hexKey, the config's secret_key: 16 or 32 bytes in hex
// (AES-128 or AES-256). An empty hexKey gives a Cipher that cannot store secrets.
func NewCipher(hexKey string) (*Cipher, error) {
	if hexKey == "" {
		return &Cipher{}, nil
	}
	key, err := hex.DecodeString(strings.TrimSpace(hexKey))
	if err != nil || (len(key) != 16 && len(key) != 32) {
		return nil, errs.Invalid("secret_key must be 32 or 64 hex digits (16 or 32 bytes); fix it with `clonit config edit`")
	}
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, fmt.Errorf("aes: %w", err)
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		return nil, fmt.Errorf("gcm: %w", err)
	}
	return &Cipher{aead: aead}, nil
}

// IsEncrypted reports whether s is an encrypted token made by Encrypt.
func IsEncrypted(s string) bool { return strings.HasPrefix(s, EncryptedPrefix) }

// Encrypt returns s encrypted as "$aes$<hex(nonce‖ciphertext)>" with a fresh random nonce.
// An empty s stays empty and an already encrypted s is returned unchanged, so encrypting
// twice is a no-op.
func (c *Cipher) Encrypt(s string) (string, error) {
	if s == "" || IsEncrypted(s) {
		return s, nil
	}
	if c == nil || c.aead == nil {
		return "", ErrNoSecretKey
	}
	nonce := make([]byte, nonceSize, nonceSize+len(s)+c.aead.Overhead())
	if _, err := rand.Read(nonce); err != nil {
		return "", fmt.Errorf("nonce: %w", err)
	}
	sealed := c.aead.Seal(nonce, nonce, []byte(s), nil)
	return EncryptedPrefix + hex.EncodeToString(sealed), nil
}

// Decrypt returns the plain text of a token made by Encrypt. A value without the "$aes$"
// prefix is returned as it is: it was stored in plain text (by hand, or before it was a
// secret), and reading it must keep working; writing always encrypts.
func (c *Cipher) Decrypt(s string) (string, error) {
	if !IsEncrypted(s) {
		return s, nil
	}
	if c == nil || c.aead == nil {
		return "", errs.Invalid("the local database holds encrypted secrets but the config has no secret_key; restore the config that has it, or run `clonit config init` and add the secrets again")
	}
	raw, err := hex.DecodeString(s[len(EncryptedPrefix):])
	if err != nil || len(raw) < nonceSize+c.aead.Overhead() {
		return "", errs.Invalid("an encrypted secret in the local database is damaged; add it again")
	}
	plain, err := c.aead.Open(nil, raw[:nonceSize], raw[nonceSize:], nil)
	if err != nil {
		return "", errs.Wrap(errs.ErrInvalid, errors.New("gcm open failed"), "cannot decrypt a secret: the config's secret_key is not the one it was stored with")
	}
	return string(plain), nil
}
