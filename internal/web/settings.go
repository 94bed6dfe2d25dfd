package web

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/clonit/clonit/internal/api"
	"github.com/clonit/clonit/internal/cloud/authz"
	"github.com/clonit/clonit/internal/errs"
)

// settingsData is the data of the settings page.
type settingsData struct {
	Org *api.Org
	// CanEdit offers the profile form (admins and owners); others see the profile.
	CanEdit bool
	// CanTransfer offers the ownership transfer (owners), to one of Admins.
	CanTransfer bool
	Admins      []api.Member
}

// settingsPage shows the org profile (as a form to those who may edit it), the ownership
// transfer to owners, and leaving the org to everyone.
func (s *Server) settingsPage(w http.ResponseWriter, r *http.Request) {
	_, org, oc, ok := s.cloudOrg(w, r)
	if !ok {
		return
	}
	d := settingsData{Org: org, CanEdit: authz.Can(oc.Role, authz.UpdateOrg), CanTransfer: authz.Can(oc.Role, authz.TransferOwner)}
	if d.CanTransfer {
		for _, m := range org.Leadership {
			if m.Role == authz.Admin.String() {
				d.Admins = append(d.Admins, m)
			}
		}
	}
	s.render(w, r, http.StatusOK, "settings", page{Title: "Settings", Section: "settings", Org: oc, Data: d})
}

// transferAction hands the org's ownership to an admin; the cloud checks the re-typed slug
// and email.
func (s *Server) transferAction(w http.ResponseWriter, r *http.Request) {
	c, err := s.f.CloudClient()
	if err != nil {
		s.fail(w, r, nil, "/cloud", err)
		return
	}
	slug := r.PathValue("org")
	back := orgHref(slug, "/settings")
	req := api.TransferRequest{To: r.PostFormValue("to"), ConfirmOrg: strings.TrimSpace(r.PostFormValue("confirm_org")),
		ConfirmMember: strings.TrimSpace(r.PostFormValue("confirm_member"))}
	if _, err := c.TransferOwnership(r.Context(), slug, req); err != nil {
		s.fail(w, r, nil, back, err)
		return
	}
	http.Redirect(w, r, back+"?done=transferred", http.StatusSeeOther)
}

// leaveAction takes the caller out of the org.
func (s *Server) leaveAction(w http.ResponseWriter, r *http.Request) {
	c, err := s.f.CloudClient()
	if err != nil {
		s.fail(w, r, nil, "/cloud", err)
		return
	}
	slug := r.PathValue("org")
	if err := c.LeaveOrg(r.Context(), slug); err != nil {
		s.fail(w, r, nil, orgHref(slug, "/settings"), err)
		return
	}
	http.Redirect(w, r, "/cloud?done=left", http.StatusSeeOther)
}

// updateOrgAction saves the org profile form.
func (s *Server) updateOrgAction(w http.ResponseWriter, r *http.Request) {
	c, err := s.f.CloudClient()
	if err != nil {
		s.fail(w, r, nil, "/cloud", err)
		return
	}
	slug := r.PathValue("org")
	back := orgHref(slug, "/settings")
	field := func(name string) *string {
		v := strings.TrimSpace(r.PostFormValue(name))
		return &v
	}
	req := api.UpdateOrgRequest{Name: field("name"), Website: field("website"), Location: field("location"),
		Sector: field("sector"), Description: field("description")}
	if _, err := c.UpdateOrg(r.Context(), slug, req); err != nil {
		s.fail(w, r, nil, back, err)
		return
	}
	http.Redirect(w, r, back+"?done=profile", http.StatusSeeOther)
}

// auditPageSize is how many events a page of the audit log shows.
const auditPageSize = 50

// auditData is the data of the audit page.
type auditData struct {
	Events []api.AuditEvent
	// Older links to the next page back, "" on the last one.
	Older string
}

// auditPage shows a page of the org's audit log, newest first.
func (s *Server) auditPage(w http.ResponseWriter, r *http.Request) {
	c, _, oc, ok := s.cloudOrg(w, r)
	if !ok {
		return
	}
	var before int64
	if b := r.URL.Query().Get("before"); b != "" {
		n, err := strconv.ParseInt(b, 10, 64)
		if err != nil || n <= 0 {
			s.fail(w, r, oc, orgHref(oc.Slug, "/audit"), errs.Invalid("before=%q is not an event number", b))
			return
		}
		before = n
	}
	p, err := c.Audit(r.Context(), oc.Slug, before, auditPageSize)
	if err != nil {
		s.fail(w, r, oc, orgHref(oc.Slug, ""), err)
		return
	}
	d := auditData{Events: p.Events}
	if p.NextBefore > 0 {
		d.Older = orgHref(oc.Slug, "/audit") + "?before=" + strconv.FormatInt(p.NextBefore, 10)
	}
	s.render(w, r, http.StatusOK, "audit", page{Title: "Audit", Section: "audit", Org: oc, Data: d})
}
