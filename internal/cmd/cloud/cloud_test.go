package cloud_test

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
	orgsJSON   = `[{"slug":"acme","name":"Acme Data","plan":"free","role":"owner"},{"slug":"beta","name":"Beta Labs","plan":"pro","role":"viewer"}]`
	oneOrgJSON = `[{"slug":"acme","name":"Acme Data","plan":"free","role":"owner"}]`
	ada        = `{"user":{"id":"u1","email":"ada@example.com","name":"Ada Lovelace","groups":["eng","ops"]},"role":"owner","joined_at":"2026-01-02T10:00:00Z"}`
	bob        = `{"user":{"id":"u2","email":"bob@example.com","name":"","groups":[]},"role":"admin","joined_at":"2026-01-03T10:00:00Z"}`
	cy         = `{"user":{"id":"u3","email":"cy@example.com","name":"Cy Young","groups":["qa"]},"role":"viewer","joined_at":"2026-02-10T08:30:00Z"}`
	orgJSON    = `{"slug":"acme","name":"Acme Data","plan":"free","website":"https://acme.example","location":"Berlin","sector":"","description":"","created_at":"2026-01-02T10:00:00Z","role":"owner","leadership":[` + ada + `,` + bob + `]}`
	auditJSON  = `{"events":[{"id":8,"actor":"ada@example.com","credential":"session","action":"member.role","target":"bob@example.com","detail":"member -> admin","created_at":"2026-01-03T10:00:00Z"},{"id":7,"actor":"ada@example.com","credential":"token","action":"org.create","target":"acme","detail":"","created_at":"2026-01-02T10:00:00Z"}],"next_before":7}`
)

// cred says which credential a case runs with.
type cred int

const (
	withSession    cred = iota // a session of the fake cloud, org acme
	withSessNoOrg              // a session of the fake cloud with no org yet
	withToken                  // CLONIT_CLOUD__TOKEN-style token, no org configured
	withNothing                // cloud.url but no credential
	withNoURL                  // no cloud.url at all
	withOtherCloud             // a session of another cloud
)

func TestCloudCommands(t *testing.T) {
	cases := []struct {
		name     string
		args     []string
		json     bool
		cred     cred
		routes   map[string]cloudtest.Reply
		stdout   string
		stderr   string
		err      string
		exit     int
		requests []string // nil: not checked
		org      string   // when set, the session's org afterwards
	}{
		{
			name:   "org list",
			args:   []string{"org", "list"},
			routes: map[string]cloudtest.Reply{"GET /api/v1/orgs": {Body: orgsJSON}},
			stdout: "SLUG  NAME       PLAN  ROLE\nacme  Acme Data  free  owner\nbeta  Beta Labs  pro   viewer\n",
		},
		{
			name:   "org list json",
			args:   []string{"org", "list"},
			json:   true,
			routes: map[string]cloudtest.Reply{"GET /api/v1/orgs": {Body: oneOrgJSON}},
			stdout: "[\n  {\n    \"slug\": \"acme\",\n    \"name\": \"Acme Data\",\n    \"plan\": \"free\",\n    \"role\": \"owner\"\n  }\n]\n",
		},
		{
			name:   "org list with no org yet",
			args:   []string{"org", "list"},
			routes: map[string]cloudtest.Reply{"GET /api/v1/orgs": {Body: `[]`}},
			stderr: "You are not in any org yet: create one with `clonit cloud org create --name NAME --slug SLUG`.\n",
		},
		{
			name:     "org show of the session's org",
			args:     []string{"org", "show"},
			routes:   map[string]cloudtest.Reply{"GET /api/v1/orgs/acme": {Body: orgJSON}},
			stdout:   "Name:         Acme Data\nSlug:         acme\nPlan:         free\nYour role:    owner\nWebsite:      https://acme.example\nLocation:     Berlin\nSector:       -\nDescription:  -\nCreated:      2026-01-02\n\nLeadership:\nNAME          EMAIL            ROLE\nAda Lovelace  ada@example.com  owner\n-             bob@example.com  admin\n",
			requests: []string{"GET /api/v1/orgs/acme [Bearer session-token]"},
		},
		{
			name:     "org show names another org",
			args:     []string{"org", "show", "beta"},
			routes:   map[string]cloudtest.Reply{"GET /api/v1/orgs/beta": {Status: 404, Body: `{"status":404,"code":"not_found","message":"org \"beta\" not found"}`}},
			err:      `org "beta" not found`,
			exit:     cmdutil.ExitNotFound,
			requests: []string{"GET /api/v1/orgs/beta [Bearer session-token]"},
		},
		{
			name:     "--org wins over the session's org",
			args:     []string{"--org", "beta", "members", "list"},
			routes:   map[string]cloudtest.Reply{"GET /api/v1/orgs/beta/members": {Body: `[]`}},
			stdout:   "NAME  EMAIL  ROLE  JOINED  GROUPS  AGENTS\n",
			requests: []string{"GET /api/v1/orgs/beta/members [Bearer session-token]"},
		},
		{
			name:     "a token with one org acts in it",
			args:     []string{"members", "list"},
			cred:     withToken,
			routes:   map[string]cloudtest.Reply{"GET /api/v1/orgs": {Body: oneOrgJSON}, "GET /api/v1/orgs/acme/members": {Body: `[` + ada + `,` + bob + `,` + cy + `]`}},
			stdout:   "NAME          EMAIL            ROLE    JOINED      GROUPS    AGENTS\nAda Lovelace  ada@example.com  owner   2026-01-02  eng, ops  -\n-             bob@example.com  admin   2026-01-03  -         -\nCy Young      cy@example.com   viewer  2026-02-10  qa        -\n",
			requests: []string{"GET /api/v1/orgs [Bearer script-token]", "GET /api/v1/orgs/acme/members [Bearer script-token]"},
		},
		{
			name:   "a token with several orgs needs --org",
			args:   []string{"members", "list"},
			cred:   withToken,
			routes: map[string]cloudtest.Reply{"GET /api/v1/orgs": {Body: orgsJSON}},
			err:    "usage: you are in several orgs (acme, beta): pass --org SLUG",
			exit:   cmdutil.ExitUsage,
		},
		{
			name:   "members list json",
			args:   []string{"members", "list"},
			json:   true,
			routes: map[string]cloudtest.Reply{"GET /api/v1/orgs/acme/members": {Body: `[` + cy + `]`}},
			stdout: "[\n  {\n    \"user\": {\n      \"id\": \"u3\",\n      \"email\": \"cy@example.com\",\n      \"name\": \"Cy Young\",\n      \"groups\": [\n        \"qa\"\n      ]\n    },\n    \"role\": \"viewer\",\n    \"joined_at\": \"2026-02-10T08:30:00Z\"\n  }\n]\n",
		},
		{
			name:     "org create adopts the first org",
			args:     []string{"org", "create", "--name", "Acme Data", "--slug", "acme"},
			cred:     withSessNoOrg,
			routes:   map[string]cloudtest.Reply{"POST /api/v1/orgs": {Status: 201, Body: orgJSON}},
			stderr:   "Created org acme (Acme Data); you are its owner.\n",
			requests: []string{`POST /api/v1/orgs {"name":"Acme Data","slug":"acme"} [Bearer session-token]`},
			org:      "acme",
		},
		{
			name:   "org create of a taken slug",
			args:   []string{"org", "create", "--name", "Acme", "--slug", "acme"},
			routes: map[string]cloudtest.Reply{"POST /api/v1/orgs": {Status: 409, Body: `{"status":409,"code":"conflict","message":"the slug \"acme\" is taken: pick another"}`}},
			err:    `the slug "acme" is taken: pick another`,
			exit:   cmdutil.ExitConflict,
			org:    "acme",
		},
		{
			name:   "org create with a malformed slug",
			args:   []string{"org", "create", "--name", "Acme", "--slug", "Acme Data!"},
			routes: map[string]cloudtest.Reply{"POST /api/v1/orgs": {Status: 400, Body: `{"status":400,"code":"invalid","message":"slug \"Acme Data!\" may hold only a-z, 0-9 and -"}`}},
			err:    `slug "Acme Data!" may hold only a-z, 0-9 and -`,
			exit:   cmdutil.ExitUsage,
		},
		{
			name:     "org update sends only the given fields",
			args:     []string{"org", "update", "--website", "https://acme.example", "--description", ""},
			routes:   map[string]cloudtest.Reply{"PATCH /api/v1/orgs/acme": {Body: orgJSON}},
			stderr:   "Updated org acme.\n",
			requests: []string{`PATCH /api/v1/orgs/acme {"website":"https://acme.example","description":""} [Bearer session-token]`},
		},
		{
			name:     "members set-role",
			args:     []string{"members", "set-role", "bob@example.com", "admin"},
			routes:   map[string]cloudtest.Reply{"PATCH /api/v1/orgs/acme/members/{m}": {Body: bob}},
			stderr:   "bob@example.com is now admin in org acme.\n",
			requests: []string{`PATCH /api/v1/orgs/acme/members/bob@example.com {"role":"admin"} [Bearer session-token]`},
		},
		{
			name:   "members set-role refused",
			args:   []string{"members", "set-role", "ada@example.com", "viewer"},
			routes: map[string]cloudtest.Reply{"PATCH /api/v1/orgs/acme/members/{m}": {Status: 403, Body: `{"status":403,"code":"forbidden","message":"you cannot change your own role"}`}},
			err:    "you cannot change your own role",
			exit:   cmdutil.ExitPermission,
		},
		{
			name:   "members set-role of an unknown member",
			args:   []string{"members", "set-role", "nobody@example.com", "admin"},
			routes: map[string]cloudtest.Reply{"PATCH /api/v1/orgs/acme/members/{m}": {Status: 404, Body: `{"status":404,"code":"not_found","message":"nobody@example.com is not a member of acme"}`}},
			err:    "nobody@example.com is not a member of acme",
			exit:   cmdutil.ExitNotFound,
		},
		{
			name:     "members remove off a terminal needs --yes",
			args:     []string{"members", "remove", "cy@example.com"},
			routes:   map[string]cloudtest.Reply{"DELETE /api/v1/orgs/acme/members/{m}": {Status: 204}},
			err:      "usage: removing cy@example.com from org acme needs confirmation: pass --yes",
			exit:     cmdutil.ExitUsage,
			requests: []string{},
		},
		{
			name:     "members remove --yes",
			args:     []string{"members", "remove", "cy@example.com", "--yes"},
			routes:   map[string]cloudtest.Reply{"DELETE /api/v1/orgs/acme/members/{m}": {Status: 204}},
			stderr:   "Removed cy@example.com from org acme.\n",
			requests: []string{"DELETE /api/v1/orgs/acme/members/cy@example.com [Bearer session-token]"},
		},
		{
			name:     "audit",
			args:     []string{"audit", "--limit", "2"},
			routes:   map[string]cloudtest.Reply{"GET /api/v1/orgs/acme/audit": {Body: auditJSON}},
			stdout:   "WHEN                 ACTOR            ACTION       TARGET           DETAIL           CREDENTIAL\n2026-01-03 10:00:00  ada@example.com  member.role  bob@example.com  member -> admin  session\n2026-01-02 10:00:00  ada@example.com  org.create   acme             -                token\n",
			stderr:   "Older events: clonit cloud audit --org acme --before 7\n",
			requests: []string{"GET /api/v1/orgs/acme/audit?limit=2 [Bearer session-token]"},
		},
		{
			name:   "audit refused to a member",
			args:   []string{"audit"},
			routes: map[string]cloudtest.Reply{"GET /api/v1/orgs/acme/audit": {Status: 403, Body: `{"status":403,"code":"forbidden","message":"only admins and owners read the audit log"}`}},
			err:    "only admins and owners read the audit log",
			exit:   cmdutil.ExitPermission,
		},
		{
			name:     "no cloud.url",
			args:     []string{"org", "list"},
			cred:     withNoURL,
			err:      "cloud is not configured: set cloud.url in the config or CLONIT_CLOUD__URL, then run `clonit login`",
			exit:     cmdutil.ExitUnauthorized,
			requests: []string{},
		},
		{
			name:     "no credential",
			args:     []string{"members", "list"},
			cred:     withNothing,
			err:      "cloud is not configured: set cloud.url in the config or CLONIT_CLOUD__URL, then run `clonit login`",
			exit:     cmdutil.ExitUnauthorized,
			requests: []string{},
		},
		{
			name:     "a session of another cloud",
			args:     []string{"org", "list"},
			cred:     withOtherCloud,
			err:      "you are signed in to http://other.example, not to URL: run `clonit login`",
			exit:     cmdutil.ExitUnauthorized,
			requests: []string{},
		},
		{
			name:   "an expired session",
			args:   []string{"org", "list"},
			routes: map[string]cloudtest.Reply{"GET /api/v1/orgs": {Status: 401, Body: `{"status":401,"code":"unauthenticated","message":"the token has expired"}`}},
			err:    "the token has expired (run `clonit login` to sign in again)",
			exit:   cmdutil.ExitUnauthorized,
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			srv := cloudtest.NewServer(t, tc.routes)
			var cfg agent.Cloud
			var sess *agent.Session
			switch tc.cred {
			case withSession:
				cfg.URL, sess = srv.URL, &agent.Session{CloudURL: srv.URL, AccessToken: "session-token", Org: "acme"}
			case withSessNoOrg:
				cfg.URL, sess = srv.URL, &agent.Session{CloudURL: srv.URL, AccessToken: "session-token"}
			case withToken:
				cfg.URL, cfg.Token = srv.URL, "script-token"
			case withNothing:
				cfg.URL = srv.URL
			case withOtherCloud:
				cfg.URL, sess = srv.URL, &agent.Session{CloudURL: "http://other.example", AccessToken: "session-token"}
			}
			env := cloudtest.NewEnv(t, cfg, sess)
			env.F.IO.JSON = tc.json
			cmd := cloud.NewCmdCloud(env.F)
			cmd.SilenceErrors, cmd.SilenceUsage = true, true
			cmd.SetArgs(tc.args)
			err := cmd.ExecuteContext(context.Background())
			gotErr := ""
			if err != nil {
				gotErr = strings.ReplaceAll(err.Error(), srv.URL, "URL")
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
			if tc.org != "" {
				s, err := agent.LoadSession(env.SessionPath)
				if err != nil || s.Org != tc.org {
					t.Errorf("session org = %+v, %v; want %q", s, err, tc.org)
				}
			}
		})
	}
}
