package apiclient

import (
	"context"
	"net/http"
	"net/url"

	"github.com/clonit/clonit/internal/api"
)

// Targets lists the org's shared targets, passwords masked (GET /api/v1/orgs/{org}/targets).
func (c *Client) Targets(ctx context.Context, org string) ([]api.Target, error) {
	out := []api.Target{}
	return out, c.do(ctx, http.MethodGet, orgPath(org)+"/targets", nil, &out)
}

// Target returns one shared target, passwords masked
// (GET /api/v1/orgs/{org}/targets/{target}).
func (c *Client) Target(ctx context.Context, org, name string) (*api.Target, error) {
	var out api.Target
	return &out, c.do(ctx, http.MethodGet, targetPath(org, name), nil, &out)
}

// CreateTarget adds a target to the org (POST /api/v1/orgs/{org}/targets).
func (c *Client) CreateTarget(ctx context.Context, org string, spec api.TargetSpec) (*api.Target, error) {
	var out api.Target
	return &out, c.do(ctx, http.MethodPost, orgPath(org)+"/targets", spec, &out)
}

// UpdateTarget replaces a target's settings (PUT /api/v1/orgs/{org}/targets/{target}).
func (c *Client) UpdateTarget(ctx context.Context, org string, spec api.TargetSpec) (*api.Target, error) {
	var out api.Target
	return &out, c.do(ctx, http.MethodPut, targetPath(org, spec.Name), spec, &out)
}

// DeleteTarget removes a target from the org (DELETE /api/v1/orgs/{org}/targets/{target}).
func (c *Client) DeleteTarget(ctx context.Context, org, name string) error {
	return c.do(ctx, http.MethodDelete, targetPath(org, name), nil, nil)
}

// RevealTarget returns a target with its passwords in plain text; the cloud records the
// reveal in its audit log (POST /api/v1/orgs/{org}/targets/{target}/reveal).
func (c *Client) RevealTarget(ctx context.Context, org, name string) (*api.Target, error) {
	var out api.Target
	return &out, c.do(ctx, http.MethodPost, targetPath(org, name)+"/reveal", nil, &out)
}

// StorageProfiles lists the org's shared storage profiles, secret keys masked
// (GET /api/v1/orgs/{org}/storage-profiles).
func (c *Client) StorageProfiles(ctx context.Context, org string) ([]api.StorageProfile, error) {
	out := []api.StorageProfile{}
	return out, c.do(ctx, http.MethodGet, orgPath(org)+"/storage-profiles", nil, &out)
}

// StorageProfile returns one shared storage profile, its secret key masked
// (GET /api/v1/orgs/{org}/storage-profiles/{profile}).
func (c *Client) StorageProfile(ctx context.Context, org, name string) (*api.StorageProfile, error) {
	var out api.StorageProfile
	return &out, c.do(ctx, http.MethodGet, profilePath(org, name), nil, &out)
}

// CreateStorageProfile adds a storage profile to the org
// (POST /api/v1/orgs/{org}/storage-profiles).
func (c *Client) CreateStorageProfile(ctx context.Context, org string, spec api.StorageProfileSpec) (*api.StorageProfile, error) {
	var out api.StorageProfile
	return &out, c.do(ctx, http.MethodPost, orgPath(org)+"/storage-profiles", spec, &out)
}

// UpdateStorageProfile replaces a storage profile's settings
// (PUT /api/v1/orgs/{org}/storage-profiles/{profile}).
func (c *Client) UpdateStorageProfile(ctx context.Context, org string, spec api.StorageProfileSpec) (*api.StorageProfile, error) {
	var out api.StorageProfile
	return &out, c.do(ctx, http.MethodPut, profilePath(org, spec.Name), spec, &out)
}

// DeleteStorageProfile removes a storage profile no target uses
// (DELETE /api/v1/orgs/{org}/storage-profiles/{profile}).
func (c *Client) DeleteStorageProfile(ctx context.Context, org, name string) error {
	return c.do(ctx, http.MethodDelete, profilePath(org, name), nil, nil)
}

// RevealStorageProfile returns a storage profile with its secret key; the cloud records
// the reveal in its audit log (POST /api/v1/orgs/{org}/storage-profiles/{profile}/reveal).
func (c *Client) RevealStorageProfile(ctx context.Context, org, name string) (*api.StorageProfile, error) {
	var out api.StorageProfile
	return &out, c.do(ctx, http.MethodPost, profilePath(org, name)+"/reveal", nil, &out)
}

func targetPath(org, name string) string {
	return orgPath(org) + "/targets/" + url.PathEscape(name)
}

func profilePath(org, name string) string {
	return orgPath(org) + "/storage-profiles/" + url.PathEscape(name)
}
