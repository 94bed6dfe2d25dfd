package logout_test

import (
	"context"
	"errors"
	"os"
	"testing"

	"github.com/clonit/clonit/internal/agent"
	"github.com/clonit/clonit/internal/cmd/cloud/cloudtest"
	"github.com/clonit/clonit/internal/cmd/logout"
)

func TestLogout(t *testing.T) {
	cases := []struct {
		name   string
		cloud  agent.Cloud
		sess   *agent.Session
		stderr string
	}{
		{"signed in", agent.Cloud{URL: "http://cloud.example"}, &agent.Session{CloudURL: "http://cloud.example", AccessToken: "t"},
			"Signed out of http://cloud.example.\n"},
		{"not signed in", agent.Cloud{}, nil, "You were not signed in.\n"},
		{"an API key stays", agent.Cloud{URL: "http://cloud.example", APIKey: "ck_1"}, &agent.Session{CloudURL: "http://cloud.example", AccessToken: "t"},
			"Signed out of http://cloud.example.\ncloud.api_key is still set: clonit keeps using it for cloud commands.\n"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			env := cloudtest.NewEnv(t, tc.cloud, tc.sess)
			cmd := logout.NewCmdLogout(env.F, nil)
			cmd.SetArgs(nil)
			if err := cmd.ExecuteContext(context.Background()); err != nil {
				t.Fatal(err)
			}
			if env.ErrOut.String() != tc.stderr || env.Out.Len() != 0 {
				t.Errorf("stderr = %q, stdout = %q; want stderr %q", env.ErrOut, env.Out, tc.stderr)
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
