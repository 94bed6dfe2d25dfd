package server

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net"
	"net/http"
	"path/filepath"
	"strings"
	"testing"

	"github.com/clonit/clonit/internal/api"
	"github.com/clonit/clonit/internal/cloud"
	"github.com/clonit/clonit/internal/cloud/store/sqlite"
)

// running is a server serving on a loopback port.
type running struct {
	url  string
	st   cloud.Store
	stop func() error
}

func start(t *testing.T, cfg Config) running {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	cfg.Addr = ln.Addr().String()
	cfg.DataDir = t.TempDir()
	cfg.LogFormat, cfg.LogLevel = "text", "info"
	if err := cfg.Validate(); err != nil {
		t.Fatal(err)
	}
	st, err := sqlite.Open(context.Background(), filepath.Join(cfg.DataDir, "cloud.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	srv, err := New(context.Background(), cfg, st, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ctx, ln) }()
	stop := func() error { cancel(); return <-done }
	t.Cleanup(func() { cancel() })
	return running{url: "http://" + cfg.Addr, st: st, stop: stop}
}

func get(t *testing.T, url string) (int, string) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, strings.TrimSpace(string(b))
}

// TestServeBuiltin serves on the embedded defaults: operations endpoints, the OpenAPI
// document, the built-in provider under /oauth/ advertised by /api/v1/auth/config, metrics
// labelled by route pattern, then a graceful stop.
func TestServeBuiltin(t *testing.T) {
	s := start(t, Config{})
	tests := []struct {
		path   string
		status int
		body   string // exact, or a prefix when it ends with "…"
	}{
		{"/healthz", 200, `{"status":"ok"}`},
		{"/readyz", 200, `{"status":"ready"}`},
		{"/api/v1/auth/config", 200, `{"issuer":"` + s.url + `/oauth","auth_url":"` + s.url + `/oauth","client_id":"clonit-cli","device_authorization_endpoint":"` +
			s.url + `/oauth/device_authorization","token_endpoint":"` + s.url + `/oauth/token","scopes":["openid","profile","email","offline_access","groups"],"built_in":true}`},
		{"/api/v1/openapi.json", 200, `{…`},
		{"/api/v1/orgs", 401, `{"status":401,"code":"unauthenticated","message":"sign in first: run…`},
		{"/nowhere", 404, `404 page not found`},
	}
	for _, tt := range tests {
		status, body := get(t, s.url+tt.path)
		if status != tt.status || !matches(body, tt.body) {
			t.Errorf("GET %s = %d %s\nwant %d %s", tt.path, status, body, tt.status, tt.body)
		}
	}

	status, body := get(t, s.url+"/oauth/.well-known/openid-configuration")
	var disc struct {
		Issuer       string `json:"issuer"`
		DeviceAuthEP string `json:"device_authorization_endpoint"`
		JWKS         string `json:"jwks_uri"`
	}
	if err := json.Unmarshal([]byte(body), &disc); status != 200 || err != nil {
		t.Fatalf("discovery = %d %s", status, body)
	}
	if disc.Issuer != s.url+"/oauth" || disc.DeviceAuthEP != s.url+"/oauth/device_authorization" {
		t.Errorf("discovery = %+v", disc)
	}
	if status, _ := get(t, disc.JWKS); status != 200 {
		t.Errorf("GET %s = %d", disc.JWKS, status)
	}

	_, metrics := get(t, s.url+"/metrics")
	for _, want := range []string{
		`clonit_cloud_http_requests_total{method="GET",route="GET /healthz",status="200"} 1`,
		`clonit_cloud_http_requests_total{method="GET",route="GET /api/v1/orgs",status="401"} 1`,
		`clonit_cloud_http_requests_total{method="GET",route="unmatched",status="404"} 1`,
		`clonit_cloud_http_requests_total{method="GET",route="/oauth/",status="200"}`,
		`clonit_cloud_http_request_duration_seconds_bucket{method="GET",route="GET /readyz",status="200",le="+Inf"} 1`,
	} {
		if !strings.Contains(metrics, want) {
			t.Errorf("metrics lack %s", want)
		}
	}

	if err := s.stop(); err != nil {
		t.Fatalf("graceful stop: %v", err)
	}
	if _, err := http.Get(s.url + "/healthz"); err == nil {
		t.Error("the server still answers after it stopped")
	}
}

// TestReadyzFollowsTheStore answers 503 once the database is gone, while /healthz stays up.
func TestReadyzFollowsTheStore(t *testing.T) {
	s := start(t, Config{})
	s.st.Close()
	if status, body := get(t, s.url+"/readyz"); status != 503 || body != `{"status":503,"code":"unavailable","message":"the database does not answer"}` {
		t.Errorf("GET /readyz = %d %s", status, body)
	}
	if status, _ := get(t, s.url+"/healthz"); status != 200 {
		t.Errorf("GET /healthz = %d", status)
	}
}

// TestServeExternalIssuer advertises the external issuer and turns the built-in provider off.
func TestServeExternalIssuer(t *testing.T) {
	s := start(t, Config{OIDCIssuer: "http://127.0.0.1:1/idp", OIDCClientID: "clonit"})
	var cfg api.AuthConfig
	_, body := get(t, s.url+"/api/v1/auth/config")
	if err := json.Unmarshal([]byte(body), &cfg); err != nil {
		t.Fatal(err)
	}
	if cfg.Issuer != "http://127.0.0.1:1/idp" || cfg.ClientID != "clonit" || cfg.BuiltIn {
		t.Errorf("auth config = %s", body)
	}
	if status, body := get(t, s.url+"/oauth/.well-known/openid-configuration"); status != 404 {
		t.Errorf("built-in provider answered %d %s with an external issuer", status, body)
	}
}

func matches(got, want string) bool {
	if p, ok := strings.CutSuffix(want, "…"); ok {
		return strings.HasPrefix(got, p)
	}
	return got == want
}
