package httpapi

import (
	"net/http"

	"github.com/clonit/clonit/internal/errs"
)

// authConfig tells the agent where and how to sign in.
func (a *API) authConfig(w http.ResponseWriter, _ *http.Request, _ *call) error {
	cfg := a.config
	if cfg.Scopes == nil {
		cfg.Scopes = []string{}
	}
	writeJSON(w, http.StatusOK, cfg)
	return nil
}

// builtinOAuth hands /oauth/ to the built-in OAuth 2.0 / OIDC provider when it runs.
func (a *API) builtinOAuth(w http.ResponseWriter, r *http.Request, _ *call) error {
	if a.oauth == nil {
		return errs.NotFound("the built-in sign-in service is off: this server uses an external identity provider (see /api/v1/auth/config)")
	}
	a.oauth.ServeHTTP(w, r)
	return nil
}
