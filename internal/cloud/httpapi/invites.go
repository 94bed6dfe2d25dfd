package httpapi

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/clonit/clonit/internal/api"
	"github.com/clonit/clonit/internal/cloud"
	"github.com/clonit/clonit/internal/cloud/authz"
	"github.com/clonit/clonit/internal/cloud/joincode"
	"github.com/clonit/clonit/internal/errs"
)

// Join code limits.
const (
	joinCodeTTL      = 24 * time.Hour
	maxInvitesAtOnce = 50
)

// listInvites answers the org's live join codes: who made them, for which role, when, and
// until when. Never their digits.
func (a *API) listInvites(w http.ResponseWriter, r *http.Request, c *call) error {
	codes, err := a.store.LiveJoinCodes(r.Context(), c.org.ID, time.Now())
	if err != nil {
		return err
	}
	out := make([]api.Invite, 0, len(codes))
	for _, jc := range codes {
		out = append(out, toAPIInvite(jc))
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

// createInvites makes 1 to 50 member or viewer codes (admins and owners), or one admin
// code (owners; at most one live per org). The digits are in the answer and nowhere else.
func (a *API) createInvites(w http.ResponseWriter, r *http.Request, c *call) error {
	var req api.CreateInvitesRequest
	if err := decode(w, r, &req); err != nil {
		return err
	}
	role, err := authz.ParseRole(req.Role)
	if err != nil || role == authz.Owner {
		return errs.Invalid("a join code's role must be member, viewer or admin (owners are made by transferring ownership): got %q", clip(req.Role))
	}
	count := req.Count
	if count == 0 {
		count = 1
	}
	switch {
	case count < 1 || count > maxInvitesAtOnce:
		return errs.Invalid("count must be between 1 and %d", maxInvitesAtOnce)
	case role == authz.Admin && count != 1:
		return errs.Invalid("an organization has at most one live admin code: create one, without --count")
	case req.Replace && role != authz.Admin:
		return errs.Invalid("--replace applies to admin codes only")
	}
	action := authz.InviteMembers
	if role == authz.Admin {
		action = authz.InviteAdmins
	}
	ctx := r.Context()
	key, err := joincode.Key(ctx, a.store)
	if err != nil {
		return err
	}
	now := time.Now()
	out := api.CreatedInvites{Org: c.org.Slug}
	err = a.inOrg(ctx, c, action, func(tx cloud.Store, _ authz.Role) error {
		out.Invites, out.Replaced = nil, ""
		if role == authz.Admin {
			replaced, err := a.replaceAdminCode(ctx, tx, c, req.Replace, now)
			if err != nil {
				return err
			}
			out.Replaced = replaced
		}
		codes, digits, err := newCodes(ctx, tx, key, c, role, count, now)
		if err != nil {
			return err
		}
		if err := tx.CreateJoinCodes(ctx, codes); err != nil {
			return err
		}
		for i, jc := range codes {
			jc.CreatorEmail = c.user.Email
			out.Invites = append(out.Invites, api.NewInvite{Invite: toAPIInvite(jc), Code: joincode.Format(digits[i])})
			detail := fmt.Sprintf("%s code, expires %s", role, stamp(jc.ExpiresAt))
			if err := a.record(ctx, tx, c, "invite.create", jc.ID, detail); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, out)
	return nil
}

// replaceAdminCode refuses a new admin code while one is live, naming its expiry, unless
// replace is set: then it revokes the live one and returns its id.
func (a *API) replaceAdminCode(ctx context.Context, tx cloud.Store, c *call, replace bool, now time.Time) (string, error) {
	live, err := tx.LiveJoinCodes(ctx, c.org.ID, now)
	if err != nil {
		return "", err
	}
	for _, jc := range live {
		if jc.Role != authz.Admin {
			continue
		}
		if !replace {
			return "", errs.Conflict("%s already has a live admin code (%s, created by %s, expires %s): an organization has one at a time; revoke it, or replace it with --replace",
				c.org.Slug, jc.ID, orDash(jc.CreatorEmail), stamp(jc.ExpiresAt))
		}
		if err := tx.RevokeJoinCode(ctx, c.org.ID, jc.ID, now); err != nil {
			return "", err
		}
		return jc.ID, a.record(ctx, tx, c, "invite.revoke", jc.ID, "admin code, replaced by a new one")
	}
	return "", nil
}

// newCodes draws count fresh codes of role for the org. A draw that matches a code the org
// holds, in any state, or one drawn before, is drawn again, so that every code's message
// (used, expired, ...) stays unambiguous. It returns the records and their digits.
func newCodes(ctx context.Context, tx cloud.JoinCodes, key []byte, c *call, role authz.Role, count int, now time.Time) ([]cloud.JoinCode, []string, error) {
	var codes []cloud.JoinCode
	var digits []string
	drawn := map[string]bool{}
	for len(codes) < count {
		d, err := joincode.Generate()
		if err != nil {
			return nil, nil, err
		}
		if drawn[d] {
			continue
		}
		mac := joincode.MAC(key, c.org.ID, d)
		_, err = tx.JoinCodeByMAC(ctx, c.org.ID, mac)
		if err == nil {
			continue
		}
		if !errors.Is(err, errs.ErrNotFound) {
			return nil, nil, err
		}
		drawn[d] = true
		digits = append(digits, d)
		codes = append(codes, cloud.JoinCode{
			OrgID: c.org.ID, MAC: mac, Role: role, CreatedBy: c.user.ID,
			CreatedAt: now, ExpiresAt: now.Add(joinCodeTTL),
		})
	}
	return codes, digits, nil
}

// revokeInvite revokes a live join code. Admins revoke member and viewer codes; admin codes
// are the owners'.
func (a *API) revokeInvite(w http.ResponseWriter, r *http.Request, c *call) error {
	ctx := r.Context()
	id := r.PathValue("invite")
	now := time.Now()
	err := a.inOrg(ctx, c, authz.InviteMembers, func(tx cloud.Store, actor authz.Role) error {
		jc, err := tx.JoinCodeByID(ctx, c.org.ID, id)
		if errors.Is(err, errs.ErrNotFound) || (err == nil && !jc.Live(now)) {
			return errs.NotFound("%s has no live join code %q: list them with `clonit cloud invites list`", c.org.Slug, clip(id))
		}
		if err != nil {
			return err
		}
		if jc.Role == authz.Admin && !authz.Can(actor, authz.InviteAdmins) {
			return errs.Permission("only owners revoke admin codes")
		}
		if err := tx.RevokeJoinCode(ctx, c.org.ID, jc.ID, now); err != nil {
			return err
		}
		return a.record(ctx, tx, c, "invite.revoke", jc.ID, jc.Role.String()+" code")
	})
	if err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// toAPIInvite is jc as the API lists it.
func toAPIInvite(jc cloud.JoinCode) api.Invite {
	return api.Invite{ID: jc.ID, Role: jc.Role.String(), CreatedBy: orDash(jc.CreatorEmail), CreatedAt: jc.CreatedAt, ExpiresAt: jc.ExpiresAt}
}

// stamp formats a time for messages and audit details: UTC, to the minute.
func stamp(t time.Time) string { return t.UTC().Format("2006-01-02 15:04 UTC") }

// orDash shows an empty value as "-".
func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}
