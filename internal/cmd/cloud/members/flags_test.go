package members

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
	setRole := func() *cobra.Command {
		return NewCmdSetRole(base(), func(_ context.Context, o *SetRoleOptions) error {
			got = fmt.Sprintf("member=%q role=%q", o.Member, o.Role)
			return nil
		})
	}
	remove := func() *cobra.Command {
		return NewCmdRemove(base(), func(_ context.Context, o *RemoveOptions) error {
			got = fmt.Sprintf("member=%q yes=%v", o.Member, o.Yes)
			return nil
		})
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
		{"set-role", setRole, []string{"ada@example.com", "admin"}, `member="ada@example.com" role="admin"`, ""},
		{"set-role without a role", setRole, []string{"ada@example.com"}, "", "usage: set-role takes a member's email and a role (see `set-role --help`)"},
		{"remove", remove, []string{"ada@example.com"}, `member="ada@example.com" yes=false`, ""},
		{"remove --yes", remove, []string{"--yes", "ada@example.com"}, `member="ada@example.com" yes=true`, ""},
		{"remove -y", remove, []string{"ada@example.com", "-y"}, `member="ada@example.com" yes=true`, ""},
		{"remove two", remove, []string{"a@x", "b@x"}, "", "usage: remove takes a member's email (see `remove --help`)"},
		{"list", list, nil, "list", ""},
		{"list with an argument", list, []string{"acme"}, "", `unknown command "acme" for "list"`},
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
