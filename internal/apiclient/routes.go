package apiclient

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strconv"

	"github.com/clonit/clonit/internal/api"
	"github.com/clonit/clonit/internal/errs"
)

// Health calls GET /healthz: nil when the process is up.
func (c *Client) Health(ctx context.Context) error {
	return c.do(ctx, http.MethodGet, "/healthz", nil, nil)
}

// Ready calls GET /readyz: nil when the cloud can serve requests (its database answers).
func (c *Client) Ready(ctx context.Context) error {
	return c.do(ctx, http.MethodGet, "/readyz", nil, nil)
}

// Metrics returns the Prometheus text of GET /metrics.
func (c *Client) Metrics(ctx context.Context) (string, error) {
	resp, err := c.send(ctx, http.MethodGet, "/metrics", nil, false)
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return "", c.decodeError(resp)
	}
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return "", errs.Wrap(errs.ErrUnavailable, err, "read metrics from %s", c.base)
	}
	return string(b), nil
}

// OpenAPI returns the OpenAPI document of GET /api/v1/openapi.json.
func (c *Client) OpenAPI(ctx context.Context) (json.RawMessage, error) {
	var doc json.RawMessage
	err := c.do(ctx, http.MethodGet, "/api/v1/openapi.json", nil, &doc)
	return doc, err
}

// AuthConfig returns how to sign in (GET /api/v1/auth/config).
func (c *Client) AuthConfig(ctx context.Context) (*api.AuthConfig, error) {
	var out api.AuthConfig
	return &out, c.do(ctx, http.MethodGet, "/api/v1/auth/config", nil, &out)
}

// Me returns the caller's identity and orgs (GET /api/v1/me).
func (c *Client) Me(ctx context.Context) (*api.Me, error) {
	var out api.Me
	return &out, c.do(ctx, http.MethodGet, "/api/v1/me", nil, &out)
}

// Orgs lists the caller's orgs (GET /api/v1/orgs).
func (c *Client) Orgs(ctx context.Context) ([]api.OrgSummary, error) {
	var out []api.OrgSummary
	return out, c.do(ctx, http.MethodGet, "/api/v1/orgs", nil, &out)
}

// CreateOrg creates an org whose first owner is the caller (POST /api/v1/orgs).
func (c *Client) CreateOrg(ctx context.Context, req api.CreateOrgRequest) (*api.Org, error) {
	var out api.Org
	return &out, c.do(ctx, http.MethodPost, "/api/v1/orgs", req, &out)
}

// Org returns an org's profile and leadership (GET /api/v1/orgs/{org}).
func (c *Client) Org(ctx context.Context, org string) (*api.Org, error) {
	var out api.Org
	return &out, c.do(ctx, http.MethodGet, orgPath(org), nil, &out)
}

// UpdateOrg changes an org's profile (PATCH /api/v1/orgs/{org}).
func (c *Client) UpdateOrg(ctx context.Context, org string, req api.UpdateOrgRequest) (*api.Org, error) {
	var out api.Org
	return &out, c.do(ctx, http.MethodPatch, orgPath(org), req, &out)
}

// Members lists an org's members (GET /api/v1/orgs/{org}/members).
func (c *Client) Members(ctx context.Context, org string) ([]api.Member, error) {
	var out []api.Member
	return out, c.do(ctx, http.MethodGet, orgPath(org)+"/members", nil, &out)
}

// SetRole changes a member's role; member is a user id or an email
// (PATCH /api/v1/orgs/{org}/members/{member}).
func (c *Client) SetRole(ctx context.Context, org, member, role string) (*api.Member, error) {
	var out api.Member
	return &out, c.do(ctx, http.MethodPatch, memberPath(org, member), api.SetRoleRequest{Role: role}, &out)
}

// RemoveMember removes a member from an org (DELETE /api/v1/orgs/{org}/members/{member}).
func (c *Client) RemoveMember(ctx context.Context, org, member string) error {
	return c.do(ctx, http.MethodDelete, memberPath(org, member), nil, nil)
}

// Audit returns a page of an org's audit log, newest first: before is the NextBefore of the
// previous page (0: the newest), limit the page size (0: the server's default).
func (c *Client) Audit(ctx context.Context, org string, before int64, limit int) (*api.AuditPage, error) {
	q := url.Values{}
	if before > 0 {
		q.Set("before", strconv.FormatInt(before, 10))
	}
	if limit > 0 {
		q.Set("limit", strconv.Itoa(limit))
	}
	p := orgPath(org) + "/audit"
	if len(q) > 0 {
		p += "?" + q.Encode()
	}
	var out api.AuditPage
	return &out, c.do(ctx, http.MethodGet, p, nil, &out)
}

func orgPath(org string) string { return "/api/v1/orgs/" + url.PathEscape(org) }

func memberPath(org, member string) string {
	return orgPath(org) + "/members/" + url.PathEscape(member)
}
