package org

import (
	"context"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/clonit/clonit/internal/api"
	"github.com/clonit/clonit/internal/cmdutil"
)

// TransferOptions holds every input of `clonit cloud org transfer`.
type TransferOptions struct {
	Options
	Req api.TransferRequest
}

// NewCmdTransfer returns `clonit cloud org transfer`. runF replaces the work in tests.
func NewCmdTransfer(base Options, runF func(context.Context, *TransferOptions) error) *cobra.Command {
	opts := &TransferOptions{Options: base}
	cmd := &cobra.Command{
		Use:   "transfer --to EMAIL --confirm-org SLUG --confirm-member EMAIL",
		Short: "Hand the org's ownership to an admin",
		Long: `Hand the org's ownership to an admin: they become owner and you become admin, in one
step. Re-type the org's slug and the admin's email exactly to confirm.`,
		Example: "  clonit cloud org transfer --to bo@example.com --confirm-org acme-data --confirm-member bo@example.com",
		Args:    cobra.NoArgs,
		RunE: func(c *cobra.Command, _ []string) error {
			if opts.Req.To == "" || opts.Req.ConfirmOrg == "" || opts.Req.ConfirmMember == "" {
				return fmt.Errorf("%w: --to, --confirm-org and --confirm-member are required (see `%s --help`)", cmdutil.ErrUsage, c.CommandPath())
			}
			if runF != nil {
				return runF(c.Context(), opts)
			}
			return RunTransfer(c.Context(), opts)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&opts.Req.To, "to", "", "email of the admin who becomes owner")
	fl.StringVar(&opts.Req.ConfirmOrg, "confirm-org", "", "the org's slug, typed again")
	fl.StringVar(&opts.Req.ConfirmMember, "confirm-member", "", "the admin's email, typed again")
	return cmd
}

// RunTransfer hands ownership over. The org is the one every cloud command acts on (--org,
// else the session's); --confirm-org must name that same org, which the server checks, so
// that a session in another org than the one in mind changes nothing.
func RunTransfer(ctx context.Context, opts *TransferOptions) error {
	client, slug, err := cmdutil.OrgClient(ctx, opts.CloudClient, *opts.Org)
	if err != nil {
		return err
	}
	org, err := client.TransferOwnership(ctx, slug, opts.Req)
	if err != nil {
		return err
	}
	if opts.IO.JSON {
		return opts.IO.WriteJSON(org)
	}
	fmt.Fprintf(opts.IO.ErrOut, "%s now owns org %s; you are an admin.\n", opts.Req.To, org.Slug)
	return nil
}
