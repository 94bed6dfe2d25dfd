package snapshots_test

import (
	"context"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/clonit/clonit/internal/agent"
	"github.com/clonit/clonit/internal/cmd/cloud"
	"github.com/clonit/clonit/internal/cmd/cloud/cloudtest"
	"github.com/clonit/clonit/internal/cmdutil"
)

func TestMain(m *testing.M) {
	time.Local = time.UTC
	os.Exit(m.Run())
}

const (
	snapA     = `{"id":"3kq7v2xa5mzqz6bd4ytc7u2n1e","org":"acme","target":"shop","name":"shop-20260301T101500","type":"sanitized","size":120000000,"sha256":"` + sumA + `","created_at":"2026-03-01T10:15:30Z","pushed_by":"ada@example.com","shared":true}`
	snapB     = `{"id":"7hw2xq4rbn3e5fkc6m2d8a1pzs","org":"beta","target":"shop","name":"shop-20260228T090000","type":"snapshot","size":1536000000,"sha256":"` + sumA + `","created_at":"2026-02-28T09:00:01Z","pushed_by":"key ci","shared":false,"foreign":true}`
	sumA      = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"
	notFound  = `{"status":404,"code":"not_found","message":"snapshot \"zzzz\" not found: check the ID with ` + "`clonit cloud snapshots`" + `"}`
	sharesOrg = `{"org":true,"groups":["data-eng"],"orgs":[]}`
)

func TestSnapshotCommands(t *testing.T) {
	cases := []struct {
		name     string
		args     []string
		json     bool
		routes   map[string]cloudtest.Reply
		stdout   string
		stderr   string
		err      string
		exit     int
		requests []string // nil: not checked
	}{
		{
			name:   "list",
			args:   []string{"snapshots"},
			routes: map[string]cloudtest.Reply{"GET /api/v1/orgs/acme/snapshots": {Body: `{"snapshots":[` + snapA + `,` + snapB + `]}`}},
			stdout: "ID        TARGET  NAME                  TYPE       SIZE    SHARED  CREATED\n" +
				"3kq7v2xa  shop    shop-20260301T101500  sanitized  120 MB  Yes     2026-03-01 10:15:30\n" +
				"7hw2xq4r  shop    shop-20260228T090000  snapshot   1.5 GB  No      2026-02-28 09:00:01\n",
			requests: []string{"GET /api/v1/orgs/acme/snapshots?limit=500 [Bearer session-token]"},
		},
		{
			name:     "list shared only, as JSON",
			args:     []string{"snapshots", "--shared"},
			json:     true,
			routes:   map[string]cloudtest.Reply{"GET /api/v1/orgs/acme/snapshots": {Body: `{"snapshots":[]}`}},
			stdout:   "[]\n",
			requests: []string{"GET /api/v1/orgs/acme/snapshots?limit=500&shared=true [Bearer session-token]"},
		},
		{
			name:   "show",
			args:   []string{"snapshot", "show", "3kq7"},
			routes: map[string]cloudtest.Reply{"GET /api/v1/orgs/acme/snapshots/3kq7": {Body: strings.TrimSuffix(snapA, "}") + `,"shares":` + sharesOrg + `}`}},
			stdout: "ID:          3kq7v2xa5mzqz6bd4ytc7u2n1e\nOrg:         acme\nTarget:      shop\nName:        shop-20260301T101500\nType:        sanitized\n" +
				"Size:        120 MB (120000000 bytes)\nSHA-256:     " + sumA + "\nPushed by:   ada@example.com\nCreated:     2026-03-01 10:15:30\n" +
				"Shared:      Yes\nShared with: the whole org; groups data-eng\n",
		},
		{
			name:   "show an unknown or invisible ID",
			args:   []string{"snapshot", "show", "zzzz"},
			routes: map[string]cloudtest.Reply{"GET /api/v1/orgs/acme/snapshots/zzzz": {Status: 404, Body: notFound}},
			err:    "snapshot \"zzzz\" not found: check the ID with `clonit cloud snapshots`",
			exit:   cmdutil.ExitNotFound,
		},
		{
			name: "delete with --yes",
			args: []string{"snapshot", "delete", "3kq7", "--yes"},
			routes: map[string]cloudtest.Reply{
				"GET /api/v1/orgs/acme/snapshots/3kq7":                          {Body: snapA},
				"DELETE /api/v1/orgs/acme/snapshots/3kq7v2xa5mzqz6bd4ytc7u2n1e": {Status: 204},
			},
			stderr: "Deleted snapshot 3kq7v2xa (shop-20260301T101500 of shop).\n",
			requests: []string{
				"GET /api/v1/orgs/acme/snapshots/3kq7 [Bearer session-token]",
				"DELETE /api/v1/orgs/acme/snapshots/3kq7v2xa5mzqz6bd4ytc7u2n1e [Bearer session-token]",
			},
		},
		{
			name:   "delete off a terminal without --yes",
			args:   []string{"snapshot", "delete", "3kq7"},
			routes: map[string]cloudtest.Reply{"GET /api/v1/orgs/acme/snapshots/3kq7": {Body: snapA}},
			err:    "usage: deleting snapshot 3kq7v2xa (shop-20260301T101500 of shop) needs confirmation: pass --yes",
			exit:   cmdutil.ExitUsage,
		},
		{
			name:   "delete what another org shared",
			args:   []string{"snapshot", "delete", "7hw2", "-y"},
			routes: map[string]cloudtest.Reply{"GET /api/v1/orgs/acme/snapshots/7hw2": {Body: snapB}, "DELETE /api/v1/orgs/acme/snapshots/7hw2xq4rbn3e5fkc6m2d8a1pzs": {Status: 403, Body: `{"status":403,"code":"forbidden","message":"org beta shared this snapshot with yours: only beta deletes it"}`}},
			err:    "org beta shared this snapshot with yours: only beta deletes it",
			exit:   cmdutil.ExitPermission,
		},
		{
			name:     "share org-wide",
			args:     []string{"share", "3kq7", "--org"},
			routes:   map[string]cloudtest.Reply{"PUT /api/v1/orgs/acme/snapshots/3kq7/shares/org": {Body: sharesOrg}},
			stderr:   "Shared snapshot 3kq7 with the whole org acme. It is now shared with the whole org; groups data-eng.\n",
			requests: []string{"PUT /api/v1/orgs/acme/snapshots/3kq7/shares/org [Bearer session-token]"},
		},
		{
			name:     "share with another org",
			args:     []string{"share", "3kq7v2xa", "--to-org", "beta"},
			json:     true,
			routes:   map[string]cloudtest.Reply{"PUT /api/v1/orgs/acme/snapshots/3kq7v2xa/shares/orgs/beta": {Body: `{"org":false,"groups":[],"orgs":["beta"]}`}},
			stdout:   "{\n  \"org\": false,\n  \"groups\": [],\n  \"orgs\": [\n    \"beta\"\n  ]\n}\n",
			requests: []string{"PUT /api/v1/orgs/acme/snapshots/3kq7v2xa/shares/orgs/beta [Bearer session-token]"},
		},
		{
			name:     "unshare a group",
			args:     []string{"unshare", "3kq7", "--group", "data eng"},
			routes:   map[string]cloudtest.Reply{"DELETE /api/v1/orgs/acme/snapshots/3kq7/shares/groups/{group}": {Body: `{"org":false,"groups":[],"orgs":[]}`}},
			stderr:   "Stopped sharing snapshot 3kq7 with group data eng. It is now shared with nobody (owners and admins only).\n",
			requests: []string{"DELETE /api/v1/orgs/acme/snapshots/3kq7/shares/groups/data%20eng [Bearer session-token]"},
		},
		{
			name: "share with nobody named",
			args: []string{"share", "3kq7"},
			err:  "usage: share needs exactly one of --org, --group NAME and --to-org SLUG",
			exit: cmdutil.ExitUsage,
		},
		{
			name: "unshare with two at once",
			args: []string{"unshare", "3kq7", "--org", "--group", "eng"},
			err:  "usage: unshare needs exactly one of --org, --group NAME and --to-org SLUG",
			exit: cmdutil.ExitUsage,
		},
		{
			name: "show without an ID",
			args: []string{"snapshot", "show"},
			err:  "usage: show takes a snapshot ID (see `cloud snapshot show --help`)",
			exit: cmdutil.ExitUsage,
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			srv := cloudtest.NewServer(t, tc.routes)
			sess := &agent.Session{CloudURL: srv.URL, AccessToken: "session-token", Org: "acme"}
			env := cloudtest.NewEnv(t, agent.Cloud{URL: srv.URL}, sess)
			env.F.IO.JSON = tc.json
			cmd := cloud.NewCmdCloud(env.F)
			cmd.SilenceErrors, cmd.SilenceUsage = true, true
			cmd.SetArgs(tc.args)
			err := cmd.ExecuteContext(context.Background())
			gotErr := ""
			if err != nil {
				gotErr = err.Error()
			}
			if gotErr != tc.err {
				t.Errorf("error = %q, want %q", gotErr, tc.err)
			}
			if code := cmdutil.ExitCode(err); code != tc.exit {
				t.Errorf("exit code = %d, want %d", code, tc.exit)
			}
			if env.Out.String() != tc.stdout {
				t.Errorf("stdout:\n%s\nwant:\n%s", env.Out, tc.stdout)
			}
			if env.ErrOut.String() != tc.stderr {
				t.Errorf("stderr:\n%s\nwant:\n%s", env.ErrOut, tc.stderr)
			}
			if got := srv.Requests(); tc.requests != nil && !slices.Equal(got, tc.requests) {
				t.Errorf("requests:\n%q\nwant:\n%q", got, tc.requests)
			}
		})
	}
}
