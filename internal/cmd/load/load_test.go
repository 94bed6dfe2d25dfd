package load

import (
	"errors"
	"io"
	"testing"

	"github.com/clonit/clonit/internal/agent"
	"github.com/clonit/clonit/internal/cmdutil"
	"github.com/clonit/clonit/internal/errs"
)

func TestNewCmdLoad(t *testing.T) {
	tests := []struct {
		name    string
		args    []string
		want    Options
		wantErr string
		kind    error
	}{
		{name: "newest", args: []string{"shop"}, want: Options{Target: "shop"}},
		{name: "index and jobs", args: []string{"shop", "2", "--jobs", "4"}, want: Options{Target: "shop", Arg: "2", Jobs: 4}},
		{name: "sql file", args: []string{"shop", "seed.sql"}, want: Options{Target: "shop", Arg: "seed.sql"}},
		{name: "no target", args: nil, kind: cmdutil.ErrUsage, wantErr: "usage: expected `clonit load TARGET [INDEX | FILE.sql] [--jobs N]`"},
		{name: "too many", args: []string{"shop", "1", "2"}, kind: cmdutil.ErrUsage, wantErr: "usage: expected `clonit load TARGET [INDEX | FILE.sql] [--jobs N]`"},
		{name: "negative jobs", args: []string{"shop", "-j", "-2"}, kind: errs.ErrInvalid, wantErr: "--jobs must be 0 or more"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := cmdutil.NewFactory(&cmdutil.IOStreams{Out: io.Discard, ErrOut: io.Discard})
			var got *Options
			cmd := NewCmdLoad(f, func(o *Options) error { got = o; return nil })
			cmd.SetArgs(tt.args)
			cmd.SetOut(io.Discard)
			cmd.SetErr(io.Discard)
			err := cmd.Execute()
			if tt.wantErr != "" {
				if err == nil || err.Error() != tt.wantErr || !errors.Is(err, tt.kind) {
					t.Fatalf("error = %v, want %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got.Target != tt.want.Target || got.Arg != tt.want.Arg || got.Jobs != tt.want.Jobs {
				t.Fatalf("options = %+v, want %+v", *got, tt.want)
			}
		})
	}
}

func TestJobs(t *testing.T) {
	cfg := &agent.Config{Defaults: agent.Defaults{RestoreJobs: 3}}
	tests := []struct {
		name         string
		flag, target int
		cfg          *agent.Config
		want         int
	}{
		{"flag wins", 5, 4, cfg, 5},
		{"then the target", 0, 4, cfg, 4},
		{"then the config", 0, 0, cfg, 3},
		{"then the tool", 0, 0, &agent.Config{}, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Jobs(tt.flag, agent.Target{RestoreJobs: tt.target}, tt.cfg); got != tt.want {
				t.Fatalf("Jobs = %d, want %d", got, tt.want)
			}
		})
	}
}
