package web

import (
	"net/http"
	"strings"
	"time"

	"github.com/clonit/clonit/internal/api"
	"github.com/clonit/clonit/internal/cloud/authz"
	"github.com/clonit/clonit/internal/errs"
)

// keyPermissions are the permission sets the key form offers, as the API spells them.
var keyPermissions = map[string][]string{"push,pull": {"push", "pull"}, "pull": {"pull"}, "push": {"push"}, "read": {}}

// keyLifetimes are the lifetimes the key form offers ("" = until revoked).
var keyLifetimes = map[string]time.Duration{"": 0, "7d": 7 * 24 * time.Hour, "30d": 30 * 24 * time.Hour,
	"90d": 90 * 24 * time.Hour, "365d": 365 * 24 * time.Hour}

// keysData is the data of the API keys page.
type keysData struct {
	Keys []api.APIKey
	// Created is the key just made: the only time its secret is shown.
	Created *api.CreatedAPIKey
}

// keysPage lists the org's live API keys and offers to create and revoke them (admins and
// owners: the cloud refuses everyone else).
func (s *Server) keysPage(w http.ResponseWriter, r *http.Request) { s.renderKeys(w, r, nil) }

// renderKeys renders the API keys page, showing a created key's secret once.
func (s *Server) renderKeys(w http.ResponseWriter, r *http.Request, created *api.CreatedAPIKey) {
	c, _, oc, ok := s.cloudOrg(w, r)
	if !ok {
		return
	}
	keys, err := c.Keys(r.Context(), oc.Slug)
	if err != nil {
		s.fail(w, r, oc, orgHref(oc.Slug, ""), err)
		return
	}
	s.render(w, r, http.StatusOK, "keys", page{Title: "API keys", Section: "keys", Org: oc, Data: keysData{Keys: keys, Created: created}})
}

// createKeyAction creates an API key and shows its secret once.
func (s *Server) createKeyAction(w http.ResponseWriter, r *http.Request) {
	c, err := s.f.CloudClient()
	if err != nil {
		s.fail(w, r, nil, "/cloud", err)
		return
	}
	slug := r.PathValue("org")
	back := orgHref(slug, "/keys")
	perms, ok := keyPermissions[r.PostFormValue("permissions")]
	if !ok {
		s.fail(w, r, nil, back, errs.Invalid("permissions %q is not one of push,pull, pull, push or read", r.PostFormValue("permissions")))
		return
	}
	life, ok := keyLifetimes[r.PostFormValue("expires")]
	if !ok {
		s.fail(w, r, nil, back, errs.Invalid("lifetime %q is not one the form offers", r.PostFormValue("expires")))
		return
	}
	req := api.CreateAPIKeyRequest{Name: strings.TrimSpace(r.PostFormValue("name")), Permissions: perms, User: r.PostFormValue("user") != ""}
	if life > 0 {
		at := time.Now().Add(life).UTC()
		req.ExpiresAt = &at
	}
	k, err := c.CreateKey(r.Context(), slug, req)
	if err != nil {
		s.fail(w, r, nil, back, err)
		return
	}
	s.renderKeys(w, r, k)
}

// revokeKeyAction revokes an API key.
func (s *Server) revokeKeyAction(w http.ResponseWriter, r *http.Request) {
	c, err := s.f.CloudClient()
	if err != nil {
		s.fail(w, r, nil, "/cloud", err)
		return
	}
	slug := r.PathValue("org")
	back := orgHref(slug, "/keys")
	if err := c.RevokeKey(r.Context(), slug, r.PathValue("key")); err != nil {
		s.fail(w, r, nil, back, err)
		return
	}
	http.Redirect(w, r, back+"?done=key-revoked", http.StatusSeeOther)
}

// agentsData is the data of the agents page.
type agentsData struct {
	Agents []api.Agent
	// CanRemove offers the removal (admins and owners).
	CanRemove bool
	// Mine is the id of the agent this UI's machine registered as, if any.
	Mine string
}

// agentsPage lists the org's registered machines, offering their removal to admins and
// owners.
func (s *Server) agentsPage(w http.ResponseWriter, r *http.Request) {
	c, _, oc, ok := s.cloudOrg(w, r)
	if !ok {
		return
	}
	agents, err := c.Agents(r.Context(), oc.Slug)
	if err != nil {
		s.fail(w, r, oc, orgHref(oc.Slug, ""), err)
		return
	}
	d := agentsData{Agents: agents, CanRemove: authz.Can(oc.Role, authz.RemoveAgents), Mine: c.AgentID()}
	s.render(w, r, http.StatusOK, "agents", page{Title: "Agents", Section: "agents", Org: oc, Data: d})
}

// removeAgentAction removes an agent from the org's registry.
func (s *Server) removeAgentAction(w http.ResponseWriter, r *http.Request) {
	c, err := s.f.CloudClient()
	if err != nil {
		s.fail(w, r, nil, "/cloud", err)
		return
	}
	slug := r.PathValue("org")
	back := orgHref(slug, "/agents")
	if err := c.RemoveAgent(r.Context(), slug, r.PathValue("agent")); err != nil {
		s.fail(w, r, nil, back, err)
		return
	}
	http.Redirect(w, r, back+"?done=agent-removed", http.StatusSeeOther)
}
