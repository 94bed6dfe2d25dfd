package org

import (
	"context"

	"github.com/spf13/cobra"

	"github.com/clonit/clonit/internal/cmdutil"
)

// NewCmdList returns `clonit cloud org list`. runF replaces the work in tests.
func NewCmdList(base Options, runF func(context.Context, *Options) error) *cobra.Command {
	opts := &base
	return &cobra.Command{
		Use:     "list",
		Aliases: []string{"ls"},
		Short:   "List the orgs you are in, with your role",
		Args:    cobra.NoArgs,
		RunE: func(c *cobra.Command, _ []string) error {
			if runF != nil {
				return runF(c.Context(), opts)
			}
			return RunList(c.Context(), opts)
		},
	}
}

// RunList prints the caller's orgs.
func RunList(ctx context.Context, opts *Options) error {
	client, err := opts.CloudClient()
	if err != nil {
		return err
	}
	orgs, err := client.Orgs(ctx)
	if err != nil {
		return err
	}
	if opts.IO.JSON {
		return opts.IO.WriteJSON(orgs)
	}
	if len(orgs) == 0 {
		opts.IO.Infof("You are not in any org yet: create one with `clonit cloud org create --name NAME --slug SLUG`.")
		return nil
	}
	t := cmdutil.NewTable("SLUG", "NAME", "PLAN", "ROLE")
	for _, o := range orgs {
		t.Row(o.Slug, o.Name, o.Plan, o.Role)
	}
	return t.Render(opts.IO.Out, opts.IO.TermWidth())
}
