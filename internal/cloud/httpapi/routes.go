package httpapi

import (
	"net/http"

	"github.com/clonit/clonit/internal/cloud/authz"
)

// route is one entry of the API: its pattern, who may call it, and what it does.
type route struct {
	pattern string
	access  access
	handle  handlerFunc
}

// handlerFunc serves one route for a caller already authenticated and authorized as the
// route's access demands. It returns errors; fail answers them.
type handlerFunc func(w http.ResponseWriter, r *http.Request, c *call) error

// routes is the whole API on one screen. Routes under /orgs/{org}/ name the least action
// the caller's role must allow (authz.Can); the handlers apply the finer rules of
// authz.RoleChange and authz.Removal inside the org's transaction.
func (a *API) routes() []route {
	return []route{
		{"GET /healthz", anyone, a.healthz},
		{"GET /readyz", anyone, a.readyz},
		{"GET /metrics", anyone, a.metrics},
		{"/oauth/", anyone, a.builtinOAuth},
		{"GET /api/v1/openapi.json", anyone, a.openAPI},
		{"GET /api/v1/auth/config", anyone, a.authConfig},
		{"GET /api/v1/me", signedIn, a.me},
		{"GET /api/v1/orgs", signedIn, a.listOrgs},
		{"POST /api/v1/orgs", signedIn, a.createOrg},
		{"GET /api/v1/orgs/{org}", can(authz.ViewOrg), a.showOrg},
		{"PATCH /api/v1/orgs/{org}", can(authz.UpdateOrg), a.updateOrg},
		{"GET /api/v1/orgs/{org}/members", can(authz.ViewOrg), a.listMembers},
		{"PATCH /api/v1/orgs/{org}/members/{member}", can(authz.ChangeRoles), a.setRole},
		{"DELETE /api/v1/orgs/{org}/members/{member}", can(authz.ViewOrg), a.removeMember}, // anyone may leave
		{"GET /api/v1/orgs/{org}/audit", can(authz.ViewAudit), a.listAudit},
		{"GET /api/v1/orgs/{org}/invites", can(authz.InviteMembers), a.listInvites},
		{"POST /api/v1/orgs/{org}/invites", can(authz.InviteMembers), a.createInvites}, // admin codes: owners, in the handler
		{"DELETE /api/v1/orgs/{org}/invites/{invite}", can(authz.InviteMembers), a.revokeInvite},
		{"POST /api/v1/orgs/{org}/transfer", can(authz.TransferOwner), a.transferOwnership},
		{"POST /api/v1/orgs/{org}/leave", can(authz.ViewOrg), a.leaveOrg},
		{"POST /api/v1/join", signedIn, a.join}, // not a member yet: the handler resolves the org
		{"GET /api/v1/orgs/{org}/keys", can(authz.ManageAPIKeys), a.listKeys},
		{"POST /api/v1/orgs/{org}/keys", can(authz.ManageAPIKeys), a.createKey},
		{"POST /api/v1/orgs/{org}/keys/login", can(authz.LoginKey), a.loginKey},
		{"POST /api/v1/orgs/{org}/keys/login/revoke", can(authz.LoginKey), a.revokeLoginKey},
		{"DELETE /api/v1/orgs/{org}/keys/{key}", can(authz.ManageAPIKeys), a.revokeKey},
		{"GET /api/v1/orgs/{org}/agents", can(authz.ViewOrg), a.listAgents},
		{registerPattern, can(authz.RegisterAgent), a.registerAgent},
		{"GET /api/v1/orgs/{org}/agents/{agent}", can(authz.ViewOrg), a.showAgent},
		{"DELETE /api/v1/orgs/{org}/agents/{agent}", can(authz.RemoveAgents), a.removeAgent},
		{"GET /api/v1/orgs/{org}/targets", can(authz.ViewOrg), a.listTargets},
		{"POST /api/v1/orgs/{org}/targets", can(authz.ManageTargets), a.createTarget},
		{"GET /api/v1/orgs/{org}/targets/{target}", can(authz.ViewOrg), a.showTarget},
		{"PUT /api/v1/orgs/{org}/targets/{target}", can(authz.ManageTargets), a.updateTarget},
		{"DELETE /api/v1/orgs/{org}/targets/{target}", can(authz.ManageTargets), a.deleteTarget},
		{"POST /api/v1/orgs/{org}/targets/{target}/reveal", can(authz.RevealSecrets), a.revealTarget},
		{"GET /api/v1/orgs/{org}/storage-profiles", can(authz.ViewOrg), a.listStorageProfiles},
		{"POST /api/v1/orgs/{org}/storage-profiles", can(authz.ManageStorage), a.createStorageProfile},
		{"GET /api/v1/orgs/{org}/storage-profiles/{profile}", can(authz.ViewOrg), a.showStorageProfile},
		{"PUT /api/v1/orgs/{org}/storage-profiles/{profile}", can(authz.ManageStorage), a.updateStorageProfile},
		{"DELETE /api/v1/orgs/{org}/storage-profiles/{profile}", can(authz.ManageStorage), a.deleteStorageProfile},
		{"POST /api/v1/orgs/{org}/storage-profiles/{profile}/reveal", can(authz.RevealSecrets), a.revealStorageProfile},
		{"GET /api/v1/orgs/{org}/snapshots", can(authz.ViewOrg), a.listSnapshots},
		{"GET /api/v1/orgs/{org}/snapshots/{snapshot}", can(authz.ViewOrg), a.showSnapshot},
		{"GET /api/v1/orgs/{org}/snapshots/{snapshot}/download", can(authz.PullSnapshots), a.downloadSnapshot},
		// Deleting and sharing: any role reaches the snapshot; its role is checked once the
		// caller is known to see it, so that what they may not see answers 404 (§3.6).
		{"DELETE /api/v1/orgs/{org}/snapshots/{snapshot}", can(authz.ReachSnapshots), a.deleteSnapshot},
		{"PUT /api/v1/orgs/{org}/snapshots/{snapshot}/shares/org", can(authz.ReachSnapshots), a.shareWithOrg},
		{"DELETE /api/v1/orgs/{org}/snapshots/{snapshot}/shares/org", can(authz.ReachSnapshots), a.unshareWithOrg},
		{"PUT /api/v1/orgs/{org}/snapshots/{snapshot}/shares/groups/{group}", can(authz.ReachSnapshots), a.shareWithGroup},
		{"DELETE /api/v1/orgs/{org}/snapshots/{snapshot}/shares/groups/{group}", can(authz.ReachSnapshots), a.unshareWithGroup},
		{"PUT /api/v1/orgs/{org}/snapshots/{snapshot}/shares/orgs/{to}", can(authz.ReachSnapshots), a.shareWithOtherOrg},
		{"DELETE /api/v1/orgs/{org}/snapshots/{snapshot}/shares/orgs/{to}", can(authz.ReachSnapshots), a.unshareWithOtherOrg},
		{"POST /api/v1/orgs/{org}/uploads", can(authz.PushSnapshots), a.createUpload},
		{"POST /api/v1/orgs/{org}/uploads/{upload}/complete", can(authz.PushSnapshots), a.completeUpload},
		{"DELETE /api/v1/orgs/{org}/uploads/{upload}", can(authz.PushSnapshots), a.abortUpload},
		{"GET " + blobMount, anyone, a.serveBlob}, // the embedded storage's signed URLs
		{"PUT " + blobMount, anyone, a.serveBlob},
		{"/api/", anyone, a.noRoute},
	}
}
