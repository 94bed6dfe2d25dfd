package builtin

import (
	"errors"
	"fmt"
	"html/template"
	"log/slog"
	"math"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/clonit/clonit/internal/cloud"
)

// Messages shown on the sign-in pages. They never repeat the password.
const (
	msgMissingDevice  = "Enter the code shown in your terminal, your email and your password."
	msgMissingLogin   = "Enter your email and your password."
	msgBadCredentials = "Wrong email or password."
	msgDisabled       = "This account is disabled. Ask your Clonit Cloud operator."
	msgUnknownCode    = "This code is unknown, already used or expired. Run `clonit login` again for a new code."
	msgUnknownRequest = "This sign-in request is unknown or has expired. Start signing in again from your application."
	msgServerError    = "Sign-in failed because of a server error. Try again later."
)

// page is what the sign-in templates show.
type page struct {
	Title    string
	Action   string
	Message  string // an error, shown above the form
	Done     string // a success, shown instead of the form
	UserCode string
	Device   bool
	Email    string
	Request  string
}

var pageTemplate = template.Must(template.New("page").Parse(`<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{.Title}} · Clonit Cloud</title>
<style>body{font-family:system-ui,sans-serif;max-width:26rem;margin:3rem auto;padding:0 1rem}
label{display:block;margin:.8rem 0 .2rem}input{width:100%;padding:.4rem;box-sizing:border-box}
button{margin-top:1rem;padding:.5rem 1rem}.error{color:#b00020}</style>
</head>
<body>
<h1>{{.Title}}</h1>
{{if .Done}}<p id="done">{{.Done}}</p>
{{else}}{{if .Message}}<p class="error" id="message">{{.Message}}</p>{{end}}
<form method="post" action="{{.Action}}">
{{if .Device}}<label for="user_code">Code shown in your terminal</label>
<input id="user_code" name="user_code" value="{{.UserCode}}" autocomplete="off" required>
{{else}}<input type="hidden" name="authRequestID" value="{{.Request}}">
{{end}}<label for="email">Email</label>
<input id="email" name="email" type="email" value="{{.Email}}" autocomplete="username" required>
<label for="password">Password</label>
<input id="password" name="password" type="password" autocomplete="current-password" required>
<button type="submit">Sign in</button>
</form>{{end}}
</body>
</html>
`))

func render(w http.ResponseWriter, status int, p page) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("X-Frame-Options", "DENY")
	// No form-action: browsers apply it to the redirect chain after the login form, which
	// ends at the application's loopback callback.
	w.Header().Set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'")
	w.WriteHeader(status)
	if err := pageTemplate.Execute(w, p); err != nil {
		slog.Error("built-in auth: render page", "error", err)
	}
}

// devicePage is the device verification page: GET shows the form (pre-filled from
// ?user_code=), POST signs in and approves the device. It sets no cookie, so a forged
// cross-site POST achieves nothing without the account's password.
func (p *Provider) devicePage(w http.ResponseWriter, r *http.Request) {
	pg := page{Title: "Sign in to Clonit", Action: p.path + "/device", Device: true}
	switch r.Method {
	case http.MethodGet, http.MethodHead:
		pg.UserCode = r.URL.Query().Get("user_code")
		render(w, http.StatusOK, pg)
		return
	case http.MethodPost:
	default:
		w.Header().Set("Allow", "GET, POST")
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	if err := r.ParseForm(); err != nil {
		pg.Message = msgMissingDevice
		render(w, http.StatusBadRequest, pg)
		return
	}
	pg.UserCode, pg.Email = strings.TrimSpace(r.PostForm.Get("user_code")), strings.TrimSpace(r.PostForm.Get("email"))
	pw := r.PostForm.Get("password")
	if pg.UserCode == "" || pg.Email == "" || pw == "" {
		pg.Message = msgMissingDevice
		render(w, http.StatusBadRequest, pg)
		return
	}
	a, ok := p.authenticate(w, r, &pg, pw)
	if !ok {
		return
	}
	if err := p.storage.approveDevice(r.Context(), pg.UserCode, a.ID); err != nil {
		p.refuse(w, r, &pg, err, errUnknownCode, msgUnknownCode)
		return
	}
	p.cfg.Logger.InfoContext(r.Context(), "built-in auth: device signed in", "account", a.ID)
	pg.Done = fmt.Sprintf("Signed in as %s. You can close this page and return to your terminal.", a.Email)
	render(w, http.StatusOK, pg)
}

// loginPage signs a person in for the authorization code flow and sends the browser back
// to the provider's callback, which redirects to the application with a code.
func (p *Provider) loginPage(w http.ResponseWriter, r *http.Request) {
	pg := page{Title: "Sign in to Clonit", Action: p.path + "/login"}
	switch r.Method {
	case http.MethodGet, http.MethodHead:
		pg.Request = r.URL.Query().Get("authRequestID")
		if _, err := p.storage.authRequest(r.Context(), pg.Request); err != nil {
			p.refuse(w, r, &pg, err, errUnknownRequest, msgUnknownRequest)
			return
		}
		render(w, http.StatusOK, pg)
		return
	case http.MethodPost:
	default:
		w.Header().Set("Allow", "GET, POST")
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	if err := r.ParseForm(); err != nil {
		pg.Message = msgMissingLogin
		render(w, http.StatusBadRequest, pg)
		return
	}
	pg.Request, pg.Email = r.PostForm.Get("authRequestID"), strings.TrimSpace(r.PostForm.Get("email"))
	pw := r.PostForm.Get("password")
	if pg.Email == "" || pw == "" {
		pg.Message = msgMissingLogin
		render(w, http.StatusBadRequest, pg)
		return
	}
	if _, err := p.storage.authRequest(r.Context(), pg.Request); err != nil {
		p.refuse(w, r, &pg, err, errUnknownRequest, msgUnknownRequest)
		return
	}
	a, ok := p.authenticate(w, r, &pg, pw)
	if !ok {
		return
	}
	if err := p.storage.completeAuthRequest(r.Context(), pg.Request, a.ID); err != nil {
		p.refuse(w, r, &pg, err, errUnknownRequest, msgUnknownRequest)
		return
	}
	p.cfg.Logger.InfoContext(r.Context(), "built-in auth: browser signed in", "account", a.ID)
	callback := p.op.AuthorizationEndpoint().Absolute(p.cfg.Issuer) + "/callback?id=" + url.QueryEscape(pg.Request)
	http.Redirect(w, r, callback, http.StatusFound)
}

// refuse renders the page for a code or request that could not be used: msg when err is
// unknown (not pending, used or expired), a server error otherwise.
func (p *Provider) refuse(w http.ResponseWriter, r *http.Request, pg *page, err, unknown error, msg string) {
	if errors.Is(err, unknown) {
		pg.Message = msg
		render(w, http.StatusBadRequest, *pg)
		return
	}
	p.cfg.Logger.ErrorContext(r.Context(), "built-in auth: sign-in state", "error", err)
	pg.Message = msgServerError
	render(w, http.StatusInternalServerError, *pg)
}

// authenticate checks the password and renders the failure page when it is refused.
func (p *Provider) authenticate(w http.ResponseWriter, r *http.Request, pg *page, pw string) (cloud.Account, bool) {
	a, err := p.signIn.check(r.Context(), pg.Email, pw)
	var limited *rateLimited
	switch {
	case err == nil:
		return a, true
	case errors.Is(err, errBadCredentials):
		pg.Message = msgBadCredentials
		render(w, http.StatusUnauthorized, *pg)
	case errors.Is(err, errDisabled):
		pg.Message = msgDisabled
		render(w, http.StatusForbidden, *pg)
	case errors.As(err, &limited):
		minutes := int(math.Ceil(limited.wait.Minutes()))
		w.Header().Set("Retry-After", strconv.Itoa(int(math.Ceil(limited.wait.Seconds()))))
		pg.Message = fmt.Sprintf("Too many failed sign-in attempts for this email. Try again in %d minute(s).", minutes)
		render(w, http.StatusTooManyRequests, *pg)
	default:
		p.cfg.Logger.ErrorContext(r.Context(), "built-in auth: sign-in failed", "error", err)
		pg.Message = msgServerError
		render(w, http.StatusInternalServerError, *pg)
	}
	return cloud.Account{}, false
}
