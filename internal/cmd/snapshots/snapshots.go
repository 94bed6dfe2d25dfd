// Package snapshots implements `clonit snapshots`: list a target's snapshots, on this machine
// and in its storage, newest first.
package snapshots

import (
	"context"
	"strconv"
	"time"

	"github.com/spf13/cobra"

	"github.com/clonit/clonit/internal/agent"
	"github.com/clonit/clonit/internal/cmd/snapshotcmd"
	"github.com/clonit/clonit/internal/cmdutil"
	"github.com/clonit/clonit/internal/errs"
)

// Options are the inputs of `clonit snapshots`.
type Options struct {
	Env    *snapshotcmd.Env
	Target string
}

// NewCmdSnapshots returns `clonit snapshots`. runF replaces the run function in tests.
func NewCmdSnapshots(f *cmdutil.Factory, runF func(*Options) error) *cobra.Command {
	opts := &Options{Env: snapshotcmd.NewEnv(f)}
	return &cobra.Command{
		Use:   "snapshots TARGET",
		Short: "List a target's snapshots, newest first",
		Long: `List the snapshots of a target: those on this machine and those in the target's
storage profile, newest first. INDEX is what load, push and pull take (0 is the newest).
LOCATION is local, remote or both. SIZE is the archive's size once pushed, else the
snapshot directory's. CREATED is in UTC.

When the storage cannot be reached, a warning says so and the list shows what this
machine knows.`,
		Example: `  clonit snapshots shop
  clonit snapshots shop --json`,
		Args: snapshotcmd.Args(1, 1, "snapshots TARGET"),
		RunE: func(c *cobra.Command, args []string) error {
			opts.Target = args[0]
			if runF != nil {
				return runF(opts)
			}
			return run(c.Context(), opts)
		},
	}
}

// Row is one snapshot as --json prints it.
type Row struct {
	Index int `json:"index"`
	agent.Snapshot
	Location string `json:"location"`
}

// Location says where a snapshot is: "local", "remote" or "both".
func Location(s agent.Snapshot) string {
	switch {
	case s.Local && s.Remote:
		return "both"
	case s.Remote:
		return "remote"
	}
	return "local"
}

func run(ctx context.Context, opts *Options) error {
	env := opts.Env
	cfg, local, t, err := env.Target(ctx, opts.Target)
	if err != nil {
		return err
	}
	l, err := env.List(ctx, cfg, local, t)
	if err != nil {
		return err
	}
	if l.RemoteErr != nil {
		env.IO.Warnf("could not list storage profile %q, showing what this machine knows: %s", t.StorageProfile, errs.Public(l.RemoteErr, l.RemoteErr.Error()))
	}
	rows := make([]Row, len(l.Snapshots))
	for i, s := range l.Snapshots {
		rows[i] = Row{Index: i, Snapshot: s, Location: Location(s)}
	}
	if env.IO.JSON {
		return env.IO.WriteJSON(rows)
	}
	if len(rows) == 0 {
		env.IO.Infof("target %q has no snapshots yet; make one with `clonit build %s`", t.Name, t.Name)
		return nil
	}
	if tbl := verificationTable(rows); tbl != nil {
		return tbl.Render(env.IO.Out, env.IO.TermWidth())
	}
	tbl := cmdutil.NewTable("INDEX", "NAME", "TYPE", "SIZE", "CREATED", "LOCATION")
	for _, r := range rows {
		tbl.Row(strconv.Itoa(r.Index), r.Name, r.Type, snapshotcmd.HumanSize(r.Size), r.CreatedAt.UTC().Format(time.DateTime), r.Location)
	}
	return tbl.Render(env.IO.Out, env.IO.TermWidth())
}
