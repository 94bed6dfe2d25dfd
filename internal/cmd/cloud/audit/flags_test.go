package audit

import (
	"bytes"
	"context"
	"fmt"
	"testing"

	"github.com/clonit/clonit/internal/cmdutil"
)

func TestFlags(t *testing.T) {
	cases := []struct {
		name string
		args []string
		want string
		err  string
	}{
		{"defaults", nil, "limit=50 before=0", ""},
		{"page back", []string{"--before", "120", "--limit", "10"}, "limit=10 before=120", ""},
		{"limit too small", []string{"--limit", "0"}, "", "usage: --limit must be between 1 and 1000"},
		{"limit too large", []string{"--limit", "5000"}, "", "usage: --limit must be between 1 and 1000"},
		{"negative before", []string{"--before", "-1"}, "", "usage: --before must be an event ID"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got := ""
			f := cmdutil.NewFactory(&cmdutil.IOStreams{Out: &bytes.Buffer{}, ErrOut: &bytes.Buffer{}})
			org := ""
			cmd := NewCmdAudit(f, &org, func(_ context.Context, o *Options) error {
				got = fmt.Sprintf("limit=%d before=%d", o.Limit, o.Before)
				return nil
			})
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
