package apiclient

import (
	"context"
	"net/http"
	"net/url"

	"github.com/clonit/clonit/internal/api"
)

// Invites lists an org's live join codes, never their digits (GET /api/v1/orgs/{org}/invites).
func (c *Client) Invites(ctx context.Context, org string) ([]api.Invite, error) {
	var out []api.Invite
	return out, c.do(ctx, http.MethodGet, orgPath(org)+"/invites", nil, &out)
}

// CreateInvites creates join codes; the answer is the only place their digits appear
// (POST /api/v1/orgs/{org}/invites).
func (c *Client) CreateInvites(ctx context.Context, org string, req api.CreateInvitesRequest) (*api.CreatedInvites, error) {
	var out api.CreatedInvites
	return &out, c.do(ctx, http.MethodPost, orgPath(org)+"/invites", req, &out)
}

// RevokeInvite revokes a live join code by its id (DELETE /api/v1/orgs/{org}/invites/{invite}).
func (c *Client) RevokeInvite(ctx context.Context, org, id string) error {
	return c.do(ctx, http.MethodDelete, orgPath(org)+"/invites/"+url.PathEscape(id), nil, nil)
}

// Join redeems a join code of the org with slug org and returns the org with the caller's
// new role (POST /api/v1/join).
func (c *Client) Join(ctx context.Context, org, code string) (*api.OrgSummary, error) {
	var out api.OrgSummary
	return &out, c.do(ctx, http.MethodPost, "/api/v1/join", api.JoinRequest{Org: org, Code: code}, &out)
}

// TransferOwnership hands the org's ownership to an admin, with the re-typed confirmations
// (POST /api/v1/orgs/{org}/transfer).
func (c *Client) TransferOwnership(ctx context.Context, org string, req api.TransferRequest) (*api.Org, error) {
	var out api.Org
	return &out, c.do(ctx, http.MethodPost, orgPath(org)+"/transfer", req, &out)
}

// LeaveOrg takes the caller out of the org (POST /api/v1/orgs/{org}/leave).
func (c *Client) LeaveOrg(ctx context.Context, org string) error {
	return c.do(ctx, http.MethodPost, orgPath(org)+"/leave", nil, nil)
}
