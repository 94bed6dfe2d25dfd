package httpapi

import (
	"context"
	"testing"

	"github.com/clonit/clonit/internal/cloud"
	"github.com/clonit/clonit/internal/cloud/identity"
)

// countingUsers records upserts; it is a unit-test double for userCache alone.
type countingUsers struct {
	cloud.Users
	upserts []cloud.User
}

func (c *countingUsers) UpsertUser(_ context.Context, u cloud.User) (cloud.User, error) {
	c.upserts = append(c.upserts, u)
	u.ID = "u-" + u.Subject
	return u, nil
}

func TestUserCacheWritesOnlyChanges(t *testing.T) {
	ann := identity.Principal{Issuer: "iss", Subject: "ann", Email: "ann@example.com", Name: "Ann", Groups: []string{"a", "b"}}
	renamed := ann
	renamed.Name = "Ann B."
	regrouped := renamed
	regrouped.Groups = []string{"b", "c"}
	reordered := regrouped
	reordered.Groups = []string{"c", "b"}
	bob := identity.Principal{Issuer: "iss", Subject: "bob", Email: "bob@example.com"}
	tests := []struct {
		name    string
		p       identity.Principal
		upserts int // total after this request
	}{
		{"first request writes", ann, 1},
		{"same profile does not", ann, 1},
		{"new name writes", renamed, 2},
		{"new groups write", regrouped, 3},
		{"same groups in another order do not", reordered, 3},
		{"another person writes", bob, 4},
		{"the first person unchanged does not", regrouped, 4},
	}
	users := &countingUsers{}
	c := newUserCache()
	for _, tt := range tests {
		u, err := c.resolve(context.Background(), users, tt.p)
		if err != nil {
			t.Fatalf("%s: %v", tt.name, err)
		}
		if u.ID != "u-"+tt.p.Subject {
			t.Errorf("%s: user id %q", tt.name, u.ID)
		}
		if len(users.upserts) != tt.upserts {
			t.Errorf("%s: %d upserts, want %d", tt.name, len(users.upserts), tt.upserts)
		}
	}
}
