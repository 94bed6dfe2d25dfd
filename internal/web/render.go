package web

import (
	"bytes"
	"embed"
	"errors"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"strings"
	"time"

	"github.com/clonit/clonit/internal/cloud/authz"
	"github.com/clonit/clonit/internal/cmd/snapshotcmd"
	"github.com/clonit/clonit/internal/engine"
	"github.com/clonit/clonit/internal/errs"
)

//go:embed assets
var assets embed.FS

// pages are the page templates, each rendered inside templates/layout.html.
var pages = []string{"targets", "target", "profiles", "orgs", "dashboard", "members", "invites", "settings", "audit", "error",
	"snapshots", "snapshot", "keys", "agents"}

// page is what every template receives.
type page struct {
	Title string
	// Section is the sidebar entry to highlight.
	Section string
	CSRF    string
	// Org is the org of a cloud page, nil on local pages.
	Org *orgContext
	// Nav is the cloud sidebar for Org.
	Nav []navItem
	// Flash is a confirmation of the last action.
	Flash string
	Data  any
}

// orgContext is the org a cloud page is about, with the caller's role in it.
type orgContext struct {
	Slug, Name string
	Role       authz.Role
}

// Can reports whether the caller's role allows action (for templates: .Org.Can "org.update").
func (o *orgContext) Can(action string) bool { return authz.Can(o.Role, authz.Action(action)) }

type navItem struct {
	Key, Label, Href string
}

// cloudNav is the cloud sidebar: each page and the action a caller needs to be offered it.
var cloudNav = []struct {
	key, label, path string
	need             authz.Action
}{
	{"dashboard", "Dashboard", "", authz.ViewOrg},
	{"snapshots", "Snapshots", "/snapshots", authz.ViewOrg},
	{"members", "Members", "/members", authz.ViewOrg},
	{"agents", "Agents", "/agents", authz.ViewOrg},
	{"invites", "Invites", "/invites", authz.InviteMembers},
	{"keys", "API keys", "/keys", authz.ManageAPIKeys},
	{"settings", "Settings", "/settings", authz.ViewOrg},
	{"audit", "Audit", "/audit", authz.ViewAudit},
}

// navFor returns the cloud sidebar that org's caller may use.
func navFor(org *orgContext) []navItem {
	var out []navItem
	for _, n := range cloudNav {
		if authz.Can(org.Role, n.need) {
			out = append(out, navItem{Key: n.key, Label: n.label, Href: "/cloud/" + org.Slug + n.path})
		}
	}
	return out
}

// flashes are the confirmations a redirect may ask for with ?done=KEY.
var flashes = map[string]string{
	"role":        "Role changed.",
	"removed":     "Member removed.",
	"profile":     "Profile saved.",
	"transferred": "Ownership transferred: you are now an admin.",
	"left":        "You left the org.",
	"revoked":     "Join code revoked.",
	// Cloud snapshots.
	"shared-org":      "Shared with the whole org.",
	"unshared-org":    "No longer shared with the whole org.",
	"shared-group":    "Shared with the group.",
	"unshared-group":  "Group share removed.",
	"shared-to-org":   "Shared with the other org.",
	"unshared-to-org": "Share with the other org removed.",
	"deleted":         "Snapshot deleted.",
	// API keys and agents.
	"key-revoked":   "API key revoked.",
	"agent-removed": "Agent removed.",
}

var funcs = template.FuncMap{
	"size":   snapshotcmd.HumanSize,
	"redact": engine.Redact,
	"time": func(t time.Time) string {
		if t.IsZero() {
			return "-"
		}
		return t.Local().Format("2006-01-02 15:04:05")
	},
	"date": func(t time.Time) string {
		if t.IsZero() {
			return "-"
		}
		return t.Local().Format("2006-01-02")
	},
	"join": strings.Join,
	"dash": func(s string) string {
		if s == "" {
			return "-"
		}
		return s
	},
}

func parseTemplates() (map[string]*template.Template, error) {
	out := map[string]*template.Template{}
	for _, p := range pages {
		t, err := template.New(p).Funcs(funcs).ParseFS(assets, "assets/templates/layout.html", "assets/templates/"+p+".html")
		if err != nil {
			return nil, fmt.Errorf("parse template %s: %w", p, err)
		}
		out[p] = t
	}
	return out, nil
}

// static serves the embedded CSS and JavaScript.
func static() http.Handler {
	sub, _ := fs.Sub(assets, "assets/static")
	return http.StripPrefix("/static/", http.FileServerFS(sub))
}

// render writes page name with status.
func (s *Server) render(w http.ResponseWriter, r *http.Request, status int, name string, p page) {
	p.CSRF = s.csrf
	if p.Org != nil && p.Nav == nil {
		p.Nav = navFor(p.Org)
	}
	if p.Flash == "" {
		p.Flash = flashes[r.URL.Query().Get("done")]
	}
	var buf bytes.Buffer
	if err := s.tmpl[name].ExecuteTemplate(&buf, "layout", p); err != nil {
		s.log.Error("render page", "page", name, "err", err)
		http.Error(w, "the page could not be rendered", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	_, _ = buf.WriteTo(w)
}

// errorPage is the data of the error page.
type errorPage struct {
	Status  int
	Message string
	Back    string
}

// fail renders err as an error page with the status of its kind. back is the page to
// return to ("" = none). Only the error's public message is shown.
func (s *Server) fail(w http.ResponseWriter, r *http.Request, org *orgContext, back string, err error) {
	status := statusOf(err)
	if status == http.StatusInternalServerError {
		s.log.Error("request failed", "method", r.Method, "path", r.URL.Path, "err", err)
	}
	msg := errs.Public(err, "")
	if msg == "" {
		msg = err.Error()
		if status == http.StatusInternalServerError {
			msg = "something went wrong: " + msg
		}
	}
	s.render(w, r, status, "error", page{Title: http.StatusText(status), Org: org, Data: errorPage{Status: status, Message: msg, Back: back}})
}

// statusOf maps an error's kind to the status of the page that shows it.
func statusOf(err error) int {
	switch k := errs.KindOf(err); {
	case errors.Is(k, errs.ErrNotFound):
		return http.StatusNotFound
	case errors.Is(k, errs.ErrPermission):
		return http.StatusForbidden
	case errors.Is(k, errs.ErrConflict):
		return http.StatusConflict
	case errors.Is(k, errs.ErrInvalid):
		return http.StatusBadRequest
	case errors.Is(k, errs.ErrUnauthenticated):
		return http.StatusUnauthorized
	case errors.Is(k, errs.ErrRateLimited):
		return http.StatusTooManyRequests
	case errors.Is(k, errs.ErrUnavailable):
		return http.StatusBadGateway
	}
	return http.StatusInternalServerError
}
