package apiclient

import (
	"context"
	"net/http"
	"net/url"
	"strconv"

	"github.com/clonit/clonit/internal/api"
)

// SnapshotQuery selects a page of the catalog.
type SnapshotQuery struct {
	// Shared keeps only the snapshots the caller's whole org may see (the Shared filter).
	Shared bool
	// Cursor is a previous page's NextCursor ("" for the first page).
	Cursor string
	// Limit is the page size (0: the server's default).
	Limit int
}

// ShareTarget names whom a share or unshare is about: exactly one of Org (the snapshot's
// whole org), Group (an identity-provider group) or ToOrg (another org's slug).
type ShareTarget struct {
	Org   bool
	Group string
	ToOrg string
}

// Snapshots returns one page of the cloud snapshots the caller may see in org, newest
// first (GET /api/v1/orgs/{org}/snapshots).
func (c *Client) Snapshots(ctx context.Context, org string, q SnapshotQuery) (*api.SnapshotPage, error) {
	v := url.Values{}
	if q.Shared {
		v.Set("shared", "true")
	}
	if q.Cursor != "" {
		v.Set("cursor", q.Cursor)
	}
	if q.Limit > 0 {
		v.Set("limit", strconv.Itoa(q.Limit))
	}
	p := orgPath(org) + "/snapshots"
	if len(v) > 0 {
		p += "?" + v.Encode()
	}
	var out api.SnapshotPage
	return &out, c.do(ctx, http.MethodGet, p, nil, &out)
}

// AllSnapshots returns every cloud snapshot the caller may see in org, newest first,
// following the cursor from page to page. shared applies the Shared filter.
func (c *Client) AllSnapshots(ctx context.Context, org string, shared bool) ([]api.CloudSnapshot, error) {
	out := []api.CloudSnapshot{}
	q := SnapshotQuery{Shared: shared, Limit: api.MaxSnapshotLimit}
	for {
		page, err := c.Snapshots(ctx, org, q)
		if err != nil {
			return nil, err
		}
		out = append(out, page.Snapshots...)
		if page.NextCursor == "" {
			return out, nil
		}
		q.Cursor = page.NextCursor
	}
}

// Snapshot returns one cloud snapshot with its shares; id may be a unique prefix
// (GET /api/v1/orgs/{org}/snapshots/{snapshot}).
func (c *Client) Snapshot(ctx context.Context, org, id string) (*api.CloudSnapshot, error) {
	var out api.CloudSnapshot
	return &out, c.do(ctx, http.MethodGet, snapshotPath(org, id), nil, &out)
}

// DeleteSnapshot deletes a cloud snapshot and its object
// (DELETE /api/v1/orgs/{org}/snapshots/{snapshot}).
func (c *Client) DeleteSnapshot(ctx context.Context, org, id string) error {
	return c.do(ctx, http.MethodDelete, snapshotPath(org, id), nil, nil)
}

// SnapshotDownload returns a short-lived URL to the snapshot's bytes and what to check
// them against (GET /api/v1/orgs/{org}/snapshots/{snapshot}/download).
func (c *Client) SnapshotDownload(ctx context.Context, org, id string) (*api.Download, error) {
	var out api.Download
	if err := c.do(ctx, http.MethodGet, snapshotPath(org, id)+"/download", nil, &out); err != nil {
		return nil, err
	}
	out.URL = c.resolve(out.URL)
	return &out, nil
}

// ShareSnapshot shares a snapshot with to and returns its shares
// (PUT /api/v1/orgs/{org}/snapshots/{snapshot}/shares/...).
func (c *Client) ShareSnapshot(ctx context.Context, org, id string, to ShareTarget) (*api.SnapshotShares, error) {
	var out api.SnapshotShares
	return &out, c.do(ctx, http.MethodPut, sharePath(org, id, to), nil, &out)
}

// UnshareSnapshot removes the share with to and returns the snapshot's shares
// (DELETE /api/v1/orgs/{org}/snapshots/{snapshot}/shares/...).
func (c *Client) UnshareSnapshot(ctx context.Context, org, id string, to ShareTarget) (*api.SnapshotShares, error) {
	var out api.SnapshotShares
	return &out, c.do(ctx, http.MethodDelete, sharePath(org, id, to), nil, &out)
}

// CreateUpload starts an upload and returns where to send the bytes
// (POST /api/v1/orgs/{org}/uploads). Relative URLs are resolved against the cloud's URL.
func (c *Client) CreateUpload(ctx context.Context, org string, req api.CreateUploadRequest) (*api.Upload, error) {
	var out api.Upload
	if err := c.do(ctx, http.MethodPost, orgPath(org)+"/uploads", req, &out); err != nil {
		return nil, err
	}
	if out.URL != "" {
		out.URL = c.resolve(out.URL)
	}
	for i := range out.Parts {
		out.Parts[i].URL = c.resolve(out.Parts[i].URL)
	}
	return &out, nil
}

// CompleteUpload asks the cloud to check the uploaded bytes and, when they match, to make
// the snapshot visible (POST /api/v1/orgs/{org}/uploads/{upload}/complete).
func (c *Client) CompleteUpload(ctx context.Context, org, id string) (*api.CloudSnapshot, error) {
	var out api.CloudSnapshot
	return &out, c.do(ctx, http.MethodPost, uploadPath(org, id)+"/complete", nil, &out)
}

// AbortUpload abandons an upload and removes what was sent
// (DELETE /api/v1/orgs/{org}/uploads/{upload}).
func (c *Client) AbortUpload(ctx context.Context, org, id string) error {
	return c.do(ctx, http.MethodDelete, uploadPath(org, id), nil, nil)
}

// snapshotPath is the path of one snapshot (or ID prefix) of org.
func snapshotPath(org, id string) string {
	return orgPath(org) + "/snapshots/" + url.PathEscape(id)
}

// uploadPath is the path of one upload of org.
func uploadPath(org, id string) string {
	return orgPath(org) + "/uploads/" + url.PathEscape(id)
}

// sharePath is the path of the share with to.
func sharePath(org, id string, to ShareTarget) string {
	p := snapshotPath(org, id) + "/shares/"
	switch {
	case to.Group != "":
		return p + "groups/" + url.PathEscape(to.Group)
	case to.ToOrg != "":
		return p + "orgs/" + url.PathEscape(to.ToOrg)
	}
	return p + "org"
}

// resolve returns u made absolute against the cloud's URL: the embedded storage hands out
// URLs relative to the server when it does not know its public URL.
func (c *Client) resolve(u string) string {
	ref, err := url.Parse(u)
	if err != nil || ref.IsAbs() {
		return u
	}
	return c.base.ResolveReference(ref).String()
}
