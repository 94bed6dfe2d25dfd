package httpapi

import (
	"context"
	"errors"
	"net/http"
	"strings"

	"github.com/clonit/clonit/internal/cloud"
	"github.com/clonit/clonit/internal/cloud/authz"
	"github.com/clonit/clonit/internal/cloud/identity"
	"github.com/clonit/clonit/internal/cloud/identity/apikey"
	"github.com/clonit/clonit/internal/errs"
)

// access says who may call a route: anyone, any signed-in caller, or a member of the
// route's {org} whose role allows action.
type access struct {
	signIn bool
	action authz.Action
}

var (
	anyone   = access{}
	signedIn = access{signIn: true}
)

// can is the guard of a route under /orgs/{org}: the caller's role must allow action.
func can(action authz.Action) access { return access{signIn: true, action: action} }

// call is what the middleware learned about the caller, resolved once per request.
type call struct {
	principal identity.Principal
	user      cloud.User
	// org and role are set for routes under /orgs/{org}.
	org  cloud.Org
	role authz.Role
}

// handler wraps rt's handler with authentication and its guard.
func (a *API) handler(rt route) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c := &call{}
		err := a.admit(r, rt.access, c)
		if err == nil && rt.access.signIn {
			err = a.seeAgent(r, c)
		}
		if err == nil {
			err = rt.handle(w, r, c)
		}
		if err != nil {
			a.fail(w, r, err)
		}
	})
}

// admit authenticates the caller, resolves the org and the caller's role in it, and
// applies the route's guard.
func (a *API) admit(r *http.Request, acc access, c *call) error {
	if !acc.signIn {
		return nil
	}
	ctx := r.Context()
	p, err := a.authenticate(ctx, r.Header.Get("Authorization"))
	if err != nil {
		return err
	}
	c.principal = p
	if p.Key != nil {
		return a.admitKey(r, acc, c)
	}
	if c.user, err = a.users.resolve(ctx, a.store, p); err != nil {
		return err
	}
	if acc.action == "" {
		return nil
	}
	slug := r.PathValue("org")
	if c.org, c.role, err = a.membership(ctx, slug, c.user.ID); err != nil {
		return err
	}
	if !authz.Can(c.role, acc.action) {
		return errs.Permission("your role in %s is %s, which cannot %s: ask an admin or owner of the organization",
			slug, c.role, describe(acc.action))
	}
	return nil
}

// authenticate verifies the bearer credential of header.
func (a *API) authenticate(ctx context.Context, header string) (identity.Principal, error) {
	scheme, token, ok := strings.Cut(header, " ")
	if header == "" {
		return identity.Principal{}, errs.E(errs.ErrUnauthenticated, "sign in first: run `clonit login`, or send an access token as \"Authorization: Bearer <token>\"")
	}
	if !ok || !strings.EqualFold(scheme, "Bearer") || strings.TrimSpace(token) == "" {
		return identity.Principal{}, errs.E(errs.ErrUnauthenticated, "the Authorization header must be \"Bearer <token>\"")
	}
	if apikey.LooksLikeKey(strings.TrimSpace(token)) {
		return a.authenticateKey(ctx, strings.TrimSpace(token))
	}
	p, err := a.auth.Authenticate(ctx, strings.TrimSpace(token))
	if err != nil {
		if errs.KindOf(err) == nil {
			return identity.Principal{}, errs.Wrap(errs.ErrUnauthenticated, err, "the access token was not accepted: sign in again with `clonit login`")
		}
		return identity.Principal{}, err
	}
	return p, nil
}

// membership returns the org called slug and userID's role in it. An org the user does not
// belong to answers exactly as a slug never created.
func (a *API) membership(ctx context.Context, slug, userID string) (cloud.Org, authz.Role, error) {
	org, err := a.store.OrgBySlug(ctx, slug)
	if errors.Is(err, errs.ErrNotFound) {
		return cloud.Org{}, authz.None, orgNotFound(slug)
	}
	if err != nil {
		return cloud.Org{}, authz.None, err
	}
	m, err := a.store.Member(ctx, org.ID, userID)
	if errors.Is(err, errs.ErrNotFound) || (err == nil && m.Role == authz.None) {
		return cloud.Org{}, authz.None, orgNotFound(slug)
	}
	if err != nil {
		return cloud.Org{}, authz.None, err
	}
	return org, m.Role, nil
}

// orgNotFound is the one answer for a slug that does not exist for the caller.
func orgNotFound(slug string) error {
	return errs.NotFound("organization %q not found: check the slug, or list yours with `clonit cloud org list`", clip(slug))
}

// describe names what an action lets a role do, for "your role cannot ..." messages.
func describe(action authz.Action) string {
	switch action {
	case authz.UpdateOrg:
		return "update the organization's settings"
	case authz.ChangeRoles:
		return "change members' roles"
	case authz.RemoveMembers:
		return "remove members"
	case authz.ViewAudit:
		return "read the audit log"
	case authz.ManageAPIKeys:
		return "create or revoke API keys"
	case authz.RemoveAgents:
		return "remove agents"
	case authz.PushSnapshots:
		return "push snapshots"
	case authz.PullSnapshots:
		return "pull snapshots"
	case authz.InviteMembers:
		return "create, list or revoke join codes"
	case authz.InviteAdmins:
		return "create admin join codes"
	case authz.TransferOwner:
		return "transfer ownership"
	case authz.ManageTargets:
		return "create, change or delete the org's targets"
	case authz.ManageStorage:
		return "create, change or delete the org's storage profiles"
	case authz.RevealSecrets:
		return "reveal the credentials of targets and storage profiles (viewers see them masked)"
	}
	return "do this (" + string(action) + ")"
}

// inOrg runs fn in the org's transaction after checking, inside it, that the caller is
// still a member whose role allows action, so that a change and the role that allowed it
// cannot interleave with another request's. fn receives that role.
func (a *API) inOrg(ctx context.Context, c *call, action authz.Action, fn func(tx cloud.Store, role authz.Role) error) error {
	return a.store.InOrgTx(ctx, c.org.ID, func(tx cloud.Store) error {
		if c.principal.Key != nil {
			role, err := keyInTx(ctx, tx, c, action)
			if err != nil {
				return err
			}
			return fn(tx, role)
		}
		m, err := tx.Member(ctx, c.org.ID, c.user.ID)
		if errors.Is(err, errs.ErrNotFound) || (err == nil && m.Role == authz.None) {
			return orgNotFound(c.org.Slug)
		}
		if err != nil {
			return err
		}
		if !authz.Can(m.Role, action) {
			return errs.Permission("your role in %s is %s, which cannot %s: ask an admin or owner of the organization",
				c.org.Slug, m.Role, describe(action))
		}
		return fn(tx, m.Role)
	})
}
