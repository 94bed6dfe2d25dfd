package apiclient_test

import (
	"context"
	"errors"
	"net/http"
	"testing"

	"github.com/clonit/clonit/internal/api"
	"github.com/clonit/clonit/internal/apiclient"
	"github.com/clonit/clonit/internal/errs"
	"github.com/clonit/clonit/internal/version"
)

func TestMembershipRoutes(t *testing.T) {
	ctx := context.Background()
	cases := []struct {
		name   string
		call   func(*apiclient.Client) error
		answer string
		want   recorded
	}{
		{"invites", func(c *apiclient.Client) error { _, err := c.Invites(ctx, "acme"); return err }, `[]`,
			recorded{Method: "GET", Path: "/api/v1/orgs/acme/invites"}},
		{"create invites", func(c *apiclient.Client) error {
			_, err := c.CreateInvites(ctx, "acme", api.CreateInvitesRequest{Role: "member", Count: 50})
			return err
		}, `{}`, recorded{Method: "POST", Path: "/api/v1/orgs/acme/invites", Body: `{"role":"member","count":50}`}},
		{"replace the admin code", func(c *apiclient.Client) error {
			_, err := c.CreateInvites(ctx, "acme", api.CreateInvitesRequest{Role: "admin", Replace: true})
			return err
		}, `{}`, recorded{Method: "POST", Path: "/api/v1/orgs/acme/invites", Body: `{"role":"admin","replace":true}`}},
		{"revoke invite", func(c *apiclient.Client) error { return c.RevokeInvite(ctx, "acme", "abc/def") }, ``,
			recorded{Method: "DELETE", Path: "/api/v1/orgs/acme/invites/abc/def"}},
		{"join", func(c *apiclient.Client) error { _, err := c.Join(ctx, "acme", "1234-5678"); return err }, `{}`,
			recorded{Method: "POST", Path: "/api/v1/join", Body: `{"org":"acme","code":"1234-5678"}`}},
		{"transfer", func(c *apiclient.Client) error {
			_, err := c.TransferOwnership(ctx, "acme", api.TransferRequest{To: "bo@example.com", ConfirmOrg: "acme", ConfirmMember: "bo@example.com"})
			return err
		}, `{}`, recorded{Method: "POST", Path: "/api/v1/orgs/acme/transfer", Body: `{"to":"bo@example.com","confirm_org":"acme","confirm_member":"bo@example.com"}`}},
		{"leave", func(c *apiclient.Client) error { return c.LeaveOrg(ctx, "acme") }, ``,
			recorded{Method: "POST", Path: "/api/v1/orgs/acme/leave"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			status := http.StatusOK
			if tc.answer == "" {
				status = http.StatusNoContent
			}
			srv, seen := fakeCloud(t, status, tc.answer)
			c, err := apiclient.New(srv.URL, apiclient.Token("tok-1"))
			if err != nil {
				t.Fatal(err)
			}
			if err := tc.call(c); err != nil {
				t.Fatalf("call: %v", err)
			}
			want := tc.want
			want.Auth, want.UserAgent = "Bearer tok-1", "clonit/"+version.Version
			if len(*seen) != 1 || (*seen)[0] != want {
				t.Errorf("requests = %+v, want [%+v]", *seen, want)
			}
		})
	}
}

func TestJoinRateLimited(t *testing.T) {
	srv, _ := fakeCloud(t, http.StatusTooManyRequests, `{"status":429,"code":"rate_limited","message":"too many failed join code attempts: try again in 15 minutes"}`)
	c, _ := apiclient.New(srv.URL, apiclient.Token("t"))
	_, err := c.Join(context.Background(), "acme", "1234-5678")
	if !errors.Is(err, errs.ErrRateLimited) || errs.Public(err, "") != "too many failed join code attempts: try again in 15 minutes" {
		t.Errorf("Join = %v, want the server's rate limit message", err)
	}
}
