// Package web is the local web UI that `clonit serve` runs: HTML pages rendered on the
// server from templates embedded in the binary (no CDN, no build step), a little vanilla
// JavaScript for live job progress, and forms that work without it.
//
// The UI acts with the agent's own credentials, so it guards them like a local daemon
// would: it listens on loopback only, answers only requests whose Host names that loopback
// address (no DNS rebinding), requires a CSRF token on every state change (and a matching
// Origin when the browser sends one), and sends a strict Content-Security-Policy.
//
// It reaches the cloud only through internal/apiclient (cmdutil.Factory.CloudClient) and
// local state through the Factory's LocalStore and the same code the CLI commands run
// (build.Run, load.Run, push.Run). Which controls a page offers follows internal/cloud/authz;
// the cloud refuses anything else anyway.
//
// Extension points: a cloud page is a handler registered in routes (routes.go) plus an entry
// of cloudNav (render.go) that names the authz action a caller needs to see it; a local job
// kind is a function passed to Jobs.Start (jobs.go).
package web

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"html/template"
	"log/slog"
	"net"
	"net/http"
	"strconv"
	"time"

	"github.com/clonit/clonit/internal/cmdutil"
	"github.com/clonit/clonit/internal/errs"
)

// DefaultAddr is where `clonit serve` listens unless told otherwise.
const DefaultAddr = "127.0.0.1:8484"

// shutdownGrace is how long requests in flight may run after a stop.
const shutdownGrace = 5 * time.Second

// Options configure a Server.
type Options struct {
	// Factory gives the config, the local store and the cloud client, as for the CLI.
	Factory *cmdutil.Factory
	// Logger receives request errors; nil discards them.
	Logger *slog.Logger
}

// Server is the web UI of one `clonit serve` process.
type Server struct {
	f      *cmdutil.Factory
	log    *slog.Logger
	csrf   string
	jobs   *Jobs
	tmpl   map[string]*template.Template
	mux    *http.ServeMux
	port   int // the listening port, set by Serve; the Host check allows only it
	hostOK map[string]bool
}

// New returns a server over opts.Factory. It is not listening yet: see Serve.
func New(opts Options) (*Server, error) {
	if opts.Factory == nil {
		return nil, errors.New("web: Options.Factory is required")
	}
	log := opts.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	secret := make([]byte, 32)
	if _, err := rand.Read(secret); err != nil {
		return nil, fmt.Errorf("make the CSRF secret: %w", err)
	}
	tmpl, err := parseTemplates()
	if err != nil {
		return nil, err
	}
	s := &Server{f: opts.Factory, log: log, csrf: csrfToken(secret), jobs: NewJobs(), tmpl: tmpl}
	s.mux = http.NewServeMux()
	s.routes()
	return s, nil
}

// CheckAddr refuses a listen address that is not loopback: the UI acts with the agent's
// credentials, so it must never be reachable from another machine.
func CheckAddr(addr string) error {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return errs.Invalid("--addr %q is not HOST:PORT; use e.g. %s", addr, DefaultAddr)
	}
	if _, err := strconv.ParseUint(port, 10, 16); err != nil {
		return errs.Invalid("--addr %q has no valid port; use e.g. %s", addr, DefaultAddr)
	}
	if host == "localhost" {
		return nil
	}
	if ip := net.ParseIP(host); ip != nil && ip.IsLoopback() {
		return nil
	}
	return errs.Invalid("--addr %q is not a loopback address: the web UI acts with your credentials, so it listens only on 127.0.0.1, [::1] or localhost", addr)
}

// Handler returns the UI's handler with its security checks. Serve sets the port the Host
// check allows; a handler used before that (tests) allows the port set by SetPort.
func (s *Server) Handler() http.Handler { return s.secure(s.mux) }

// SetPort sets the port that the Host and Origin checks accept.
func (s *Server) SetPort(port int) {
	s.port = port
	p := strconv.Itoa(port)
	s.hostOK = map[string]bool{"127.0.0.1:" + p: true, "localhost:" + p: true, "[::1]:" + p: true}
}

// Serve serves on ln until ctx is done, then cancels running jobs and lets requests in
// flight finish. ln must be a loopback TCP listener.
func (s *Server) Serve(ctx context.Context, ln net.Listener) error {
	tcp, ok := ln.Addr().(*net.TCPAddr)
	if !ok || !tcp.IP.IsLoopback() {
		return errs.Invalid("the web UI listens only on a loopback address, not %s", ln.Addr())
	}
	s.SetPort(tcp.Port)
	srv := &http.Server{
		Handler:           s.Handler(),
		ReadHeaderTimeout: 10 * time.Second,
		ErrorLog:          slog.NewLogLogger(s.log.Handler(), slog.LevelWarn),
	}
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ln) }()
	select {
	case err := <-done:
		return errs.Wrap(errs.ErrUnavailable, err, "the web UI stopped")
	case <-ctx.Done():
	}
	s.jobs.Stop()
	sctx, cancel := context.WithTimeout(context.Background(), shutdownGrace)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil && !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("stop the web UI: %w", err)
	}
	return nil
}

// Jobs returns the server's job runner.
func (s *Server) Jobs() *Jobs { return s.jobs }
