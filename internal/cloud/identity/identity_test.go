package identity_test

import (
	"context"
	"encoding/base64"
	"reflect"
	"testing"

	"github.com/clonit/clonit/internal/cloud/identity"
	"github.com/clonit/clonit/internal/errs"
)

func TestGroupsFromClaim(t *testing.T) {
	tests := []struct {
		name string
		in   any
		want []string
	}{
		{"array", []any{"eng", "dba"}, []string{"eng", "dba"}},
		{"single string", "eng", []string{"eng"}},
		{"duplicates and blanks dropped", []any{"eng", " ", "eng", 7, "ops"}, []string{"eng", "ops"}},
		{"missing", nil, []string{}},
		{"number", 42.0, []string{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := identity.GroupsFromClaim(tt.in); !reflect.DeepEqual(got, tt.want) {
				t.Fatalf("GroupsFromClaim(%v) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

// named answers with a principal naming itself, to show which verifier the chain chose.
type named string

func (n named) Authenticate(context.Context, string) (identity.Principal, error) {
	return identity.Principal{Issuer: string(n)}, nil
}

func jwt(payload string) string {
	enc := base64.RawURLEncoding.EncodeToString
	return enc([]byte(`{"alg":"RS256"}`)) + "." + enc([]byte(payload)) + ".c2ln"
}

func TestChainRoutesByIssuer(t *testing.T) {
	chain := identity.NewChain()
	chain.Add("https://idp.example.com/", named("idp"))
	chain.Add("https://cloud.example.com", named("self"))
	withKeys := identity.NewChain()
	withKeys.Opaque = named("apikey")

	tests := []struct {
		name    string
		chain   *identity.Chain
		bearer  string
		want    string
		wantErr string
	}{
		{"external issuer", chain, jwt(`{"iss":"https://idp.example.com"}`), "idp", ""},
		{"own issuer with trailing slash", chain, jwt(`{"iss":"https://cloud.example.com/"}`), "self", ""},
		{"unknown issuer", chain, jwt(`{"iss":"https://evil.example.com"}`), "", "invalid token, sign in again with `clonit login`"},
		{"no issuer", chain, jwt(`{"sub":"x"}`), "", "invalid token, sign in again with `clonit login`"},
		{"garbage payload", chain, "a.b.c", "", "invalid token, sign in again with `clonit login`"},
		{"empty", chain, " ", "", "not signed in, sign in with `clonit login`"},
		{"opaque without verifier", chain, "clonit_abc", "", "invalid token, sign in again with `clonit login`"},
		{"opaque credential", withKeys, "clonit_abc", "apikey", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := tt.chain.Authenticate(context.Background(), tt.bearer)
			if tt.wantErr != "" {
				if err == nil || errs.KindOf(err) != errs.ErrUnauthenticated || errs.Public(err, "") != tt.wantErr {
					t.Fatalf("err = %v, want unauthenticated %q", err, tt.wantErr)
				}
				return
			}
			if err != nil || p.Issuer != tt.want {
				t.Fatalf("got %q, %v; want %q", p.Issuer, err, tt.want)
			}
		})
	}
}
