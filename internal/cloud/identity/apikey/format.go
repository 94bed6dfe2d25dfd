// Package apikey makes and checks Clonit Cloud's API keys, and authenticates requests that
// carry one.
//
// A key reads "clonit_" + 32 random base62 characters (190 bits) + 6 base62 characters of a
// CRC-32 of everything before them, 45 characters in all, for example
// "clonit_4Qm9…w7Zp0c1LbX". The prefix makes a leaked key easy to find (secret scanners
// match it) and easy to tell from an OIDC token; the checksum rejects a mistyped or
// truncated key without a database lookup.
//
// The cloud keeps only the SHA-256 of a key. A fast hash is enough here, unlike for
// passwords: a key is 190 bits drawn from crypto/rand, so no dictionary or brute force can
// find a preimage, and a deterministic unsalted hash is what lets a request find its key
// with one indexed lookup. Slow, salted hashes (argon2id, bcrypt) exist to protect
// low-entropy secrets that people choose.
package apikey

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"hash/crc32"
	"strings"
)

// Prefix starts every key.
const Prefix = "clonit_"

// Lengths of a key's parts, in base62 characters.
const (
	randomLen   = 32
	checksumLen = 6
	// Len is the length of a whole key.
	Len = len(Prefix) + randomLen + checksumLen
	// hintLen is how much of the random part Hint shows.
	hintLen = 4
)

const base62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"

// ErrMalformed is returned by Check for anything that is not a well-formed key: wrong
// prefix, length, alphabet or checksum. It never says which, so that a caller learns
// nothing from probing.
var ErrMalformed = errors.New("malformed API key")

// New returns a fresh key.
func New() string {
	var b strings.Builder
	b.Grow(Len)
	b.WriteString(Prefix)
	b.WriteString(randomBase62(randomLen))
	b.WriteString(checksum(b.String()))
	return b.String()
}

// LooksLikeKey reports whether bearer claims to be an API key (it has the prefix). Whether
// it is one is for Check and the database to say.
func LooksLikeKey(bearer string) bool { return strings.HasPrefix(bearer, Prefix) }

// Check returns ErrMalformed unless key is well formed with a matching checksum.
func Check(key string) error {
	if len(key) != Len || !strings.HasPrefix(key, Prefix) {
		return ErrMalformed
	}
	for i := len(Prefix); i < Len; i++ {
		if strings.IndexByte(base62, key[i]) < 0 {
			return ErrMalformed
		}
	}
	body := key[:Len-checksumLen]
	if checksum(body) != key[Len-checksumLen:] {
		return ErrMalformed
	}
	return nil
}

// Hash returns the hex SHA-256 of key: what the store keeps and looks keys up by.
func Hash(key string) string {
	sum := sha256.Sum256([]byte(key))
	return hex.EncodeToString(sum[:])
}

// Hint returns the start of key that listings show: the prefix and 4 random characters.
func Hint(key string) string {
	if len(key) < len(Prefix)+hintLen {
		return key
	}
	return key[:len(Prefix)+hintLen]
}

// checksum encodes the CRC-32 (IEEE) of s as 6 base62 characters.
func checksum(s string) string {
	n := uint64(crc32.ChecksumIEEE([]byte(s)))
	out := make([]byte, checksumLen)
	for i := checksumLen - 1; i >= 0; i-- {
		out[i] = base62[n%62]
		n /= 62
	}
	return string(out)
}

// randomBase62 returns n uniformly random base62 characters from crypto/rand, rejecting the
// bytes that would bias the choice (those of 248 and above).
func randomBase62(n int) string {
	out := make([]byte, 0, n)
	buf := make([]byte, n+n/2)
	for len(out) < n {
		_, _ = rand.Read(buf) // crypto/rand.Read never fails on supported platforms
		for _, c := range buf {
			if c < 248 && len(out) < n {
				out = append(out, base62[c%62])
			}
		}
	}
	return string(out)
}
