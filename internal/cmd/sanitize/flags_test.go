package sanitize_test

import (
	"bytes"
	"reflect"
	"testing"

	"github.com/clonit/clonit/internal/cmd/sanitize"
	"github.com/clonit/clonit/internal/cmdutil"
)

func TestFlags(t *testing.T) {
	cases := []struct {
		name    string
		args    []string
		want    sanitize.Options
		wantErr string
	}{
		{name: "newest", args: []string{"shop"}, want: sanitize.Options{Target: "shop", Sample: 1000}},
		{name: "index and flags", args: []string{"shop", "2", "--ephemeral", "--allow-residual", "-j", "4", "--sample", "50"},
			want: sanitize.Options{Target: "shop", Index: "2", Ephemeral: true, AllowResidual: true, Jobs: 4, Sample: 50}},
		{name: "no target", args: nil, wantErr: "usage: expected `clonit sanitize TARGET [INDEX] [--ephemeral] [--allow-residual] [--jobs N]`"},
		{name: "too many", args: []string{"a", "1", "2"}, wantErr: "usage: expected `clonit sanitize TARGET [INDEX] [--ephemeral] [--allow-residual] [--jobs N]`"},
		{name: "negative jobs", args: []string{"shop", "--jobs", "-1"}, wantErr: "usage: --jobs must be 0 or more"},
		{name: "zero sample", args: []string{"shop", "--sample", "0"}, wantErr: "usage: --sample must be 1 or more"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			f := cmdutil.NewFactory(&cmdutil.IOStreams{In: &bytes.Buffer{}, Out: &bytes.Buffer{}, ErrOut: &bytes.Buffer{}})
			var got *sanitize.Options
			cmd := sanitize.NewCmdSanitize(f, func(o *sanitize.Options) error { got = o; return nil })
			cmd.SetArgs(tc.args)
			cmd.SetOut(&bytes.Buffer{})
			cmd.SetErr(&bytes.Buffer{})
			err := cmd.Execute()
			if tc.wantErr != "" {
				if err == nil || err.Error() != tc.wantErr {
					t.Fatalf("error = %v, want %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			got.Env, got.Queries = nil, nil
			if !reflect.DeepEqual(*got, tc.want) {
				t.Errorf("options = %+v, want %+v", *got, tc.want)
			}
		})
	}
}
