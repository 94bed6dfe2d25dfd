package oidcverify_test

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/oauth2-proxy/mockoidc"
	"golang.org/x/oauth2"

	"github.com/clonit/clonit/internal/cloud/identity"
	"github.com/clonit/clonit/internal/cloud/identity/oidcverify"
	"github.com/clonit/clonit/internal/errs"
)

// startProvider runs mockoidc, an independent OIDC provider, over HTTP on loopback.
func startProvider(t *testing.T) *mockoidc.MockOIDC {
	t.Helper()
	m, err := mockoidc.Run()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = m.Shutdown() })
	return m
}

// signIn runs the provider's authorization code flow (with PKCE) over HTTP for user and
// returns the token response.
func signIn(t *testing.T, m *mockoidc.MockOIDC, user mockoidc.User) *oauth2.Token {
	t.Helper()
	m.QueueUser(user)
	cfg := m.Config()
	oc := oauth2.Config{
		ClientID:     cfg.ClientID,
		ClientSecret: cfg.ClientSecret,
		Endpoint:     oauth2.Endpoint{AuthURL: m.AuthorizationEndpoint(), TokenURL: m.TokenEndpoint()},
		RedirectURL:  "http://127.0.0.1:1/callback",
		Scopes:       []string{"openid", "email", "profile", "groups"},
	}
	verifier := oauth2.GenerateVerifier()
	noRedirect := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := noRedirect.Get(oc.AuthCodeURL("state-1", oauth2.S256ChallengeOption(verifier)))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	loc, err := url.Parse(resp.Header.Get("Location"))
	if err != nil || resp.StatusCode != http.StatusFound {
		t.Fatalf("authorize: status %d, location %q", resp.StatusCode, resp.Header.Get("Location"))
	}
	if got := loc.Query().Get("state"); got != "state-1" {
		t.Fatalf("state = %q", got)
	}
	tok, err := oc.Exchange(context.Background(), loc.Query().Get("code"), oauth2.VerifierOption(verifier))
	if err != nil {
		t.Fatal(err)
	}
	return tok
}

func idToken(t *testing.T, tok *oauth2.Token) string {
	t.Helper()
	raw, _ := tok.Extra("id_token").(string)
	if raw == "" {
		t.Fatal("no id_token in the token response")
	}
	return raw
}

func TestVerifyTokensOfAnExternalProvider(t *testing.T) {
	m := startProvider(t)
	ada := &mockoidc.MockUser{Subject: "ada-1", Email: "ada@example.com", PreferredUsername: "ada", Groups: []string{"eng", "dba"}}
	solo := &mockoidc.MockUser{Subject: "solo-1", Email: "solo@example.com", PreferredUsername: "solo"}
	adaTok := signIn(t, m, ada)
	soloTok := signIn(t, m, solo)
	clientID := m.Config().ClientID

	v := func(cfg oidcverify.Config) *oidcverify.Verifier {
		cfg.Issuer = m.Issuer()
		if cfg.ClientID == "" {
			cfg.ClientID = clientID
		}
		ver, err := oidcverify.New(cfg)
		if err != nil {
			t.Fatal(err)
		}
		return ver
	}
	plain := v(oidcverify.Config{})
	later := v(oidcverify.Config{Now: func() time.Time { return time.Now().Add(11 * time.Minute) }})
	otherAudience := v(oidcverify.Config{ClientID: "someone-else"})
	rolesClaim := v(oidcverify.Config{GroupsClaim: "roles"})

	tests := []struct {
		name    string
		v       *oidcverify.Verifier
		token   string
		want    identity.Principal
		wantErr string
	}{
		{"id token with groups", plain, idToken(t, adaTok),
			identity.Principal{Issuer: m.Issuer(), Subject: "ada-1", Email: "ada@example.com", Name: "ada", Groups: []string{"eng", "dba"}, Credential: "session"}, ""},
		{"id token without groups", plain, idToken(t, soloTok),
			identity.Principal{Issuer: m.Issuer(), Subject: "solo-1", Email: "solo@example.com", Name: "solo", Groups: []string{}, Credential: "session"}, ""},
		{"access token carries only the subject", plain, adaTok.AccessToken,
			identity.Principal{Issuer: m.Issuer(), Subject: "ada-1", Groups: []string{}, Credential: "session"}, ""},
		{"another groups claim name", rolesClaim, idToken(t, adaTok),
			identity.Principal{Issuer: m.Issuer(), Subject: "ada-1", Email: "ada@example.com", Name: "ada", Groups: []string{}, Credential: "session"}, ""},
		{"expired", later, idToken(t, adaTok), identity.Principal{}, "token expired, sign in again with `clonit login`"},
		{"wrong audience", otherAudience, idToken(t, adaTok), identity.Principal{}, "invalid token, sign in again with `clonit login`"},
		{"tampered", plain, tamper(idToken(t, adaTok)), identity.Principal{}, "invalid token, sign in again with `clonit login`"},
		{"garbage", plain, "x.y.z", identity.Principal{}, "invalid token, sign in again with `clonit login`"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := tt.v.Authenticate(context.Background(), tt.token)
			if tt.wantErr != "" {
				if !errors.Is(err, errs.ErrUnauthenticated) || errs.Public(err, "") != tt.wantErr {
					t.Fatalf("err = %v, want unauthenticated %q", err, tt.wantErr)
				}
				if strings.Contains(err.Error(), tt.token) {
					t.Fatal("error echoes the token")
				}
				return
			}
			if err != nil {
				t.Fatalf("Authenticate: %v", err)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Fatalf("principal = %+v, want %+v", got, tt.want)
			}
		})
	}
}

func TestChainSendsExternalTokensToTheirVerifier(t *testing.T) {
	m := startProvider(t)
	tok := signIn(t, m, &mockoidc.MockUser{Subject: "ada-1", Email: "ada@example.com", Groups: []string{"eng"}})
	ver, err := oidcverify.New(oidcverify.Config{Issuer: m.Issuer(), ClientID: m.Config().ClientID})
	if err != nil {
		t.Fatal(err)
	}
	chain := identity.NewChain()
	chain.Add(ver.Issuer(), ver)
	p, err := chain.Authenticate(context.Background(), idToken(t, tok))
	if err != nil {
		t.Fatal(err)
	}
	if p.Email != "ada@example.com" || !reflect.DeepEqual(p.Groups, []string{"eng"}) {
		t.Fatalf("principal = %+v", p)
	}
}

func TestUnreachableProvider(t *testing.T) {
	m := startProvider(t)
	tok := idToken(t, signIn(t, m, mockoidc.DefaultUser()))
	issuer := m.Issuer()
	if err := m.Shutdown(); err != nil {
		t.Fatal(err)
	}
	ver, err := oidcverify.New(oidcverify.Config{Issuer: issuer, ClientID: "c"})
	if err != nil {
		t.Fatal(err)
	}
	_, err = ver.Authenticate(context.Background(), tok)
	want := "the identity provider " + issuer + " cannot be reached; try again later"
	if !errors.Is(err, errs.ErrUnavailable) || errs.Public(err, "") != want {
		t.Fatalf("err = %v, want unavailable %q", err, want)
	}
}

// tamper changes one character of the payload, keeping the signature.
func tamper(tok string) string {
	parts := strings.Split(tok, ".")
	b := []byte(parts[1])
	if b[10] == 'A' {
		b[10] = 'B'
	} else {
		b[10] = 'A'
	}
	return parts[0] + "." + string(b) + "." + parts[2]
}
