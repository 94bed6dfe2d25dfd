package httpapi

import (
	"net/http"

	"github.com/clonit/clonit/internal/api"
	"github.com/clonit/clonit/internal/cloud"
	"github.com/clonit/clonit/internal/cloud/authz"
	"github.com/clonit/clonit/internal/errs"
)

// transferOwnership hands the caller's ownership to an admin: in the org's transaction the
// admin becomes owner and the caller admin. The caller re-types the org's slug and the
// admin's email exactly, so that a slip of the finger cannot give an org away.
func (a *API) transferOwnership(w http.ResponseWriter, r *http.Request, c *call) error {
	var req api.TransferRequest
	if err := decode(w, r, &req); err != nil {
		return err
	}
	switch {
	case req.To == "":
		return errs.Invalid("name the admin to hand ownership to (to: their email)")
	case req.ConfirmOrg != c.org.Slug:
		return errs.Invalid("the organization slug you typed to confirm (%q) is not this organization's: type its slug exactly", clip(req.ConfirmOrg))
	}
	ctx := r.Context()
	err := a.inOrg(ctx, c, authz.TransferOwner, func(tx cloud.Store, _ authz.Role) error {
		target, err := findMember(ctx, tx, c.org, req.To)
		if err != nil {
			return err
		}
		switch {
		case req.ConfirmMember != target.User.Email:
			return errs.Invalid("the email you typed to confirm (%q) is not the email of the member you named: type their email exactly", clip(req.ConfirmMember))
		case target.User.ID == c.user.ID:
			return errs.Invalid("you already own %s: name an admin to hand ownership to", c.org.Slug)
		case target.Role != authz.Admin:
			return errs.Conflict("%s is %s, not an admin: ownership passes only to an admin; make them admin first with `clonit cloud members set-role %s admin`",
				target.User.Email, article(target.Role), target.User.Email)
		}
		if err := tx.SetRole(ctx, c.org.ID, target.User.ID, authz.Owner); err != nil {
			return err
		}
		if err := tx.SetRole(ctx, c.org.ID, c.user.ID, authz.Admin); err != nil {
			return err
		}
		c.role = authz.Admin
		return a.record(ctx, tx, c, "org.transfer", target.User.Email, "ownership handed from "+c.user.Email+" to "+target.User.Email+"; "+c.user.Email+" is now admin")
	})
	if err != nil {
		return err
	}
	return a.writeOrg(ctx, w, http.StatusOK, a.store, c.org, c.role)
}

// article names a role with its article: "an owner", "a member".
func article(r authz.Role) string {
	if r == authz.Owner || r == authz.Admin {
		return "an " + r.String()
	}
	return "a " + r.String()
}

// leaveOrg takes the caller out of the org. Anyone may leave but the last owner, who must
// hand ownership on first. Access ends with the transaction: the middleware reads the
// membership on every request.
func (a *API) leaveOrg(w http.ResponseWriter, r *http.Request, c *call) error {
	ctx := r.Context()
	err := a.inOrg(ctx, c, authz.ViewOrg, func(tx cloud.Store, role authz.Role) error {
		if role == authz.Owner {
			owners, err := tx.CountOwners(ctx, c.org.ID)
			if err != nil {
				return err
			}
			if owners <= 1 {
				return errs.Conflict("you are the last owner of %s and cannot leave: transfer ownership first with `clonit cloud org transfer --to EMAIL --confirm-org %s --confirm-member EMAIL`",
					c.org.Slug, c.org.Slug)
			}
		}
		passed, err := handedOver(ctx, tx, c.org.ID, c.user.ID)
		if err != nil {
			return err
		}
		if err := tx.RemoveMember(ctx, c.org.ID, c.user.ID); err != nil {
			return err
		}
		return a.record(ctx, tx, c, "member.leave", c.user.Email, "was "+role.String()+passed)
	})
	if err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}
