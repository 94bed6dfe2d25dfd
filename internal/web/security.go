package web

import (
	"crypto/hmac"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"net/http"
)

// CSRFField is the form field (and CSRFHeader the header, for scripts) that carries the
// CSRF token on every state-changing request.
const (
	CSRFField  = "csrf"
	CSRFHeader = "X-CSRF-Token"
)

// contentSecurityPolicy allows only the UI's own scripts, styles and images: no inline
// script or style, no framing, forms posting only back to the UI.
const contentSecurityPolicy = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; " +
	"connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"

// csrfToken derives the process's CSRF token from its random secret. One token serves every
// page of the process: only a page of the UI itself can read it (the Host check stops DNS
// rebinding, the same-origin policy everything else), and a restart changes it.
func csrfToken(secret []byte) string {
	m := hmac.New(sha256.New, secret)
	m.Write([]byte("clonit web csrf v1"))
	return hex.EncodeToString(m.Sum(nil))
}

// secure wraps next with the checks every request passes: the Host header, the security
// headers, and on state changes the Origin and the CSRF token.
func (s *Server) secure(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Security-Policy", contentSecurityPolicy)
		h.Set("X-Frame-Options", "DENY")
		h.Set("X-Content-Type-Options", "nosniff")
		// same-origin, not no-referrer: under no-referrer browsers send "Origin: null" with
		// form posts, which the Origin check below would refuse.
		h.Set("Referrer-Policy", "same-origin")
		h.Set("Cross-Origin-Opener-Policy", "same-origin")
		h.Set("Cache-Control", "no-store")
		if !s.hostOK[r.Host] {
			http.Error(w, "clonit serve answers only at its loopback address (http://127.0.0.1:PORT or http://localhost:PORT)", http.StatusForbidden)
			return
		}
		if isStateChange(r.Method) {
			if o := r.Header.Get("Origin"); o != "" && !s.originOK(o) {
				http.Error(w, "cross-origin request refused", http.StatusForbidden)
				return
			}
			if !s.csrfOK(r) {
				http.Error(w, "missing or wrong CSRF token: reload the page and try again", http.StatusForbidden)
				return
			}
		}
		next.ServeHTTP(w, r)
	})
}

// isStateChange reports whether method may change state (everything but GET, HEAD, OPTIONS).
func isStateChange(method string) bool {
	switch method {
	case http.MethodGet, http.MethodHead, http.MethodOptions:
		return false
	}
	return true
}

// originOK reports whether an Origin header names the UI itself.
func (s *Server) originOK(origin string) bool {
	const scheme = "http://"
	return len(origin) > len(scheme) && origin[:len(scheme)] == scheme && s.hostOK[origin[len(scheme):]]
}

// csrfOK checks the token of the header or the form field in constant time.
func (s *Server) csrfOK(r *http.Request) bool {
	got := r.Header.Get(CSRFHeader)
	if got == "" {
		r.Body = http.MaxBytesReader(nil, r.Body, 1<<20)
		got = r.PostFormValue(CSRFField)
	}
	return got != "" && subtle.ConstantTimeCompare([]byte(got), []byte(s.csrf)) == 1
}
