package login

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"golang.org/x/oauth2"

	"github.com/clonit/clonit/internal/api"
	"github.com/clonit/clonit/internal/apiclient"
	"github.com/clonit/clonit/internal/errs"
)

// flow is the resolved sign-in service: its issuer and the OAuth client to use with it.
type flow struct {
	issuer string
	conf   oauth2.Config
}

// resolveFlow asks the cloud how to sign in (GET /api/v1/auth/config), applies the flags,
// and discovers the endpoints the cloud did not name.
func resolveFlow(ctx context.Context, opts *Options, base string) (*flow, error) {
	anon, err := apiclient.New(base, nil, apiclient.WithHTTPClient(opts.HTTPClient))
	if err != nil {
		return nil, err
	}
	ac, err := anon.AuthConfig(ctx)
	if err != nil {
		if opts.AuthURL == "" || opts.ClientID == "" {
			return nil, err
		}
		ac = &api.AuthConfig{}
	}
	issuer := ac.Issuer
	if issuer == "" {
		issuer = ac.AuthURL
	}
	deviceURL, tokenURL, offered := ac.DeviceAuthorizationEndpoint, ac.TokenEndpoint, ac.Scopes
	if opts.AuthURL != "" && strings.TrimRight(opts.AuthURL, "/") != strings.TrimRight(issuer, "/") {
		issuer, deviceURL, tokenURL, offered = opts.AuthURL, "", "", nil
	}
	clientID := ac.ClientID
	if opts.ClientID != "" {
		clientID = opts.ClientID
	}
	if issuer == "" {
		return nil, errs.E(errs.ErrUnavailable, "the cloud at %s names no sign-in service: pass --auth-url and --client-id", base)
	}
	if clientID == "" {
		return nil, errs.Invalid("the cloud at %s names no OAuth client for clonit: pass --client-id", base)
	}
	if deviceURL == "" || tokenURL == "" {
		d, err := apiclient.Discover(ctx, opts.HTTPClient, issuer)
		if err != nil {
			return nil, err
		}
		deviceURL, tokenURL = d.DeviceAuthorizationEndpoint, d.TokenEndpoint
		offered = append(offered, d.ScopesSupported...)
	}
	if deviceURL == "" {
		return nil, errs.E(errs.ErrUnavailable, "the sign-in service at %s does not offer the device authorization grant that `clonit login` uses: use an API key (cloud.api_key) or an access token (CLONIT_CLOUD__TOKEN) instead", issuer)
	}
	return &flow{issuer: issuer, conf: oauth2.Config{
		ClientID: clientID,
		Endpoint: oauth2.Endpoint{DeviceAuthURL: deviceURL, TokenURL: tokenURL, AuthStyle: oauth2.AuthStyleInParams},
		Scopes:   scopes(opts.Scope, offered),
	}}, nil
}

// deviceGrant runs RFC 8628: it asks for a device code, shows the user code and the URL on
// stderr (opening a browser when it may), and polls until the person has signed in.
func deviceGrant(ctx context.Context, opts *Options, fl *flow) (*oauth2.Token, error) {
	octx := context.WithValue(ctx, oauth2.HTTPClient, opts.HTTPClient)
	da, err := fl.conf.DeviceAuth(octx)
	if err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		switch errorCode(err) {
		case "invalid_client", "unauthorized_client":
			return nil, errs.Wrap(errs.ErrInvalid, err, "the sign-in service at %s does not know client id %q: check --client-id", fl.issuer, fl.conf.ClientID)
		case "invalid_scope":
			return nil, errs.Wrap(errs.ErrInvalid, err, "the sign-in service at %s refused the scopes %q: check --scope", fl.issuer, strings.Join(fl.conf.Scopes, " "))
		}
		return nil, errs.Wrap(errs.ErrUnavailable, err, "cannot start sign-in at %s: check that the sign-in service is running", fl.issuer)
	}
	fmt.Fprintf(opts.IO.ErrOut, "To sign in, open %s in a browser and enter the code %s\n", da.VerificationURI, da.UserCode)
	if !opts.NoBrowser && opts.IO.CanPrompt() {
		target := da.VerificationURIComplete
		if target == "" {
			target = da.VerificationURI
		}
		if opts.OpenBrowser(target) != nil {
			opts.IO.Infof("Could not open a browser; open the URL above yourself.")
		}
	}
	opts.IO.Infof("Waiting for you to sign in...")
	tok, err := fl.conf.DeviceAccessToken(octx, da)
	if err == nil {
		return tok, nil
	}
	if ctx.Err() != nil {
		return nil, ctx.Err()
	}
	switch {
	case errors.Is(err, context.DeadlineExceeded), errorCode(err) == "expired_token":
		return nil, errs.Wrap(errs.ErrUnauthenticated, err, "the code %s expired before you signed in: run `clonit login` again", da.UserCode)
	case errorCode(err) == "access_denied":
		return nil, errs.Wrap(errs.ErrUnauthenticated, err, "sign-in was denied: run `clonit login` again")
	case errorCode(err) != "":
		return nil, errs.Wrap(errs.ErrUnauthenticated, err, "the sign-in service refused to issue a token (%s): run `clonit login` again", errorCode(err))
	}
	return nil, errs.Wrap(errs.ErrUnavailable, err, "lost the sign-in service at %s while waiting: run `clonit login` again", fl.issuer)
}
