package org

import (
	"context"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/clonit/clonit/internal/api"
	"github.com/clonit/clonit/internal/cmdutil"
)

// CreateOptions holds every input of `clonit cloud org create`.
type CreateOptions struct {
	Options
	Name string
	Slug string
}

// NewCmdCreate returns `clonit cloud org create`. runF replaces the work in tests.
func NewCmdCreate(base Options, runF func(context.Context, *CreateOptions) error) *cobra.Command {
	opts := &CreateOptions{Options: base}
	cmd := &cobra.Command{
		Use:   "create --name NAME --slug SLUG",
		Short: "Create an org; you become its first owner",
		Long: `Create an org. The slug is its short name in URLs and commands: lowercase letters,
digits and dashes, unique across the cloud. New orgs are on the free plan.`,
		Example: `  clonit cloud org create --name "Acme Data" --slug acme-data`,
		Args:    cobra.NoArgs,
		RunE: func(c *cobra.Command, _ []string) error {
			if opts.Name == "" || opts.Slug == "" {
				return fmt.Errorf("%w: --name and --slug are required (see `%s --help`)", cmdutil.ErrUsage, c.CommandPath())
			}
			if runF != nil {
				return runF(c.Context(), opts)
			}
			return RunCreate(c.Context(), opts)
		},
	}
	cmd.Flags().StringVar(&opts.Name, "name", "", "display name of the org")
	cmd.Flags().StringVar(&opts.Slug, "slug", "", "short name of the org: [a-z0-9-]")
	return cmd
}

// RunCreate creates the org.
func RunCreate(ctx context.Context, opts *CreateOptions) error {
	client, err := opts.CloudClient()
	if err != nil {
		return err
	}
	org, err := client.CreateOrg(ctx, api.CreateOrgRequest{Name: opts.Name, Slug: opts.Slug})
	if err != nil {
		return err
	}
	if err := opts.AdoptOrg(client, org.Slug); err != nil {
		opts.IO.Warnf("could not make %s your current org: %v", org.Slug, err)
	}
	if opts.IO.JSON {
		return opts.IO.WriteJSON(org)
	}
	fmt.Fprintf(opts.IO.ErrOut, "Created org %s (%s); you are its owner.\n", org.Slug, org.Name)
	return nil
}
