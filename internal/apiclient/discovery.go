package apiclient

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strings"

	"github.com/clonit/clonit/internal/errs"
)

// Discovery is the part of an OpenID Provider's discovery document the agent uses.
type Discovery struct {
	Issuer                      string   `json:"issuer"`
	AuthorizationEndpoint       string   `json:"authorization_endpoint"`
	TokenEndpoint               string   `json:"token_endpoint"`
	DeviceAuthorizationEndpoint string   `json:"device_authorization_endpoint"`
	ScopesSupported             []string `json:"scopes_supported"`
}

// Discover fetches <issuer>/.well-known/openid-configuration.
func Discover(ctx context.Context, h *http.Client, issuer string) (*Discovery, error) {
	if h == nil {
		h = http.DefaultClient
	}
	u := strings.TrimRight(issuer, "/") + "/.well-known/openid-configuration"
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return nil, errs.Invalid("sign-in service URL %q is not valid: check --auth-url", issuer)
	}
	req.Header.Set("User-Agent", UserAgent())
	req.Header.Set("Accept", "application/json")
	resp, err := h.Do(req)
	if err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		return nil, errs.Wrap(errs.ErrUnavailable, err, "cannot reach the sign-in service at %s: check --auth-url and your network", issuer)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, errs.E(errs.ErrUnavailable, "the sign-in service at %s has no OpenID discovery document (it answered %s): check --auth-url", issuer, resp.Status)
	}
	var d Discovery
	if err := json.NewDecoder(io.LimitReader(resp.Body, 1<<20)).Decode(&d); err != nil {
		return nil, errs.Wrap(errs.ErrUnavailable, err, "the sign-in service at %s sent a discovery document clonit cannot read: check --auth-url", issuer)
	}
	if d.TokenEndpoint == "" {
		return nil, errs.E(errs.ErrUnavailable, "the sign-in service at %s names no token endpoint: check --auth-url", issuer)
	}
	return &d, nil
}
