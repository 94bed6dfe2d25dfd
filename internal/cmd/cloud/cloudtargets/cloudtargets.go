// Package cloudtargets implements `clonit cloud targets list|show`: the org's shared
// targets, passwords masked, each with the number of cloud snapshots of it the caller may
// see (the catalog links a snapshot to its target by name).
package cloudtargets

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	"github.com/clonit/clonit/internal/api"
	"github.com/clonit/clonit/internal/apiclient"
	"github.com/clonit/clonit/internal/cmdutil"
)

// Options holds every input of the `clonit cloud targets` commands.
type Options struct {
	IO          *cmdutil.IOStreams
	CloudClient func() (*apiclient.Client, error)
	// Org is the --org flag of `clonit cloud`.
	Org  *string
	Name string
}

// View is a target as the commands print it: the API's, with the number of cloud
// snapshots of it the caller may see (nil when the catalog could not be read).
type View struct {
	api.Target
	CloudSnapshots *int `json:"cloud_snapshots,omitempty"`
}

// NewCmdTargets returns `clonit cloud targets`. runF replaces the work of its
// subcommands in tests.
func NewCmdTargets(f *cmdutil.Factory, orgFlag *string, runF func(context.Context, *Options) error) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "targets",
		Short: "List and show the org's shared targets",
		Long: `List and show the targets your org shares, with their passwords masked and the number
of cloud snapshots of each that you may see. ` + "`clonit cloud sync`" + ` copies them to and
from this machine.`,
	}
	list := &Options{IO: f.IO, CloudClient: f.CloudClient, Org: orgFlag}
	cmd.AddCommand(&cobra.Command{
		Use:     "list",
		Aliases: []string{"ls"},
		Short:   "List the org's targets (--json for scripts)",
		Args:    cobra.NoArgs,
		RunE: func(c *cobra.Command, _ []string) error {
			if runF != nil {
				return runF(c.Context(), list)
			}
			return RunList(c.Context(), list)
		},
	})
	show := &Options{IO: f.IO, CloudClient: f.CloudClient, Org: orgFlag}
	cmd.AddCommand(&cobra.Command{
		Use:   "show NAME",
		Short: "Show one of the org's targets (--json for scripts)",
		Args: func(c *cobra.Command, args []string) error {
			if len(args) != 1 {
				return fmt.Errorf("%w: give the target's name: clonit cloud targets show NAME", cmdutil.ErrUsage)
			}
			return nil
		},
		RunE: func(c *cobra.Command, args []string) error {
			show.Name = args[0]
			if runF != nil {
				return runF(c.Context(), show)
			}
			return RunShow(c.Context(), show)
		},
	})
	return cmd
}

// RunList prints the org's targets.
func RunList(ctx context.Context, opts *Options) error {
	client, slug, err := cmdutil.OrgClient(ctx, opts.CloudClient, *opts.Org)
	if err != nil {
		return err
	}
	ts, err := client.Targets(ctx, slug)
	if err != nil {
		return err
	}
	counts := snapshotCounts(ctx, client, slug)
	views := make([]View, 0, len(ts))
	for _, t := range ts {
		views = append(views, view(t, counts))
	}
	if opts.IO.JSON {
		return opts.IO.WriteJSON(views)
	}
	if len(views) == 0 {
		opts.IO.Infof("%s shares no targets yet: share yours with `clonit cloud sync`", slug)
		return nil
	}
	tbl := cmdutil.NewTable("NAME", "DB TYPE", "SOURCE", "STORAGE PROFILE", "SNAPSHOTS", "UPDATED BY", "UPDATED")
	for _, v := range views {
		tbl.Row(v.Name, v.DBType, v.SrcURL, cmdutil.Dash(v.StorageProfile), count(v.CloudSnapshots), cmdutil.Dash(v.UpdatedBy),
			v.UpdatedAt.Local().Format("2006-01-02 15:04"))
	}
	return tbl.Render(opts.IO.Out, opts.IO.TermWidth())
}

// RunShow prints one target.
func RunShow(ctx context.Context, opts *Options) error {
	client, slug, err := cmdutil.OrgClient(ctx, opts.CloudClient, *opts.Org)
	if err != nil {
		return err
	}
	t, err := client.Target(ctx, slug, opts.Name)
	if err != nil {
		return err
	}
	v := view(*t, snapshotCounts(ctx, client, slug))
	if opts.IO.JSON {
		return opts.IO.WriteJSON(v)
	}
	fields := [][2]string{
		{"name", v.Name},
		{"db_type", v.DBType},
		{"src_url", v.SrcURL},
		{"dst_url", v.DstURL},
		{"storage_profile", v.StorageProfile},
		{"dump_jobs", strconv.Itoa(v.DumpJobs)},
		{"restore_jobs", strconv.Itoa(v.RestoreJobs)},
		{"sanitize_dst_url", v.SanitizeDstURL},
		{"sanitize_query_file", v.SanitizeQueryFile},
		{"cloud_snapshots", count(v.CloudSnapshots)},
		{"created", stamp(v.CreatedBy, v.Target)},
		{"updated", v.UpdatedAt.Local().Format("2006-01-02 15:04:05") + " by " + cmdutil.Dash(v.UpdatedBy)},
	}
	for _, kv := range fields {
		line := strings.TrimRight(fmt.Sprintf("%-20s %s", kv[0]+":", kv[1]), " ")
		if _, err := fmt.Fprintln(opts.IO.Out, line); err != nil {
			return err
		}
	}
	return nil
}

// snapshotCounts counts the cloud snapshots the caller may see per target name; nil when
// the catalog cannot be read (the cloud may serve no snapshot storage).
func snapshotCounts(ctx context.Context, client *apiclient.Client, slug string) map[string]int {
	snaps, err := client.AllSnapshots(ctx, slug, false)
	if err != nil {
		return nil
	}
	counts := map[string]int{}
	for _, s := range snaps {
		if s.Org == "" || s.Org == slug {
			counts[s.Target]++
		}
	}
	return counts
}

func view(t api.Target, counts map[string]int) View {
	v := View{Target: t}
	if counts != nil {
		n := counts[t.Name]
		v.CloudSnapshots = &n
	}
	return v
}

func count(n *int) string {
	if n == nil {
		return "-"
	}
	return strconv.Itoa(*n)
}

func stamp(by string, t api.Target) string {
	return t.CreatedAt.Local().Format("2006-01-02 15:04:05") + " by " + cmdutil.Dash(by)
}
