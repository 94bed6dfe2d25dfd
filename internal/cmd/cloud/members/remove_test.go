package members

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/clonit/clonit/internal/agent"
	"github.com/clonit/clonit/internal/cmd/cloud/cloudtest"
	"github.com/clonit/clonit/internal/cmdutil"
)

func TestRemoveAsks(t *testing.T) {
	cases := []struct {
		name     string
		answer   string
		stderr   string
		err      string
		requests []string
	}{
		{"yes", "y\n", "Remove cy@example.com from org acme? [y/N] Removed cy@example.com from org acme.\n", "",
			[]string{"DELETE /api/v1/orgs/acme/members/cy@example.com [Bearer session-token]"}},
		{"no", "n\n", "Remove cy@example.com from org acme? [y/N] ", "cancelled: cy@example.com was not removed", nil},
		{"just enter", "\n", "Remove cy@example.com from org acme? [y/N] ", "cancelled: cy@example.com was not removed", nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			srv := cloudtest.NewServer(t, map[string]cloudtest.Reply{"DELETE /api/v1/orgs/acme/members/{m}": {Status: 204}})
			env := cloudtest.NewEnv(t, agent.Cloud{URL: srv.URL}, &agent.Session{CloudURL: srv.URL, AccessToken: "session-token", Org: "acme"})
			env.F.IO.In = strings.NewReader(tc.answer)
			org := ""
			opts := &RemoveOptions{
				Options:   Options{IO: env.F.IO, CloudClient: env.F.CloudClient, Org: &org},
				Member:    "cy@example.com",
				CanPrompt: func() bool { return true },
			}
			err := RunRemove(context.Background(), opts)
			gotErr := ""
			if err != nil {
				gotErr = err.Error()
			}
			if gotErr != tc.err {
				t.Errorf("error = %q, want %q", gotErr, tc.err)
			}
			if tc.err != "" && cmdutil.ExitCode(err) != cmdutil.ExitCancelled {
				t.Errorf("exit code = %d, want %d", cmdutil.ExitCode(err), cmdutil.ExitCancelled)
			}
			if env.ErrOut.String() != tc.stderr {
				t.Errorf("stderr = %q, want %q", env.ErrOut, tc.stderr)
			}
			if got := srv.Requests(); !slices.Equal(got, tc.requests) {
				t.Errorf("requests = %q, want %q", got, tc.requests)
			}
			if env.Out.Len() != 0 {
				t.Errorf("stdout = %q, want nothing", env.Out)
			}
		})
	}
}
