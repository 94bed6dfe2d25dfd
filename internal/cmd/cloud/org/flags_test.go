package org

import (
	"bytes"
	"context"
	"encoding/json"
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
			got = fmt.Sprintf("name=%q slug=%q", o.Name, o.Slug)
			return nil
		})
	}
	show := func() *cobra.Command {
		return NewCmdShow(base(), func(_ context.Context, o *ShowOptions) error {
			got = fmt.Sprintf("slug=%q", o.Slug)
			return nil
		})
	}
	update := func() *cobra.Command {
		return NewCmdUpdate(base(), func(_ context.Context, o *UpdateOptions) error {
			b, _ := json.Marshal(o.Req)
			got = string(b)
			return nil
		})
	}
	cases := []struct {
		name string
		cmd  func() *cobra.Command
		args []string
		want string
		err  string
	}{
		{"create", create, []string{"--name", "Acme Data", "--slug", "acme"}, `name="Acme Data" slug="acme"`, ""},
		{"create without slug", create, []string{"--name", "Acme"}, "", "usage: --name and --slug are required (see `create --help`)"},
		{"create with an argument", create, []string{"acme"}, "", `unknown command "acme" for "create"`},
		{"show the default org", show, nil, `slug=""`, ""},
		{"show a named org", show, []string{"beta"}, `slug="beta"`, ""},
		{"show two orgs", show, []string{"a", "b"}, "", "accepts at most 1 arg(s), received 2"},
		{"update one field", update, []string{"--location", "Berlin"}, `{"location":"Berlin"}`, ""},
		{"update clears a field", update, []string{"--website=", "--name", "Acme"}, `{"name":"Acme","website":""}`, ""},
		{"update all fields", update, []string{"--name", "N", "--website", "W", "--location", "L", "--sector", "S", "--description", "D"},
			`{"name":"N","website":"W","location":"L","sector":"S","description":"D"}`, ""},
		{"update nothing", update, nil, "", "usage: nothing to update: pass at least one of --name, --website, --location, --sector, --description"},
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
