package httpapi

import (
	"context"
	"errors"
	"net/http"

	"github.com/clonit/clonit/internal/api"
	"github.com/clonit/clonit/internal/cloud"
	"github.com/clonit/clonit/internal/cloud/authz"
	"github.com/clonit/clonit/internal/cloud/identity"
	"github.com/clonit/clonit/internal/cloud/identity/apikey"
	"github.com/clonit/clonit/internal/errs"
)

// An API key caller (PRODUCT.md §3.2) acts in its key's org only, with the role
// authz.KeyCap gives it (member at most; a per-user key never above its user's current
// role, re-read on every request), and does only what authz.KeyCan allows its
// permissions: read, register its machine, push (Push) and pull (Pull).

// authenticateKey verifies an API key bearer against the store.
func (a *API) authenticateKey(ctx context.Context, key string) (identity.Principal, error) {
	return apikey.NewAuthenticator(a.store, nil).Authenticate(ctx, key)
}

// admitKey is admit for a caller whose principal is an API key: it resolves the key's org
// and role into c and applies the route's guard and the key's permissions.
func (a *API) admitKey(r *http.Request, acc access, c *call) error {
	ctx := r.Context()
	g := c.principal.Key
	slug := r.PathValue("org")
	if acc.action != "" && slug != g.OrgSlug {
		return orgNotFound(slug) // another org does not exist for the key
	}
	org, err := a.store.OrgBySlug(ctx, g.OrgSlug)
	if errors.Is(err, errs.ErrNotFound) {
		return apikey.ErrInvalid
	}
	if err != nil {
		return err
	}
	role, user, err := keyRole(ctx, a.store, g, org)
	if err != nil {
		return err
	}
	c.org, c.role, c.user = org, role, user
	write := r.Method != http.MethodGet && r.Method != http.MethodHead
	if acc.action == "" {
		if write {
			return keyDenied(g, authz.UpdateOrg, true)
		}
		return nil
	}
	return keyGuard(g, org, role, acc.action, write)
}

// keyRole returns the role key g acts with in org, and the person it acts as (none for an
// org-level key). A per-user key whose person is no longer a member, or who left and came
// back after the key was made, is refused.
func keyRole(ctx context.Context, st cloud.Members, g *identity.KeyGrant, org cloud.Org) (authz.Role, cloud.User, error) {
	if g.UserID == "" {
		return authz.KeyRole, cloud.User{}, nil
	}
	m, err := st.Member(ctx, org.ID, g.UserID)
	if errors.Is(err, errs.ErrNotFound) || (err == nil && (m.Role == authz.None || m.JoinedAt.After(g.CreatedAt))) {
		return authz.None, cloud.User{}, errs.E(errs.ErrUnauthenticated,
			"the API key %q belongs to a person who is no longer a member of %s: ask an admin of the organization for a new key", g.Name, org.Slug)
	}
	if err != nil {
		return authz.None, cloud.User{}, err
	}
	return authz.KeyCap(m.Role), m.User, nil
}

// keyGuard applies a route's guard to key g acting with role.
func keyGuard(g *identity.KeyGrant, org cloud.Org, role authz.Role, action authz.Action, write bool) error {
	if !authz.Can(role, action) {
		return errs.Permission("this API key acts as a %s of %s, which cannot %s: API keys act with member-level access at most; sign in with `clonit login` to act as yourself",
			role, org.Slug, describe(action))
	}
	if !authz.KeyCan(g.Permissions, action, write) {
		return keyDenied(g, action, write)
	}
	return nil
}

// keyDenied explains why key g may not do action.
func keyDenied(g *identity.KeyGrant, action authz.Action, write bool) error {
	if need := authz.KeyNeeds(action); need != 0 {
		return errs.Permission("the API key %q has the %s permission, not %s: create a key with `clonit cloud keys create --permissions %s`",
			g.Name, g.Permissions, need, need)
	}
	return errs.Permission("API keys only read, register their machine, and push or pull snapshots: sign in with `clonit login` to make this change")
}

// keyInTx is inOrg's check for an API key caller, inside the org's transaction: the
// membership of a per-user key is read again, and the key must still allow action.
func keyInTx(ctx context.Context, tx cloud.Store, c *call, action authz.Action) (authz.Role, error) {
	role, _, err := keyRole(ctx, tx, c.principal.Key, c.org)
	if err != nil {
		return authz.None, err
	}
	return role, keyGuard(c.principal.Key, c.org, role, action, true)
}

// keyIdentity describes the caller's API key for GET /me; nil for people.
func keyIdentity(c *call) *api.KeyIdentity {
	g := c.principal.Key
	if g == nil {
		return nil
	}
	return &api.KeyIdentity{ID: g.ID, Name: g.Name, Kind: keyKind(g.UserID), Org: g.OrgSlug, Permissions: g.Permissions.Strings()}
}

// keyKind names an API key's kind: "user" for a per-user key, else "org".
func keyKind(userID string) string {
	if userID != "" {
		return "user"
	}
	return "org"
}
