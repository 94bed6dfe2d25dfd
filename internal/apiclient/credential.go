package apiclient

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"sync"
	"time"

	"golang.org/x/oauth2"

	"github.com/clonit/clonit/internal/agent"
	"github.com/clonit/clonit/internal/errs"
)

// The kinds of credential, as Credential.Kind names them.
const (
	KindAPIKey  = "apikey"
	KindToken   = "token"
	KindSession = "session"
)

// Credential supplies the bearer of each request.
type Credential interface {
	// Kind is KindAPIKey, KindToken or KindSession.
	Kind() string
	// Bearer returns the token to send; refresh asks a session to renew itself first.
	Bearer(ctx context.Context, refresh bool) (string, error)
	// CanRefresh reports whether a refused bearer may be renewed and the request retried.
	CanRefresh() bool
	// Hint tells the user how to fix a credential the cloud refused.
	Hint() string
}

// staticCredential is a bearer that never changes: an API key or a token for scripts.
type staticCredential struct{ kind, value, hint string }

func (c staticCredential) Kind() string                                 { return c.kind }
func (c staticCredential) Bearer(context.Context, bool) (string, error) { return c.value, nil }
func (c staticCredential) CanRefresh() bool                             { return false }
func (c staticCredential) Hint() string                                 { return c.hint }

// APIKey returns a credential that sends an API key (cloud.api_key).
func APIKey(key string) Credential {
	return staticCredential{KindAPIKey, key, "check cloud.api_key or CLONIT_CLOUD__API_KEY"}
}

// Token returns a credential that sends an access token (cloud.token, CLONIT_CLOUD__TOKEN).
func Token(tok string) Credential {
	return staticCredential{KindToken, tok, "check CLONIT_CLOUD__TOKEN: it may have expired"}
}

// Pick returns the credential a command should use: cloud.api_key first, then cloud.token,
// then sess (the saved session, which may be nil). It returns nil when there is none.
// sessionPath is where a renewed session is saved.
func Pick(cloud agent.Cloud, sess *agent.Session, sessionPath string, h *http.Client, now func() time.Time) Credential {
	switch {
	case cloud.APIKey != "":
		return APIKey(cloud.APIKey)
	case cloud.Token != "":
		return Token(cloud.Token)
	case sess != nil:
		return NewSessionCredential(sessionPath, sess, h, now)
	}
	return nil
}

// SessionCredential sends a signed-in session's token and renews it with the refresh token
// when it has expired, saving the renewed session.
type SessionCredential struct {
	mu   sync.Mutex
	path string
	s    agent.Session
	http *http.Client
	now  func() time.Time
}

// NewSessionCredential returns a credential of s, saved at path when renewed.
func NewSessionCredential(path string, s *agent.Session, h *http.Client, now func() time.Time) *SessionCredential {
	if h == nil {
		h = &http.Client{Timeout: 30 * time.Second}
	}
	if now == nil {
		now = time.Now
	}
	return &SessionCredential{path: path, s: *s, http: h, now: now}
}

// Kind returns KindSession.
func (c *SessionCredential) Kind() string { return KindSession }

// Hint tells the user to sign in again.
func (c *SessionCredential) Hint() string { return "run `clonit login` to sign in again" }

// CanRefresh reports whether the session has a refresh token.
func (c *SessionCredential) CanRefresh() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.s.RefreshToken != ""
}

// Session returns a copy of the current session.
func (c *SessionCredential) Session() agent.Session {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.s
}

// Bearer returns the session's bearer, renewing the session first when it has expired or
// refresh is set.
func (c *SessionCredential) Bearer(ctx context.Context, refresh bool) (string, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if !refresh && !c.s.Expired(c.now()) {
		return c.s.Bearer(), nil
	}
	if c.s.RefreshToken == "" {
		return "", errs.E(errs.ErrUnauthenticated, "your session has expired: run `clonit login` to sign in again")
	}
	if err := c.renew(ctx); err != nil {
		return "", err
	}
	return c.s.Bearer(), nil
}

// renew exchanges the refresh token for new tokens and saves the session. c.mu is held.
func (c *SessionCredential) renew(ctx context.Context) error {
	tokenURL := c.s.TokenURL
	if tokenURL == "" {
		d, err := Discover(ctx, c.http, c.s.Issuer)
		if err != nil {
			return err
		}
		tokenURL = d.TokenEndpoint
	}
	conf := oauth2.Config{ClientID: c.s.ClientID, Endpoint: oauth2.Endpoint{TokenURL: tokenURL, AuthStyle: oauth2.AuthStyleInParams}}
	ctx = context.WithValue(ctx, oauth2.HTTPClient, c.http)
	tok, err := conf.TokenSource(ctx, &oauth2.Token{RefreshToken: c.s.RefreshToken}).Token()
	if err != nil {
		var re *oauth2.RetrieveError
		if errors.As(err, &re) {
			return errs.Wrap(errs.ErrUnauthenticated, err, "your session has expired and could not be renewed: run `clonit login` to sign in again")
		}
		if ctx.Err() != nil {
			return ctx.Err()
		}
		return errs.Wrap(errs.ErrUnavailable, err, "cannot reach the sign-in service at %s to renew your session: check your network, or run `clonit login`", c.s.Issuer)
	}
	next := c.s
	ApplyToken(&next, tok)
	if disk, err := agent.LoadSession(c.path); err == nil && disk.CloudURL == next.CloudURL {
		next.Org = disk.Org // another command may have switched org since this one loaded it
	}
	if err := agent.SaveSession(c.path, &next); err != nil {
		return err
	}
	c.s = next
	return nil
}

// ApplyToken stores tok's tokens in s: the access token, the ID token when one came (else
// none, so an expired one is never sent), the refresh token when a new one came, and the
// expiry of whichever expires first.
func ApplyToken(s *agent.Session, tok *oauth2.Token) {
	s.AccessToken = tok.AccessToken
	s.IDToken, _ = tok.Extra("id_token").(string)
	if tok.RefreshToken != "" {
		s.RefreshToken = tok.RefreshToken
	}
	s.Expiry = tok.Expiry
	if exp := jwtExpiry(s.IDToken); !exp.IsZero() && (s.Expiry.IsZero() || exp.Before(s.Expiry)) {
		s.Expiry = exp
	}
}

// jwtExpiry reads the exp claim of a JWT without verifying it (the cloud verifies; the agent
// only needs to know when to renew). It returns the zero time when there is none.
func jwtExpiry(token string) time.Time {
	parts := strings.Split(token, ".")
	if len(parts) != 3 {
		return time.Time{}
	}
	payload, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil {
		return time.Time{}
	}
	var claims struct {
		Exp float64 `json:"exp"`
	}
	if json.Unmarshal(payload, &claims) != nil || claims.Exp <= 0 {
		return time.Time{}
	}
	return time.Unix(int64(claims.Exp), 0)
}
