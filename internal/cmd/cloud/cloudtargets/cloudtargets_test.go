package cloudtargets

import (
	"context"
	"testing"
	"time"

	"github.com/clonit/clonit/internal/agent"
	"github.com/clonit/clonit/internal/cmd/cloud/cloudtest"
)

const shopJSON = `{"name":"shop","db_type":"postgres","src_url":"postgres://app:****@db/shop","storage_profile":"team",` +
	`"created_by":"mia@example.com","updated_by":"olga@example.com","created_at":"2026-03-01T10:00:00Z","updated_at":"2026-03-01T11:30:00Z"}`

func TestTargets(t *testing.T) {
	t.Setenv("TZ", "UTC")
	time.Local = time.UTC
	snapshots := `{"snapshots":[{"id":"a","org":"acme","target":"shop"},{"id":"b","org":"acme","target":"shop"},` +
		`{"id":"c","org":"acme","target":"blog"},{"id":"d","org":"other","target":"shop","foreign":true}]}`
	cases := []struct {
		name   string
		run    func(context.Context, *Options) error
		target string
		json   bool
		routes map[string]cloudtest.Reply
		stdout string
		stderr string
	}{
		{"list with snapshot counts", RunList, "", false, map[string]cloudtest.Reply{
			"GET /api/v1/orgs/acme/targets": {Body: "[" + shopJSON + "]"}, "GET /api/v1/orgs/acme/snapshots": {Body: snapshots}},
			"NAME  DB TYPE   SOURCE                       STORAGE PROFILE  SNAPSHOTS  UPDATED BY        UPDATED\n" +
				"shop  postgres  postgres://app:****@db/shop  team             2          olga@example.com  2026-03-01 11:30\n", ""},
		{"list without a catalog", RunList, "", false, map[string]cloudtest.Reply{
			"GET /api/v1/orgs/acme/targets": {Body: "[" + shopJSON + "]"}},
			"NAME  DB TYPE   SOURCE                       STORAGE PROFILE  SNAPSHOTS  UPDATED BY        UPDATED\n" +
				"shop  postgres  postgres://app:****@db/shop  team             -          olga@example.com  2026-03-01 11:30\n", ""},
		{"empty list", RunList, "", false, map[string]cloudtest.Reply{"GET /api/v1/orgs/acme/targets": {Body: "[]"}},
			"", "acme shares no targets yet: share yours with `clonit cloud sync`\n"},
		{"show", RunShow, "shop", false, map[string]cloudtest.Reply{
			"GET /api/v1/orgs/acme/targets/shop": {Body: shopJSON}, "GET /api/v1/orgs/acme/snapshots": {Body: snapshots}},
			"name:                shop\ndb_type:             postgres\nsrc_url:             postgres://app:****@db/shop\ndst_url:\n" +
				"storage_profile:     team\ndump_jobs:           0\nrestore_jobs:        0\nsanitize_dst_url:\nsanitize_query_file:\n" +
				"cloud_snapshots:     2\ncreated:             2026-03-01 10:00:00 by mia@example.com\nupdated:             2026-03-01 11:30:00 by olga@example.com\n", ""},
		{"show json", RunShow, "shop", true, map[string]cloudtest.Reply{
			"GET /api/v1/orgs/acme/targets/shop": {Body: shopJSON}, "GET /api/v1/orgs/acme/snapshots": {Body: snapshots}},
			"{\n  \"name\": \"shop\",\n  \"db_type\": \"postgres\",\n  \"src_url\": \"postgres://app:****@db/shop\",\n  \"storage_profile\": \"team\",\n" +
				"  \"created_by\": \"mia@example.com\",\n  \"updated_by\": \"olga@example.com\",\n  \"created_at\": \"2026-03-01T10:00:00Z\",\n" +
				"  \"updated_at\": \"2026-03-01T11:30:00Z\",\n  \"cloud_snapshots\": 2\n}\n", ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			srv := cloudtest.NewServer(t, tc.routes)
			env := cloudtest.NewEnv(t, agent.Cloud{URL: srv.URL}, &agent.Session{CloudURL: srv.URL, AccessToken: "tok", Org: "acme"})
			env.F.IO.JSON = tc.json
			org := ""
			opts := &Options{IO: env.F.IO, CloudClient: env.F.CloudClient, Org: &org, Name: tc.target}
			if err := tc.run(context.Background(), opts); err != nil {
				t.Fatal(err)
			}
			if env.Out.String() != tc.stdout || env.ErrOut.String() != tc.stderr {
				t.Errorf("stdout:\n%s\nwant:\n%s\nstderr:\n%s\nwant:\n%s", env.Out.String(), tc.stdout, env.ErrOut.String(), tc.stderr)
			}
		})
	}
}
