package blobstore

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"net/url"
	"strconv"
	"time"

	"github.com/clonit/clonit/internal/errs"
)

// The query parameters of a URL signed by the local store.
const (
	paramExpires   = "X-Clonit-Expires"
	paramSignature = "X-Clonit-Signature"
)

// signer signs and verifies the local store's URLs: an HMAC-SHA256, under the server's
// key, of the method, the path and the expiry, so that a URL allows exactly one method on
// exactly one object until it expires.
type signer struct {
	key []byte
	now func() time.Time
}

// mac returns the signature of method on path until expires (Unix seconds).
func (s signer) mac(method, path string, expires int64) []byte {
	m := hmac.New(sha256.New, s.key)
	m.Write([]byte(method + "\n" + path + "\n" + strconv.FormatInt(expires, 10)))
	return m.Sum(nil)
}

// sign returns path (unescaped) with the query that allows method on it for expiry.
func (s signer) sign(method, path string, expiry time.Duration) string {
	expires := s.now().Add(expiry).Unix()
	q := url.Values{}
	q.Set(paramExpires, strconv.FormatInt(expires, 10))
	q.Set(paramSignature, base64.RawURLEncoding.EncodeToString(s.mac(method, path, expires)))
	return (&url.URL{Path: path, RawQuery: q.Encode()}).String()
}

// verify checks that q signs method on path and has not expired. The signature is
// compared in constant time.
func (s signer) verify(method, path string, q url.Values) error {
	expires, err := strconv.ParseInt(q.Get(paramExpires), 10, 64)
	sig, err2 := base64.RawURLEncoding.DecodeString(q.Get(paramSignature))
	if err != nil || err2 != nil || !hmac.Equal(sig, s.mac(method, path, expires)) {
		return errs.Permission("this storage link is not valid for %s: ask Clonit Cloud for a new one", method)
	}
	if !s.now().Before(time.Unix(expires, 0)) {
		return errs.Permission("this storage link expired at %s: ask Clonit Cloud for a new one", time.Unix(expires, 0).UTC().Format(time.RFC3339))
	}
	return nil
}
