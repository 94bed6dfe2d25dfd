// Package sanitize implements `clonit sanitize`: restore a snapshot into a scratch database
// (the target's sanitize_dst_url, a throwaway PostgreSQL cluster, or a copy of a SQLite
// file), run the target's sanitize query in it, check the result with the analyzer's
// detectors, and dump it as a new snapshot of type sanitized. The original is never touched.
package sanitize

import (
	"context"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/clonit/clonit/internal/agent"
	"github.com/clonit/clonit/internal/cmd/analyze"
	"github.com/clonit/clonit/internal/cmd/snapshotcmd"
	"github.com/clonit/clonit/internal/cmdutil"
)

// QueryStore is what sanitize needs of the local metadata database besides the catalog.
type QueryStore interface {
	ActiveSanitizeQuery(ctx context.Context, target string) (agent.SanitizeQuery, error)
}

// Options are the inputs of `clonit sanitize`.
type Options struct {
	Env     *snapshotcmd.Env
	Queries func() (QueryStore, error)
	Target  string
	// Index selects the snapshot to sanitize ("" = 0, the newest).
	Index string
	// Ephemeral runs the pipeline in a throwaway PostgreSQL cluster.
	Ephemeral bool
	// AllowResidual keeps a snapshot that fails verification, recording the finding.
	AllowResidual bool
	// Jobs is --jobs: the parallel jobs of pg_restore and pg_dump (0 = the target's, then
	// the config's, then the tools').
	Jobs int
	// Sample is the number of rows per table the verification samples.
	Sample int
}

// NewCmdSanitize returns `clonit sanitize`. runF replaces the run function in tests.
func NewCmdSanitize(f *cmdutil.Factory, runF func(*Options) error) *cobra.Command {
	opts := &Options{Env: snapshotcmd.NewEnv(f), Queries: func() (QueryStore, error) { return f.LocalStore() }}
	cmd := &cobra.Command{
		Use:   "sanitize TARGET [INDEX]",
		Short: "Make a sanitized snapshot: restore, run the sanitize query, verify, dump",
		Long: `Restore snapshot INDEX of TARGET (default 0, the newest) into a scratch database, run
the target's sanitize query there, and dump the result as a new snapshot of type
sanitized. The original snapshot and the source database are never modified.

The scratch database is the target's sanitize_dst_url (dropped and recreated), or with
--ephemeral a throwaway PostgreSQL cluster that clonit starts (initdb and pg_ctl of the
snapshot's major version, a free loopback port, a temporary directory) and removes
afterwards, also on failure and on Ctrl-C. SQLite targets work on a copy of the file.

The query is the target's sanitize_query_file, else its active stored query (see
` + "`clonit sanitize-query`" + `). It runs in one transaction: a failing statement stops the run
with the statement and the database's error, and no snapshot is made.

Before the query runs, the restored data is analyzed as ` + "`clonit analyze`" + ` does; after it,
the flagged columns are checked again with the same detectors (a sample of --sample rows
per table). When a flagged column still holds sensitive values the command fails and names
the columns and counts, unless --allow-residual, which keeps the snapshot and records the
finding. ` + "`clonit snapshots`" + ` shows the verification of each sanitized snapshot.

The new snapshot's name is printed on stdout (with --json, the snapshot as JSON).`,
		Example: `  clonit sanitize shop
  clonit sanitize shop 2 --ephemeral --jobs 4`,
		Args: snapshotcmd.Args(1, 2, "sanitize TARGET [INDEX] [--ephemeral] [--allow-residual] [--jobs N]"),
		RunE: func(c *cobra.Command, args []string) error {
			opts.Target = args[0]
			opts.Index = ""
			if len(args) > 1 {
				opts.Index = args[1]
			}
			if opts.Jobs < 0 {
				return fmt.Errorf("%w: --jobs must be 0 or more", cmdutil.ErrUsage)
			}
			if opts.Sample < 1 {
				return fmt.Errorf("%w: --sample must be 1 or more", cmdutil.ErrUsage)
			}
			if runF != nil {
				return runF(opts)
			}
			return run(c.Context(), opts)
		},
	}
	cmd.Flags().BoolVar(&opts.Ephemeral, "ephemeral", false, "run in a throwaway PostgreSQL cluster instead of sanitize_dst_url")
	cmd.Flags().BoolVar(&opts.AllowResidual, "allow-residual", false, "keep a snapshot that fails verification, recording the finding")
	cmd.Flags().IntVarP(&opts.Jobs, "jobs", "j", 0, "parallel restore and dump jobs (0 = the target's, then the config's)")
	cmd.Flags().IntVar(&opts.Sample, "sample", analyze.DefaultSample, "rows per table sampled by the analysis and the verification")
	return cmd
}
