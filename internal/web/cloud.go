package web

import (
	"net/http"
	"net/url"

	"github.com/clonit/clonit/internal/api"
	"github.com/clonit/clonit/internal/apiclient"
	"github.com/clonit/clonit/internal/cloud/authz"
	"github.com/clonit/clonit/internal/errs"
)

// orgsData is the data of the org picker.
type orgsData struct {
	// Problem says why the cloud cannot be used (not configured, not signed in).
	Problem string
	Orgs    []api.OrgSummary
}

// orgsPage sends the caller to their org: the configured or signed-in one, or their only
// one; with several it lets them pick, with none or no cloud it says what to do.
func (s *Server) orgsPage(w http.ResponseWriter, r *http.Request) {
	p := page{Title: "Clonit Cloud", Section: "dashboard"}
	c, err := s.f.CloudClient()
	if err != nil {
		p.Data = orgsData{Problem: errs.Public(err, err.Error())}
		s.render(w, r, http.StatusOK, "orgs", p)
		return
	}
	if slug := c.DefaultOrg(); slug != "" {
		http.Redirect(w, r, orgHref(slug, ""), http.StatusSeeOther)
		return
	}
	orgs, err := c.Orgs(r.Context())
	if err != nil {
		p.Data = orgsData{Problem: errs.Public(err, err.Error())}
		s.render(w, r, statusOf(err), "orgs", p)
		return
	}
	if len(orgs) == 1 {
		http.Redirect(w, r, orgHref(orgs[0].Slug, ""), http.StatusSeeOther)
		return
	}
	d := orgsData{Orgs: orgs}
	if len(orgs) == 0 {
		d.Problem = "You are not in any org yet: create one with `clonit cloud org create --name NAME --slug SLUG`."
	}
	p.Data = d
	s.render(w, r, http.StatusOK, "orgs", p)
}

// cloudOrg loads the org of a cloud page with the client that reaches it. On failure it
// has rendered the error page and returns ok = false.
func (s *Server) cloudOrg(w http.ResponseWriter, r *http.Request) (c *apiclient.Client, org *api.Org, oc *orgContext, ok bool) {
	c, err := s.f.CloudClient()
	if err != nil {
		s.fail(w, r, nil, "/cloud", err)
		return nil, nil, nil, false
	}
	org, err = c.Org(r.Context(), r.PathValue("org"))
	if err != nil {
		s.fail(w, r, nil, "/cloud", err)
		return nil, nil, nil, false
	}
	role, _ := authz.ParseRole(org.Role)
	return c, org, &orgContext{Slug: org.Slug, Name: org.Name, Role: role}, true
}

// dashboardPage shows the org card and its leadership.
func (s *Server) dashboardPage(w http.ResponseWriter, r *http.Request) {
	_, org, oc, ok := s.cloudOrg(w, r)
	if !ok {
		return
	}
	s.render(w, r, http.StatusOK, "dashboard", page{Title: org.Name, Section: "dashboard", Org: oc, Data: org})
}

// orgHref returns the URL of an org's cloud page at sub ("" = the dashboard).
func orgHref(slug, sub string) string { return "/cloud/" + url.PathEscape(slug) + sub }
