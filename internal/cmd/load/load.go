// Package load implements `clonit load`: replace a target's destination database with a
// snapshot, or with a plain SQL file.
package load

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/clonit/clonit/internal/agent"
	"github.com/clonit/clonit/internal/cmd/snapshotcmd"
	"github.com/clonit/clonit/internal/cmdutil"
	"github.com/clonit/clonit/internal/engine"
	"github.com/clonit/clonit/internal/errs"
	"github.com/clonit/clonit/internal/progress"
)

// Options are the inputs of `clonit load`.
type Options struct {
	Env    *snapshotcmd.Env
	Target string
	// Arg is the snapshot index ("" = 0, the newest) or a .sql file.
	Arg string
	// Jobs is --jobs: 0 means the target's restore_jobs, then the config's, then the tool's.
	Jobs int
}

// NewCmdLoad returns `clonit load`. runF replaces the run function in tests.
func NewCmdLoad(f *cmdutil.Factory, runF func(*Options) error) *cobra.Command {
	opts := &Options{Env: snapshotcmd.NewEnv(f)}
	cmd := &cobra.Command{
		Use:   "load TARGET [INDEX | FILE.sql]",
		Short: "Replace the target's destination database with a snapshot",
		Long: `Drop and recreate the target's destination database (dst_url) and restore a
snapshot into it: INDEX from ` + "`clonit snapshots TARGET`" + ` (default 0, the newest), or
a plain SQL file, run with psql (PostgreSQL) and stopping at the first error. Other
sessions on the destination are ended first. The source database is never touched.

--jobs sets the parallel jobs of pg_restore; 0 means the target's restore_jobs, then the
config's defaults.restore_jobs, then pg_restore's own default.`,
		Example: `  clonit load shop
  clonit load shop 2 --jobs 4
  clonit load shop ./fixtures.sql`,
		Args: snapshotcmd.Args(1, 2, "load TARGET [INDEX | FILE.sql] [--jobs N]"),
		RunE: func(c *cobra.Command, args []string) error {
			opts.Target = args[0]
			opts.Arg = ""
			if len(args) > 1 {
				opts.Arg = args[1]
			}
			if opts.Jobs < 0 {
				return errs.Invalid("--jobs must be 0 or more")
			}
			if runF != nil {
				return runF(opts)
			}
			return run(c.Context(), opts)
		},
	}
	cmd.Flags().IntVarP(&opts.Jobs, "jobs", "j", 0, "parallel restore jobs (0 = target's restore_jobs, then defaults.restore_jobs)")
	return cmd
}

// Jobs picks the restore jobs: the flag, then the target's, then the config's (0 = the tool's).
func Jobs(flag int, t agent.Target, cfg *agent.Config) int {
	for _, j := range []int{flag, t.RestoreJobs, cfg.Defaults.RestoreJobs} {
		if j > 0 {
			return j
		}
	}
	return 0
}

func run(ctx context.Context, opts *Options) error {
	env := opts.Env
	cfg, local, t, err := env.Target(ctx, opts.Target)
	if err != nil {
		return err
	}
	if t.DstURL == "" {
		return errs.Invalid("target %q has no dst_url to load into; set one with `clonit targets edit %s --dst-url URL`", t.Name, t.Name)
	}
	if err := agent.RequireTargetPasswords(&t, os.LookupEnv, "dst_url"); err != nil {
		return err
	}
	eng, err := env.Engine(t.DBType)
	if err != nil {
		return err
	}
	eo := engine.Options{Jobs: Jobs(opts.Jobs, t, cfg), Source: t.SrcURL}
	start := time.Now()

	if strings.HasSuffix(strings.ToLower(opts.Arg), ".sql") {
		file, err := filepath.Abs(opts.Arg)
		if err != nil {
			return err
		}
		bar := progress.New(env.IO, "load "+filepath.Base(file), -1)
		eo.Progress = bar.SetFunc()
		if err := eng.LoadSQL(ctx, file, t.DstURL, eo); err != nil {
			bar.Abort()
			return err
		}
		bar.Finish()
		env.IO.Infof("loaded %s into %s in %s", opts.Arg, engine.Redact(t.DstURL), time.Since(start).Round(100*time.Millisecond))
		return nil
	}

	l, err := env.List(ctx, cfg, local, t)
	if err != nil {
		return err
	}
	s, err := l.Pick(opts.Arg)
	if err != nil {
		return err
	}
	if !s.Local {
		return errs.NotFound("snapshot %s is only in storage; pull it first with `clonit pull %s %s`", s.Name, t.Name, indexArg(opts.Arg))
	}
	dir := snapshotcmd.Dir(cfg, t.Name, s.Name)
	info, err := snapshotcmd.ReadInfo(dir)
	if err != nil {
		return err
	}
	if info.Engine != eng.Name() {
		return errs.Invalid("snapshot %s is a %s dump but target %q is %s; load it into a %s target", s.Name, info.Engine, t.Name, eng.Name(), info.Engine)
	}
	bar := progress.New(env.IO, "load "+s.Name, -1)
	eo.Progress = bar.SetFunc()
	if err := eng.Restore(ctx, filepath.Join(dir, snapshotcmd.DumpDir), t.DstURL, eo); err != nil {
		bar.Abort()
		return err
	}
	bar.Finish()
	env.IO.Infof("loaded %s into %s in %s", s.Name, engine.Redact(t.DstURL), time.Since(start).Round(100*time.Millisecond))
	return nil
}

// indexArg returns the index argument as given, "0" when none was.
func indexArg(arg string) string {
	if arg == "" {
		return "0"
	}
	return arg
}
