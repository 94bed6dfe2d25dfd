// Package httpapi is Clonit Cloud's JSON REST API (/api/v1). routes.go holds the whole
// route table; each resource has its own file; errors.go is the one place that turns an
// error into a status, a code and a message. Handlers return errors and never write an
// error body themselves.
package httpapi

import (
	"log/slog"
	"net/http"

	"github.com/clonit/clonit/internal/api"
	"github.com/clonit/clonit/internal/cloud"
	"github.com/clonit/clonit/internal/cloud/identity"
)

// Options are what the API needs from the process that serves it.
type Options struct {
	// Store is the persistence layer (SQLite or PostgreSQL).
	Store cloud.Store
	// Auth verifies bearer credentials.
	Auth identity.Authenticator
	// AuthConfig is what GET /api/v1/auth/config answers: how the agent signs in.
	AuthConfig api.AuthConfig
	// OAuth serves the built-in OAuth 2.0 / OIDC provider under /oauth/; nil when an
	// external provider is configured.
	OAuth http.Handler
	// Metrics serves /metrics; nil answers 404.
	Metrics http.Handler
	// Logger receives the causes of failed requests; nil discards them.
	Logger *slog.Logger
	// Snapshots configures the managed storage of cloud snapshots; without a store, the
	// snapshot and upload routes answer 503.
	Snapshots SnapshotOptions
	// SecretsKey seals the credentials of org targets and storage profiles (see package
	// secretbox); nil uses the key kept in the store's secrets.
	SecretsKey []byte
}

// API serves the REST API. Build it with New.
type API struct {
	store  cloud.Store
	auth   identity.Authenticator
	config api.AuthConfig
	oauth  http.Handler
	metric http.Handler
	log    *slog.Logger
	users  *userCache
	bodies *memberBodies // members lists' answers (see listMembers)
	mux    *http.ServeMux
	snaps  *snapshots
	seal   *sealer
}

// New returns the API over opts, with every route of routes.go registered.
func New(opts Options) *API {
	log := opts.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	a := &API{
		store:  opts.Store,
		auth:   opts.Auth,
		config: opts.AuthConfig,
		oauth:  opts.OAuth,
		metric: opts.Metrics,
		log:    log,
		users:  newUserCache(),
		bodies: newMemberBodies(),
		mux:    http.NewServeMux(),
		snaps:  newSnapshots(opts.Snapshots),
		seal:   &sealer{key: opts.SecretsKey, store: opts.Store},
	}
	for _, rt := range a.routes() {
		a.mux.Handle(rt.pattern, a.handler(rt))
	}
	return a
}

// ServeHTTP routes r. The mux records the matched pattern in r.Pattern, which outer
// middleware (metrics, access logs) reads after the call.
func (a *API) ServeHTTP(w http.ResponseWriter, r *http.Request) { a.mux.ServeHTTP(w, r) }

// Patterns returns the pattern of every route, for the OpenAPI test and for metrics.
func (a *API) Patterns() []string {
	var out []string
	for _, rt := range a.routes() {
		out = append(out, rt.pattern)
	}
	return out
}
