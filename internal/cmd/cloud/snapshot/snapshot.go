// Package snapshot implements `clonit cloud snapshot show|delete`: one cloud snapshot by
// its ID or a unique prefix of it.
package snapshot

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"

	"github.com/clonit/clonit/internal/api"
	"github.com/clonit/clonit/internal/apiclient"
	"github.com/clonit/clonit/internal/cmd/cloud/snapshots"
	"github.com/clonit/clonit/internal/cmd/snapshotcmd"
	"github.com/clonit/clonit/internal/cmdutil"
)

// Options are the inputs of `clonit cloud snapshot show` and `delete`.
type Options struct {
	IO          *cmdutil.IOStreams
	CloudClient func() (*apiclient.Client, error)
	// Org is the --org flag of `clonit cloud`.
	Org *string
	// ID is a snapshot ID or a unique prefix of one.
	ID string
	// Yes deletes without asking.
	Yes bool
}

// NewCmdSnapshot returns `clonit cloud snapshot` and its subcommands. runF replaces the
// work of both in tests.
func NewCmdSnapshot(f *cmdutil.Factory, orgFlag *string, runF func(context.Context, string, *Options) error) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "snapshot",
		Short: "Show or delete one cloud snapshot",
		Long: `Show or delete one cloud snapshot, by its ID or any unique prefix of it (see
` + "`clonit cloud snapshots`" + `). A snapshot you may not see answers as one that does not exist.`,
	}
	for _, sub := range []struct{ use, short, long string }{
		{"show ID", "Show a cloud snapshot and whom it is shared with", "Show a cloud snapshot: where it comes from, its size and SHA-256, and whom it is shared with."},
		{"delete ID [--yes]", "Delete a cloud snapshot and its stored archive", `Delete a cloud snapshot and its stored archive. Members delete what they may see, owners
and admins anything of their org; nobody deletes what another org shared. Without --yes,
clonit asks for confirmation on a terminal and refuses off one.`},
	} {
		name := strings.Fields(sub.use)[0]
		opts := &Options{IO: f.IO, CloudClient: f.CloudClient, Org: orgFlag}
		c := &cobra.Command{
			Use:   sub.use,
			Short: sub.short,
			Long:  sub.long,
			Args: func(c *cobra.Command, args []string) error {
				if len(args) != 1 {
					return fmt.Errorf("%w: %s takes a snapshot ID (see `%s --help`)", cmdutil.ErrUsage, name, c.CommandPath())
				}
				return nil
			},
			RunE: func(c *cobra.Command, args []string) error {
				opts.ID = args[0]
				if runF != nil {
					return runF(c.Context(), name, opts)
				}
				if name == "delete" {
					return RunDelete(c.Context(), opts)
				}
				return RunShow(c.Context(), opts)
			},
		}
		if name == "delete" {
			c.Flags().BoolVarP(&opts.Yes, "yes", "y", false, "delete without asking")
		}
		cmd.AddCommand(c)
	}
	return cmd
}

// RunShow prints one snapshot.
func RunShow(ctx context.Context, opts *Options) error {
	client, slug, err := cmdutil.OrgClient(ctx, opts.CloudClient, *opts.Org)
	if err != nil {
		return err
	}
	s, err := client.Snapshot(ctx, slug, opts.ID)
	if err != nil {
		return err
	}
	if opts.IO.JSON {
		return opts.IO.WriteJSON(s)
	}
	return Print(opts.IO.Out, *s)
}

// Print writes the fields of s, one per line.
func Print(w io.Writer, s api.CloudSnapshot) error {
	rows := [][2]string{
		{"ID", s.ID},
		{"Org", s.Org},
		{"Target", s.Target},
		{"Name", s.Name},
		{"Type", s.Type},
		{"Size", fmt.Sprintf("%s (%d bytes)", snapshotcmd.DecimalSize(s.Size), s.Size)},
		{"SHA-256", s.SHA256},
		{"Pushed by", s.PushedBy},
		{"Created", snapshots.Created(s)},
		{"Shared", snapshots.YesNo(s.Shared)},
	}
	if s.Shares != nil {
		rows = append(rows, [2]string{"Shared with", Shares(*s.Shares)})
	}
	for _, r := range rows {
		if _, err := fmt.Fprintf(w, "%-12s %s\n", r[0]+":", r[1]); err != nil {
			return err
		}
	}
	return nil
}

// Shares says whom a snapshot is shared with besides its org's owners and admins.
func Shares(sh api.SnapshotShares) string {
	var parts []string
	if sh.Org {
		parts = append(parts, "the whole org")
	}
	if len(sh.Groups) > 0 {
		parts = append(parts, "groups "+strings.Join(sh.Groups, ", "))
	}
	if len(sh.Orgs) > 0 {
		parts = append(parts, "orgs "+strings.Join(sh.Orgs, ", "))
	}
	if len(parts) == 0 {
		return "nobody (owners and admins only)"
	}
	return strings.Join(parts, "; ")
}

// RunDelete deletes a snapshot after confirmation.
func RunDelete(ctx context.Context, opts *Options) error {
	client, slug, err := cmdutil.OrgClient(ctx, opts.CloudClient, *opts.Org)
	if err != nil {
		return err
	}
	s, err := client.Snapshot(ctx, slug, opts.ID)
	if err != nil {
		return err
	}
	what := fmt.Sprintf("snapshot %s (%s of %s)", snapshotcmd.ShortID(s.ID), s.Name, s.Target)
	if !opts.Yes {
		if !opts.IO.CanPrompt() {
			return fmt.Errorf("%w: deleting %s needs confirmation: pass --yes", cmdutil.ErrUsage, what)
		}
		fmt.Fprintf(opts.IO.ErrOut, "Delete %s from org %s for everyone? [y/N] ", what, slug)
		answer, _ := bufio.NewReader(opts.IO.In).ReadString('\n')
		if a := strings.ToLower(strings.TrimSpace(answer)); a != "y" && a != "yes" {
			return fmt.Errorf("%w: %s was not deleted", cmdutil.ErrCancelled, what)
		}
	}
	if err := client.DeleteSnapshot(ctx, slug, s.ID); err != nil {
		return err
	}
	fmt.Fprintf(opts.IO.ErrOut, "Deleted %s.\n", what)
	return nil
}
