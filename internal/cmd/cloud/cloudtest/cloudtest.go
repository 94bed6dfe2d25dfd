// Package cloudtest gives unit tests of the cloud commands a fake Clonit Cloud that answers
// canned routes and a Factory wired to it with a throwaway config and session file. It is a
// fake for testing one command at a time; the end-to-end tests (internal/e2e) run the real
// cloud.
package cloudtest

import (
	"bytes"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/clonit/clonit/internal/agent"
	"github.com/clonit/clonit/internal/cmdutil"
)

// Reply is a canned answer.
type Reply struct {
	Status int // 0 means 200
	Body   string
}

// Server is a fake cloud answering routes keyed by net/http patterns ("GET /api/v1/me").
type Server struct {
	*httptest.Server
	mu       sync.Mutex
	requests []string
	headers  []http.Header
}

// NewServer starts a fake cloud; unknown routes answer 404 with an api.Error body.
func NewServer(t *testing.T, routes map[string]Reply) *Server {
	t.Helper()
	s := &Server{}
	mux := http.NewServeMux()
	for pattern, reply := range routes {
		mux.HandleFunc(pattern, func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			status := reply.Status
			if status == 0 {
				status = http.StatusOK
			}
			w.WriteHeader(status)
			io.WriteString(w, reply.Body)
		})
	}
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		r.Body = io.NopCloser(bytes.NewReader(body))
		line := r.Method + " " + r.URL.RequestURI()
		if len(body) > 0 {
			line += " " + string(body)
		}
		line += " [" + r.Header.Get("Authorization") + "]"
		s.mu.Lock()
		s.requests = append(s.requests, line)
		s.headers = append(s.headers, r.Header.Clone())
		s.mu.Unlock()
		if _, pattern := mux.Handler(r); pattern == "" {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusNotFound)
			io.WriteString(w, `{"status":404,"code":"not_found","message":"no such route in the fake cloud"}`)
			return
		}
		mux.ServeHTTP(w, r)
	}))
	t.Cleanup(s.Close)
	return s
}

// Requests returns "METHOD URI [body] [Authorization]" for every request so far.
func (s *Server) Requests() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.requests...)
}

// Header returns the header name of every request so far, in order.
func (s *Server) Header(name string) []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]string, len(s.headers))
	for i, h := range s.headers {
		out[i] = h.Get(name)
	}
	return out
}

// Env is a Factory whose streams are buffers, with its config and session in a temp dir.
type Env struct {
	F           *cmdutil.Factory
	Out, ErrOut *bytes.Buffer
	SessionPath string
}

// cloudVars are the environment variables that would override the test's config.
var cloudVars = []string{"CLONIT_CLOUD__URL", "CLONIT_CLOUD__API_KEY", "CLONIT_CLOUD__TOKEN", "CLONIT_CLOUD__ORG", "CLONIT_CLOUD__AGENT_ID", "XDG_CONFIG_HOME"}

// NewEnv writes a config with cloud and, when sess is not nil, a saved session, and returns a
// Factory using them. It unsets the CLONIT_CLOUD__* variables for the test's duration, so
// tests using it cannot run in parallel.
func NewEnv(t *testing.T, cloud agent.Cloud, sess *agent.Session) *Env {
	t.Helper()
	for _, v := range cloudVars {
		t.Setenv(v, "")
		os.Unsetenv(v)
	}
	dir := t.TempDir()
	cfg := agent.Config{Cloud: cloud, WorkingDirectory: filepath.Join(dir, "work")}
	data, err := yaml.Marshal(cfg)
	if err != nil {
		t.Fatal(err)
	}
	cfgPath := filepath.Join(dir, "config.yaml")
	if err := os.WriteFile(cfgPath, data, 0o600); err != nil {
		t.Fatal(err)
	}
	e := &Env{Out: &bytes.Buffer{}, ErrOut: &bytes.Buffer{}, SessionPath: filepath.Join(dir, agent.CredentialsFile)}
	if sess != nil {
		if err := agent.SaveSession(e.SessionPath, sess); err != nil {
			t.Fatal(err)
		}
	}
	e.F = cmdutil.NewFactory(&cmdutil.IOStreams{In: strings.NewReader(""), Out: e.Out, ErrOut: e.ErrOut})
	e.F.ConfigPath = cfgPath
	e.F.CredentialsPath = e.SessionPath
	e.F.Now = func() time.Time { return time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC) }
	return e
}
