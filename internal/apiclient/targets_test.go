package apiclient_test

import (
	"context"
	"net/http"
	"testing"

	"github.com/clonit/clonit/internal/api"
	"github.com/clonit/clonit/internal/apiclient"
	"github.com/clonit/clonit/internal/version"
)

func TestTargetRoutes(t *testing.T) {
	ctx := context.Background()
	spec := api.TargetSpec{Name: "shop db", DBType: "sqlite", SrcURL: "/data/shop.db"}
	prof := api.StorageProfileSpec{Name: "team", Provider: "local", Bucket: "/srv"}
	cases := []struct {
		name   string
		call   func(*apiclient.Client) error
		answer string
		want   recorded
	}{
		{"targets", func(c *apiclient.Client) error { _, err := c.Targets(ctx, "acme"); return err }, `[]`,
			recorded{Method: "GET", Path: "/api/v1/orgs/acme/targets"}},
		{"target", func(c *apiclient.Client) error { _, err := c.Target(ctx, "acme", "shop db"); return err }, `{}`,
			recorded{Method: "GET", Path: "/api/v1/orgs/acme/targets/shop db"}},
		{"create target", func(c *apiclient.Client) error { _, err := c.CreateTarget(ctx, "acme", spec); return err }, `{}`,
			recorded{Method: "POST", Path: "/api/v1/orgs/acme/targets", Body: `{"name":"shop db","db_type":"sqlite","src_url":"/data/shop.db"}`}},
		{"update target", func(c *apiclient.Client) error { _, err := c.UpdateTarget(ctx, "acme", spec); return err }, `{}`,
			recorded{Method: "PUT", Path: "/api/v1/orgs/acme/targets/shop db", Body: `{"name":"shop db","db_type":"sqlite","src_url":"/data/shop.db"}`}},
		{"delete target", func(c *apiclient.Client) error { return c.DeleteTarget(ctx, "acme", "shop") }, ``,
			recorded{Method: "DELETE", Path: "/api/v1/orgs/acme/targets/shop"}},
		{"reveal target", func(c *apiclient.Client) error { _, err := c.RevealTarget(ctx, "acme", "shop"); return err }, `{}`,
			recorded{Method: "POST", Path: "/api/v1/orgs/acme/targets/shop/reveal"}},
		{"profiles", func(c *apiclient.Client) error { _, err := c.StorageProfiles(ctx, "acme"); return err }, `[]`,
			recorded{Method: "GET", Path: "/api/v1/orgs/acme/storage-profiles"}},
		{"profile", func(c *apiclient.Client) error { _, err := c.StorageProfile(ctx, "acme", "team"); return err }, `{}`,
			recorded{Method: "GET", Path: "/api/v1/orgs/acme/storage-profiles/team"}},
		{"create profile", func(c *apiclient.Client) error { _, err := c.CreateStorageProfile(ctx, "acme", prof); return err }, `{}`,
			recorded{Method: "POST", Path: "/api/v1/orgs/acme/storage-profiles", Body: `{"name":"team","provider":"local","bucket":"/srv"}`}},
		{"update profile", func(c *apiclient.Client) error { _, err := c.UpdateStorageProfile(ctx, "acme", prof); return err }, `{}`,
			recorded{Method: "PUT", Path: "/api/v1/orgs/acme/storage-profiles/team", Body: `{"name":"team","provider":"local","bucket":"/srv"}`}},
		{"delete profile", func(c *apiclient.Client) error { return c.DeleteStorageProfile(ctx, "acme", "team") }, ``,
			recorded{Method: "DELETE", Path: "/api/v1/orgs/acme/storage-profiles/team"}},
		{"reveal profile", func(c *apiclient.Client) error { _, err := c.RevealStorageProfile(ctx, "acme", "team"); return err }, `{}`,
			recorded{Method: "POST", Path: "/api/v1/orgs/acme/storage-profiles/team/reveal"}},
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
