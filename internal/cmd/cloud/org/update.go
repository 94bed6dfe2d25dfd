package org

import (
	"context"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/clonit/clonit/internal/api"
	"github.com/clonit/clonit/internal/cmdutil"
)

// UpdateOptions holds every input of `clonit cloud org update`.
type UpdateOptions struct {
	Options
	// Req holds only the fields whose flags were given.
	Req api.UpdateOrgRequest
}

// NewCmdUpdate returns `clonit cloud org update`. runF replaces the work in tests.
func NewCmdUpdate(base Options, runF func(context.Context, *UpdateOptions) error) *cobra.Command {
	opts := &UpdateOptions{Options: base}
	var name, website, location, sector, description string
	cmd := &cobra.Command{
		Use:   "update [--name N] [--website URL] [--location L] [--sector S] [--description D]",
		Short: "Update an org's profile (admins and owners)",
		Long: `Update an org's profile. Only the fields you pass change; pass an empty value
(--website "") to clear one.`,
		Example: `  clonit cloud org update --website https://acme.example --location Berlin`,
		Args:    cobra.NoArgs,
		RunE: func(c *cobra.Command, _ []string) error {
			set := func(flag string, v *string) *string {
				if c.Flags().Changed(flag) {
					return v
				}
				return nil
			}
			opts.Req = api.UpdateOrgRequest{
				Name:        set("name", &name),
				Website:     set("website", &website),
				Location:    set("location", &location),
				Sector:      set("sector", &sector),
				Description: set("description", &description),
			}
			if opts.Req == (api.UpdateOrgRequest{}) {
				return fmt.Errorf("%w: nothing to update: pass at least one of --name, --website, --location, --sector, --description", cmdutil.ErrUsage)
			}
			if runF != nil {
				return runF(c.Context(), opts)
			}
			return RunUpdate(c.Context(), opts)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&name, "name", "", "display name")
	fl.StringVar(&website, "website", "", "website URL")
	fl.StringVar(&location, "location", "", "location")
	fl.StringVar(&sector, "sector", "", "sector")
	fl.StringVar(&description, "description", "", "description")
	return cmd
}

// RunUpdate changes the org's profile.
func RunUpdate(ctx context.Context, opts *UpdateOptions) error {
	client, slug, err := cmdutil.OrgClient(ctx, opts.CloudClient, *opts.Org)
	if err != nil {
		return err
	}
	org, err := client.UpdateOrg(ctx, slug, opts.Req)
	if err != nil {
		return err
	}
	if opts.IO.JSON {
		if org.Leadership == nil {
			org.Leadership = []api.Member{}
		}
		return opts.IO.WriteJSON(org)
	}
	fmt.Fprintf(opts.IO.ErrOut, "Updated org %s.\n", org.Slug)
	return nil
}
