package serve

import (
	"bytes"
	"context"
	"testing"

	"github.com/clonit/clonit/internal/cmdutil"
)

func TestFlags(t *testing.T) {
	tests := []struct {
		name string
		args []string
		addr string
		err  string
	}{
		{name: "default", args: nil, addr: "127.0.0.1:8484"},
		{name: "another port", args: []string{"--addr", "127.0.0.1:9000"}, addr: "127.0.0.1:9000"},
		{name: "localhost", args: []string{"--addr", "localhost:9000"}, addr: "localhost:9000"},
		{name: "IPv6 loopback", args: []string{"--addr", "[::1]:9000"}, addr: "[::1]:9000"},
		{name: "every interface", args: []string{"--addr", "0.0.0.0:8484"},
			err: `--addr "0.0.0.0:8484" is not a loopback address: the web UI acts with your credentials, so it listens only on 127.0.0.1, [::1] or localhost`},
		{name: "no port", args: []string{"--addr", "127.0.0.1"}, err: `--addr "127.0.0.1" is not HOST:PORT; use e.g. 127.0.0.1:8484`},
		{name: "an argument", args: []string{"extra"}, err: `unknown command "extra" for "serve"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := cmdutil.NewFactory(&cmdutil.IOStreams{Out: &bytes.Buffer{}, ErrOut: &bytes.Buffer{}})
			var got string
			cmd := NewCmdServe(f, func(_ context.Context, o *Options) error { got = o.Addr; return nil })
			cmd.SetArgs(tt.args)
			cmd.SetOut(&bytes.Buffer{})
			cmd.SetErr(&bytes.Buffer{})
			cmd.SilenceErrors, cmd.SilenceUsage = true, true
			err := cmd.Execute()
			gotErr := ""
			if err != nil {
				gotErr = err.Error()
			}
			if gotErr != tt.err || got != tt.addr {
				t.Errorf("addr %q, error %q; want %q, %q", got, gotErr, tt.addr, tt.err)
			}
		})
	}
}
