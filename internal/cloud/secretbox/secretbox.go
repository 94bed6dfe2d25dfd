// Package secretbox seals the credentials of org targets and storage profiles (URL
// passwords, access and secret keys) before the cloud stores them, with AES-256-GCM under a
// server key. A sealed value is "$aes$<hex(nonce ‖ ciphertext)>", the format the agent uses
// locally, and is bound to where it belongs (org, kind, name, field) as additional data, so
// that a sealed value copied to another row of the database does not open.
//
// The key comes from a key file (clonit-cloud serve --secrets-key-file, 64 hex digits,
// created on first use) or, when none is configured, from the store's secrets table
// (cloud.Secrets), so that several servers of one database agree without configuration.
// With the key in the store, a copy of the database holds the key next to what it seals;
// production deployments should use a key file kept apart from the database and its
// backups.
package secretbox

import (
	"context"
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/clonit/clonit/internal/cloud"
	"github.com/clonit/clonit/internal/errs"
	"github.com/clonit/clonit/internal/secreturl"
)

// SecretName is the name of the key in the store's secrets, when no key file is used.
const SecretName = "secretbox-key"

// Prefix starts every sealed value.
const Prefix = "$aes$"

// KeySize is the size of the key in bytes (AES-256).
const KeySize = 32

const nonceSize = 12

// Box seals and opens credentials under one key. It is safe for concurrent use.
type Box struct {
	aead cipher.AEAD
}

// New returns a Box for key, which must be KeySize bytes.
func New(key []byte) (*Box, error) {
	if len(key) != KeySize {
		return nil, fmt.Errorf("secretbox: the key must be %d bytes, not %d", KeySize, len(key))
	}
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, fmt.Errorf("secretbox: %w", err)
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		return nil, fmt.Errorf("secretbox: %w", err)
	}
	return &Box{aead: aead}, nil
}

// StoreKey returns the key kept in the store's secrets, creating it on first use.
func StoreKey(ctx context.Context, secrets cloud.Secrets) ([]byte, error) {
	key, err := secrets.Secret(ctx, SecretName, newKey)
	if err != nil {
		return nil, fmt.Errorf("load the secrets key: %w", err)
	}
	return key, nil
}

// LoadKeyFile reads the hex key of path, creating the file (mode 0600) with a fresh key
// when it does not exist.
func LoadKeyFile(path string) ([]byte, error) {
	b, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		key, _ := newKey()
		if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
			return nil, errs.Wrap(errs.ErrInvalid, err, "cannot create the directory of the secrets key file %s", path)
		}
		f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
		if errors.Is(err, os.ErrExist) {
			return LoadKeyFile(path) // another process created it first
		}
		if err != nil {
			return nil, errs.Wrap(errs.ErrInvalid, err, "cannot create the secrets key file %s", path)
		}
		_, werr := f.WriteString(hex.EncodeToString(key) + "\n")
		if err := errors.Join(werr, f.Close()); err != nil {
			return nil, errs.Wrap(errs.ErrInvalid, err, "cannot write the secrets key file %s", path)
		}
		return key, nil
	}
	if err != nil {
		return nil, errs.Wrap(errs.ErrInvalid, err, "cannot read the secrets key file %s", path)
	}
	key, err := hex.DecodeString(strings.TrimSpace(string(b)))
	if err != nil || len(key) != KeySize {
		return nil, errs.Invalid("the secrets key file %s must hold %d hex digits: restore it from your backup (a new key cannot open what the old one sealed)", path, 2*KeySize)
	}
	return key, nil
}

// newKey returns KeySize random bytes.
func newKey() ([]byte, error) {
	key := make([]byte, KeySize)
	_, _ = rand.Read(key) // crypto/rand.Read never fails on supported platforms
	return key, nil
}

// IsSealed reports whether s is a sealed value.
func IsSealed(s string) bool { return strings.HasPrefix(s, Prefix) }

// Seal returns s sealed for place (who it belongs to: "org/kind/name/field"). An empty s
// stays empty.
func (b *Box) Seal(s, place string) (string, error) {
	if s == "" {
		return "", nil
	}
	nonce := make([]byte, nonceSize, nonceSize+len(s)+b.aead.Overhead())
	_, _ = rand.Read(nonce)
	return Prefix + hex.EncodeToString(b.aead.Seal(nonce, nonce, []byte(s), []byte(place))), nil
}

// Open returns the plain text of a value Seal made for place. An empty s stays empty.
func (b *Box) Open(s, place string) (string, error) {
	if s == "" {
		return "", nil
	}
	if !IsSealed(s) {
		return "", errors.New("secretbox: the stored value is not sealed")
	}
	raw, err := hex.DecodeString(s[len(Prefix):])
	if err != nil || len(raw) < nonceSize+b.aead.Overhead() {
		return "", errors.New("secretbox: the sealed value is damaged")
	}
	plain, err := b.aead.Open(nil, raw[:nonceSize], raw[nonceSize:], []byte(place))
	if err != nil {
		return "", errors.New("secretbox: the sealed value does not open with this key and place: was the secrets key replaced?")
	}
	return string(plain), nil
}

// SealURL returns raw with each of its passwords sealed for place.
func (b *Box) SealURL(raw, place string) (string, error) {
	return secreturl.Rewrite(raw, func(pw string) (string, error) { return b.Seal(pw, place) })
}

// OpenURL returns raw with each of its sealed passwords opened.
func (b *Box) OpenURL(raw, place string) (string, error) {
	return secreturl.Rewrite(raw, func(pw string) (string, error) { return b.Open(pw, place) })
}
