package httpapi

import (
	"net/http"

	"github.com/clonit/clonit/internal/api"
	"github.com/clonit/clonit/internal/cloud"
)

// me answers who the caller is, how they authenticated, and their orgs.
func (a *API) me(w http.ResponseWriter, r *http.Request, c *call) error {
	orgs, err := a.orgSummaries(r, c)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, api.Me{User: toAPIUser(c.user), Credential: c.principal.Credential, Orgs: orgs, Key: keyIdentity(c)})
	return nil
}

// toAPIUser is u as the API shows it; groups are never null.
func toAPIUser(u cloud.User) api.User {
	groups := u.Groups
	if groups == nil {
		groups = []string{}
	}
	return api.User{ID: u.ID, Email: u.Email, Name: u.Name, Groups: groups}
}
