package apiclient

import (
	"context"
	"net/http"
	"net/url"

	"github.com/clonit/clonit/internal/api"
)

// WithAgent makes every request carry the registered agent's id (cloud.agent_id), so that
// the cloud records when this machine was last seen and with which version.
func WithAgent(id string) Option { return func(c *Client) { c.agent = id } }

// WithoutAgent returns a copy of c that sends no agent id: registering the machine again
// must not be refused because its previous registration was removed.
func (c *Client) WithoutAgent() *Client {
	cp := *c
	cp.agent = ""
	return &cp
}

// AgentID returns the agent id the client sends ("" when none).
func (c *Client) AgentID() string { return c.agent }

// Keys lists an org's live API keys (GET /api/v1/orgs/{org}/keys).
func (c *Client) Keys(ctx context.Context, org string) ([]api.APIKey, error) {
	var out []api.APIKey
	return out, c.do(ctx, http.MethodGet, orgPath(org)+"/keys", nil, &out)
}

// CreateKey creates an API key and returns it with its secret, which is never shown again
// (POST /api/v1/orgs/{org}/keys).
func (c *Client) CreateKey(ctx context.Context, org string, req api.CreateAPIKeyRequest) (*api.CreatedAPIKey, error) {
	var out api.CreatedAPIKey
	return &out, c.do(ctx, http.MethodPost, orgPath(org)+"/keys", req, &out)
}

// LoginKey provisions the caller's login key for org, revoking the previous one
// (POST /api/v1/orgs/{org}/keys/login).
func (c *Client) LoginKey(ctx context.Context, org, name string) (*api.CreatedAPIKey, error) {
	var out api.CreatedAPIKey
	return &out, c.do(ctx, http.MethodPost, orgPath(org)+"/keys/login", api.LoginKeyRequest{Name: name}, &out)
}

// RevokeLoginKey revokes the caller's login key in org, named by its secret
// (POST /api/v1/orgs/{org}/keys/login/revoke). A key already revoked is not an error.
func (c *Client) RevokeLoginKey(ctx context.Context, org, key string) error {
	return c.do(ctx, http.MethodPost, orgPath(org)+"/keys/login/revoke", api.RevokeLoginKeyRequest{Key: key}, nil)
}

// RevokeKey revokes an API key (DELETE /api/v1/orgs/{org}/keys/{key}).
func (c *Client) RevokeKey(ctx context.Context, org, id string) error {
	return c.do(ctx, http.MethodDelete, orgPath(org)+"/keys/"+url.PathEscape(id), nil, nil)
}

// Agents lists an org's registered agents (GET /api/v1/orgs/{org}/agents).
func (c *Client) Agents(ctx context.Context, org string) ([]api.Agent, error) {
	var out []api.Agent
	return out, c.do(ctx, http.MethodGet, orgPath(org)+"/agents", nil, &out)
}

// Agent returns one registered agent (GET /api/v1/orgs/{org}/agents/{agent}).
func (c *Client) Agent(ctx context.Context, org, id string) (*api.Agent, error) {
	var out api.Agent
	return &out, c.do(ctx, http.MethodGet, orgPath(org)+"/agents/"+url.PathEscape(id), nil, &out)
}

// RegisterAgent registers this machine (POST /api/v1/orgs/{org}/agents).
func (c *Client) RegisterAgent(ctx context.Context, org string, req api.RegisterAgentRequest) (*api.Agent, error) {
	var out api.Agent
	return &out, c.do(ctx, http.MethodPost, orgPath(org)+"/agents", req, &out)
}

// RemoveAgent removes an agent from the registry (DELETE /api/v1/orgs/{org}/agents/{agent}).
func (c *Client) RemoveAgent(ctx context.Context, org, id string) error {
	return c.do(ctx, http.MethodDelete, orgPath(org)+"/agents/"+url.PathEscape(id), nil, nil)
}
