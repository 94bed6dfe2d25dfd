package invites

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
			got = fmt.Sprintf("role=%s count=%d output=%q replace=%v", o.Role, o.Count, o.Output, o.Replace)
			return nil
		})
	}
	list := func() *cobra.Command {
		return NewCmdList(base(), func(context.Context, *Options) error { got = "list"; return nil })
	}
	revoke := func() *cobra.Command {
		return NewCmdRevoke(base(), func(_ context.Context, o *RevokeOptions) error { got = "revoke " + o.ID; return nil })
	}
	cases := []struct {
		name string
		cmd  func() *cobra.Command
		args []string
		want string
		err  string
	}{
		{"one member code", create, []string{"--role", "member"}, `role=member count=1 output="" replace=false`, ""},
		{"a batch to a file", create, []string{"--role", "viewer", "--count", "50", "-o", "codes.txt"}, `role=viewer count=50 output="codes.txt" replace=false`, ""},
		{"replace the admin code", create, []string{"--role", "admin", "--replace"}, `role=admin count=1 output="" replace=true`, ""},
		{"no role", create, nil, "", "usage: --role is required: member, viewer or admin"},
		{"owner codes do not exist", create, []string{"--role", "owner"}, "", `usage: --role must be member, viewer or admin, not "owner"`},
		{"too many", create, []string{"--role", "member", "--count", "51"}, "", "usage: --count must be between 1 and 50"},
		{"none", create, []string{"--role", "member", "--count", "0"}, "", "usage: --count must be between 1 and 50"},
		{"replace a member code", create, []string{"--role", "member", "--replace"}, "", "usage: --replace applies to admin codes only"},
		{"list", list, nil, "list", ""},
		{"list an argument", list, []string{"x"}, "", `unknown command "x" for "list"`},
		{"revoke", revoke, []string{"c1"}, "revoke c1", ""},
		{"revoke nothing", revoke, nil, "", "usage: revoke takes a code's ID, as `clonit cloud invites list` shows it"},
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
