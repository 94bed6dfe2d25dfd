package invites

import (
	"context"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/clonit/clonit/internal/cmdutil"
)

// RevokeOptions holds every input of `clonit cloud invites revoke`.
type RevokeOptions struct {
	Options
	ID string
}

// NewCmdRevoke returns `clonit cloud invites revoke`. runF replaces the work in tests.
func NewCmdRevoke(base Options, runF func(context.Context, *RevokeOptions) error) *cobra.Command {
	opts := &RevokeOptions{Options: base}
	return &cobra.Command{
		Use:     "revoke ID",
		Short:   "Revoke a live join code",
		Long:    "Revoke a live join code by its ID, as `clonit cloud invites list` shows it. Admin codes are revoked by owners only.",
		Example: "  clonit cloud invites revoke 3mz7k2v4q5n6p7r8s9t2u3v4w5",
		Args: func(c *cobra.Command, args []string) error {
			if len(args) != 1 {
				return fmt.Errorf("%w: revoke takes a code's ID, as `clonit cloud invites list` shows it", cmdutil.ErrUsage)
			}
			return nil
		},
		RunE: func(c *cobra.Command, args []string) error {
			opts.ID = args[0]
			if runF != nil {
				return runF(c.Context(), opts)
			}
			return RunRevoke(c.Context(), opts)
		},
	}
}

// RunRevoke revokes the code.
func RunRevoke(ctx context.Context, opts *RevokeOptions) error {
	client, slug, err := cmdutil.OrgClient(ctx, opts.CloudClient, *opts.Org)
	if err != nil {
		return err
	}
	if err := client.RevokeInvite(ctx, slug, opts.ID); err != nil {
		return err
	}
	fmt.Fprintf(opts.IO.ErrOut, "Revoked join code %s of org %s.\n", opts.ID, slug)
	return nil
}
