package keys

import (
	"bytes"
	"context"
	"fmt"
	"testing"

	"github.com/spf13/cobra"

	"github.com/clonit/clonit/internal/cmdutil"
)

func TestFlags(t *testing.T) {
	var got string
	base := func() Options {
		org := ""
		return Options{IO: &cmdutil.IOStreams{Out: &bytes.Buffer{}, ErrOut: &bytes.Buffer{}}, Org: &org}
	}
	create := func() *cobra.Command {
		return NewCmdCreate(base(), func(_ context.Context, o *CreateOptions) error {
			got = fmt.Sprintf("name=%q perms=%q expires=%s user=%v", o.Name, o.Permissions, o.Expires, o.User)
			return nil
		})
	}
	revoke := func() *cobra.Command {
		return NewCmdRevoke(base(), func(_ context.Context, o *RevokeOptions) error { got = "revoke " + o.ID; return nil })
	}
	list := func() *cobra.Command {
		return NewCmdList(base(), func(context.Context, *Options) error { got = "list"; return nil })
	}
	cases := []struct {
		name string
		cmd  func() *cobra.Command
		args []string
		want string
		err  string
	}{
		{"create with defaults", create, []string{"--name", "ci"}, `name="ci" perms=["push" "pull"] expires=0s user=false`, ""},
		{"create pull-only for 30 days", create, []string{"--name", "ci", "--permissions", "pull", "--expires", "30d"}, `name="ci" perms=["pull"] expires=720h0m0s user=false`, ""},
		{"create push-only for 2 weeks", create, []string{"--name", "ci", "--permissions", "PUSH", "--expires", "2w"}, `name="ci" perms=["push"] expires=336h0m0s user=false`, ""},
		{"create read-only per-user for 90 minutes", create, []string{"--name", "me", "--permissions", "read", "--expires", "90m", "--user"}, `name="me" perms=[] expires=1h30m0s user=true`, ""},
		{"create without a name", create, nil, "", "usage: --name is required: say what the key is for, such as --name ci"},
		{"create with an unknown permission", create, []string{"--name", "ci", "--permissions", "push,delete"}, "", `usage: --permissions takes push, pull, push,pull or read, not "delete"`},
		{"create with a bad expiry", create, []string{"--name", "ci", "--expires", "soon"}, "", `usage: --expires takes a duration such as 30d, 12h or 90m, not "soon"`},
		{"create with a negative expiry", create, []string{"--name", "ci", "--expires", "-1h"}, "", `usage: --expires must be positive, not "-1h"`},
		{"revoke", revoke, []string{"k1"}, "revoke k1", ""},
		{"revoke without an id", revoke, nil, "", "usage: revoke takes a key's ID, as `clonit cloud keys list` shows it (see `revoke --help`)"},
		{"list", list, nil, "list", ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got = ""
			cmd := tc.cmd()
			cmd.SetArgs(tc.args)
			cmd.SilenceErrors, cmd.SilenceUsage = true, true
			err := cmd.Execute()
			gotErr := ""
			if err != nil {
				gotErr = err.Error()
			}
			if gotErr != tc.err || got != tc.want {
				t.Errorf("got %s / error %q; want %s / error %q", got, gotErr, tc.want, tc.err)
			}
		})
	}
}
