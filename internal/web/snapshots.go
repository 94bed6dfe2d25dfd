package web

import (
	"encoding/json"
	"net/http"
	"net/url"
	"slices"
	"strings"

	"github.com/clonit/clonit/internal/api"
	"github.com/clonit/clonit/internal/apiclient"
	"github.com/clonit/clonit/internal/cloud/authz"
	"github.com/clonit/clonit/internal/errs"
)

// snapshotsPageSize is how many cloud snapshots a page of the catalog shows.
const snapshotsPageSize = 50

// cloudSnapshotRow is a cloud snapshot of the catalog with whether the caller is offered
// the Share button (or the Shared indicator that unshares).
type cloudSnapshotRow struct {
	api.CloudSnapshot
	CanShare bool
}

// snapshotsData is the data of the cloud snapshots page.
type snapshotsData struct {
	// Tab is "all" (All Snapshots) or "shared" (the Shared filter).
	Tab  string
	Rows []cloudSnapshotRow
	// Next links to the next page, "" on the last one; Back is this page's URL, where the
	// share buttons return to without JavaScript.
	Next, Back string
}

// snapshotsPage lists the cloud snapshots the caller may see, a page at a time, under the
// tabs All Snapshots and Shared.
func (s *Server) snapshotsPage(w http.ResponseWriter, r *http.Request) {
	c, _, oc, ok := s.cloudOrg(w, r)
	if !ok {
		return
	}
	q := r.URL.Query()
	d := snapshotsData{Tab: "all"}
	if q.Get("tab") == "shared" {
		d.Tab = "shared"
	}
	base := orgHref(oc.Slug, "/snapshots")
	if d.Tab == "shared" {
		base += "?tab=shared"
	}
	d.Back = base
	if cur := q.Get("cursor"); cur != "" {
		d.Back = withQuery(base, "cursor", cur)
	}
	p, err := c.Snapshots(r.Context(), oc.Slug, apiclient.SnapshotQuery{Shared: d.Tab == "shared", Cursor: q.Get("cursor"), Limit: snapshotsPageSize})
	if err != nil {
		s.fail(w, r, oc, orgHref(oc.Slug, ""), err)
		return
	}
	canShare := authz.Can(oc.Role, authz.PushSnapshots)
	for _, sn := range p.Snapshots {
		d.Rows = append(d.Rows, cloudSnapshotRow{CloudSnapshot: sn, CanShare: canShare && !sn.Foreign})
	}
	if p.NextCursor != "" {
		d.Next = withQuery(base, "cursor", p.NextCursor)
	}
	s.render(w, r, http.StatusOK, "snapshots", page{Title: "Snapshots", Section: "snapshots", Org: oc, Data: d})
}

// snapshotData is the data of a cloud snapshot's page.
type snapshotData struct {
	Snapshot *api.CloudSnapshot
	Shares   api.SnapshotShares
	// CanShare offers the org-wide and group shares; CanShareOrgs the shares with other
	// orgs; CanDelete the deletion.
	CanShare, CanShareOrgs, CanDelete bool
	// Groups are the groups of the org's members, offered when adding a group share.
	Groups []string
	Back   string
}

// snapshotPage shows a cloud snapshot with whom it is shared, offering to share it with the
// org, a group or another org and to remove those shares, as the caller's role allows.
func (s *Server) snapshotPage(w http.ResponseWriter, r *http.Request) {
	c, _, oc, ok := s.cloudOrg(w, r)
	if !ok {
		return
	}
	ctx := r.Context()
	sn, err := c.Snapshot(ctx, oc.Slug, r.PathValue("snapshot"))
	if err != nil {
		s.fail(w, r, oc, orgHref(oc.Slug, "/snapshots"), err)
		return
	}
	mine := !sn.Foreign
	d := snapshotData{Snapshot: sn, Back: orgHref(oc.Slug, "/snapshots/"+sn.ID),
		CanShare:     mine && authz.Can(oc.Role, authz.PushSnapshots),
		CanShareOrgs: mine && authz.Can(oc.Role, authz.ShareOtherOrgs),
		CanDelete:    mine && authz.Can(oc.Role, authz.PushSnapshots)}
	if sn.Shares != nil {
		d.Shares = *sn.Shares
	}
	if d.CanShare {
		members, err := c.Members(ctx, oc.Slug)
		if err != nil {
			s.fail(w, r, oc, orgHref(oc.Slug, "/snapshots"), err)
			return
		}
		for _, m := range members {
			for _, g := range m.User.Groups {
				if !slices.Contains(d.Groups, g) && !slices.Contains(d.Shares.Groups, g) {
					d.Groups = append(d.Groups, g)
				}
			}
		}
		slices.Sort(d.Groups)
	}
	title := sn.Target + " · " + sn.Name
	s.render(w, r, http.StatusOK, "snapshot", page{Title: title, Section: "snapshots", Org: oc, Data: d})
}

// shareAction shares a snapshot with the form's group, other org, or (neither) the whole org.
func (s *Server) shareAction(w http.ResponseWriter, r *http.Request) { s.changeShare(w, r, true) }

// unshareAction removes the share with the form's group, other org, or the whole org.
func (s *Server) unshareAction(w http.ResponseWriter, r *http.Request) { s.changeShare(w, r, false) }

// shareFlashes are the confirmations of share changes, by what changed.
var shareFlashes = map[[2]string]string{
	{"share", "org"}: "shared-org", {"unshare", "org"}: "unshared-org",
	{"share", "group"}: "shared-group", {"unshare", "group"}: "unshared-group",
	{"share", "to_org"}: "shared-to-org", {"unshare", "to_org"}: "unshared-to-org",
}

// changeShare applies a share or unshare. A script asking for JSON (the Share buttons of
// the catalog) gets the new shares; a plain form goes back to its page.
func (s *Server) changeShare(w http.ResponseWriter, r *http.Request, share bool) {
	c, err := s.f.CloudClient()
	if err != nil {
		s.fail(w, r, nil, "/cloud", err)
		return
	}
	slug, id := r.PathValue("org"), r.PathValue("snapshot")
	back := safeBack(r.PostFormValue("back"), orgHref(slug, "/snapshots"))
	to, kind := apiclient.ShareTarget{Org: true}, "org"
	if g := strings.TrimSpace(r.PostFormValue("group")); g != "" {
		to, kind = apiclient.ShareTarget{Group: g}, "group"
	} else if o := strings.TrimSpace(r.PostFormValue("to_org")); o != "" {
		to, kind = apiclient.ShareTarget{ToOrg: o}, "to_org"
	} else if r.PostFormValue("scope") != "org" {
		s.fail(w, r, nil, back, errs.Invalid("say whom to share with: a group name, an org slug, or the whole org"))
		return
	}
	change, verb := c.ShareSnapshot, "share"
	if !share {
		change, verb = c.UnshareSnapshot, "unshare"
	}
	shares, err := change(r.Context(), slug, id, to)
	if wantsJSON(r) {
		writeShareJSON(w, shares, err)
		return
	}
	if err != nil {
		s.fail(w, r, nil, back, err)
		return
	}
	http.Redirect(w, r, withQuery(back, "done", shareFlashes[[2]string{verb, kind}]), http.StatusSeeOther)
}

// shareAnswer is what the catalog's script gets back from a share change.
type shareAnswer struct {
	// Shared is the new value of the Shared column.
	Shared bool                `json:"shared"`
	Shares *api.SnapshotShares `json:"shares,omitempty"`
	Error  string              `json:"error,omitempty"`
}

// writeShareJSON answers a script's share change.
func writeShareJSON(w http.ResponseWriter, shares *api.SnapshotShares, err error) {
	w.Header().Set("Content-Type", "application/json")
	if err != nil {
		w.WriteHeader(statusOf(err))
		_ = json.NewEncoder(w).Encode(shareAnswer{Error: errs.Public(err, err.Error())})
		return
	}
	_ = json.NewEncoder(w).Encode(shareAnswer{Shared: shares.Org, Shares: shares})
}

// deleteSnapshotAction deletes a cloud snapshot and returns to the catalog.
func (s *Server) deleteSnapshotAction(w http.ResponseWriter, r *http.Request) {
	c, err := s.f.CloudClient()
	if err != nil {
		s.fail(w, r, nil, "/cloud", err)
		return
	}
	slug := r.PathValue("org")
	if err := c.DeleteSnapshot(r.Context(), slug, r.PathValue("snapshot")); err != nil {
		s.fail(w, r, nil, orgHref(slug, "/snapshots/"+r.PathValue("snapshot")), err)
		return
	}
	http.Redirect(w, r, orgHref(slug, "/snapshots")+"?done=deleted", http.StatusSeeOther)
}

// wantsJSON reports whether a request comes from the page's script rather than a form.
func wantsJSON(r *http.Request) bool {
	return strings.Contains(r.Header.Get("Accept"), "application/json")
}

// safeBack returns back when it is a path of the UI itself, else def: a posted form must
// not redirect anywhere else.
func safeBack(back, def string) string {
	if !strings.HasPrefix(back, "/cloud/") || strings.HasPrefix(back, "//") || strings.ContainsAny(back, "\\\r\n") {
		return def
	}
	return back
}

// withQuery returns u with key=value added to its query.
func withQuery(u, key, value string) string {
	sep := "?"
	if strings.Contains(u, "?") {
		sep = "&"
	}
	return u + sep + key + "=" + url.QueryEscape(value)
}
