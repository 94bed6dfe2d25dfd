package httpapi

import (
	"context"
	"errors"
	"net/http"
	"time"

	"github.com/clonit/clonit/internal/api"
	"github.com/clonit/clonit/internal/cloud"
	"github.com/clonit/clonit/internal/cloud/authz"
	"github.com/clonit/clonit/internal/cloud/joincode"
	"github.com/clonit/clonit/internal/errs"
)

// join redeems a join code: the caller becomes a member of the org at the code's role. The
// code is looked up by its HMAC within the org, compared in constant time, and consumed in
// the org's transaction together with the new membership, so of concurrent redemptions of
// one code exactly one succeeds. Guessing is throttled as ratelimit.go explains.
//
// Each way to fail has its own message: malformed, expired, revoked, already used, and
// "not valid for this org", which is also the answer for a code of another org and for an
// org that does not exist, so the answer says nothing about other orgs.
func (a *API) join(w http.ResponseWriter, r *http.Request, c *call) error {
	var req api.JoinRequest
	if err := decode(w, r, &req); err != nil {
		return err
	}
	if err := validSlug(req.Org); err != nil {
		return err
	}
	digits, ok := joincode.Parse(req.Code)
	if !ok {
		return errs.Invalid("a join code is 8 digits, such as 1234-5678: check the code you were given")
	}
	ctx := r.Context()
	now := time.Now()
	g := newGuesser(r, c)
	// A blocked caller is answered here, cheaply and without taking the org's lock; the
	// check is made again, exactly, inside the transaction below.
	if err := g.admit(ctx, w, a.store, "", now); err != nil {
		return err
	}
	org, err := a.store.OrgBySlug(ctx, req.Org)
	if errors.Is(err, errs.ErrNotFound) {
		if _, err := g.fail(ctx, a.store, "", now); err != nil {
			return err
		}
		a.log.InfoContext(ctx, "join code for an unknown org", "user", c.user.Email, "address", g.addressWho)
		return codeNotValid(req.Org)
	}
	if err != nil {
		return err
	}
	key, err := joincode.Key(ctx, a.store)
	if err != nil {
		return err
	}
	mac := joincode.MAC(key, org.ID, digits)
	c.org = org
	var code cloud.JoinCode
	var refusal error
	// The limits are checked and the failure counted inside the org's transaction, so that
	// concurrent guesses against one org cannot all pass the check before any is counted.
	err = a.store.InOrgTx(ctx, org.ID, func(tx cloud.Store) error {
		if err := g.admit(ctx, w, tx, org.ID, now); err != nil {
			return err
		}
		if m, err := tx.Member(ctx, org.ID, c.user.ID); err == nil {
			return errs.Conflict("you are already a member of %s (role %s): a join code cannot change your role", org.Slug, m.Role)
		} else if !errors.Is(err, errs.ErrNotFound) {
			return err
		}
		code, refusal, err = redeemable(ctx, tx, org, mac, now)
		if err != nil {
			return err
		}
		if refusal != nil {
			return a.countFailure(ctx, tx, g, c, code.ID, refusal, now)
		}
		if err := tx.UseJoinCode(ctx, org.ID, code.ID, c.user.ID, now); err != nil {
			return err
		}
		if err := tx.AddMember(ctx, org.ID, c.user.ID, code.Role); err != nil {
			return err
		}
		c.role = code.Role
		return a.record(ctx, tx, c, "member.join", c.user.Email, "joined as "+code.Role.String()+" with code "+code.ID)
	})
	if err != nil {
		return err
	}
	if refusal != nil {
		return refusal
	}
	writeJSON(w, http.StatusOK, api.OrgSummary{Slug: org.Slug, Name: org.Name, Plan: org.Plan, Role: code.Role.String()})
	return nil
}

// redeemable finds the org's code with mac and says why it cannot be redeemed at now (a nil
// refusal when it can). A code whose creator has since left the org, or lost the right to
// make codes of its role, answers as revoked.
func redeemable(ctx context.Context, tx cloud.Store, org cloud.Org, mac []byte, now time.Time) (code cloud.JoinCode, refusal, err error) {
	code, err = tx.JoinCodeByMAC(ctx, org.ID, mac)
	if errors.Is(err, errs.ErrNotFound) || (err == nil && !joincode.Equal(code.MAC, mac)) {
		return cloud.JoinCode{}, codeNotValid(org.Slug), nil
	}
	if err != nil {
		return cloud.JoinCode{}, nil, err
	}
	switch {
	case !code.UsedAt.IsZero():
		return code, errs.Conflict("this join code was already used: each code works once; ask an admin of %s for a new one", org.Slug), nil
	case !code.RevokedAt.IsZero():
		return code, codeRevoked(org.Slug), nil
	case !now.Before(code.ExpiresAt):
		return code, errs.Conflict("this join code expired at %s (codes last 24 hours): ask an admin of %s for a new one", stamp(code.ExpiresAt), org.Slug), nil
	}
	action := authz.InviteMembers
	if code.Role == authz.Admin {
		action = authz.InviteAdmins
	}
	creator, err := tx.Member(ctx, org.ID, code.CreatedBy)
	if errors.Is(err, errs.ErrNotFound) || (err == nil && !authz.Can(creator.Role, action)) {
		return code, codeRevoked(org.Slug), nil
	}
	return code, nil, err
}

// codeNotValid is the one answer for a code the org never issued, a code of another org,
// and an org that does not exist.
func codeNotValid(slug string) error {
	return errs.NotFound("this join code is not valid for organization %q: check the code and the organization's slug with whoever gave them to you", clip(slug))
}

// codeRevoked is the answer for a revoked code.
func codeRevoked(slug string) error {
	return errs.Conflict("this join code was revoked: ask an admin of %s for a new one", slug)
}

// countFailure counts a failed redemption against the caller and the org, and records it
// in the org's audit log with every limit it trips, in the org's transaction tx.
func (a *API) countFailure(ctx context.Context, tx cloud.Store, g guesser, c *call, codeID string, refusal error, now time.Time) error {
	tripped, err := g.fail(ctx, tx, c.org.ID, now)
	if err != nil {
		return err
	}
	target := codeID
	if target == "" {
		target = "-"
	}
	if err := a.record(ctx, tx, c, "invite.redeem_failed", target, "from "+g.addressWho+": "+errs.Public(refusal, "")); err != nil {
		return err
	}
	for _, b := range tripped {
		if err := a.record(ctx, tx, c, "invite.throttled", b.who, "failed join code attempts blocked until "+stamp(b.until)); err != nil {
			return err
		}
	}
	return nil
}
