package selftoken

import (
	"crypto/sha256"
	"sync"
	"time"

	"github.com/clonit/clonit/internal/cloud/identity"
)

// maxVerified bounds the cache of verified tokens; past it the cache starts over, which
// costs one signature check per token in use.
const maxVerified = 4096

// verified is what a token's signature and claims establish, save the check of its times.
type verified struct {
	principal identity.Principal
	expiry    time.Time
	notBefore *time.Time
}

// verifiedCache remembers the tokens whose signature and claims Authenticate checked, by
// the SHA-256 of the token, so that a client sending the same token with every request
// costs one RSA verification and two JSON decodings, not one per request. That is the same
// answer as verifying again: a token's signature and claims never change, the key is the
// process's for its life, and the cloud revokes no token before its expiry (a person
// removed from an org loses access through the membership each request reads, not
// through the token). An expired token is refused on its next use all the same, since
// Authenticate checks the times of a cached token against the clock.
type verifiedCache struct {
	mu sync.Mutex
	m  map[[sha256.Size]byte]verified
}

func newVerifiedCache() *verifiedCache {
	return &verifiedCache{m: make(map[[sha256.Size]byte]verified)}
}

func (c *verifiedCache) get(key [sha256.Size]byte) (verified, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	v, ok := c.m[key]
	return v, ok
}

func (c *verifiedCache) put(key [sha256.Size]byte, v verified) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.m) >= maxVerified {
		clear(c.m)
	}
	c.m[key] = v
}
