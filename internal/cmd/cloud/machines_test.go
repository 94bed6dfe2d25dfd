package cloud_test

import (
	"context"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/clonit/clonit/internal/agent"
	"github.com/clonit/clonit/internal/api"
	"github.com/clonit/clonit/internal/cmd/cloud"
	"github.com/clonit/clonit/internal/cmd/cloud/cloudtest"
	"github.com/clonit/clonit/internal/cmdutil"
	"github.com/clonit/clonit/internal/version"
)

const (
	keyJSON     = `{"id":"k1","name":"ci","kind":"org","login":false,"hint":"clonit_AbCd","permissions":["pull"],"created_by":"ada@example.com","created_at":"2026-02-01T09:00:00Z","expires_at":"2026-05-02T12:00:00Z"}`
	userKeyJSON = `{"id":"k2","name":"clonit login on laptop","kind":"user","user":"bob@example.com","login":true,"hint":"clonit_XyZw","permissions":["push","pull"],"created_by":"bob@example.com","created_at":"2026-02-02T09:00:00Z","last_used_at":"2026-02-28T17:30:00Z"}`
	createdKey  = `{"id":"k1","name":"ci","kind":"org","login":false,"hint":"clonit_AbCd","permissions":["pull"],"created_by":"ada@example.com","created_at":"2026-03-01T12:00:00Z","expires_at":"2026-03-31T12:00:00Z","key":"clonit_AbCdsecretsecretsecretsecretsecr000000"}`
	agentJSON   = `{"id":"ag1","name":"laptop","hostname":"laptop.local","version":"1.2.0","registered_by":"ada@example.com","registered_at":"2026-02-01T09:00:00Z","last_seen_at":"2026-03-01T11:59:00Z"}`
	removedJSON = `{"status":403,"code":"forbidden","message":"this machine's agent \"laptop\" was removed from the organization's registry on 2026-03-01 10:00 UTC by admin@example.com: register it again with ` + "`clonit cloud register --force`" + `"}`
)

func TestMachineCommands(t *testing.T) {
	host, _ := os.Hostname()
	cases := []struct {
		name     string
		args     []string
		json     bool
		apiKey   string // cloud.api_key instead of the session
		agentID  string // cloud.agent_id in the config
		routes   map[string]cloudtest.Reply
		stdout   string
		stderr   string
		err      string
		exit     int
		requests []string // nil: not checked
		saved    string   // cloud.agent_id in the config file afterwards ("" unchecked)
	}{
		{
			name:     "keys create prints the key once on stdout",
			args:     []string{"keys", "create", "--name", "ci", "--permissions", "pull", "--expires", "30d"},
			routes:   map[string]cloudtest.Reply{"POST /api/v1/orgs/acme/keys": {Status: 201, Body: createdKey}},
			stdout:   "clonit_AbCdsecretsecretsecretsecretsecr000000\n",
			stderr:   "Created org key \"ci\" (k1, pull) in org acme, expires 2026-03-31 12:00.\nThis is the only time the key is shown: store it now, as cloud.api_key or CLONIT_CLOUD__API_KEY.\n",
			requests: []string{`POST /api/v1/orgs/acme/keys {"name":"ci","permissions":["pull"],"expires_at":"2026-03-31T12:00:00Z"} [Bearer session-token]`},
		},
		{
			name:     "keys create --json",
			args:     []string{"keys", "create", "--name", "ci", "--user"},
			json:     true,
			routes:   map[string]cloudtest.Reply{"POST /api/v1/orgs/acme/keys": {Status: 201, Body: createdKey}},
			stdout:   "{\n  \"id\": \"k1\",\n  \"name\": \"ci\",\n  \"kind\": \"org\",\n  \"login\": false,\n  \"hint\": \"clonit_AbCd\",\n  \"permissions\": [\n    \"pull\"\n  ],\n  \"created_by\": \"ada@example.com\",\n  \"created_at\": \"2026-03-01T12:00:00Z\",\n  \"expires_at\": \"2026-03-31T12:00:00Z\",\n  \"key\": \"clonit_AbCdsecretsecretsecretsecretsecr000000\"\n}\n",
			requests: []string{`POST /api/v1/orgs/acme/keys {"name":"ci","permissions":["push","pull"],"user":true} [Bearer session-token]`},
		},
		{
			name:   "keys create refused to a member",
			args:   []string{"keys", "create", "--name", "ci"},
			routes: map[string]cloudtest.Reply{"POST /api/v1/orgs/acme/keys": {Status: 403, Body: `{"status":403,"code":"forbidden","message":"your role in acme is member, which cannot create or revoke API keys: ask an admin or owner of the organization"}`}},
			err:    "your role in acme is member, which cannot create or revoke API keys: ask an admin or owner of the organization",
			exit:   cmdutil.ExitPermission,
		},
		{
			name:   "keys list never shows secrets",
			args:   []string{"keys", "list"},
			routes: map[string]cloudtest.Reply{"GET /api/v1/orgs/acme/keys": {Body: `[` + userKeyJSON + `,` + keyJSON + `]`}},
			stdout: "ID  NAME                    ACTS AS          PERMISSIONS  CREATED BY       CREATED           EXPIRES           LAST USED\n" +
				"k2  clonit login on laptop  bob@example.com  push,pull    bob@example.com  2026-02-02 09:00  never             2026-02-28 17:30\n" +
				"k1  ci                      org              pull         ada@example.com  2026-02-01 09:00  2026-05-02 12:00  never\n",
		},
		{
			name:     "keys revoke",
			args:     []string{"keys", "revoke", "k1"},
			routes:   map[string]cloudtest.Reply{"DELETE /api/v1/orgs/acme/keys/k1": {Status: 204}},
			stderr:   "Revoked key k1 in org acme: requests with it now fail.\n",
			requests: []string{"DELETE /api/v1/orgs/acme/keys/k1 [Bearer session-token]"},
		},
		{
			name:     "agents list, sent from a registered agent",
			args:     []string{"agents", "list"},
			agentID:  "ag1",
			routes:   map[string]cloudtest.Reply{"GET /api/v1/orgs/acme/agents": {Body: `[` + agentJSON + `]`}},
			stdout:   "ID   NAME    VERSION  HOSTNAME      LAST SEEN         REGISTERED BY\nag1  laptop  1.2.0    laptop.local  2026-03-01 11:59  ada@example.com\n",
			requests: []string{"GET /api/v1/orgs/acme/agents [Bearer session-token] agent=ag1"},
		},
		{
			name:   "agents remove",
			args:   []string{"agents", "remove", "ag1"},
			routes: map[string]cloudtest.Reply{"DELETE /api/v1/orgs/acme/agents/ag1": {Status: 204}},
			stderr: "Removed agent ag1 from org acme: its next call will be refused until it registers again.\n",
		},
		{
			name:   "a removed agent's next call says how to register again",
			args:   []string{"agents", "list"},
			routes: map[string]cloudtest.Reply{"GET /api/v1/orgs/acme/agents": {Status: 403, Body: removedJSON}},
			err:    "this machine's agent \"laptop\" was removed from the organization's registry on 2026-03-01 10:00 UTC by admin@example.com: register it again with `clonit cloud register --force`",
			exit:   cmdutil.ExitPermission,
		},
		{
			name:     "register under a name, saving cloud.agent_id",
			args:     []string{"register", "--name", "laptop"},
			apiKey:   "clonit_fromconfig",
			routes:   map[string]cloudtest.Reply{"GET /api/v1/orgs": {Body: oneOrgJSON}, "POST /api/v1/orgs/acme/agents": {Status: 201, Body: agentJSON}},
			stderr:   "Registered this machine as agent \"laptop\" (ag1) in org acme; cloud.agent_id is saved in CONFIG.\n",
			requests: []string{"GET /api/v1/orgs [Bearer clonit_fromconfig]", `POST /api/v1/orgs/acme/agents {"name":"laptop","hostname":"` + host + `","version":"` + version.Version + `"} [Bearer clonit_fromconfig]`},
			saved:    "ag1",
		},
		{
			name:     "register again is refused without --force",
			args:     []string{"register"},
			agentID:  "ag0",
			err:      "this machine is already registered (cloud.agent_id ag0): pass --force to register it again, for example after re-imaging it",
			exit:     cmdutil.ExitConflict,
			requests: []string{},
			saved:    "ag0",
		},
		{
			name:     "register --force replaces the previous registration",
			args:     []string{"register", "--force"},
			agentID:  "ag0",
			routes:   map[string]cloudtest.Reply{"POST /api/v1/orgs/acme/agents": {Status: 201, Body: agentJSON}},
			stderr:   "Registered this machine as agent \"laptop\" (ag1) in org acme; cloud.agent_id is saved in CONFIG.\n",
			requests: []string{`POST /api/v1/orgs/acme/agents {"name":"` + host + `","hostname":"` + host + `","version":"` + version.Version + `","force":true,"replaces":"ag0"} [Bearer session-token]`},
			saved:    "ag1",
		},
		{
			name:    "status of a registered machine",
			args:    []string{"status"},
			agentID: "ag1",
			routes: map[string]cloudtest.Reply{"GET /healthz": {Body: `{"status":"ok"}`}, "GET /api/v1/me": {Body: `{"user":{"id":"u1","email":"ada@example.com","name":"Ada","groups":[]},"credential":"session","orgs":[{"slug":"acme","name":"Acme","plan":"free","role":"owner"}]}`},
				"GET /api/v1/orgs/acme/agents/ag1": {Body: agentJSON}},
			stdout: "Cloud:     URL (reachable)\nOrg:       acme (owner)\nIdentity:  ada@example.com (session)\nAgent:     laptop (ag1), version 1.2.0\nLast seen: 2026-03-01 11:59:00\n",
		},
		{
			name:   "status with an API key, not registered",
			args:   []string{"status"},
			apiKey: "clonit_fromconfig",
			routes: map[string]cloudtest.Reply{"GET /healthz": {Body: `{"status":"ok"}`}, "GET /api/v1/me": {Body: `{"user":{"id":"","email":"","name":"","groups":[]},"credential":"apikey:k1","orgs":[{"slug":"acme","name":"Acme","plan":"free","role":"member"}],"key":{"id":"k1","name":"ci","kind":"org","org":"acme","permissions":["pull"]}}`}},
			stdout: "Cloud:     URL (reachable)\nOrg:       acme (member)\nIdentity:  key \"ci\" (apikey)\nAgent:     not registered\n",
			stderr: "This machine is not registered with the org: run `clonit cloud register`.\n",
		},
		{
			name:    "status of a removed agent",
			args:    []string{"status"},
			agentID: "ag1",
			routes:  map[string]cloudtest.Reply{"GET /healthz": {Body: `{"status":"ok"}`}, "GET /api/v1/me": {Status: 403, Body: removedJSON}},
			stdout:  "Cloud:     URL (reachable)\nAgent:     ag1\n",
			err:     "this machine's agent \"laptop\" was removed from the organization's registry on 2026-03-01 10:00 UTC by admin@example.com: register it again with `clonit cloud register --force`",
			exit:    cmdutil.ExitPermission,
		},
		{
			name:   "members list shows each member's agents",
			args:   []string{"members", "list"},
			routes: map[string]cloudtest.Reply{"GET /api/v1/orgs/acme/members": {Body: `[{"user":{"id":"u1","email":"ada@example.com","name":"Ada","groups":[]},"role":"owner","joined_at":"2026-01-02T10:00:00Z","agents":[{"id":"ag1","name":"laptop"},{"id":"ag2","name":"ci-runner"}]}]`}},
			stdout: "NAME  EMAIL            ROLE   JOINED      GROUPS  AGENTS\nAda   ada@example.com  owner  2026-01-02  -       laptop, ci-runner\n",
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			srv := cloudtest.NewServer(t, tc.routes)
			cfg := agent.Cloud{URL: srv.URL, APIKey: tc.apiKey, AgentID: tc.agentID}
			var sess *agent.Session
			if tc.apiKey == "" {
				sess = &agent.Session{CloudURL: srv.URL, AccessToken: "session-token", Org: "acme"}
			}
			env := cloudtest.NewEnv(t, cfg, sess)
			env.F.IO.JSON = tc.json
			cmd := cloud.NewCmdCloud(env.F)
			cmd.SilenceErrors, cmd.SilenceUsage = true, true
			cmd.SetArgs(tc.args)
			err := cmd.ExecuteContext(context.Background())
			gotErr := ""
			if err != nil {
				gotErr = err.Error()
			}
			if gotErr != tc.err || cmdutil.ExitCode(err) != tc.exit {
				t.Errorf("error = %q (exit %d), want %q (exit %d)", gotErr, cmdutil.ExitCode(err), tc.err, tc.exit)
			}
			clean := strings.NewReplacer(srv.URL, "URL", env.F.ConfigPath, "CONFIG")
			if got := clean.Replace(env.Out.String()); got != tc.stdout {
				t.Errorf("stdout:\n%s\nwant:\n%s", got, tc.stdout)
			}
			if got := clean.Replace(env.ErrOut.String()); got != tc.stderr {
				t.Errorf("stderr:\n%s\nwant:\n%s", got, tc.stderr)
			}
			if tc.requests != nil {
				got := agentRequests(srv)
				if !slices.Equal(got, tc.requests) {
					t.Errorf("requests:\n%q\nwant:\n%q", got, tc.requests)
				}
			}
			if tc.saved != "" {
				saved, err := agent.ReadConfigFile(env.F.ConfigPath)
				if err != nil || saved.Cloud.AgentID != tc.saved || saved.Cloud.URL != srv.URL || saved.Cloud.APIKey != tc.apiKey {
					t.Errorf("config file after: %+v, %v; want agent_id %s and the rest unchanged", saved.Cloud, err, tc.saved)
				}
			}
		})
	}
}

// agentRequests returns the fake cloud's requests, each followed by " agent=ID" when it
// carried the agent header.
func agentRequests(srv *cloudtest.Server) []string {
	out := []string{}
	agents := srv.Header(api.AgentHeader)
	for i, r := range srv.Requests() {
		if agents[i] != "" {
			r += " agent=" + agents[i]
		}
		out = append(out, r)
	}
	return out
}
