package httpapi

import (
	"net/http"

	"github.com/clonit/clonit/internal/cloud/authz"
)

// AddTestRoute serves pattern behind the guard can(action) and answers 204 to whoever
// passes it. The tests of API key permissions use it to guard routes with actions that no
// route uses yet: pushing and pulling snapshots arrive with issue 6, whose routes need only
// their usual one-line guard for keys' push and pull permissions to apply.
func (a *API) AddTestRoute(pattern string, action authz.Action) {
	rt := route{pattern, can(action), func(w http.ResponseWriter, _ *http.Request, _ *call) error {
		w.WriteHeader(http.StatusNoContent)
		return nil
	}}
	a.mux.Handle(rt.pattern, a.handler(rt))
}
