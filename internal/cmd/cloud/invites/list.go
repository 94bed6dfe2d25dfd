package invites

import (
	"context"

	"github.com/spf13/cobra"

	"github.com/clonit/clonit/internal/cmdutil"
)

// NewCmdList returns `clonit cloud invites list`. runF replaces the work in tests.
func NewCmdList(base Options, runF func(context.Context, *Options) error) *cobra.Command {
	opts := &base
	return &cobra.Command{
		Use:     "list",
		Aliases: []string{"ls"},
		Short:   "List the org's live join codes (never their digits)",
		Args:    cobra.NoArgs,
		RunE: func(c *cobra.Command, _ []string) error {
			if runF != nil {
				return runF(c.Context(), opts)
			}
			return RunList(c.Context(), opts)
		},
	}
}

// RunList prints the live codes, newest first.
func RunList(ctx context.Context, opts *Options) error {
	client, slug, err := cmdutil.OrgClient(ctx, opts.CloudClient, *opts.Org)
	if err != nil {
		return err
	}
	invites, err := client.Invites(ctx, slug)
	if err != nil {
		return err
	}
	if opts.IO.JSON {
		return opts.IO.WriteJSON(invites)
	}
	if len(invites) == 0 {
		opts.IO.Infof("Org %s has no live join codes: create some with `clonit cloud invites create --role member`.", slug)
		return nil
	}
	t := cmdutil.NewTable("ID", "ROLE", "CREATED BY", "CREATED", "EXPIRES")
	for _, inv := range invites {
		t.Row(inv.ID, inv.Role, inv.CreatedBy, stamp(inv.CreatedAt), stamp(inv.ExpiresAt))
	}
	return t.Render(opts.IO.Out, opts.IO.TermWidth())
}
