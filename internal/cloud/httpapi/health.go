package httpapi

import (
	"context"
	"net/http"
	"time"

	"github.com/clonit/clonit/internal/errs"
)

// healthz answers while the process is up, whatever its dependencies do.
func (a *API) healthz(w http.ResponseWriter, _ *http.Request, _ *call) error {
	writeJSON(w, http.StatusOK, map[string]string{"status": "ok"})
	return nil
}

// readyz answers 200 when the store answers, and 503 otherwise, so that a load balancer
// sends no traffic to a process that cannot reach its database.
func (a *API) readyz(w http.ResponseWriter, r *http.Request, _ *call) error {
	ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
	defer cancel()
	if err := a.store.Ping(ctx); err != nil {
		return errs.Wrap(errs.ErrUnavailable, err, "the database does not answer")
	}
	writeJSON(w, http.StatusOK, map[string]string{"status": "ready"})
	return nil
}

// metrics serves the Prometheus metrics of the process.
func (a *API) metrics(w http.ResponseWriter, r *http.Request, _ *call) error {
	if a.metric == nil {
		return errs.NotFound("metrics are not served by this process")
	}
	a.metric.ServeHTTP(w, r)
	return nil
}

// noRoute answers a path under /api/ that no route matches.
func (a *API) noRoute(_ http.ResponseWriter, r *http.Request, _ *call) error {
	return errs.NotFound("no API route %s %s: the API is described at /api/v1/openapi.json", r.Method, clip(r.URL.Path))
}
