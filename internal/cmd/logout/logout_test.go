package logout_test

import (
	"context"
	"errors"
	"os"
	"reflect"
	"strings"
	"testing"

	"github.com/clonit/clonit/internal/agent"
	"github.com/clonit/clonit/internal/cmd/cloud/cloudtest"
	"github.com/clonit/clonit/internal/cmd/logout"
)

func TestLogout(t *testing.T) {
	const revokePath = "POST /api/v1/orgs/acme/keys/login/revoke"
	const revoked = `POST /api/v1/orgs/acme/keys/login/revoke {"key":"clonit_k1"} [Bearer t]`
	const keepsWorking = "It keeps working until your next `clonit login` to acme replaces it, or an admin revokes it " +
		"(`clonit cloud keys list --org acme`, then `clonit cloud keys revoke ID`).\n"
	keyed := func() *agent.Session {
		return &agent.Session{AccessToken: "t", Org: "acme", APIKey: "clonit_k1"}
	}
	cases := []struct {
		name   string
		cloud  agent.Cloud
		sess   *agent.Session
		reply  *cloudtest.Reply // the answer to the revocation; nil: no such route
		down   bool             // the cloud does not answer at all
		stderr string
		reqs   []string
	}{
		{name: "signed in", sess: &agent.Session{AccessToken: "t"}, stderr: "Signed out of URL.\n"},
		{name: "not signed in", stderr: "You were not signed in.\n"},
		{name: "an API key stays", cloud: agent.Cloud{APIKey: "ck_1"}, sess: &agent.Session{AccessToken: "t"},
			stderr: "Signed out of URL.\ncloud.api_key is still set: clonit keeps using it for cloud commands.\n"},
		{name: "the login key is revoked", sess: keyed(), reply: &cloudtest.Reply{Status: 204},
			stderr: "Revoked this machine's API key for acme.\nSigned out of URL.\n", reqs: []string{revoked}},
		{name: "the key is no longer the person's", sess: keyed(),
			reply:  &cloudtest.Reply{Status: 404, Body: `{"status":404,"code":"not_found","message":"this is not your login key in acme"}`},
			stderr: "Signed out of URL.\n", reqs: []string{revoked}},
		{name: "the session is refused", sess: keyed(),
			reply: &cloudtest.Reply{Status: 401, Body: `{"status":401,"code":"unauthenticated","message":"the access token was not accepted"}`},
			stderr: "warning: this machine's API key for acme was not revoked: the access token was not accepted (run `clonit login` to sign in again)\n" +
				keepsWorking + "Signed out of URL.\n",
			reqs: []string{revoked}},
		{name: "the cloud is down", sess: keyed(), down: true,
			stderr: "warning: this machine's API key for acme was not revoked: cannot reach Clonit Cloud at URL: check cloud.url and that the server is running\n" +
				keepsWorking + "Signed out of URL.\n"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			routes := map[string]cloudtest.Reply{}
			if tc.reply != nil {
				routes[revokePath] = *tc.reply
			}
			srv := cloudtest.NewServer(t, routes)
			tc.cloud.URL = srv.URL
			if tc.sess != nil {
				tc.sess.CloudURL = srv.URL
			}
			env := cloudtest.NewEnv(t, tc.cloud, tc.sess)
			if tc.down {
				srv.Close()
			}
			cmd := logout.NewCmdLogout(env.F, nil)
			cmd.SetArgs(nil)
			if err := cmd.ExecuteContext(context.Background()); err != nil {
				t.Fatal(err)
			}
			if got := strings.ReplaceAll(env.ErrOut.String(), srv.URL, "URL"); got != tc.stderr || env.Out.Len() != 0 {
				t.Errorf("stderr = %q, stdout = %q; want stderr %q", got, env.Out, tc.stderr)
			}
			if got := srv.Requests(); !reflect.DeepEqual(got, tc.reqs) {
				t.Errorf("requests = %q, want %q", got, tc.reqs)
			}
			if _, err := os.Stat(env.SessionPath); !errors.Is(err, os.ErrNotExist) {
				t.Errorf("session file still there: %v", err)
			}
			cfg, err := env.F.Config()
			if err != nil || cfg.Cloud.APIKey != tc.cloud.APIKey {
				t.Errorf("config changed: %+v, %v", cfg, err)
			}
		})
	}
}
