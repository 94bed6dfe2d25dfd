package pull

import (
	"errors"
	"io"
	"testing"

	"github.com/clonit/clonit/internal/cmdutil"
)

func TestNewCmdPull(t *testing.T) {
	tests := []struct {
		name    string
		args    []string
		want    Options
		wantErr string
	}{
		{name: "newest", args: []string{"shop"}, want: Options{Target: "shop"}},
		{name: "index", args: []string{"shop", "3"}, want: Options{Target: "shop", Index: "3"}},
		{name: "cloud", args: []string{"shop", "--cloud", "--snapshot-id", "3kq7"}, want: Options{Target: "shop", Cloud: true, SnapshotID: "3kq7"}},
		{name: "cloud with an org", args: []string{"shop", "--cloud", "--snapshot-id", "3kq7", "--org", "acme"}, want: Options{Target: "shop", Cloud: true, SnapshotID: "3kq7", Org: "acme"}},
		{name: "no target", args: nil, wantErr: "usage: expected `clonit pull TARGET [INDEX]` or `clonit pull TARGET --cloud --snapshot-id ID`"},
		{name: "too many", args: []string{"shop", "1", "2"}, wantErr: "usage: expected `clonit pull TARGET [INDEX]` or `clonit pull TARGET --cloud --snapshot-id ID`"},
		{name: "cloud without an ID", args: []string{"shop", "--cloud"}, wantErr: "usage: pull --cloud needs --snapshot-id ID (see `clonit cloud snapshots`)"},
		{name: "cloud with an index", args: []string{"shop", "1", "--cloud", "--snapshot-id", "3kq7"}, wantErr: "usage: pull --cloud takes --snapshot-id ID, not an index"},
		{name: "an ID without cloud", args: []string{"shop", "--snapshot-id", "3kq7"}, wantErr: "usage: --snapshot-id and --org go with --cloud"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := cmdutil.NewFactory(&cmdutil.IOStreams{Out: io.Discard, ErrOut: io.Discard})
			var got *Options
			cmd := NewCmdPull(f, func(o *Options) error { got = o; return nil })
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
			if *got != (Options{Env: got.Env, Target: tt.want.Target, Index: tt.want.Index, Cloud: tt.want.Cloud, SnapshotID: tt.want.SnapshotID, Org: tt.want.Org}) {
				t.Fatalf("options = %+v, want %+v", *got, tt.want)
			}
		})
	}
}
