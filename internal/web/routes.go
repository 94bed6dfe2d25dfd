package web

import "net/http"

// routes registers every page and action. State changes are POSTs (plain HTML forms, so
// they work without JavaScript); secure checks their CSRF token before they get here.
func (s *Server) routes() {
	m := s.mux
	m.Handle("GET /static/", static())
	m.HandleFunc("GET /{$}", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "/targets", http.StatusSeeOther)
	})

	// Local: targets, their snapshots and jobs, storage profiles.
	m.HandleFunc("GET /targets", s.targetsPage)
	m.HandleFunc("GET /targets/{name}", s.targetPage)
	m.HandleFunc("POST /targets/{name}/build", s.buildAction)
	m.HandleFunc("POST /targets/{name}/load", s.loadAction)
	m.HandleFunc("POST /targets/{name}/push", s.pushAction)
	m.HandleFunc("POST /targets/{name}/sanitize", s.sanitizeAction)
	m.HandleFunc("GET /jobs/{id}", s.jobStatus)
	m.HandleFunc("GET /storage-profiles", s.profilesPage)

	// Cloud: the caller's org, as the agent's credential sees it.
	m.HandleFunc("GET /cloud", s.orgsPage)
	m.HandleFunc("GET /cloud/{org}", s.dashboardPage)
	m.HandleFunc("GET /cloud/{org}/snapshots", s.snapshotsPage)
	m.HandleFunc("GET /cloud/{org}/snapshots/{snapshot}", s.snapshotPage)
	m.HandleFunc("POST /cloud/{org}/snapshots/{snapshot}/share", s.shareAction)
	m.HandleFunc("POST /cloud/{org}/snapshots/{snapshot}/unshare", s.unshareAction)
	m.HandleFunc("POST /cloud/{org}/snapshots/{snapshot}/delete", s.deleteSnapshotAction)
	m.HandleFunc("GET /cloud/{org}/members", s.membersPage)
	m.HandleFunc("POST /cloud/{org}/members/{member}/role", s.setRoleAction)
	m.HandleFunc("POST /cloud/{org}/members/{member}/remove", s.removeMemberAction)
	m.HandleFunc("GET /cloud/{org}/settings", s.settingsPage)
	m.HandleFunc("POST /cloud/{org}/settings", s.updateOrgAction)
	m.HandleFunc("POST /cloud/{org}/transfer", s.transferAction)
	m.HandleFunc("POST /cloud/{org}/leave", s.leaveAction)
	m.HandleFunc("GET /cloud/{org}/invites", s.invitesPage)
	m.HandleFunc("POST /cloud/{org}/invites", s.createInvitesAction)
	m.HandleFunc("POST /cloud/{org}/invites/{invite}/revoke", s.revokeInviteAction)
	m.HandleFunc("GET /cloud/{org}/keys", s.keysPage)
	m.HandleFunc("POST /cloud/{org}/keys", s.createKeyAction)
	m.HandleFunc("POST /cloud/{org}/keys/{key}/revoke", s.revokeKeyAction)
	m.HandleFunc("GET /cloud/{org}/agents", s.agentsPage)
	m.HandleFunc("POST /cloud/{org}/agents/{agent}/remove", s.removeAgentAction)
	m.HandleFunc("GET /cloud/{org}/audit", s.auditPage)
}
