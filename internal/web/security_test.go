package web

import (
	"io"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
)

// TestSecurity checks the Host, Origin and CSRF checks and the headers of every answer.
func TestSecurity(t *testing.T) {
	s := newTestServer(t, testFactory(t, ""), 8484)
	h := s.Handler()
	form := func(v url.Values) io.Reader { return strings.NewReader(v.Encode()) }
	withToken := url.Values{CSRFField: {s.csrf}, "snapshot": {"x"}}
	tests := []struct {
		name     string
		method   string
		host     string
		path     string
		body     io.Reader
		header   map[string]string
		status   int
		contains string
	}{
		{name: "loopback IPv4", method: "GET", host: "127.0.0.1:8484", path: "/targets", status: 200, contains: "No targets yet."},
		{name: "localhost", method: "GET", host: "localhost:8484", path: "/targets", status: 200, contains: "No targets yet."},
		{name: "loopback IPv6", method: "GET", host: "[::1]:8484", path: "/targets", status: 200, contains: "No targets yet."},
		{name: "static", method: "GET", host: "127.0.0.1:8484", path: "/static/app.css", status: 200, contains: "--accent"},
		{name: "another host", method: "GET", host: "evil.example:8484", path: "/targets", status: 403,
			contains: "clonit serve answers only at its loopback address (http://127.0.0.1:PORT or http://localhost:PORT)"},
		{name: "another port", method: "GET", host: "127.0.0.1:9999", path: "/targets", status: 403,
			contains: "clonit serve answers only at its loopback address"},
		{name: "no port", method: "GET", host: "localhost", path: "/targets", status: 403,
			contains: "clonit serve answers only at its loopback address"},
		{name: "POST without token", method: "POST", host: "127.0.0.1:8484", path: "/targets/nope/load",
			body: form(url.Values{"snapshot": {"x"}}), status: 403, contains: "missing or wrong CSRF token: reload the page and try again"},
		{name: "POST with a wrong token", method: "POST", host: "127.0.0.1:8484", path: "/targets/nope/load",
			body: form(url.Values{CSRFField: {strings.Repeat("0", 64)}}), status: 403, contains: "missing or wrong CSRF token"},
		{name: "POST from another origin", method: "POST", host: "127.0.0.1:8484", path: "/targets/nope/load", body: form(withToken),
			header: map[string]string{"Origin": "http://evil.example"}, status: 403, contains: "cross-origin request refused"},
		{name: "POST from another port of loopback", method: "POST", host: "127.0.0.1:8484", path: "/targets/nope/load", body: form(withToken),
			header: map[string]string{"Origin": "http://127.0.0.1:9999"}, status: 403, contains: "cross-origin request refused"},
		{name: "POST with token and own origin reaches the handler", method: "POST", host: "127.0.0.1:8484", path: "/targets/nope/load",
			body: form(withToken), header: map[string]string{"Origin": "http://127.0.0.1:8484"}, status: 404, contains: `target &#34;nope&#34; not found`},
		{name: "POST with the token in the header", method: "POST", host: "localhost:8484", path: "/targets/nope/load",
			body: form(url.Values{"snapshot": {"x"}}), header: map[string]string{CSRFHeader: s.csrf}, status: 404, contains: `target &#34;nope&#34; not found`},
		{name: "DELETE without token", method: "DELETE", host: "127.0.0.1:8484", path: "/targets/nope", status: 403, contains: "missing or wrong CSRF token"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req := httptest.NewRequest(tt.method, "http://"+tt.host+tt.path, tt.body)
			req.Host = tt.host
			if tt.body != nil {
				req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			}
			for k, v := range tt.header {
				req.Header.Set(k, v)
			}
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, req)
			if rec.Code != tt.status || !strings.Contains(rec.Body.String(), tt.contains) {
				t.Fatalf("%s %s = %d\n%s\nwant %d containing %q", tt.method, tt.path, rec.Code, rec.Body.String(), tt.status, tt.contains)
			}
			want := map[string]string{
				"Content-Security-Policy": contentSecurityPolicy,
				"X-Frame-Options":         "DENY",
				"X-Content-Type-Options":  "nosniff",
				"Referrer-Policy":         "same-origin",
			}
			for k, v := range want {
				if got := rec.Header().Get(k); got != v {
					t.Errorf("%s = %q, want %q", k, got, v)
				}
			}
		})
	}
}

func TestCSPForbidsInlineScript(t *testing.T) {
	for _, bad := range []string{"unsafe-inline", "unsafe-eval", "*", "http:"} {
		if strings.Contains(contentSecurityPolicy, bad) {
			t.Errorf("the Content-Security-Policy allows %s: %s", bad, contentSecurityPolicy)
		}
	}
}

func TestCheckAddr(t *testing.T) {
	tests := []struct {
		addr string
		err  string
	}{
		{"127.0.0.1:8484", ""},
		{"localhost:8484", ""},
		{"[::1]:8484", ""},
		{"127.0.0.2:0", ""},
		{"0.0.0.0:8484", `--addr "0.0.0.0:8484" is not a loopback address: the web UI acts with your credentials, so it listens only on 127.0.0.1, [::1] or localhost`},
		{":8484", `--addr ":8484" is not a loopback address: the web UI acts with your credentials, so it listens only on 127.0.0.1, [::1] or localhost`},
		{"192.168.1.10:8484", `--addr "192.168.1.10:8484" is not a loopback address: the web UI acts with your credentials, so it listens only on 127.0.0.1, [::1] or localhost`},
		{"example.com:8484", `--addr "example.com:8484" is not a loopback address: the web UI acts with your credentials, so it listens only on 127.0.0.1, [::1] or localhost`},
		{"127.0.0.1", `--addr "127.0.0.1" is not HOST:PORT; use e.g. 127.0.0.1:8484`},
		{"127.0.0.1:http", `--addr "127.0.0.1:http" has no valid port; use e.g. 127.0.0.1:8484`},
	}
	for _, tt := range tests {
		err := CheckAddr(tt.addr)
		got := ""
		if err != nil {
			got = err.Error()
		}
		if got != tt.err {
			t.Errorf("CheckAddr(%q) = %q, want %q", tt.addr, got, tt.err)
		}
	}
}

// TestServeRefusesNonLoopback: Serve itself refuses a listener on another address.
func TestServeRefusesNonLoopback(t *testing.T) {
	s := newTestServer(t, testFactory(t, ""), 8484)
	err := s.Serve(t.Context(), fakeListener{})
	if err == nil || err.Error() != "the web UI listens only on a loopback address, not 192.0.2.1:8484" {
		t.Fatalf("Serve = %v", err)
	}
}
