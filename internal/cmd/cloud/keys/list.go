package keys

import (
	"context"
	"strings"

	"github.com/spf13/cobra"

	"github.com/clonit/clonit/internal/cmdutil"
)

// NewCmdList returns `clonit cloud keys list`. runF replaces the work in tests.
func NewCmdList(base Options, runF func(context.Context, *Options) error) *cobra.Command {
	opts := &base
	return &cobra.Command{
		Use:     "list",
		Aliases: []string{"ls"},
		Short:   "List the org's API keys (never their secrets)",
		Args:    cobra.NoArgs,
		RunE: func(c *cobra.Command, _ []string) error {
			if runF != nil {
				return runF(c.Context(), opts)
			}
			return RunList(c.Context(), opts)
		},
	}
}

// RunList prints the org's live keys, newest first.
func RunList(ctx context.Context, opts *Options) error {
	client, slug, err := cmdutil.OrgClient(ctx, opts.CloudClient, *opts.Org)
	if err != nil {
		return err
	}
	keys, err := client.Keys(ctx, slug)
	if err != nil {
		return err
	}
	if opts.IO.JSON {
		return opts.IO.WriteJSON(keys)
	}
	t := cmdutil.NewTable("ID", "NAME", "ACTS AS", "PERMISSIONS", "CREATED BY", "CREATED", "EXPIRES", "LAST USED")
	for _, k := range keys {
		actsAs := "org"
		if k.User != "" {
			actsAs = k.User
		}
		perms := strings.Join(k.Permissions, ",")
		if perms == "" {
			perms = "read"
		}
		t.Row(k.ID, k.Name, actsAs, perms, cmdutil.Dash(k.CreatedBy), stamp(&k.CreatedAt, "-"), stamp(k.ExpiresAt, "never"), stamp(k.LastUsedAt, "never"))
	}
	return t.Render(opts.IO.Out, opts.IO.TermWidth())
}
