package leave

import (
	"bytes"
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/clonit/clonit/internal/agent"
	"github.com/clonit/clonit/internal/cmd/cloud/cloudtest"
	"github.com/clonit/clonit/internal/cmdutil"
)

func TestFlags(t *testing.T) {
	cases := []struct {
		name, org string
		args      []string
		want, err string
	}{
		{"with --org", "acme", nil, "org=acme yes=false", ""},
		{"with --yes", "acme", []string{"--yes"}, "org=acme yes=true", ""},
		{"without --org", "", []string{"--yes"}, "", "usage: name the org to leave with --org SLUG"},
		{"an argument", "acme", []string{"acme"}, "", `unknown command "acme" for "leave"`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got := ""
			org := tc.org
			f := cmdutil.NewFactory(&cmdutil.IOStreams{Out: &bytes.Buffer{}, ErrOut: &bytes.Buffer{}})
			cmd := NewCmdLeave(f, &org, func(_ context.Context, o *Options) error {
				got = fmt.Sprintf("org=%s yes=%v", *o.Org, o.Yes)
				return nil
			})
			cmd.SetArgs(tc.args)
			cmd.SilenceErrors, cmd.SilenceUsage = true, true
			err := cmd.Execute()
			gotErr := ""
			if err != nil {
				gotErr = err.Error()
			}
			if got != tc.want || gotErr != tc.err {
				t.Errorf("got %s / error %q; want %s / error %q", got, gotErr, tc.want, tc.err)
			}
		})
	}
}

func TestLeaveAsks(t *testing.T) {
	cases := []struct {
		name, answer, stderr, err string
		requests                  []string
	}{
		{"yes", "yes\n", "Leave org acme? You will need a new join code to come back. [y/N] You left org acme.\nYour session has no org now: pick one with `clonit login --org SLUG`.\n", "",
			[]string{"POST /api/v1/orgs/acme/leave [Bearer session-token]"}},
		{"no", "n\n", "Leave org acme? You will need a new join code to come back. [y/N] ", "cancelled: you are still in org acme", nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			srv := cloudtest.NewServer(t, map[string]cloudtest.Reply{"POST /api/v1/orgs/acme/leave": {Status: 204}})
			env := cloudtest.NewEnv(t, agent.Cloud{URL: srv.URL}, &agent.Session{CloudURL: srv.URL, AccessToken: "session-token", Org: "acme"})
			env.F.IO.In = strings.NewReader(tc.answer)
			org := "acme"
			opts := &Options{IO: env.F.IO, CloudClient: env.F.CloudClient, SessionPath: env.F.SessionPath, Org: &org,
				CanPrompt: func() bool { return true }}
			err := Run(context.Background(), opts)
			gotErr := ""
			if err != nil {
				gotErr = err.Error()
			}
			if gotErr != tc.err || env.ErrOut.String() != tc.stderr {
				t.Errorf("error %q, stderr %q\nwant %q, %q", gotErr, env.ErrOut, tc.err, tc.stderr)
			}
			if got := srv.Requests(); !slices.Equal(got, tc.requests) {
				t.Errorf("requests = %q, want %q", got, tc.requests)
			}
		})
	}
}
