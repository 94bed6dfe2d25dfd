package web

import (
	"net/http"

	"github.com/clonit/clonit/internal/api"
	"github.com/clonit/clonit/internal/cloud/authz"
)

// memberRow is a member with the controls the caller is offered for them.
type memberRow struct {
	api.Member
	// Self marks the caller's own row (nobody changes their own role here).
	Self bool
	// Roles are the roles the caller may give this member, highest first; empty: no control.
	Roles []string
	// CanRemove is whether the caller may remove this member.
	CanRemove bool
}

// membersData is the data of the members page.
type membersData struct {
	Rows []memberRow
	// Controls is whether any row offers a control (the table then has an actions column).
	Controls bool
}

// memberControls returns the roles actor may give a member whose role is current, and
// whether actor may remove them, under authz's rules and the last-owner rule. owners is
// how many owners the org has.
func memberControls(actor, current authz.Role, self bool, owners int) (roles []string, canRemove bool) {
	if self {
		return nil, false
	}
	for next := authz.Owner; next >= authz.Viewer; next-- {
		if next == current || authz.RoleChange(actor, current, next, false) != nil {
			continue
		}
		if authz.LastOwner(owners, current == authz.Owner && next != authz.Owner) != nil {
			continue
		}
		roles = append(roles, next.String())
	}
	canRemove = authz.Removal(actor, current, false) == nil && authz.LastOwner(owners, current == authz.Owner) == nil
	return roles, canRemove
}

// membersPage lists the members with their role, groups and join date, offering role
// changes and removal where the caller's role allows them.
func (s *Server) membersPage(w http.ResponseWriter, r *http.Request) {
	c, _, oc, ok := s.cloudOrg(w, r)
	if !ok {
		return
	}
	ctx := r.Context()
	me, err := c.Me(ctx)
	if err != nil {
		s.fail(w, r, oc, "", err)
		return
	}
	members, err := c.Members(ctx, oc.Slug)
	if err != nil {
		s.fail(w, r, oc, "", err)
		return
	}
	owners := 0
	for _, m := range members {
		if m.Role == authz.Owner.String() {
			owners++
		}
	}
	var d membersData
	for _, m := range members {
		role, _ := authz.ParseRole(m.Role)
		self := m.User.ID == me.User.ID
		roles, canRemove := memberControls(oc.Role, role, self, owners)
		d.Rows = append(d.Rows, memberRow{Member: m, Self: self, Roles: roles, CanRemove: canRemove})
		d.Controls = d.Controls || len(roles) > 0 || canRemove
	}
	s.render(w, r, http.StatusOK, "members", page{Title: "Members", Section: "members", Org: oc, Data: d})
}

// setRoleAction changes a member's role.
func (s *Server) setRoleAction(w http.ResponseWriter, r *http.Request) {
	c, err := s.f.CloudClient()
	if err != nil {
		s.fail(w, r, nil, "/cloud", err)
		return
	}
	slug := r.PathValue("org")
	back := orgHref(slug, "/members")
	if _, err := c.SetRole(r.Context(), slug, r.PathValue("member"), r.PostFormValue("role")); err != nil {
		s.fail(w, r, nil, back, err)
		return
	}
	http.Redirect(w, r, back+"?done=role", http.StatusSeeOther)
}

// removeMemberAction removes a member from the org.
func (s *Server) removeMemberAction(w http.ResponseWriter, r *http.Request) {
	c, err := s.f.CloudClient()
	if err != nil {
		s.fail(w, r, nil, "/cloud", err)
		return
	}
	slug := r.PathValue("org")
	back := orgHref(slug, "/members")
	if err := c.RemoveMember(r.Context(), slug, r.PathValue("member")); err != nil {
		s.fail(w, r, nil, back, err)
		return
	}
	http.Redirect(w, r, back+"?done=removed", http.StatusSeeOther)
}
