package agents

import (
	"bytes"
	"context"
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
	remove := func() *cobra.Command {
		return NewCmdRemove(base(), func(_ context.Context, o *RemoveOptions) error { got = "remove " + o.ID; return nil })
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
		{"remove", remove, []string{"ag1"}, "remove ag1", ""},
		{"remove two", remove, []string{"ag1", "ag2"}, "", "usage: remove takes an agent's ID, as `clonit cloud agents list` shows it (see `remove --help`)"},
		{"list", list, nil, "list", ""},
		{"list with an argument", list, []string{"x"}, "", `unknown command "x" for "list"`},
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
