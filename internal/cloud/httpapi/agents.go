package httpapi

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"time"

	"github.com/clonit/clonit/internal/api"
	"github.com/clonit/clonit/internal/cloud"
	"github.com/clonit/clonit/internal/cloud/authz"
	"github.com/clonit/clonit/internal/cloud/store"
	"github.com/clonit/clonit/internal/errs"
)

// registerPattern is the route that registers an agent: a removed agent may call it to
// register again.
const registerPattern = "POST /api/v1/orgs/{org}/agents"

// seenEvery is how stale an agent's last-seen time may get: a call updates it only when the
// stored one is older, or when the agent's version changed.
const seenEvery = time.Minute

// listAgents answers the org's registered agents.
func (a *API) listAgents(w http.ResponseWriter, r *http.Request, c *call) error {
	agents, err := a.store.Agents(r.Context(), c.org.ID)
	if err != nil {
		return err
	}
	out := make([]api.Agent, 0, len(agents))
	for _, ag := range agents {
		out = append(out, toAPIAgent(ag))
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

// showAgent answers one registered agent of the org.
func (a *API) showAgent(w http.ResponseWriter, r *http.Request, c *call) error {
	ag, err := a.orgAgent(r.Context(), a.store, c.org, r.PathValue("agent"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, toAPIAgent(ag))
	return nil
}

// registerAgent registers the calling machine. A registered agent of the same name is
// refused unless the request forces its replacement; forcing also replaces the agent the
// machine was registered as before (a re-imaged machine). Replacing another person's agent
// takes the right to remove agents.
func (a *API) registerAgent(w http.ResponseWriter, r *http.Request, c *call) error {
	var req api.RegisterAgentRequest
	if err := decode(w, r, &req); err != nil {
		return err
	}
	ag := cloud.Agent{
		OrgID: c.org.ID, Name: strings.TrimSpace(req.Name), Hostname: strings.TrimSpace(req.Hostname),
		Version: strings.TrimSpace(req.Version), RegisteredBy: c.user.ID,
	}
	if ag.Version == "" {
		ag.Version = agentVersion(r)
	}
	for _, f := range []struct{ name, v string }{{"name", ag.Name}, {"hostname", ag.Hostname}, {"version", ag.Version}} {
		if err := validText(f.name, f.v, 100, f.name == "name"); err != nil {
			return err
		}
	}
	if c.principal.Key != nil {
		ag.RegisteredByKey = c.principal.Key.ID
	}
	ctx := r.Context()
	err := a.inOrg(ctx, c, authz.RegisterAgent, func(tx cloud.Store, role authz.Role) error {
		var replaced []string
		if req.Force && req.Replaces != "" {
			old, err := tx.AgentByID(ctx, req.Replaces)
			if err == nil && old.OrgID == c.org.ID && old.RemovedAt.IsZero() && old.Name != ag.Name {
				if err := a.replaceAgent(ctx, tx, c, role, old); err != nil {
					return err
				}
				replaced = append(replaced, old.Name)
			}
		}
		if same, ok, err := agentNamed(ctx, tx, c.org.ID, ag.Name); err != nil {
			return err
		} else if ok {
			if !req.Force {
				return errs.Conflict("an agent named %q is already registered in %s (by %s, last seen %s): pass --force to replace it, or choose another --name",
					ag.Name, c.org.Slug, registrant(same), same.LastSeenAt.UTC().Format("2006-01-02 15:04 UTC"))
			}
			if err := a.replaceAgent(ctx, tx, c, role, same); err != nil {
				return err
			}
			replaced = append(replaced, same.Name)
		}
		if err := tx.CreateAgent(ctx, &ag); err != nil {
			return err
		}
		detail := "registered " + ag.Hostname
		if len(replaced) > 0 {
			detail += ", replacing " + strings.Join(replaced, ", ")
		}
		return a.record(ctx, tx, c, "agent.register", ag.Name, detail)
	})
	if err != nil {
		return err
	}
	ag.RegistrantEmail = c.user.Email
	if c.principal.Key != nil {
		ag.RegistrantKeyName = c.principal.Key.Name
	}
	writeJSON(w, http.StatusCreated, toAPIAgent(ag))
	return nil
}

// replaceAgent removes old for a forced registration: the caller's own agents (registered
// by the same person, or the same key) freely, anyone's with the right to remove agents.
func (a *API) replaceAgent(ctx context.Context, tx cloud.Store, c *call, role authz.Role, old cloud.Agent) error {
	own := (c.user.ID != "" && old.RegisteredBy == c.user.ID) ||
		(c.principal.Key != nil && old.RegisteredByKey == c.principal.Key.ID)
	if !own && !authz.Can(role, authz.RemoveAgents) {
		return errs.Permission("the agent %q was registered by %s: choose another --name, or ask an admin or owner to remove it with `clonit cloud agents remove %s`",
			old.Name, registrant(old), old.ID)
	}
	return tx.RemoveAgent(ctx, c.org.ID, old.ID, "replaced", store.Now())
}

// removeAgent removes an agent from the registry; its next call is told so.
func (a *API) removeAgent(w http.ResponseWriter, r *http.Request, c *call) error {
	ctx := r.Context()
	err := a.inOrg(ctx, c, authz.RemoveAgents, func(tx cloud.Store, _ authz.Role) error {
		ag, err := a.orgAgent(ctx, tx, c.org, r.PathValue("agent"))
		if err != nil {
			return err
		}
		if err := tx.RemoveAgent(ctx, c.org.ID, ag.ID, actorName(c), store.Now()); err != nil {
			return err
		}
		return a.record(ctx, tx, c, "agent.remove", ag.Name, "was on "+ag.Hostname)
	})
	if err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// orgAgent returns the registered agent of org with id, or the org's "no such agent".
func (a *API) orgAgent(ctx context.Context, st cloud.Agents, org cloud.Org, id string) (cloud.Agent, error) {
	ag, err := st.AgentByID(ctx, id)
	if errors.Is(err, errs.ErrNotFound) || (err == nil && (ag.OrgID != org.ID || !ag.RemovedAt.IsZero())) {
		return cloud.Agent{}, errs.NotFound("no agent %q in %s: list the agents with `clonit cloud agents list`", clip(id), org.Slug)
	}
	return ag, err
}

// agentNamed returns the org's registered agent called name, if there is one.
func agentNamed(ctx context.Context, st cloud.Agents, orgID, name string) (cloud.Agent, bool, error) {
	agents, err := st.Agents(ctx, orgID)
	if err != nil {
		return cloud.Agent{}, false, err
	}
	for _, ag := range agents {
		if ag.Name == name {
			return ag, true, nil
		}
	}
	return cloud.Agent{}, false, nil
}

// seeAgent handles the X-Clonit-Agent header of a signed-in call: a removed agent is
// refused with how to register again; a registered one has its last-seen time and
// version recorded, at most once a minute unless the version changed. Agents of another
// org than the call's are left alone.
func (a *API) seeAgent(r *http.Request, c *call) error {
	id := r.Header.Get(api.AgentHeader)
	if id == "" || r.Pattern == registerPattern {
		return nil
	}
	ctx := r.Context()
	ag, err := a.store.AgentByID(ctx, id)
	if errors.Is(err, errs.ErrNotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	if c.org.ID != "" && ag.OrgID != c.org.ID {
		return nil
	}
	if !ag.RemovedAt.IsZero() {
		by := ag.RemovedBy
		if by == "replaced" {
			by = "a newer registration of the same machine"
		}
		return errs.Permission("this machine's agent %q was removed from the organization's registry on %s by %s: register it again with `clonit cloud register --force`",
			ag.Name, ag.RemovedAt.UTC().Format("2006-01-02 15:04 UTC"), by)
	}
	version := agentVersion(r)
	if version == "" {
		version = ag.Version
	}
	if now := store.Now(); now.Sub(ag.LastSeenAt) >= seenEvery || version != ag.Version {
		// Best effort: bookkeeping must not fail the call it records.
		_ = a.store.TouchAgent(ctx, ag.ID, version, now)
	}
	return nil
}

// agentVersion reads clonit's version from a User-Agent of "clonit/<version>".
func agentVersion(r *http.Request) string {
	ua, _, _ := strings.Cut(r.UserAgent(), " ")
	if v, ok := strings.CutPrefix(ua, "clonit/"); ok && len(v) <= 100 {
		return v
	}
	return ""
}

// attachAgents adds to each member of out the agents of the org (agents) they registered.
func attachAgents(out []api.Member, agents []cloud.Agent) {
	by := map[string][]api.MemberAgent{}
	for _, ag := range agents {
		if ag.RegisteredBy != "" {
			by[ag.RegisteredBy] = append(by[ag.RegisteredBy], api.MemberAgent{ID: ag.ID, Name: ag.Name})
		}
	}
	for i := range out {
		out[i].Agents = by[out[i].User.ID]
	}
}

// registrant says who registered ag: an email, or the org-level key.
func registrant(ag cloud.Agent) string {
	switch {
	case ag.RegistrantEmail != "":
		return ag.RegistrantEmail
	case ag.RegistrantKeyName != "":
		return "key " + ag.RegistrantKeyName
	}
	return "a former member"
}

// actorName names the caller in records other people read: their email, or the key.
func actorName(c *call) string {
	if c.user.Email != "" {
		return c.user.Email
	}
	if c.principal.Key != nil {
		return "key " + c.principal.Key.Name
	}
	return c.principal.Credential
}

// toAPIAgent is ag as the API shows it.
func toAPIAgent(ag cloud.Agent) api.Agent {
	return api.Agent{
		ID: ag.ID, Name: ag.Name, Hostname: ag.Hostname, Version: ag.Version, RegisteredBy: registrant(ag),
		RegisteredAt: ag.RegisteredAt, LastSeenAt: ag.LastSeenAt,
	}
}
