package push

import (
	"errors"
	"io"
	"testing"

	"github.com/clonit/clonit/internal/cmdutil"
)

func TestNewCmdPush(t *testing.T) {
	tests := []struct {
		name    string
		args    []string
		want    Options
		wantErr string
	}{
		{name: "newest", args: []string{"shop"}, want: Options{Target: "shop"}},
		{name: "index", args: []string{"shop", "3"}, want: Options{Target: "shop", Index: "3"}},
		{name: "cloud", args: []string{"shop", "--cloud"}, want: Options{Target: "shop", Cloud: true}},
		{name: "cloud, index and org", args: []string{"shop", "2", "--cloud", "--org", "acme"}, want: Options{Target: "shop", Index: "2", Cloud: true, Org: "acme"}},
		{name: "no target", args: nil, wantErr: "usage: expected `clonit push TARGET [INDEX] [--cloud]`"},
		{name: "too many", args: []string{"shop", "1", "2"}, wantErr: "usage: expected `clonit push TARGET [INDEX] [--cloud]`"},
		{name: "org without cloud", args: []string{"shop", "--org", "acme"}, wantErr: "usage: --org goes with --cloud"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := cmdutil.NewFactory(&cmdutil.IOStreams{Out: io.Discard, ErrOut: io.Discard})
			var got *Options
			cmd := NewCmdPush(f, func(o *Options) error { got = o; return nil })
			cmd.SetArgs(tt.args)
			cmd.SetOut(io.Discard)
			cmd.SetErr(io.Discard)
			err := cmd.Execute()
			if tt.wantErr != "" {
				if err == nil || err.Error() != tt.wantErr || !errors.Is(err, cmdutil.ErrUsage) {
					t.Fatalf("error = %v, want %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if *got != (Options{Env: got.Env, Target: tt.want.Target, Index: tt.want.Index, Cloud: tt.want.Cloud, Org: tt.want.Org}) {
				t.Fatalf("options = %+v, want %+v", *got, tt.want)
			}
		})
	}
}
