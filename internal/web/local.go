package web

import (
	"encoding/json"
	"net/http"
	"net/url"

	"github.com/clonit/clonit/internal/agent"
	"github.com/clonit/clonit/internal/cmd/snapshotcmd"
	"github.com/clonit/clonit/internal/errs"
)

// targetsPage lists the local targets.
func (s *Server) targetsPage(w http.ResponseWriter, r *http.Request) {
	local, err := s.f.LocalStore()
	if err != nil {
		s.fail(w, r, nil, "", err)
		return
	}
	ts, err := local.Targets(r.Context())
	if err != nil {
		s.fail(w, r, nil, "", err)
		return
	}
	s.render(w, r, http.StatusOK, "targets", page{Title: "Targets", Section: "targets", Data: ts})
}

// snapshotRow is a snapshot of the target page with its index and the actions it offers.
type snapshotRow struct {
	Index int
	agent.Snapshot
	CanLoad, CanPush bool
	// CanSanitize offers sanitizing an original snapshot; CanPushCloud pushing to the cloud.
	CanSanitize, CanPushCloud bool
}

// targetData is the data of the target page.
type targetData struct {
	Target    agent.Target
	Snapshots []snapshotRow
	// RemoteError says why the storage profile could not be listed.
	RemoteError string
	// Running is the job in progress on the target, if any; Jobs the recent ones.
	Running *JobView
	Jobs    []JobView
}

// targetPage shows a target, its snapshots (local and in storage) with their actions, and
// its jobs.
func (s *Server) targetPage(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	env := snapshotcmd.NewEnv(s.f)
	cfg, local, t, err := env.Target(ctx, r.PathValue("name"))
	if err != nil {
		s.fail(w, r, nil, "/targets", err)
		return
	}
	l, err := env.List(ctx, cfg, local, t)
	if err != nil {
		s.fail(w, r, nil, "/targets", err)
		return
	}
	d := targetData{Target: t, Jobs: s.jobs.Recent(t.Name)}
	if l.RemoteErr != nil {
		d.RemoteError = errs.Public(l.RemoteErr, l.RemoteErr.Error())
	}
	for i, sn := range l.Snapshots {
		d.Snapshots = append(d.Snapshots, snapshotRow{Index: i, Snapshot: sn,
			CanLoad: sn.Local && t.DstURL != "", CanPush: sn.Local && t.StorageProfile != "",
			CanSanitize: sn.Local && sn.Type == agent.TypeSnapshot, CanPushCloud: sn.Local && cfg.Cloud.URL != "" && sn.CloudID == ""})
	}
	for i := range d.Jobs {
		if d.Jobs[i].State == JobRunning {
			d.Running = &d.Jobs[i]
			break
		}
	}
	s.render(w, r, http.StatusOK, "target", page{Title: t.Name, Section: "targets", Data: d})
}

// profilesPage lists the storage profiles, without their secrets.
func (s *Server) profilesPage(w http.ResponseWriter, r *http.Request) {
	local, err := s.f.LocalStore()
	if err != nil {
		s.fail(w, r, nil, "", err)
		return
	}
	ps, err := local.StorageProfiles(r.Context())
	if err != nil {
		s.fail(w, r, nil, "", err)
		return
	}
	for i := range ps {
		ps[i].AccessKey, ps[i].SecretKey = "", ""
	}
	s.render(w, r, http.StatusOK, "profiles", page{Title: "Storage profiles", Section: "profiles", Data: ps})
}

// buildAction starts a build of the target and returns to its page.
func (s *Server) buildAction(w http.ResponseWriter, r *http.Request) {
	name := r.PathValue("name")
	if _, err := s.f.LocalStore(); err != nil {
		s.fail(w, r, nil, "/targets", err)
		return
	}
	if _, err := s.startBuild(name); err != nil {
		s.fail(w, r, nil, targetHref(name), err)
		return
	}
	http.Redirect(w, r, targetHref(name), http.StatusSeeOther)
}

// loadAction starts loading the posted snapshot into the target's destination.
func (s *Server) loadAction(w http.ResponseWriter, r *http.Request) {
	name := r.PathValue("name")
	if _, err := s.startLoad(r.Context(), name, r.PostFormValue("snapshot")); err != nil {
		s.fail(w, r, nil, targetHref(name), err)
		return
	}
	http.Redirect(w, r, targetHref(name), http.StatusSeeOther)
}

// pushAction starts pushing the posted snapshot to the target's storage profile, or with
// to=cloud to the cloud org.
func (s *Server) pushAction(w http.ResponseWriter, r *http.Request) {
	name := r.PathValue("name")
	if _, err := s.startPush(r.Context(), name, r.PostFormValue("snapshot"), r.PostFormValue("to") == "cloud"); err != nil {
		s.fail(w, r, nil, targetHref(name), err)
		return
	}
	http.Redirect(w, r, targetHref(name), http.StatusSeeOther)
}

// sanitizeAction starts making a sanitized snapshot of the posted snapshot.
func (s *Server) sanitizeAction(w http.ResponseWriter, r *http.Request) {
	name := r.PathValue("name")
	if _, err := s.startSanitize(r.Context(), name, r.PostFormValue("snapshot")); err != nil {
		s.fail(w, r, nil, targetHref(name), err)
		return
	}
	http.Redirect(w, r, targetHref(name), http.StatusSeeOther)
}

// jobStatus answers a job's progress as JSON, for the page's script to poll.
func (s *Server) jobStatus(w http.ResponseWriter, r *http.Request) {
	j := s.jobs.Get(r.PathValue("id"))
	if j == nil {
		http.Error(w, `{"error":"no such job"}`, http.StatusNotFound)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(j.View())
}

func targetHref(name string) string { return "/targets/" + url.PathEscape(name) }
