package cloud_test

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/clonit/clonit/internal/agent"
	"github.com/clonit/clonit/internal/cmd/cloud"
	"github.com/clonit/clonit/internal/cmd/cloud/cloudtest"
	"github.com/clonit/clonit/internal/cmdutil"
)

const (
	twoCodesJSON = `{"org":"acme","invites":[` +
		`{"id":"c1","role":"member","created_by":"ada@example.com","created_at":"2026-03-01T12:00:00Z","expires_at":"2026-03-02T12:00:00Z","code":"1234-5678"},` +
		`{"id":"c2","role":"member","created_by":"ada@example.com","created_at":"2026-03-01T12:00:00Z","expires_at":"2026-03-02T12:00:00Z","code":"0042-0007"}]}`
	adminCodeJSON = `{"org":"acme","replaced":"c0","invites":[` +
		`{"id":"c3","role":"admin","created_by":"ada@example.com","created_at":"2026-03-01T12:00:00Z","expires_at":"2026-03-02T12:00:00Z","code":"9876-5432"}]}`
	invitesJSON = `[{"id":"c3","role":"admin","created_by":"ada@example.com","created_at":"2026-03-01T12:00:00Z","expires_at":"2026-03-02T12:00:00Z"},` +
		`{"id":"c2","role":"member","created_by":"bob@example.com","created_at":"2026-02-28T18:30:00Z","expires_at":"2026-03-01T18:30:00Z"}]`
	adminCodeLive   = `{"status":409,"code":"conflict","message":"acme already has a live admin code (c3, created by ada@example.com, expires 2026-03-02 12:00 UTC): an organization has one at a time; revoke it, or replace it with --replace"}`
	lastOwner       = `{"status":409,"code":"conflict","message":"you are the last owner of acme and cannot leave: transfer ownership first with ` + "`clonit cloud org transfer --to EMAIL --confirm-org acme --confirm-member EMAIL`" + `"}`
	transferredJSON = `{"slug":"acme","name":"Acme Data","plan":"free","website":"","location":"","sector":"","description":"","created_at":"2026-01-02T10:00:00Z","role":"admin","leadership":[` + bob + `]}`
)

func TestMembershipLifecycleCommands(t *testing.T) {
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
		file     string   // expected content of codes.txt in the test's directory
		org      string   // the session's org afterwards ("-": none)
	}{
		{
			name:     "create prints the codes",
			args:     []string{"invites", "create", "--role", "member", "--count", "2"},
			routes:   map[string]cloudtest.Reply{"POST /api/v1/orgs/acme/invites": {Status: 201, Body: twoCodesJSON}},
			stdout:   "1234-5678\n0042-0007\n",
			stderr:   "Created 2 member codes for org acme. Each works once, until 2026-03-02 12:00: `clonit login --org acme --join CODE`.\n",
			requests: []string{`POST /api/v1/orgs/acme/invites {"role":"member","count":2} [Bearer session-token]`},
		},
		{
			name:   "create writes a batch to a file",
			args:   []string{"invites", "create", "--role", "member", "--count", "2", "--output", "codes.txt"},
			routes: map[string]cloudtest.Reply{"POST /api/v1/orgs/acme/invites": {Status: 201, Body: twoCodesJSON}},
			stderr: "Wrote 2 member codes for org acme to codes.txt. Each works once, until 2026-03-02 12:00.\n",
			file:   "1234-5678\n0042-0007\n",
		},
		{
			name:     "create json",
			args:     []string{"invites", "create", "--role", "admin", "--replace"},
			json:     true,
			routes:   map[string]cloudtest.Reply{"POST /api/v1/orgs/acme/invites": {Status: 201, Body: adminCodeJSON}},
			stdout:   "{\n  \"org\": \"acme\",\n  \"invites\": [\n    {\n      \"id\": \"c3\",\n      \"role\": \"admin\",\n      \"created_by\": \"ada@example.com\",\n      \"created_at\": \"2026-03-01T12:00:00Z\",\n      \"expires_at\": \"2026-03-02T12:00:00Z\",\n      \"code\": \"9876-5432\"\n    }\n  ],\n  \"replaced\": \"c0\"\n}\n",
			stderr:   "Revoked the previous admin code c0.\n",
			requests: []string{`POST /api/v1/orgs/acme/invites {"role":"admin","count":1,"replace":true} [Bearer session-token]`},
		},
		{
			name:   "a second admin code is refused",
			args:   []string{"invites", "create", "--role", "admin"},
			routes: map[string]cloudtest.Reply{"POST /api/v1/orgs/acme/invites": {Status: 409, Body: adminCodeLive}},
			err:    "acme already has a live admin code (c3, created by ada@example.com, expires 2026-03-02 12:00 UTC): an organization has one at a time; revoke it, or replace it with --replace",
			exit:   cmdutil.ExitConflict,
		},
		{
			name:   "list",
			args:   []string{"invites", "list"},
			routes: map[string]cloudtest.Reply{"GET /api/v1/orgs/acme/invites": {Body: invitesJSON}},
			stdout: "ID  ROLE    CREATED BY       CREATED           EXPIRES\nc3  admin   ada@example.com  2026-03-01 12:00  2026-03-02 12:00\nc2  member  bob@example.com  2026-02-28 18:30  2026-03-01 18:30\n",
		},
		{
			name:   "list with none",
			args:   []string{"invites", "list"},
			routes: map[string]cloudtest.Reply{"GET /api/v1/orgs/acme/invites": {Body: `[]`}},
			stderr: "Org acme has no live join codes: create some with `clonit cloud invites create --role member`.\n",
		},
		{
			name:   "list json with none",
			args:   []string{"invites", "list"},
			json:   true,
			routes: map[string]cloudtest.Reply{"GET /api/v1/orgs/acme/invites": {Body: `[]`}},
			stdout: "[]\n",
		},
		{
			name:     "revoke",
			args:     []string{"--org", "beta", "invites", "revoke", "c2"},
			routes:   map[string]cloudtest.Reply{"DELETE /api/v1/orgs/beta/invites/{id}": {Status: 204}},
			stderr:   "Revoked join code c2 of org beta.\n",
			requests: []string{"DELETE /api/v1/orgs/beta/invites/c2 [Bearer session-token]"},
		},
		{
			name:     "transfer",
			args:     []string{"org", "transfer", "--to", "bob@example.com", "--confirm-org", "acme", "--confirm-member", "bob@example.com"},
			routes:   map[string]cloudtest.Reply{"POST /api/v1/orgs/acme/transfer": {Body: transferredJSON}},
			stderr:   "bob@example.com now owns org acme; you are an admin.\n",
			requests: []string{`POST /api/v1/orgs/acme/transfer {"to":"bob@example.com","confirm_org":"acme","confirm_member":"bob@example.com"} [Bearer session-token]`},
		},
		{
			name:   "transfer with a mistyped slug",
			args:   []string{"org", "transfer", "--to", "bob@example.com", "--confirm-org", "acne", "--confirm-member", "bob@example.com"},
			routes: map[string]cloudtest.Reply{"POST /api/v1/orgs/acme/transfer": {Status: 400, Body: `{"status":400,"code":"invalid","message":"the organization slug you typed to confirm (\"acne\") is not this organization's: type its slug exactly"}`}},
			err:    `the organization slug you typed to confirm ("acne") is not this organization's: type its slug exactly`,
			exit:   cmdutil.ExitUsage,
		},
		{
			name:     "leave forgets the session's org",
			args:     []string{"leave", "--org", "acme", "--yes"},
			routes:   map[string]cloudtest.Reply{"POST /api/v1/orgs/acme/leave": {Status: 204}},
			stderr:   "You left org acme.\nYour session has no org now: pick one with `clonit login --org SLUG`.\n",
			requests: []string{"POST /api/v1/orgs/acme/leave [Bearer session-token]"},
			org:      "-",
		},
		{
			name:   "leave another org keeps the session's",
			args:   []string{"leave", "--org", "beta", "--yes"},
			routes: map[string]cloudtest.Reply{"POST /api/v1/orgs/beta/leave": {Status: 204}},
			stderr: "You left org beta.\n",
			org:    "acme",
		},
		{
			name:   "the last owner cannot leave",
			args:   []string{"leave", "--org", "acme", "--yes"},
			routes: map[string]cloudtest.Reply{"POST /api/v1/orgs/acme/leave": {Status: 409, Body: lastOwner}},
			err:    "you are the last owner of acme and cannot leave: transfer ownership first with `clonit cloud org transfer --to EMAIL --confirm-org acme --confirm-member EMAIL`",
			exit:   cmdutil.ExitConflict,
			org:    "acme",
		},
		{
			name:     "leave off a terminal without --yes",
			args:     []string{"leave", "--org", "acme"},
			err:      "usage: leaving org acme needs confirmation: pass --yes",
			exit:     cmdutil.ExitUsage,
			requests: []string{},
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			srv := cloudtest.NewServer(t, tc.routes)
			env := cloudtest.NewEnv(t, agent.Cloud{URL: srv.URL}, &agent.Session{CloudURL: srv.URL, AccessToken: "session-token", Org: "acme"})
			env.F.IO.JSON = tc.json
			dir := t.TempDir()
			t.Chdir(dir)
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
			path := filepath.Join(dir, "codes.txt")
			if tc.file != "" {
				b, err := os.ReadFile(path)
				fi, _ := os.Stat(path)
				if err != nil || string(b) != tc.file || fi.Mode().Perm() != 0o600 {
					t.Errorf("codes.txt = %q (%v), %v; want %q, mode 0600", b, fi.Mode().Perm(), err, tc.file)
				}
				if strings.Contains(env.ErrOut.String(), "1234") {
					t.Errorf("the codes also went to the terminal: %s", env.ErrOut)
				}
			} else if _, err := os.Stat(path); err == nil {
				t.Errorf("codes.txt was written")
			}
			if tc.org != "" {
				s, err := agent.LoadSession(env.SessionPath)
				want := strings.TrimPrefix(tc.org, "-")
				if err != nil || s.Org != want {
					t.Errorf("session org = %q, %v; want %q", s.Org, err, want)
				}
			}
		})
	}
}
