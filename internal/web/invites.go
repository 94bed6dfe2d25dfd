package web

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/clonit/clonit/internal/api"
	"github.com/clonit/clonit/internal/cloud/authz"
	"github.com/clonit/clonit/internal/errs"
)

// invitesData is the data of the invites page.
type invitesData struct {
	Live []api.Invite
	// Roles are the roles the caller may create codes for (admin for owners only).
	Roles []string
	// AdminCodes is whether the caller may create admin codes (owners).
	AdminCodes bool
	// Created are the codes just made: the only time their digits are shown.
	Created []api.NewInvite
}

// inviteRoles returns the roles role may create join codes for.
func inviteRoles(role authz.Role) []string {
	var out []string
	if authz.Can(role, authz.InviteAdmins) {
		out = append(out, authz.Admin.String())
	}
	if authz.Can(role, authz.InviteMembers) {
		out = append(out, authz.Member.String(), authz.Viewer.String())
	}
	return out
}

// invitesPage lists the org's live join codes and offers to create and revoke them.
func (s *Server) invitesPage(w http.ResponseWriter, r *http.Request) {
	s.renderInvites(w, r, nil)
}

// renderInvites renders the invites page, showing created codes once.
func (s *Server) renderInvites(w http.ResponseWriter, r *http.Request, created []api.NewInvite) {
	c, _, oc, ok := s.cloudOrg(w, r)
	if !ok {
		return
	}
	live, err := c.Invites(r.Context(), oc.Slug)
	if err != nil {
		s.fail(w, r, oc, orgHref(oc.Slug, ""), err)
		return
	}
	d := invitesData{Live: live, Roles: inviteRoles(oc.Role), AdminCodes: authz.Can(oc.Role, authz.InviteAdmins), Created: created}
	s.render(w, r, http.StatusOK, "invites", page{Title: "Invites", Section: "invites", Org: oc, Data: d})
}

// createInvitesAction creates join codes and shows them once, or sends them as a file
// when the form asked to download them.
func (s *Server) createInvitesAction(w http.ResponseWriter, r *http.Request) {
	c, err := s.f.CloudClient()
	if err != nil {
		s.fail(w, r, nil, "/cloud", err)
		return
	}
	slug := r.PathValue("org")
	back := orgHref(slug, "/invites")
	count := 1
	if v := strings.TrimSpace(r.PostFormValue("count")); v != "" {
		if count, err = strconv.Atoi(v); err != nil {
			s.fail(w, r, nil, back, errs.Invalid("the number of codes %q is not a number", v))
			return
		}
	}
	req := api.CreateInvitesRequest{Role: r.PostFormValue("role"), Count: count, Replace: r.PostFormValue("replace") != ""}
	out, err := c.CreateInvites(r.Context(), slug, req)
	if err != nil {
		s.fail(w, r, nil, back, err)
		return
	}
	if r.PostFormValue("download") != "" {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="%s-%s-join-codes.txt"`, out.Org, req.Role))
		for _, inv := range out.Invites {
			fmt.Fprintln(w, inv.Code)
		}
		return
	}
	s.renderInvites(w, r, out.Invites)
}

// revokeInviteAction revokes a live join code.
func (s *Server) revokeInviteAction(w http.ResponseWriter, r *http.Request) {
	c, err := s.f.CloudClient()
	if err != nil {
		s.fail(w, r, nil, "/cloud", err)
		return
	}
	slug := r.PathValue("org")
	back := orgHref(slug, "/invites")
	if err := c.RevokeInvite(r.Context(), slug, r.PathValue("invite")); err != nil {
		s.fail(w, r, nil, back, err)
		return
	}
	http.Redirect(w, r, back+"?done=revoked", http.StatusSeeOther)
}
