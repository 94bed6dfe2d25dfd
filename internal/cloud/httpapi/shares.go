package httpapi

import (
	"errors"
	"net/http"
	"strings"
	"unicode"

	"github.com/clonit/clonit/internal/cloud"
	"github.com/clonit/clonit/internal/cloud/authz"
	"github.com/clonit/clonit/internal/errs"
)

// Sharing (PRODUCT.md §3.6): members and up share a snapshot of their org with the whole
// org or with identity-provider groups; owners and admins also with another org, whose
// people may then list and pull it but never delete or reshare it. Every change is
// audited; a share that is already so changes nothing and records nothing.

// shareWithOrg and unshareWithOrg answer PUT and DELETE .../shares/org.
func (a *API) shareWithOrg(w http.ResponseWriter, r *http.Request, c *call) error {
	return a.changeShare(w, r, c, shareChange{share: true})
}

func (a *API) unshareWithOrg(w http.ResponseWriter, r *http.Request, c *call) error {
	return a.changeShare(w, r, c, shareChange{})
}

// shareWithGroup and unshareWithGroup answer PUT and DELETE .../shares/groups/{group}.
func (a *API) shareWithGroup(w http.ResponseWriter, r *http.Request, c *call) error {
	return a.changeShare(w, r, c, shareChange{share: true, group: r.PathValue("group")})
}

func (a *API) unshareWithGroup(w http.ResponseWriter, r *http.Request, c *call) error {
	return a.changeShare(w, r, c, shareChange{group: r.PathValue("group")})
}

// shareWithOtherOrg and unshareWithOtherOrg answer PUT and DELETE .../shares/orgs/{to}.
func (a *API) shareWithOtherOrg(w http.ResponseWriter, r *http.Request, c *call) error {
	return a.changeShare(w, r, c, shareChange{share: true, toOrg: r.PathValue("to")})
}

func (a *API) unshareWithOtherOrg(w http.ResponseWriter, r *http.Request, c *call) error {
	return a.changeShare(w, r, c, shareChange{toOrg: r.PathValue("to")})
}

// shareChange is one share or unshare: with the snapshot's whole org (neither group nor
// toOrg), with a group, or with another org by slug.
type shareChange struct {
	share bool
	group string
	toOrg string
}

// action is what the caller's role must allow for the change.
func (ch shareChange) action() authz.Action {
	if ch.toOrg != "" {
		return authz.ShareOtherOrgs
	}
	return authz.PushSnapshots
}

// changeShare applies ch to the snapshot of the path and answers its shares.
func (a *API) changeShare(w http.ResponseWriter, r *http.Request, c *call, ch shareChange) error {
	ctx := r.Context()
	ref := r.PathValue("snapshot")
	s, err := a.findSnapshot(ctx, c, ref)
	if err != nil {
		return err
	}
	what := "share"
	if !ch.share {
		what = "unshare"
	}
	if err := mayChange(c, s, what, ch.action()); err != nil {
		return err
	}
	var to cloud.Org
	switch {
	case ch.group != "":
		if err := checkGroup(ch.group); err != nil {
			return err
		}
	case ch.toOrg != "":
		if to, err = a.store.OrgBySlug(ctx, ch.toOrg); errors.Is(err, errs.ErrNotFound) {
			return errs.NotFound("organization %q not found: check the slug with the people of that organization", clip(ch.toOrg))
		} else if err != nil {
			return err
		}
		if to.ID == c.org.ID {
			return errs.Invalid("%s is the snapshot's own organization: share it org-wide instead", c.org.Slug)
		}
	}
	err = a.inOrg(ctx, c, ch.action(), func(tx cloud.Store, _ authz.Role) error {
		var changed bool
		var detail string
		var err error
		switch {
		case ch.group != "":
			changed, err = tx.ShareWithGroup(ctx, s.ID, ch.group, ch.share)
			detail = "group " + ch.group
		case ch.toOrg != "":
			changed, err = tx.ShareWithOrg(ctx, s.ID, to.ID, ch.share)
			detail = "organization " + to.Slug
		default:
			changed, err = tx.SetOrgShare(ctx, s.ID, ch.share)
			detail = "the whole organization"
		}
		if errors.Is(err, errs.ErrNotFound) {
			return snapshotNotFound(ref) // deleted meanwhile
		}
		if err != nil || !changed {
			return err
		}
		if err := a.record(ctx, tx, c, "snapshot."+what, s.ID, detail); err != nil {
			return err
		}
		if ch.toOrg == "" {
			return nil
		}
		// The receiving org's admins see in their own log what was shared with them.
		return tx.AddAudit(ctx, cloud.AuditEvent{
			OrgID: to.ID, ActorID: c.user.ID, ActorEmail: c.user.Email, Credential: c.principal.Credential,
			Action: "snapshot." + what + "d-with-org", Target: s.ID, Detail: "by organization " + c.org.Slug,
		})
	})
	if err != nil {
		return err
	}
	sh, err := a.store.SnapshotShares(ctx, s.ID)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, sharesOut(sh))
	return nil
}

// checkGroup rejects group names the identity provider cannot have sent.
func checkGroup(g string) error {
	if len(g) > 256 || strings.TrimSpace(g) != g || strings.IndexFunc(g, unicode.IsControl) >= 0 {
		return errs.Invalid("group name %q is not valid: use the name as your identity provider sends it", clip(g))
	}
	return nil
}
