// Package share implements `clonit cloud share` and `clonit cloud unshare`: who besides the
// org's owners and admins may see a cloud snapshot.
package share

import (
	"context"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/clonit/clonit/internal/api"
	"github.com/clonit/clonit/internal/apiclient"
	"github.com/clonit/clonit/internal/cmd/cloud/snapshot"
	"github.com/clonit/clonit/internal/cmd/snapshotcmd"
	"github.com/clonit/clonit/internal/cmdutil"
)

// Options are the inputs of `clonit cloud share` and `unshare`.
type Options struct {
	IO          *cmdutil.IOStreams
	CloudClient func() (*apiclient.Client, error)
	// ActOrg is the --org flag of `clonit cloud`, which these commands' own --org shadows:
	// they act in the org you signed in to (or cloud.org).
	ActOrg *string
	// ID is a snapshot ID or a unique prefix of one.
	ID string
	// To is whom to share with or unshare from: exactly one of its fields is set.
	To apiclient.ShareTarget
	// Unshare removes the share instead of adding it.
	Unshare bool
}

// NewCmdShare returns `clonit cloud share`. runF replaces the work in tests.
func NewCmdShare(f *cmdutil.Factory, orgFlag *string, runF func(context.Context, *Options) error) *cobra.Command {
	return newCmd(f, orgFlag, false, runF)
}

// NewCmdUnshare returns `clonit cloud unshare`. runF replaces the work in tests.
func NewCmdUnshare(f *cmdutil.Factory, orgFlag *string, runF func(context.Context, *Options) error) *cobra.Command {
	return newCmd(f, orgFlag, true, runF)
}

func newCmd(f *cmdutil.Factory, orgFlag *string, unshare bool, runF func(context.Context, *Options) error) *cobra.Command {
	opts := &Options{IO: f.IO, CloudClient: f.CloudClient, ActOrg: orgFlag, Unshare: unshare}
	verb, short, long := "share", "Share a cloud snapshot with the org, a group or another org",
		`Share a cloud snapshot, by ID or unique prefix, with one of: the whole org (--org), the
members of an identity-provider group (--group NAME, as the provider names it), or another
org (--to-org SLUG), whose people may then list and pull it but not delete or reshare it.
Snapshots are private until shared: only the org's owners and admins see them. Sharing with
another org takes an owner or admin of this one.`
	if unshare {
		verb, short, long = "unshare", "Stop sharing a cloud snapshot with the org, a group or another org",
			`Stop sharing a cloud snapshot, by ID or unique prefix, with the whole org (--org), a
group (--group NAME) or another org (--to-org SLUG). Who loses sight of it cannot list or
pull it from then on.`
	}
	var org bool
	cmd := &cobra.Command{
		Use:   verb + " ID (--org | --group NAME | --to-org SLUG)",
		Short: short,
		Long:  long,
		Example: fmt.Sprintf(`  clonit cloud %[1]s 3kq7v2xa --org
  clonit cloud %[1]s 3kq7v2xa --group data-eng
  clonit cloud %[1]s 3kq7v2xa --to-org partner`, verb),
		Args: func(c *cobra.Command, args []string) error {
			if len(args) != 1 {
				return fmt.Errorf("%w: %s takes a snapshot ID (see `%s --help`)", cmdutil.ErrUsage, verb, c.CommandPath())
			}
			return nil
		},
		RunE: func(c *cobra.Command, args []string) error {
			opts.ID = args[0]
			opts.To.Org = org
			n := 0
			for _, set := range []bool{org, opts.To.Group != "", opts.To.ToOrg != ""} {
				if set {
					n++
				}
			}
			if n != 1 {
				return fmt.Errorf("%w: %s needs exactly one of --org, --group NAME and --to-org SLUG", cmdutil.ErrUsage, verb)
			}
			if runF != nil {
				return runF(c.Context(), opts)
			}
			return Run(c.Context(), opts)
		},
	}
	cmd.Flags().BoolVar(&org, "org", false, "the whole org")
	cmd.Flags().StringVar(&opts.To.Group, "group", "", "an identity-provider group of the org")
	cmd.Flags().StringVar(&opts.To.ToOrg, "to-org", "", "another org, by slug")
	return cmd
}

// Run changes the share and says whom the snapshot is now shared with.
func Run(ctx context.Context, opts *Options) error {
	client, slug, err := cmdutil.OrgClient(ctx, opts.CloudClient, *opts.ActOrg)
	if err != nil {
		return err
	}
	var shares *api.SnapshotShares
	if opts.Unshare {
		shares, err = client.UnshareSnapshot(ctx, slug, opts.ID, opts.To)
	} else {
		shares, err = client.ShareSnapshot(ctx, slug, opts.ID, opts.To)
	}
	if err != nil {
		return err
	}
	if opts.IO.JSON {
		return opts.IO.WriteJSON(shares)
	}
	done := "Shared"
	if opts.Unshare {
		done = "Stopped sharing"
	}
	fmt.Fprintf(opts.IO.ErrOut, "%s snapshot %s with %s. It is now shared with %s.\n",
		done, snapshotcmd.ShortID(opts.ID), whom(opts.To, slug), snapshot.Shares(*shares))
	return nil
}

// whom names the share target for messages.
func whom(to apiclient.ShareTarget, org string) string {
	switch {
	case to.Group != "":
		return "group " + to.Group
	case to.ToOrg != "":
		return "org " + to.ToOrg
	}
	return "the whole org " + org
}
