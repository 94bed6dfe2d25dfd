package org

import (
	"bytes"
	"context"
	"encoding/json"
	"testing"

	"github.com/clonit/clonit/internal/cmdutil"
)

func TestTransferFlags(t *testing.T) {
	cases := []struct {
		name, want, err string
		args            []string
	}{
		{"all three", `{"to":"bo@example.com","confirm_org":"acme","confirm_member":"bo@example.com"}`, "",
			[]string{"--to", "bo@example.com", "--confirm-org", "acme", "--confirm-member", "bo@example.com"}},
		{"no confirmations", "", "usage: --to, --confirm-org and --confirm-member are required (see `transfer --help`)",
			[]string{"--to", "bo@example.com"}},
		{"no member confirmation", "", "usage: --to, --confirm-org and --confirm-member are required (see `transfer --help`)",
			[]string{"--to", "bo@example.com", "--confirm-org", "acme"}},
		{"nothing", "", "usage: --to, --confirm-org and --confirm-member are required (see `transfer --help`)", nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got := ""
			org := ""
			base := Options{IO: &cmdutil.IOStreams{Out: &bytes.Buffer{}, ErrOut: &bytes.Buffer{}}, Org: &org}
			cmd := NewCmdTransfer(base, func(_ context.Context, o *TransferOptions) error {
				b, _ := json.Marshal(o.Req)
				got = string(b)
				return nil
			})
			cmd.SetArgs(tc.args)
			cmd.SilenceErrors, cmd.SilenceUsage = true, true
			err := cmd.Execute()
			gotErr := ""
			if err != nil {
				gotErr = err.Error()
			}
			if got != tc.want || gotErr != tc.err {
				t.Errorf("got %s / error %q; want %s / error %q", got, gotErr, tc.want, tc.err)
			}
		})
	}
}
