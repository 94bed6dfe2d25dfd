package apiclient

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"net/http"
	"strings"

	"github.com/clonit/clonit/internal/api"
	"github.com/clonit/clonit/internal/errs"
)

// PushSnapshot uploads a snapshot to the org's managed storage: it starts an upload for
// req, streams exactly req.Size bytes of r to the presigned URL (or to each part's URL in
// turn, so that memory stays bounded whatever the size), and completes the upload, which
// makes the cloud check size and checksum. On any failure the upload is aborted. Wrap r to
// show progress.
func (c *Client) PushSnapshot(ctx context.Context, org string, req api.CreateUploadRequest, r io.Reader) (*api.CloudSnapshot, error) {
	return c.PushSnapshotChecked(ctx, org, req, r, nil)
}

// PushSnapshotChecked is PushSnapshot for bytes that are hashed while they are sent, req
// announcing what they are expected to be (what an earlier archive of the snapshot was):
// once req.Size bytes are sent, check says whether they were those, and the upload is
// completed only when it returns nil; otherwise it is aborted and check's error returned.
// The cloud checks what storage holds against req in any case.
func (c *Client) PushSnapshotChecked(ctx context.Context, org string, req api.CreateUploadRequest, r io.Reader, check func() error) (*api.CloudSnapshot, error) {
	up, err := c.CreateUpload(ctx, org, req)
	if err != nil {
		return nil, err
	}
	err = c.sendUpload(ctx, up, req.Size, r)
	if err == nil && check != nil {
		err = check()
	}
	if err != nil {
		_ = c.AbortUpload(context.WithoutCancel(ctx), org, up.ID)
		return nil, err
	}
	snap, err := c.CompleteUpload(ctx, org, up.ID)
	if err != nil {
		return nil, err
	}
	return snap, nil
}

// sendUpload sends size bytes of r to up's URL or parts.
func (c *Client) sendUpload(ctx context.Context, up *api.Upload, size int64, r io.Reader) error {
	if len(up.Parts) == 0 {
		return c.Upload(ctx, up.URL, r, size)
	}
	for _, p := range up.Parts {
		if err := c.Upload(ctx, p.URL, r, p.Size); err != nil {
			return fmt.Errorf("part %d of %d: %w", p.Number, len(up.Parts), err)
		}
	}
	return nil
}

// PullSnapshot downloads a snapshot the caller may see (id may be a unique prefix) from
// the org's managed storage into w, checking its size and SHA-256 against the catalog as
// the bytes stream by. It returns the snapshot once they match; a mismatch is an error
// and w then holds damaged bytes that the caller must discard. Wrap w to show progress.
func (c *Client) PullSnapshot(ctx context.Context, org, id string, w io.Writer) (*api.CloudSnapshot, error) {
	d, err := c.SnapshotDownload(ctx, org, id)
	if err != nil {
		return nil, err
	}
	h := sha256.New()
	n, err := c.Download(ctx, d.URL, io.MultiWriter(w, h))
	if err != nil {
		return nil, err
	}
	s := d.Snapshot
	if sum := hex.EncodeToString(h.Sum(nil)); n != s.Size || sum != s.SHA256 {
		return nil, errs.E(errs.ErrUnavailable, "the download of snapshot %s does not match the catalog (got %d bytes with SHA-256 %s, want %d bytes with %s): pull again",
			short(s.ID), n, short(sum), s.Size, short(s.SHA256))
	}
	return &s, nil
}

// Upload PUTs the first size bytes of r to a presigned URL. It sends no credential: the URL
// is the authorization.
func (c *Client) Upload(ctx context.Context, rawURL string, r io.Reader, size int64) error {
	body := io.NopCloser(io.LimitReader(r, size))
	if size == 0 {
		body = http.NoBody
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPut, c.resolve(rawURL), body)
	if err != nil {
		return fmt.Errorf("build upload request: %w", err)
	}
	req.ContentLength = size
	req.Header.Set("Content-Type", "application/octet-stream")
	resp, err := c.transfer().Do(req)
	if err != nil {
		return c.transferError(ctx, "upload", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return storageRefused("upload", resp)
	}
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	return nil
}

// Download GETs a presigned URL into w and returns how many bytes it wrote.
func (c *Client) Download(ctx context.Context, rawURL string, w io.Writer) (int64, error) {
	body, err := c.OpenDownload(ctx, rawURL)
	if err != nil {
		return 0, err
	}
	defer body.Close()
	return io.Copy(w, body)
}

// OpenDownload GETs a presigned URL and returns the body of the answer, for the caller to
// read as it goes and close. A read that fails returns the error Download would.
func (c *Client) OpenDownload(ctx context.Context, rawURL string) (io.ReadCloser, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, c.resolve(rawURL), nil)
	if err != nil {
		return nil, fmt.Errorf("build download request: %w", err)
	}
	resp, err := c.transfer().Do(req)
	if err != nil {
		return nil, c.transferError(ctx, "download", err)
	}
	if resp.StatusCode != http.StatusOK {
		defer resp.Body.Close()
		return nil, storageRefused("download", resp)
	}
	return &downloadBody{ReadCloser: resp.Body, c: c, ctx: ctx}, nil
}

// downloadBody reports a failed read of a download as a failed transfer.
type downloadBody struct {
	io.ReadCloser
	c   *Client
	ctx context.Context
}

func (d *downloadBody) Read(p []byte) (int, error) {
	n, err := d.ReadCloser.Read(p)
	if err != nil && err != io.EOF {
		err = d.c.transferError(d.ctx, "download", err)
	}
	return n, err
}

// transfer returns the HTTP client for presigned URLs: the API client's transport without
// its overall timeout, since moving a large snapshot takes as long as it takes.
func (c *Client) transfer() *http.Client {
	return &http.Client{Transport: c.http.Transport}
}

// transferError reports a failed transfer to storage.
func (c *Client) transferError(ctx context.Context, what string, err error) error {
	if ctx.Err() != nil {
		return ctx.Err()
	}
	return errs.Wrap(errs.ErrUnavailable, err, "the %s to the organization's storage failed: check the connection and try again", what)
}

// storageRefused reports a non-2xx answer of storage to a presigned URL, with the start of
// its body (an S3 error code or the cloud's message), never the URL and its signature.
func storageRefused(what string, resp *http.Response) error {
	b, _ := io.ReadAll(io.LimitReader(resp.Body, 4<<10))
	detail := strings.Join(strings.Fields(string(b)), " ")
	if len(detail) > 200 {
		detail = detail[:200] + "…"
	}
	kind := errs.ErrUnavailable
	if resp.StatusCode == http.StatusForbidden || resp.StatusCode == http.StatusUnauthorized {
		kind = errs.ErrPermission
	}
	return errs.Wrap(kind, fmt.Errorf("%s", detail), "storage refused the %s (%s): the link may have expired; run the command again", what, resp.Status)
}

// short returns the first 12 characters of an ID or checksum, for messages.
func short(s string) string {
	if len(s) > 12 {
		return s[:12]
	}
	return s
}
