package keys

import (
	"context"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/clonit/clonit/internal/cmdutil"
)

// RevokeOptions holds every input of `clonit cloud keys revoke`.
type RevokeOptions struct {
	Options
	ID string
}

// NewCmdRevoke returns `clonit cloud keys revoke`. runF replaces the work in tests.
func NewCmdRevoke(base Options, runF func(context.Context, *RevokeOptions) error) *cobra.Command {
	opts := &RevokeOptions{Options: base}
	return &cobra.Command{
		Use:     "revoke ID",
		Short:   "Revoke an API key: its next request fails",
		Example: "  clonit cloud keys revoke 3xw5q7vbn2mfkd4h6j8l2p9rst",
		Args:    exactArgs(1, "revoke takes a key's ID, as `clonit cloud keys list` shows it"),
		RunE: func(c *cobra.Command, args []string) error {
			opts.ID = args[0]
			if runF != nil {
				return runF(c.Context(), opts)
			}
			return RunRevoke(c.Context(), opts)
		},
	}
}

// RunRevoke revokes the key.
func RunRevoke(ctx context.Context, opts *RevokeOptions) error {
	client, slug, err := cmdutil.OrgClient(ctx, opts.CloudClient, *opts.Org)
	if err != nil {
		return err
	}
	if err := client.RevokeKey(ctx, slug, opts.ID); err != nil {
		return err
	}
	fmt.Fprintf(opts.IO.ErrOut, "Revoked key %s in org %s: requests with it now fail.\n", opts.ID, slug)
	return nil
}
