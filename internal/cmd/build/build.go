// Package build implements `clonit build`: dump a target's source database into a new
// local snapshot, and push it when the target has a storage profile.
package build

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/spf13/cobra"

	"github.com/clonit/clonit/internal/agent"
	"github.com/clonit/clonit/internal/cmd/snapshotcmd"
	"github.com/clonit/clonit/internal/cmdutil"
	"github.com/clonit/clonit/internal/engine"
	"github.com/clonit/clonit/internal/progress"
)

// Options are the inputs of `clonit build`.
type Options struct {
	Env    *snapshotcmd.Env
	Target string
	// Jobs is --jobs: 0 means the target's dump_jobs, then the config's, then the tool's.
	Jobs   int
	NoPush bool
}

// NewCmdBuild returns `clonit build`. runF replaces the run function in tests.
func NewCmdBuild(f *cmdutil.Factory, runF func(*Options) error) *cobra.Command {
	opts := &Options{Env: snapshotcmd.NewEnv(f)}
	cmd := &cobra.Command{
		Use:   "build TARGET",
		Short: "Take a snapshot of a target's source database",
		Long: `Dump the target's source database into a new snapshot under
<working_directory>/TARGET/TARGET-YYYYMMDDTHHMMSS (UTC): pg_dump in directory format for
PostgreSQL, SQLite's own consistent copy for SQLite. The source is only read.

--jobs sets the parallel jobs of pg_dump; 0 means the target's dump_jobs, then the
config's defaults.dump_jobs, then pg_dump's own default.

After a successful build the snapshot is pushed to the target's storage profile when it
has one and defaults.auto_push is true, unless --no-push. A failed push only warns: the
snapshot is kept and can be pushed later with ` + "`clonit push TARGET`" + `.

The snapshot's name is printed on stdout (with --json, the snapshot as JSON).`,
		Example: `  clonit build shop
  clonit build shop --jobs 4 --no-push`,
		Args: snapshotcmd.Args(1, 1, "build TARGET [--jobs N] [--no-push]"),
		RunE: func(c *cobra.Command, args []string) error {
			opts.Target = args[0]
			if opts.Jobs < 0 {
				return fmt.Errorf("%w: --jobs must be 0 or more", cmdutil.ErrUsage)
			}
			if runF != nil {
				return runF(opts)
			}
			return run(c.Context(), opts)
		},
	}
	cmd.Flags().IntVarP(&opts.Jobs, "jobs", "j", 0, "parallel dump jobs (0 = target's dump_jobs, then defaults.dump_jobs)")
	cmd.Flags().BoolVar(&opts.NoPush, "no-push", false, "do not push the snapshot after building it")
	return cmd
}

// Jobs picks the dump jobs: the flag, then the target's, then the config's (0 = the tool's).
func Jobs(flag int, t agent.Target, cfg *agent.Config) int {
	for _, j := range []int{flag, t.DumpJobs, cfg.Defaults.DumpJobs} {
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
	if err := agent.RequireTargetPasswords(&t, os.LookupEnv, "src_url"); err != nil {
		return err
	}
	eng, err := env.Engine(t.DBType)
	if err != nil {
		return err
	}
	name, created, tmp, err := reserve(ctx, cfg, local, t.Name, env.Now)
	if err != nil {
		return err
	}
	ok := false
	defer func() {
		if !ok {
			os.RemoveAll(tmp)
			os.Remove(filepath.Dir(tmp)) // the target's directory, when this was its first build
		}
	}()

	start := time.Now()
	bar := progress.New(env.IO, "build "+name, -1)
	info, err := eng.Dump(ctx, t.SrcURL, filepath.Join(tmp, snapshotcmd.DumpDir), engine.Options{Jobs: Jobs(opts.Jobs, t, cfg), Progress: bar.SetFunc()})
	if err != nil {
		bar.Abort()
		return err
	}
	bar.Finish()
	if err := snapshotcmd.WriteInfo(tmp, info); err != nil {
		return err
	}
	dir := snapshotcmd.Dir(cfg, t.Name, name)
	if err := os.Rename(tmp, dir); err != nil {
		return fmt.Errorf("move snapshot into place: %w", err)
	}
	ok = true
	size, _ := snapshotcmd.DirSize(dir)
	s := agent.Snapshot{Name: name, Target: t.Name, Type: agent.TypeSnapshot, Size: size, CreatedAt: created, Local: true}
	if err := local.PutSnapshot(ctx, s); err != nil {
		os.RemoveAll(dir)
		return err
	}
	env.IO.Infof("built %s (%s) in %s", name, snapshotcmd.HumanSize(size), time.Since(start).Round(100*time.Millisecond))

	if t.StorageProfile != "" && cfg.Defaults.AutoPush && !opts.NoPush {
		pushed, err := env.PushToStorage(ctx, cfg, local, t, s)
		if err != nil {
			env.IO.Warnf("the snapshot was built but pushing it to storage profile %q failed: %v\nretry with `clonit push %s`", t.StorageProfile, err, t.Name)
		} else {
			s = pushed
			env.IO.Infof("pushed %s to storage profile %q", name, t.StorageProfile)
		}
	}
	if env.IO.JSON {
		return env.IO.WriteJSON(s)
	}
	fmt.Fprintln(env.IO.Out, name)
	return nil
}
