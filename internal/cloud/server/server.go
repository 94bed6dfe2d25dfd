package server

import (
	"context"
	"errors"
	"log/slog"
	"net"
	"net/http"
	"time"

	"github.com/clonit/clonit/internal/cloud"
	"github.com/clonit/clonit/internal/cloud/httpapi"
	"github.com/clonit/clonit/internal/errs"
)

// shutdownGrace is how long in-flight requests may run after a stop signal.
const shutdownGrace = 20 * time.Second

// Server is one Clonit Cloud process: the API over a store, with its identity verifiers,
// metrics and logs. Several may serve the same PostgreSQL database at once: they share
// nothing but the database.
type Server struct {
	cfg     Config
	log     *slog.Logger
	handler http.Handler
	api     *httpapi.API
}

// New builds the server over st. cfg must have passed Validate.
func New(ctx context.Context, cfg Config, st cloud.Store, log *slog.Logger) (*Server, error) {
	a, err := newAuth(ctx, cfg, st, log)
	if err != nil {
		return nil, err
	}
	secretsKey, err := secretsKey(ctx, cfg, st)
	if err != nil {
		return nil, err
	}
	blobs, err := newBlobs(ctx, cfg, st)
	if err != nil {
		return nil, err
	}
	m := newMetrics()
	api := httpapi.New(httpapi.Options{
		Store: st, Auth: a.verifier, AuthConfig: a.config, OAuth: a.oauth,
		Metrics: m.handler(), Logger: log, SecretsKey: secretsKey,
		Snapshots: httpapi.SnapshotOptions{Blobs: blobs, UploadExpiry: cfg.Storage.UploadExpiry},
	})
	return &Server{cfg: cfg, log: log, handler: m.wrap(api, log), api: api}, nil
}

// Handler returns the server's HTTP handler.
func (s *Server) Handler() http.Handler { return s.handler }

// ListenAndServe listens on the configured address and serves until ctx is done.
func (s *Server) ListenAndServe(ctx context.Context) error {
	ln, err := net.Listen("tcp", s.cfg.Addr)
	if err != nil {
		return errs.Wrap(errs.ErrUnavailable, err, "cannot listen on %s: is another server running there? choose another --addr", s.cfg.Addr)
	}
	return s.Serve(ctx, ln)
}

// Serve serves on ln until ctx is done, then stops accepting connections and lets the
// requests in flight finish (up to shutdownGrace).
func (s *Server) Serve(ctx context.Context, ln net.Listener) error {
	srv := &http.Server{
		Handler:           s.handler,
		ReadHeaderTimeout: 10 * time.Second,
		IdleTimeout:       2 * time.Minute,
		ErrorLog:          slog.NewLogLogger(s.log.Handler(), slog.LevelWarn),
	}
	done := make(chan error, 1)
	go s.api.RunJanitor(ctx, janitorInterval)
	go func() { done <- srv.Serve(ln) }()
	s.log.Info("clonit-cloud serving", "addr", ln.Addr().String(), "config", s.cfg.String())
	select {
	case err := <-done:
		return errs.Wrap(errs.ErrUnavailable, err, "the server stopped")
	case <-ctx.Done():
	}
	s.log.Info("shutting down: finishing requests in flight", "grace", shutdownGrace.String())
	sctx, cancel := context.WithTimeout(context.Background(), shutdownGrace)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil && !errors.Is(err, http.ErrServerClosed) {
		return errs.Wrap(errs.ErrUnavailable, err, "shutdown did not finish in time")
	}
	s.log.Info("stopped")
	return nil
}
