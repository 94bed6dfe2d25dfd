// Package password hashes the built-in auth service's local account passwords with
// argon2id, in the PHC string format ($argon2id$v=19$m=...,t=...,p=...$salt$hash), so the
// parameters travel with each hash and can be raised later without breaking old ones.
package password

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
	"sync"
	"unicode/utf8"

	"golang.org/x/crypto/argon2"

	"github.com/clonit/clonit/internal/errs"
)

// Parameters of new hashes: OWASP's argon2id recommendation (46 MiB, 1 pass, 1 lane).
const (
	memoryKiB = 46 * 1024
	passes    = 1
	lanes     = 1
	saltLen   = 16
	keyLen    = 32
)

// MinLength is the shortest password accepted for a local account.
const MinLength = 8

// maxLength bounds the work a single sign-in attempt can cause.
const maxLength = 1024

// Validate checks that pw is acceptable for a new local account.
func Validate(pw string) error {
	switch n := utf8.RuneCountInString(pw); {
	case n < MinLength:
		return errs.Invalid("the password is too short: use at least %d characters", MinLength)
	case len(pw) > maxLength:
		return errs.Invalid("the password is too long: use at most %d bytes", maxLength)
	}
	return nil
}

// Hash returns the PHC string of pw under a fresh random salt.
func Hash(pw string) (string, error) {
	salt := make([]byte, saltLen)
	if _, err := rand.Read(salt); err != nil {
		return "", fmt.Errorf("password salt: %w", err)
	}
	key := argon2.IDKey([]byte(pw), salt, passes, memoryKiB, lanes, keyLen)
	enc := base64.RawStdEncoding.EncodeToString
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s",
		argon2.Version, memoryKiB, passes, lanes, enc(salt), enc(key)), nil
}

// Verify reports whether pw matches hash, comparing in constant time. An error means the
// hash itself is unreadable.
func Verify(hash, pw string) (bool, error) {
	if len(pw) > maxLength {
		return false, nil
	}
	p, err := parse(hash)
	if err != nil {
		return false, err
	}
	key := argon2.IDKey([]byte(pw), p.salt, p.passes, p.memory, p.lanes, uint32(len(p.key)))
	return subtle.ConstantTimeCompare(key, p.key) == 1, nil
}

// dummy is a valid hash of a random password, verified against when an account does not
// exist so that a sign-in takes as long for an unknown email as for a wrong password.
var dummy = sync.OnceValue(func() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	h, err := Hash(base64.RawStdEncoding.EncodeToString(b))
	if err != nil {
		panic(err)
	}
	return h
})

// Waste spends the time of one verification and returns false.
func Waste(pw string) bool {
	_, _ = Verify(dummy(), pw)
	return false
}

type params struct {
	memory uint32
	passes uint32
	lanes  uint8
	salt   []byte
	key    []byte
}

func parse(hash string) (params, error) {
	var p params
	parts := strings.Split(hash, "$")
	// "", "argon2id", "v=19", "m=..,t=..,p=..", salt, key
	if len(parts) != 6 || parts[0] != "" || parts[1] != "argon2id" {
		return p, errors.New("password hash: not an argon2id PHC string")
	}
	var version int
	if _, err := fmt.Sscanf(parts[2], "v=%d", &version); err != nil || version != argon2.Version {
		return p, fmt.Errorf("password hash: unsupported version %q", parts[2])
	}
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &p.memory, &p.passes, &p.lanes); err != nil {
		return p, fmt.Errorf("password hash: bad parameters %q", parts[3])
	}
	if p.memory == 0 || p.passes == 0 || p.lanes == 0 || p.memory > 1<<21 || p.passes > 16 {
		return p, fmt.Errorf("password hash: parameters out of range %q", parts[3])
	}
	var err error
	if p.salt, err = base64.RawStdEncoding.DecodeString(parts[4]); err != nil {
		return p, fmt.Errorf("password hash: salt: %w", err)
	}
	if p.key, err = base64.RawStdEncoding.DecodeString(parts[5]); err != nil || len(p.key) < 16 {
		return p, errors.New("password hash: bad key")
	}
	return p, nil
}
