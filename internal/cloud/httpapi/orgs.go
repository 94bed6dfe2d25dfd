package httpapi

import (
	"context"
	"errors"
	"net/http"
	"regexp"
	"strings"
	"unicode/utf8"

	"github.com/clonit/clonit/internal/api"
	"github.com/clonit/clonit/internal/cloud"
	"github.com/clonit/clonit/internal/cloud/authz"
	"github.com/clonit/clonit/internal/errs"
)

// slugPattern is what an org slug looks like: 1-40 of [a-z0-9-], not starting or ending
// with a hyphen.
var slugPattern = regexp.MustCompile(`^[a-z0-9](?:[a-z0-9-]{0,38}[a-z0-9])?$`)

// defaultPlan is the plan of a new org.
const defaultPlan = "free"

// listOrgs answers the caller's orgs with their role in each.
func (a *API) listOrgs(w http.ResponseWriter, r *http.Request, c *call) error {
	orgs, err := a.orgSummaries(r, c)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, orgs)
	return nil
}

func (a *API) orgSummaries(r *http.Request, c *call) ([]api.OrgSummary, error) {
	if c.principal.Key != nil { // an API key acts in its own org only
		return []api.OrgSummary{{Slug: c.org.Slug, Name: c.org.Name, Plan: c.org.Plan, Role: c.role.String()}}, nil
	}
	ors, err := a.store.OrgsOfUser(r.Context(), c.user.ID)
	if err != nil {
		return nil, err
	}
	out := make([]api.OrgSummary, 0, len(ors))
	for _, o := range ors {
		out = append(out, api.OrgSummary{Slug: o.Org.Slug, Name: o.Org.Name, Plan: o.Org.Plan, Role: o.Role.String()})
	}
	return out, nil
}

// createOrg creates an org whose first owner is the caller.
func (a *API) createOrg(w http.ResponseWriter, r *http.Request, c *call) error {
	var req api.CreateOrgRequest
	if err := decode(w, r, &req); err != nil {
		return err
	}
	org := cloud.Org{Name: strings.TrimSpace(req.Name), Slug: req.Slug, Plan: defaultPlan}
	if err := validSlug(org.Slug); err != nil {
		return err
	}
	if err := validText("name", org.Name, 100, true); err != nil {
		return err
	}
	ctx := r.Context()
	err := a.store.CreateOrg(ctx, &org, c.user.ID, cloud.AuditEvent{
		ActorID: c.user.ID, ActorEmail: c.user.Email, Credential: c.principal.Credential,
		Action: "org.create", Target: org.Slug, Detail: "created " + org.Name,
	})
	if errors.Is(err, errs.ErrConflict) {
		return errs.Wrap(errs.ErrConflict, err, "the slug %q is taken: choose another", org.Slug)
	}
	if err != nil {
		return err
	}
	return a.writeOrg(ctx, w, http.StatusCreated, a.store, org, authz.Owner)
}

// showOrg answers the org's profile, the caller's role and its leadership.
func (a *API) showOrg(w http.ResponseWriter, r *http.Request, c *call) error {
	return a.writeOrg(r.Context(), w, http.StatusOK, a.store, c.org, c.role)
}

// updateOrg changes the fields of the org's profile that the request names.
func (a *API) updateOrg(w http.ResponseWriter, r *http.Request, c *call) error {
	var req api.UpdateOrgRequest
	if err := decode(w, r, &req); err != nil {
		return err
	}
	fields := []struct {
		name     string
		in       *string
		max      int
		required bool
	}{
		{"name", req.Name, 100, true},
		{"website", req.Website, 200, false},
		{"location", req.Location, 100, false},
		{"sector", req.Sector, 100, false},
		{"description", req.Description, 2000, false},
	}
	for _, f := range fields {
		if f.in != nil {
			if err := validText(f.name, strings.TrimSpace(*f.in), f.max, f.required); err != nil {
				return err
			}
		}
	}
	if req.Website != nil {
		if err := validWebsite(strings.TrimSpace(*req.Website)); err != nil {
			return err
		}
	}
	ctx := r.Context()
	var org cloud.Org
	err := a.inOrg(ctx, c, authz.UpdateOrg, func(tx cloud.Store, _ authz.Role) error {
		var err error
		if org, err = tx.OrgBySlug(ctx, c.org.Slug); err != nil {
			return err
		}
		targets := []*string{&org.Name, &org.Website, &org.Location, &org.Sector, &org.Description}
		var changed []string
		for i, f := range fields {
			if f.in != nil && strings.TrimSpace(*f.in) != *targets[i] {
				*targets[i] = strings.TrimSpace(*f.in)
				changed = append(changed, f.name)
			}
		}
		if len(changed) == 0 {
			return nil
		}
		if err := tx.UpdateOrg(ctx, org); err != nil {
			return err
		}
		return a.record(ctx, tx, c, "org.update", org.Slug, "changed "+strings.Join(changed, ", "))
	})
	if err != nil {
		return err
	}
	return a.writeOrg(ctx, w, http.StatusOK, a.store, org, c.role)
}

// writeOrg answers org as role sees it, with its leadership (owners and admins only, read
// without the other members).
func (a *API) writeOrg(ctx context.Context, w http.ResponseWriter, status int, st cloud.Store, org cloud.Org, role authz.Role) error {
	leaders, err := st.Leadership(ctx, org.ID)
	if err != nil {
		return err
	}
	lead := make([]api.Member, 0, len(leaders))
	for _, m := range leaders {
		lead = append(lead, toAPIMember(m))
	}
	writeJSON(w, status, api.Org{
		Slug: org.Slug, Name: org.Name, Plan: org.Plan, Website: org.Website, Location: org.Location,
		Sector: org.Sector, Description: org.Description, CreatedAt: org.CreatedAt,
		Role: role.String(), Leadership: lead,
	})
	return nil
}

// validSlug explains what is wrong with a malformed slug.
func validSlug(s string) error {
	if slugPattern.MatchString(s) {
		return nil
	}
	if s == "" {
		return errs.Invalid("the slug is required: 1-40 lowercase letters, digits and hyphens, such as \"acme-data\"")
	}
	return errs.Invalid("invalid slug %q: use 1-40 lowercase letters, digits and hyphens, starting and ending with a letter or digit, such as \"acme-data\"", clip(s))
}

// validText checks a free-text field's length.
func validText(field, v string, max int, required bool) error {
	switch {
	case required && v == "":
		return errs.Invalid("the %s is required", field)
	case utf8.RuneCountInString(v) > max:
		return errs.Invalid("the %s is too long: at most %d characters", field, max)
	case strings.ContainsAny(v, "\x00\r") || (field != "description" && strings.Contains(v, "\n")):
		return errs.Invalid("the %s contains control characters", field)
	}
	return nil
}

// validWebsite accepts an empty website or an http(s) URL.
func validWebsite(v string) error {
	if v == "" || strings.HasPrefix(v, "https://") || strings.HasPrefix(v, "http://") {
		return nil
	}
	return errs.Invalid("the website must start with https:// or http://, such as \"https://acme.example\"")
}
