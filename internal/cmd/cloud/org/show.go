package org

import (
	"context"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/clonit/clonit/internal/api"
	"github.com/clonit/clonit/internal/cmdutil"
)

// ShowOptions holds every input of `clonit cloud org show`.
type ShowOptions struct {
	Options
	// Slug is the optional argument; it wins over --org.
	Slug string
}

// NewCmdShow returns `clonit cloud org show`. runF replaces the work in tests.
func NewCmdShow(base Options, runF func(context.Context, *ShowOptions) error) *cobra.Command {
	opts := &ShowOptions{Options: base}
	return &cobra.Command{
		Use:   "show [SLUG]",
		Short: "Show an org's profile, plan and leadership",
		Args:  cobra.MaximumNArgs(1),
		RunE: func(c *cobra.Command, args []string) error {
			if len(args) == 1 {
				opts.Slug = args[0]
			}
			if runF != nil {
				return runF(c.Context(), opts)
			}
			return RunShow(c.Context(), opts)
		},
	}
}

// RunShow prints the org.
func RunShow(ctx context.Context, opts *ShowOptions) error {
	client, err := opts.CloudClient()
	if err != nil {
		return err
	}
	slug := opts.Slug
	if slug == "" {
		if slug, err = cmdutil.ResolveOrg(ctx, client, *opts.Org); err != nil {
			return err
		}
	}
	org, err := client.Org(ctx, slug)
	if err != nil {
		return err
	}
	if opts.IO.JSON {
		if org.Leadership == nil {
			org.Leadership = []api.Member{}
		}
		return opts.IO.WriteJSON(org)
	}
	return printOrg(opts.IO, org)
}

// printOrg writes the profile and the leadership table.
func printOrg(io *cmdutil.IOStreams, org *api.Org) error {
	w := io.Out
	fmt.Fprintf(w, "Name:         %s\n", org.Name)
	fmt.Fprintf(w, "Slug:         %s\n", org.Slug)
	fmt.Fprintf(w, "Plan:         %s\n", org.Plan)
	fmt.Fprintf(w, "Your role:    %s\n", cmdutil.Dash(org.Role))
	fmt.Fprintf(w, "Website:      %s\n", cmdutil.Dash(org.Website))
	fmt.Fprintf(w, "Location:     %s\n", cmdutil.Dash(org.Location))
	fmt.Fprintf(w, "Sector:       %s\n", cmdutil.Dash(org.Sector))
	fmt.Fprintf(w, "Description:  %s\n", cmdutil.Dash(org.Description))
	fmt.Fprintf(w, "Created:      %s\n", date(org.CreatedAt))
	fmt.Fprintf(w, "\nLeadership:\n")
	t := cmdutil.NewTable("NAME", "EMAIL", "ROLE")
	for _, m := range org.Leadership {
		t.Row(cmdutil.Dash(m.User.Name), m.User.Email, m.Role)
	}
	return t.Render(w, io.TermWidth())
}
