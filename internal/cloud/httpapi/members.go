package httpapi

import (
	"context"
	"errors"
	"net/http"
	"strings"

	"github.com/clonit/clonit/internal/api"
	"github.com/clonit/clonit/internal/cloud"
	"github.com/clonit/clonit/internal/cloud/authz"
	"github.com/clonit/clonit/internal/errs"
)

// listMembers answers every member of the org: name, email, role, joined, groups, and the
// agents each registered. The answer is sent again as long as the list's version (see
// memberBodies) and the org's agents are unchanged.
func (a *API) listMembers(w http.ResponseWriter, r *http.Request, c *call) error {
	ctx := r.Context()
	version, err := a.store.MemberListVersion(ctx, c.org.ID)
	if err != nil {
		return err
	}
	agents, err := a.store.Agents(ctx, c.org.ID)
	if err != nil {
		return err
	}
	if body, ok := a.bodies.get(c.org.ID, version, agents); ok {
		writeBody(w, http.StatusOK, body)
		return nil
	}
	members, err := a.store.Members(ctx, c.org.ID)
	if err != nil {
		return err
	}
	out := make([]api.Member, 0, len(members))
	for _, m := range members {
		out = append(out, toAPIMember(m))
	}
	attachAgents(out, agents)
	if body := writeMembers(w, http.StatusOK, out); body != nil {
		a.bodies.put(c.org.ID, version, agents, body)
	}
	return nil
}

// setRole changes a member's role. The rules and the write run in the org's transaction,
// so concurrent requests cannot both pass the last-owner check.
func (a *API) setRole(w http.ResponseWriter, r *http.Request, c *call) error {
	var req api.SetRoleRequest
	if err := decode(w, r, &req); err != nil {
		return err
	}
	next, err := authz.ParseRole(req.Role)
	if err != nil {
		return errs.Invalid("unknown role %q: use owner, admin, member or viewer", clip(req.Role))
	}
	ctx := r.Context()
	var out cloud.Member
	err = a.inOrg(ctx, c, authz.ChangeRoles, func(tx cloud.Store, actor authz.Role) error {
		target, err := findMember(ctx, tx, c.org, r.PathValue("member"))
		if err != nil {
			return err
		}
		if err := roleChangeRule(ctx, tx, c.org.ID, actor, target, next, target.User.ID == c.user.ID); err != nil {
			return err
		}
		out = target
		if target.Role == next {
			return nil
		}
		if err := tx.SetRole(ctx, c.org.ID, target.User.ID, next); err != nil {
			return err
		}
		out.Role = next
		return a.record(ctx, tx, c, "member.role", target.User.Email, target.Role.String()+" → "+next.String())
	})
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, toAPIMember(out))
	return nil
}

// removeMember removes a member, or lets the caller leave, in the org's transaction.
func (a *API) removeMember(w http.ResponseWriter, r *http.Request, c *call) error {
	ctx := r.Context()
	err := a.inOrg(ctx, c, authz.ViewOrg, func(tx cloud.Store, actor authz.Role) error {
		target, err := findMember(ctx, tx, c.org, r.PathValue("member"))
		if err != nil {
			return err
		}
		self := target.User.ID == c.user.ID
		if err := removalRule(ctx, tx, c.org.ID, actor, target, self); err != nil {
			return err
		}
		passed, err := handedOver(ctx, tx, c.org.ID, target.User.ID)
		if err != nil {
			return err
		}
		if err := tx.RemoveMember(ctx, c.org.ID, target.User.ID); err != nil {
			return err
		}
		action := "member.remove"
		if self {
			action = "member.leave"
		}
		return a.record(ctx, tx, c, action, target.User.Email, "was "+target.Role.String()+passed)
	})
	if err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// roleChangeRule decides whether actor may change target's role to next: authz's rules,
// then the last-owner rule against the org's state as the transaction tx sees it.
func roleChangeRule(ctx context.Context, tx cloud.Store, orgID string, actor authz.Role, target cloud.Member, next authz.Role, self bool) error {
	if err := authz.RoleChange(actor, target.Role, next, self); err != nil {
		return errs.Permission("%s", err.Error())
	}
	return lastOwnerRule(ctx, tx, orgID, target.Role == authz.Owner && next != authz.Owner)
}

// removalRule decides whether actor may remove target (or leave, when self).
func removalRule(ctx context.Context, tx cloud.Store, orgID string, actor authz.Role, target cloud.Member, self bool) error {
	if err := authz.Removal(actor, target.Role, self); err != nil {
		return errs.Permission("%s", err.Error())
	}
	return lastOwnerRule(ctx, tx, orgID, target.Role == authz.Owner)
}

// lastOwnerRule refuses a change that takes an owner away from an org that has only one.
func lastOwnerRule(ctx context.Context, tx cloud.Store, orgID string, losesOwner bool) error {
	if !losesOwner {
		return nil
	}
	owners, err := tx.CountOwners(ctx, orgID)
	if err != nil {
		return err
	}
	if err := authz.LastOwner(owners, true); err != nil {
		return errs.Conflict("%s", err.Error())
	}
	return nil
}

// findMember resolves ref, a user id or an email, to a member of org.
func findMember(ctx context.Context, tx cloud.Store, org cloud.Org, ref string) (cloud.Member, error) {
	id := ref
	if strings.Contains(ref, "@") {
		u, err := tx.UserByEmail(ctx, ref)
		if errors.Is(err, errs.ErrNotFound) {
			return cloud.Member{}, memberNotFound(org, ref)
		}
		if err != nil {
			return cloud.Member{}, err
		}
		id = u.ID
	}
	m, err := tx.Member(ctx, org.ID, id)
	if errors.Is(err, errs.ErrNotFound) || (err == nil && m.Role == authz.None) {
		return cloud.Member{}, memberNotFound(org, ref)
	}
	return m, err
}

// memberNotFound is the answer for a member reference that names nobody in the org.
func memberNotFound(org cloud.Org, ref string) error {
	return errs.NotFound("%q is not a member of %s: list the members with `clonit cloud members list`", clip(ref), org.Slug)
}

// toAPIMember is m as the API shows it.
func toAPIMember(m cloud.Member) api.Member {
	return api.Member{User: toAPIUser(m.User), Role: m.Role.String(), JoinedAt: m.JoinedAt}
}
