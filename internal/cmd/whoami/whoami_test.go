package whoami_test

import (
	"bytes"
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/clonit/clonit/internal/agent"
	"github.com/clonit/clonit/internal/cmd/cloud/cloudtest"
	"github.com/clonit/clonit/internal/cmd/whoami"
	"github.com/clonit/clonit/internal/cmdutil"
)

const me = `{"user":{"id":"u1","email":"ada@example.com","name":"Ada Lovelace","groups":["eng","ops"]},"credential":"%s","orgs":%s}`

// orgKeyMe is what GET /me answers an org-level API key: no person, the key instead.
const orgKeyMe = `{"user":{"id":"","email":"","name":"","groups":[]},"credential":"apikey:k1",` +
	`"orgs":[{"slug":"acme","name":"Acme","plan":"free","role":"member"}],` +
	`"key":{"id":"k1","name":"ci","kind":"org","org":"acme","permissions":["pull"]}}`

func TestWhoami(t *testing.T) {
	twoOrgs := `[{"slug":"acme","name":"Acme","plan":"free","role":"owner"},{"slug":"beta","name":"Beta","plan":"pro","role":"viewer"}]`
	cases := []struct {
		name   string
		cloud  agent.Cloud
		sess   *agent.Session
		me     string
		status int
		json   bool
		stdout string
		stderr string
		err    string
		exit   int
	}{
		{
			name:   "session in an org",
			sess:   &agent.Session{AccessToken: "t", Org: "beta"},
			me:     strings.Replace(strings.Replace(me, "%s", "session", 1), "%s", twoOrgs, 1),
			stdout: "Cloud:       URL\nName:        Ada Lovelace\nEmail:       ada@example.com\nCredential:  session\nOrg:         beta\nRole:        viewer\nGroups:      eng, ops\n",
		},
		{
			name:   "token with one org",
			cloud:  agent.Cloud{Token: "t"},
			me:     strings.Replace(strings.Replace(me, "%s", "token", 1), "%s", `[{"slug":"acme","name":"Acme","plan":"free","role":"owner"}]`, 1),
			stdout: "Cloud:       URL\nName:        Ada Lovelace\nEmail:       ada@example.com\nCredential:  token\nOrg:         acme\nRole:        owner\nGroups:      eng, ops\n",
		},
		{
			name:   "no org yet",
			sess:   &agent.Session{AccessToken: "t"},
			me:     `{"user":{"id":"u1","email":"ada@example.com","name":"","groups":[]},"credential":"session","orgs":[]}`,
			stdout: "Cloud:       URL\nName:        -\nEmail:       ada@example.com\nCredential:  session\nOrg:         none (create one with `clonit cloud org create --name NAME --slug SLUG`)\nRole:        -\nGroups:      -\n",
		},
		{
			name:   "removed from the session's org",
			sess:   &agent.Session{AccessToken: "t", Org: "gone"},
			me:     strings.Replace(strings.Replace(me, "%s", "session", 1), "%s", twoOrgs, 1),
			stdout: "Cloud:       URL\nName:        Ada Lovelace\nEmail:       ada@example.com\nCredential:  session\nOrg:         none (pick one with `clonit login --org SLUG`)\nRole:        -\nGroups:      eng, ops\n",
			stderr: "warning: you are not a member of org gone: pick another with `clonit login --org SLUG`\n",
		},
		{
			name:   "json",
			cloud:  agent.Cloud{APIKey: "k", Org: "acme"},
			me:     strings.Replace(strings.Replace(me, "%s", "apikey", 1), "%s", `[{"slug":"acme","name":"Acme","plan":"free","role":"member"}]`, 1),
			json:   true,
			stdout: "{\n  \"cloud\": \"URL\",\n  \"user\": {\n    \"id\": \"u1\",\n    \"email\": \"ada@example.com\",\n    \"name\": \"Ada Lovelace\",\n    \"groups\": [\n      \"eng\",\n      \"ops\"\n    ]\n  },\n  \"credential\": \"apikey\",\n  \"org\": \"acme\",\n  \"role\": \"member\",\n  \"orgs\": [\n    {\n      \"slug\": \"acme\",\n      \"name\": \"Acme\",\n      \"plan\": \"free\",\n      \"role\": \"member\"\n    }\n  ]\n}\n",
		},
		{
			name:  "org-level API key",
			cloud: agent.Cloud{APIKey: "k"},
			me:    orgKeyMe,
			stdout: "Cloud:       URL\nName:        ci (org API key)\nEmail:       -\nCredential:  apikey:k1\nKey:         ci (org-level key; pull)\n" +
				"Org:         acme\nRole:        member\nGroups:      -\n",
		},
		{
			name:  "per-user API key",
			cloud: agent.Cloud{APIKey: "k", Org: "acme"},
			me: `{"user":{"id":"u1","email":"ada@example.com","name":"Ada Lovelace","groups":["eng"]},"credential":"apikey:k2",` +
				`"orgs":[{"slug":"acme","name":"Acme","plan":"free","role":"member"}],` +
				`"key":{"id":"k2","name":"clonit login on box","kind":"user","org":"acme","permissions":["push","pull"]}}`,
			stdout: "Cloud:       URL\nName:        Ada Lovelace\nEmail:       ada@example.com\nCredential:  apikey:k2\nKey:         clonit login on box (per-user key; push, pull)\n" +
				"Org:         acme\nRole:        member\nGroups:      eng\n",
		},
		{
			name:  "read-only org-level API key, json",
			cloud: agent.Cloud{APIKey: "k"},
			me:    strings.Replace(orgKeyMe, `"permissions":["pull"]`, `"permissions":[]`, 1),
			json:  true,
			stdout: `{"cloud":"URL","user":{"id":"","email":"","name":"","groups":[]},"credential":"apikey:k1","org":"acme","role":"member",` +
				`"orgs":[{"slug":"acme","name":"Acme","plan":"free","role":"member"}],"key":{"id":"k1","name":"ci","kind":"org","org":"acme","permissions":[]}}`,
		},
		{
			name:   "a refused token",
			cloud:  agent.Cloud{Token: "expired"},
			status: 401,
			me:     `{"status":401,"code":"unauthenticated","message":"the token has expired"}`,
			err:    "the token has expired (check CLONIT_CLOUD__TOKEN: it may have expired)",
			exit:   cmdutil.ExitUnauthorized,
		},
		{
			name: "not signed in",
			err:  "cloud is not configured: set cloud.url in the config or CLONIT_CLOUD__URL, then run `clonit login`",
			exit: cmdutil.ExitUnauthorized,
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			srv := cloudtest.NewServer(t, map[string]cloudtest.Reply{"GET /api/v1/me": {Status: tc.status, Body: tc.me}})
			tc.cloud.URL = srv.URL
			if tc.sess != nil {
				tc.sess.CloudURL = srv.URL
			}
			env := cloudtest.NewEnv(t, tc.cloud, tc.sess)
			env.F.IO.JSON = tc.json
			cmd := whoami.NewCmdWhoami(env.F, nil)
			cmd.SetArgs(nil)
			cmd.SilenceErrors, cmd.SilenceUsage = true, true
			err := cmd.ExecuteContext(context.Background())
			gotErr := ""
			if err != nil {
				gotErr = err.Error()
			}
			if gotErr != tc.err || cmdutil.ExitCode(err) != tc.exit {
				t.Errorf("error = %q (exit %d), want %q (exit %d)", gotErr, cmdutil.ExitCode(err), tc.err, tc.exit)
			}
			got := strings.ReplaceAll(env.Out.String(), srv.URL, "URL")
			if tc.json && !strings.HasPrefix(tc.stdout, "{\n") {
				got = compact(t, got)
			}
			if got != tc.stdout {
				t.Errorf("stdout:\n%s\nwant:\n%s", got, tc.stdout)
			}
			if env.ErrOut.String() != tc.stderr {
				t.Errorf("stderr = %q, want %q", env.ErrOut, tc.stderr)
			}
		})
	}
}

// compact removes the indentation of JSON output.
func compact(t *testing.T, s string) string {
	t.Helper()
	var b bytes.Buffer
	if err := json.Compact(&b, []byte(s)); err != nil {
		t.Fatalf("output is not JSON: %v\n%s", err, s)
	}
	return b.String()
}
