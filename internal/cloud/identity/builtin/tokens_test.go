package builtin_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"reflect"
	"strings"
	"testing"

	"golang.org/x/oauth2"

	"github.com/clonit/clonit/internal/cloud/identity/builtin"
	"github.com/clonit/clonit/internal/cloud/identity/signing"
)

func TestDiscoveryAndJWKS(t *testing.T) {
	e := newEnv(t, openStore(t), builtin.Config{})
	resp, body := e.get(e.issuer + "/.well-known/openid-configuration")
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("discovery: %d", resp.StatusCode)
	}
	var doc struct {
		Issuer        string   `json:"issuer"`
		Authorization string   `json:"authorization_endpoint"`
		Token         string   `json:"token_endpoint"`
		Device        string   `json:"device_authorization_endpoint"`
		JWKS          string   `json:"jwks_uri"`
		GrantTypes    []string `json:"grant_types_supported"`
		PKCE          []string `json:"code_challenge_methods_supported"`
		Claims        []string `json:"claims_supported"`
	}
	if err := json.Unmarshal([]byte(body), &doc); err != nil {
		t.Fatal(err)
	}
	if doc.Issuer != e.issuer || doc.Authorization != e.issuer+"/authorize" || doc.Token != e.issuer+"/token" ||
		doc.Device != e.issuer+"/device_authorization" || doc.JWKS != e.issuer+"/keys" {
		t.Fatalf("endpoints: %+v", doc)
	}
	for _, g := range []string{"authorization_code", "refresh_token", "urn:ietf:params:oauth:grant-type:device_code"} {
		if !strings.Contains(strings.Join(doc.GrantTypes, " "), g) {
			t.Errorf("grant type %s not advertised: %v", g, doc.GrantTypes)
		}
	}
	if !reflect.DeepEqual(doc.PKCE, []string{"S256"}) || !strings.Contains(strings.Join(doc.Claims, " "), "groups") {
		t.Errorf("pkce %v, claims %v", doc.PKCE, doc.Claims)
	}

	resp, body = e.get(doc.JWKS)
	var jwks struct {
		Keys []struct{ Kty, Kid, Alg, Use string } `json:"keys"`
	}
	if err := json.Unmarshal([]byte(body), &jwks); err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("jwks: %d %v", resp.StatusCode, err)
	}
	key, err := signing.Load(context.Background(), e.store)
	if err != nil {
		t.Fatal(err)
	}
	if len(jwks.Keys) != 1 || jwks.Keys[0].Kid != key.ID() || jwks.Keys[0].Kty != "RSA" || jwks.Keys[0].Alg != "RS256" || jwks.Keys[0].Use != "sig" {
		t.Fatalf("jwks = %+v, want one RS256 key %s", jwks.Keys, key.ID())
	}
}

func TestRefreshTokenGrant(t *testing.T) {
	store := openStore(t)
	e := newEnv(t, store, builtin.Config{})
	ada := e.addAccount("ada@example.com", "Ada", "analytical engine", "eng")
	first := e.signIn("ada@example.com", "analytical engine")

	ada.Groups = []string{"eng", "ops"}
	if err := store.UpdateAccount(context.Background(), ada); err != nil {
		t.Fatal(err)
	}
	refresh := func(env *env, token string) tokenResponse {
		return env.token(url.Values{"grant_type": {"refresh_token"}, "refresh_token": {token}})
	}
	second := refresh(e, first.RefreshToken)
	if second.Error != "" || second.AccessToken == "" || second.RefreshToken == "" || second.RefreshToken == first.RefreshToken {
		t.Fatalf("refresh: %+v", second)
	}
	p, err := e.local.Authenticate(context.Background(), second.AccessToken)
	if err != nil || p.Subject != ada.ID || !reflect.DeepEqual(p.Groups, []string{"eng", "ops"}) {
		t.Fatalf("refreshed token: %+v, %v", p, err)
	}

	// A process restarted on the same database keeps the key and accepts the refresh token.
	restarted := newEnv(t, store, builtin.Config{})
	third := refresh(restarted, second.RefreshToken)
	if third.Error != "" {
		t.Fatalf("refresh on a restarted process: %+v", third)
	}

	tests := []struct {
		name  string
		env   *env
		token string
	}{
		// A rotated token is refused by every process, the one that rotated it included.
		{"rotated refresh token, on the process that rotated it", e, first.RefreshToken},
		{"rotated refresh token, on another process", restarted, first.RefreshToken},
		{"refresh token rotated by another process", e, second.RefreshToken},
		{"tampered refresh token", restarted, third.RefreshToken[:len(third.RefreshToken)-4] + "AAAA"},
		{"not a refresh token", restarted, third.AccessToken},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := refresh(tt.env, tt.token); got.Error != "invalid_grant" {
				t.Fatalf("got %+v, want invalid_grant", got)
			}
		})
	}

	ada.Disabled = true
	if err := store.UpdateAccount(context.Background(), ada); err != nil {
		t.Fatal(err)
	}
	if got := refresh(restarted, third.RefreshToken); got.Error != "invalid_grant" {
		t.Fatalf("refresh of a disabled account: %+v", got)
	}
}

func TestAuthorizationCodeFlowWithLoginPage(t *testing.T) {
	e := newEnv(t, openStore(t), builtin.Config{})
	ada := e.addAccount("ada@example.com", "Ada", "analytical engine", "eng")
	oc := oauth2.Config{
		ClientID:    "clonit-cli",
		Endpoint:    oauth2.Endpoint{AuthURL: e.issuer + "/authorize", TokenURL: e.issuer + "/token", AuthStyle: oauth2.AuthStyleInParams},
		RedirectURL: "http://127.0.0.1:43123/callback",
		Scopes:      strings.Fields(scopes),
	}

	resp, _ := e.get(oc.AuthCodeURL("st-1"))
	if loc := resp.Header.Get("Location"); !strings.Contains(loc, "error=invalid_request") {
		t.Fatalf("authorize without PKCE: %d, location %q", resp.StatusCode, loc)
	}

	verifier := oauth2.GenerateVerifier()
	resp, _ = e.get(oc.AuthCodeURL("st-2", oauth2.S256ChallengeOption(verifier)))
	login, err := url.Parse(resp.Header.Get("Location"))
	if err != nil || resp.StatusCode != http.StatusFound || !strings.HasPrefix(login.String(), e.issuer+"/login?authRequestID=") {
		t.Fatalf("authorize: %d, location %q", resp.StatusCode, login)
	}
	if resp, _ := e.get(login.String()); resp.StatusCode != http.StatusOK {
		t.Fatalf("login page: %d", resp.StatusCode)
	}
	id := login.Query().Get("authRequestID")
	resp, body := e.postForm(e.issuer+"/login", url.Values{"authRequestID": {id}, "email": {"ada@example.com"}, "password": {"nope"}})
	if resp.StatusCode != http.StatusUnauthorized || pageMessage(body) != "Wrong email or password." {
		t.Fatalf("wrong password: %d %q", resp.StatusCode, pageMessage(body))
	}
	resp, body = e.postForm(e.issuer+"/login", url.Values{"authRequestID": {"nope"}, "email": {"ada@example.com"}, "password": {"analytical engine"}})
	if resp.StatusCode != http.StatusBadRequest || pageMessage(body) != "This sign-in request is unknown or has expired. Start signing in again from your application." {
		t.Fatalf("unknown request: %d %q", resp.StatusCode, pageMessage(body))
	}
	resp, _ = e.postForm(e.issuer+"/login", url.Values{"authRequestID": {id}, "email": {"ada@example.com"}, "password": {"analytical engine"}})
	if resp.StatusCode != http.StatusFound {
		t.Fatalf("login: %d", resp.StatusCode)
	}
	resp, _ = e.get(resp.Header.Get("Location"))
	back, err := url.Parse(resp.Header.Get("Location"))
	if err != nil || !strings.HasPrefix(back.String(), oc.RedirectURL+"?") || back.Query().Get("state") != "st-2" {
		t.Fatalf("callback: %d, location %q", resp.StatusCode, back)
	}
	code := back.Query().Get("code")
	tok, err := oc.Exchange(context.Background(), code, oauth2.VerifierOption(verifier))
	if err != nil {
		t.Fatal(err)
	}
	if tok.RefreshToken == "" {
		t.Fatal("no refresh token for offline_access")
	}
	p, err := e.remote.Authenticate(context.Background(), tok.Extra("id_token").(string))
	if err != nil || p.Subject != ada.ID || !reflect.DeepEqual(p.Groups, []string{"eng"}) {
		t.Fatalf("id token: %+v, %v", p, err)
	}
	if _, err := oc.Exchange(context.Background(), code, oauth2.VerifierOption(verifier)); err == nil {
		t.Fatal("an authorization code worked twice")
	}
}
