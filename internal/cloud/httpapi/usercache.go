package httpapi

import (
	"context"
	"slices"
	"sync"

	"github.com/clonit/clonit/internal/cloud"
	"github.com/clonit/clonit/internal/cloud/identity"
)

// userCacheSize bounds the cache; past it the cache starts over, which costs one upsert per
// active caller.
const userCacheSize = 10000

// userCache remembers, per (issuer, subject), the profile last written to the store, so
// that a request writes the user only when the identity provider says something new
// (email, name or groups) instead of once per request.
type userCache struct {
	mu sync.Mutex
	m  map[string]cachedUser
}

type cachedUser struct {
	sent identity.Principal // the profile last upserted
	user cloud.User         // what the store answered
}

func newUserCache() *userCache { return &userCache{m: make(map[string]cachedUser)} }

// resolve returns the stored user for p, upserting it when p's profile differs from the
// one this process last wrote.
func (c *userCache) resolve(ctx context.Context, st cloud.Users, p identity.Principal) (cloud.User, error) {
	key := p.Issuer + "\x00" + p.Subject
	c.mu.Lock()
	hit, ok := c.m[key]
	c.mu.Unlock()
	if ok && sameProfile(hit.sent, p) {
		return hit.user, nil
	}
	u, err := st.UpsertUser(ctx, cloud.User{
		Issuer: p.Issuer, Subject: p.Subject, Email: p.Email, Name: p.Name, Groups: p.Groups,
	})
	if err != nil {
		return cloud.User{}, err
	}
	c.mu.Lock()
	if len(c.m) >= userCacheSize {
		clear(c.m)
	}
	c.m[key] = cachedUser{sent: p, user: u}
	c.mu.Unlock()
	return u, nil
}

// sameProfile reports whether a and b carry the same email, name and groups.
func sameProfile(a, b identity.Principal) bool {
	if a.Email != b.Email || a.Name != b.Name || len(a.Groups) != len(b.Groups) {
		return false
	}
	x, y := slices.Clone(a.Groups), slices.Clone(b.Groups)
	slices.Sort(x)
	slices.Sort(y)
	return slices.Equal(x, y)
}
