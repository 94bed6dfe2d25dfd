// Package apiclient is the typed client of Clonit Cloud's REST API (internal/api). It is the
// only way the CLI and the local web UI reach the cloud: it picks the credential, refreshes
// an expired session, sends the User-Agent, and turns error bodies into errs kinds that carry
// the server's message.
package apiclient

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/clonit/clonit/internal/api"
	"github.com/clonit/clonit/internal/errs"
	"github.com/clonit/clonit/internal/version"
)

// Client calls one Clonit Cloud. It is safe for concurrent use.
type Client struct {
	base      *url.URL
	http      *http.Client
	cred      Credential
	userAgent string
	org       string
	agent     string // the registered agent's id, sent as api.AgentHeader
}

// Option configures a Client.
type Option func(*Client)

// WithHTTPClient sets the HTTP client (default: one with a 30 s timeout).
func WithHTTPClient(h *http.Client) Option { return func(c *Client) { c.http = h } }

// WithOrg sets the org slug that org-scoped helpers default to.
func WithOrg(slug string) Option { return func(c *Client) { c.org = slug } }

// UserAgent is the User-Agent header every request carries.
func UserAgent() string { return "clonit/" + version.Version }

// New returns a client of the cloud at baseURL authenticating with cred (nil: anonymous,
// which only the unauthenticated routes accept).
func New(baseURL string, cred Credential, opts ...Option) (*Client, error) {
	u, err := url.Parse(strings.TrimRight(baseURL, "/"))
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, errs.Invalid("cloud URL %q is not an http:// or https:// URL: fix cloud.url in the config or CLONIT_CLOUD__URL", baseURL)
	}
	c := &Client{base: u, http: &http.Client{Timeout: 30 * time.Second}, cred: cred, userAgent: UserAgent()}
	for _, o := range opts {
		o(c)
	}
	return c, nil
}

// BaseURL returns the cloud's URL.
func (c *Client) BaseURL() string { return c.base.String() }

// Credential returns the credential the client sends (nil when anonymous).
func (c *Client) Credential() Credential { return c.cred }

// HTTPClient returns the HTTP client the client uses, for flows (sign-in) that talk to the
// cloud's auth service directly.
func (c *Client) HTTPClient() *http.Client { return c.http }

// DefaultOrg returns the org slug commands act on unless told otherwise ("" when none).
func (c *Client) DefaultOrg() string { return c.org }

// do sends a request to path with in as its JSON body (nil: none) and decodes a 2xx JSON
// answer into out (nil: ignore it). An expired session is refreshed first; a 401 with a
// session is retried once after a forced refresh.
func (c *Client) do(ctx context.Context, method, path string, in, out any) error {
	var body []byte
	if in != nil {
		b, err := json.Marshal(in)
		if err != nil {
			return fmt.Errorf("encode request: %w", err)
		}
		body = b
	}
	resp, err := c.send(ctx, method, path, body, false)
	if err != nil {
		return err
	}
	if resp.StatusCode == http.StatusUnauthorized && c.cred != nil && c.cred.CanRefresh() {
		resp.Body.Close()
		if resp, err = c.send(ctx, method, path, body, true); err != nil {
			return err
		}
	}
	defer resp.Body.Close()
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return c.decodeError(resp)
	}
	if out == nil || resp.StatusCode == http.StatusNoContent {
		return nil
	}
	if err := json.NewDecoder(resp.Body).Decode(out); err != nil {
		return errs.Wrap(errs.ErrUnavailable, err, "Clonit Cloud at %s sent an answer clonit cannot read: check that cloud.url points at Clonit Cloud", c.base)
	}
	return nil
}

func (c *Client) send(ctx context.Context, method, path string, body []byte, forceRefresh bool) (*http.Response, error) {
	req, err := http.NewRequestWithContext(ctx, method, c.base.String()+path, bytes.NewReader(body))
	if err != nil {
		return nil, fmt.Errorf("build request: %w", err)
	}
	req.Header.Set("User-Agent", c.userAgent)
	req.Header.Set("Accept", "application/json")
	if c.agent != "" {
		req.Header.Set(api.AgentHeader, c.agent)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if c.cred != nil {
		bearer, err := c.cred.Bearer(ctx, forceRefresh)
		if err != nil {
			return nil, err
		}
		req.Header.Set("Authorization", "Bearer "+bearer)
	}
	resp, err := c.http.Do(req)
	if err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		return nil, errs.Wrap(errs.ErrUnavailable, err, "cannot reach Clonit Cloud at %s: check cloud.url and that the server is running", c.base)
	}
	return resp, nil
}

// codeKinds maps api.Error codes to error kinds.
var codeKinds = map[string]error{
	"not_found":       errs.ErrNotFound,
	"forbidden":       errs.ErrPermission,
	"conflict":        errs.ErrConflict,
	"invalid":         errs.ErrInvalid,
	"unauthenticated": errs.ErrUnauthenticated,
	"rate_limited":    errs.ErrRateLimited,
	"unavailable":     errs.ErrUnavailable,
}

// statusKinds maps statuses to kinds when the body is not an api.Error.
var statusKinds = map[int]error{
	http.StatusNotFound:            errs.ErrNotFound,
	http.StatusForbidden:           errs.ErrPermission,
	http.StatusConflict:            errs.ErrConflict,
	http.StatusBadRequest:          errs.ErrInvalid,
	http.StatusUnprocessableEntity: errs.ErrInvalid,
	http.StatusUnauthorized:        errs.ErrUnauthenticated,
	http.StatusTooManyRequests:     errs.ErrRateLimited,
	http.StatusBadGateway:          errs.ErrUnavailable,
	http.StatusServiceUnavailable:  errs.ErrUnavailable,
	http.StatusGatewayTimeout:      errs.ErrUnavailable,
}

// decodeError turns a non-2xx answer into an error of the matching kind whose public message
// is the server's.
func (c *Client) decodeError(resp *http.Response) error {
	data, _ := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
	var e api.Error
	if json.Unmarshal(data, &e) != nil || e.Message == "" {
		e = api.Error{Status: resp.StatusCode, Message: fmt.Sprintf("Clonit Cloud answered %s", resp.Status)}
	}
	kind, ok := codeKinds[e.Code]
	if !ok {
		kind = statusKinds[resp.StatusCode]
	}
	msg := e.Message
	if errors.Is(kind, errs.ErrUnauthenticated) && c.cred != nil {
		msg += " (" + c.cred.Hint() + ")"
	}
	if kind == nil {
		return &errs.Error{Kind: errUnknown, Msg: msg}
	}
	return &errs.Error{Kind: kind, Msg: msg}
}

// errUnknown is the kind of server errors outside the errs kinds (500 internal); it maps to
// the generic exit code.
var errUnknown = errors.New("cloud error")
