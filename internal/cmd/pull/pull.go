// Package pull implements `clonit pull`: download a snapshot from the target's storage
// profile, verify it, and only then make it a local snapshot.
package pull

import (
	"context"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/clonit/clonit/internal/cmd/snapshotcmd"
	"github.com/clonit/clonit/internal/cmdutil"
	"github.com/clonit/clonit/internal/errs"
)

// Options are the inputs of `clonit pull`.
type Options struct {
	Env    *snapshotcmd.Env
	Target string
	// Index is the snapshot index ("" = 0, the newest).
	Index string
	// Cloud pulls the cloud snapshot SnapshotID instead of a snapshot of the storage profile.
	Cloud      bool
	SnapshotID string
	// Org is the cloud org (--org; default: the one you signed in to).
	Org string
}

// NewCmdPull returns `clonit pull`. runF replaces the run function in tests.
func NewCmdPull(f *cmdutil.Factory, runF func(*Options) error) *cobra.Command {
	opts := &Options{Env: snapshotcmd.NewEnv(f)}
	cmd := &cobra.Command{
		Use:   "pull TARGET [INDEX] | pull TARGET --cloud --snapshot-id ID",
		Short: "Download a snapshot from the target's storage profile or from Clonit Cloud",
		Long: `Download snapshot INDEX (default 0, the newest; see ` + "`clonit snapshots TARGET`" + `) from the
target's storage profile. Every file and the whole archive are checked against their
SHA-256 before the snapshot appears locally; a damaged or interrupted download leaves
nothing behind. A snapshot that is already local is left as it is.

With --cloud, download the cloud snapshot ID (a full ID or a unique prefix; see
` + "`clonit cloud snapshots`" + `) from your org's managed storage instead, with the same checks
against the SHA-256 the cloud recorded. It then appears in ` + "`clonit snapshots TARGET`" + ` and
` + "`clonit load`" + ` restores it.`,
		Example: `  clonit pull shop
  clonit pull shop 3
  clonit pull shop --cloud --snapshot-id 3kq7v2xa`,
		Args: snapshotcmd.Args(1, 2, "pull TARGET [INDEX]` or `clonit pull TARGET --cloud --snapshot-id ID"),
		RunE: func(c *cobra.Command, args []string) error {
			opts.Target, opts.Index = args[0], ""
			if len(args) > 1 {
				opts.Index = args[1]
			}
			switch {
			case opts.Cloud && opts.SnapshotID == "":
				return fmt.Errorf("%w: pull --cloud needs --snapshot-id ID (see `clonit cloud snapshots`)", cmdutil.ErrUsage)
			case opts.Cloud && opts.Index != "":
				return fmt.Errorf("%w: pull --cloud takes --snapshot-id ID, not an index", cmdutil.ErrUsage)
			case !opts.Cloud && (opts.SnapshotID != "" || opts.Org != ""):
				return fmt.Errorf("%w: --snapshot-id and --org go with --cloud", cmdutil.ErrUsage)
			}
			if runF != nil {
				return runF(opts)
			}
			if opts.Cloud {
				return runCloud(c.Context(), opts)
			}
			return run(c.Context(), opts)
		},
	}
	cmd.Flags().BoolVar(&opts.Cloud, "cloud", false, "pull from your Clonit Cloud org instead of the storage profile")
	cmd.Flags().StringVar(&opts.SnapshotID, "snapshot-id", "", "with --cloud: the cloud snapshot's ID or a unique prefix of it")
	cmd.Flags().StringVar(&opts.Org, "org", "", "with --cloud: slug of the org to pull from (default: the org you signed in to)")
	return cmd
}

func run(ctx context.Context, opts *Options) error {
	env := opts.Env
	cfg, local, t, err := env.Target(ctx, opts.Target)
	if err != nil {
		return err
	}
	if t.StorageProfile == "" {
		return errs.Invalid("target %q has no storage profile to pull from; set one with `clonit targets edit %s --storage-profile NAME`", t.Name, t.Name)
	}
	l, err := env.List(ctx, cfg, local, t)
	if err != nil {
		return err
	}
	if l.RemoteErr != nil {
		return l.RemoteErr
	}
	s, err := l.Pick(opts.Index)
	if err != nil {
		return err
	}
	if s.Local {
		env.IO.Infof("%s is already on this machine", s.Name)
	} else {
		if s, err = env.PullFromStorage(ctx, cfg, local, t, s); err != nil {
			return err
		}
		env.IO.Infof("pulled %s (%s) from storage profile %q", s.Name, snapshotcmd.HumanSize(s.Size), t.StorageProfile)
	}
	if env.IO.JSON {
		return env.IO.WriteJSON(s)
	}
	fmt.Fprintln(env.IO.Out, s.Name)
	return nil
}

// runCloud pulls a cloud snapshot and prints its local name.
func runCloud(ctx context.Context, opts *Options) error {
	env := opts.Env
	cfg, local, t, err := env.Target(ctx, opts.Target)
	if err != nil {
		return err
	}
	s, already, err := env.PullFromCloud(ctx, cfg, local, t, opts.SnapshotID, opts.Org)
	if err != nil {
		return err
	}
	if already {
		env.IO.Infof("%s is already on this machine", s.Name)
	} else {
		env.IO.Infof("pulled %s (%s) from the cloud as a snapshot of %s: `clonit load %s` restores the newest", s.Name, snapshotcmd.DecimalSize(s.Size), t.Name, t.Name)
	}
	if env.IO.JSON {
		return env.IO.WriteJSON(s)
	}
	fmt.Fprintln(env.IO.Out, s.Name)
	return nil
}
