// Package snapshots implements `clonit cloud snapshots`: the cloud snapshots the caller may
// see in their org, newest first. It also formats cloud snapshots for the other snapshot
// commands of `clonit cloud`.
package snapshots

import (
	"context"
	"time"

	"github.com/spf13/cobra"

	"github.com/clonit/clonit/internal/api"
	"github.com/clonit/clonit/internal/apiclient"
	"github.com/clonit/clonit/internal/cmd/snapshotcmd"
	"github.com/clonit/clonit/internal/cmdutil"
)

// Options are the inputs of `clonit cloud snapshots`.
type Options struct {
	IO          *cmdutil.IOStreams
	CloudClient func() (*apiclient.Client, error)
	// Org is the --org flag of `clonit cloud`.
	Org *string
	// Shared keeps only the snapshots the whole org may see.
	Shared bool
}

// NewCmdSnapshots returns `clonit cloud snapshots`. runF replaces the work in tests.
func NewCmdSnapshots(f *cmdutil.Factory, orgFlag *string, runF func(context.Context, *Options) error) *cobra.Command {
	opts := &Options{IO: f.IO, CloudClient: f.CloudClient, Org: orgFlag}
	cmd := &cobra.Command{
		Use:   "snapshots [--shared] [--json]",
		Short: "List the cloud snapshots you may see in the org",
		Long: `List the cloud snapshots you may see in the org, newest first: those of your org that
are shared with it, with one of your groups, or that you may see as an owner or admin, and
those another org shared with yours. Shared says whether the whole org may see it. Pull one
with ` + "`clonit pull TARGET --cloud --snapshot-id ID`" + `; ID may be any unique prefix.`,
		Example: `  clonit cloud snapshots
  clonit cloud snapshots --shared --json`,
		Args: cobra.NoArgs,
		RunE: func(c *cobra.Command, _ []string) error {
			if runF != nil {
				return runF(c.Context(), opts)
			}
			return Run(c.Context(), opts)
		},
	}
	cmd.Flags().BoolVar(&opts.Shared, "shared", false, "only the snapshots shared with the whole org")
	return cmd
}

// Run prints the snapshots.
func Run(ctx context.Context, opts *Options) error {
	client, slug, err := cmdutil.OrgClient(ctx, opts.CloudClient, *opts.Org)
	if err != nil {
		return err
	}
	snaps, err := client.AllSnapshots(ctx, slug, opts.Shared)
	if err != nil {
		return err
	}
	if opts.IO.JSON {
		return opts.IO.WriteJSON(snaps)
	}
	t := cmdutil.NewTable("ID", "TARGET", "NAME", "TYPE", "SIZE", "SHARED", "CREATED")
	for _, s := range snaps {
		t.Row(snapshotcmd.ShortID(s.ID), s.Target, s.Name, s.Type, snapshotcmd.DecimalSize(s.Size), YesNo(s.Shared), Created(s))
	}
	return t.Render(opts.IO.Out, opts.IO.TermWidth())
}

// YesNo is the Shared column: "Yes" or "No".
func YesNo(b bool) string {
	if b {
		return "Yes"
	}
	return "No"
}

// CreatedLayout is how listings show when a cloud snapshot was created.
const CreatedLayout = "2006-01-02 15:04:05"

// Created returns when s was created, in local time.
func Created(s api.CloudSnapshot) string {
	return s.CreatedAt.In(time.Local).Format(CreatedLayout)
}
