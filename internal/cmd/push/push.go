// Package push implements `clonit push`: stream a local snapshot as one archive into the
// target's storage profile.
package push

import (
	"context"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/clonit/clonit/internal/cmd/snapshotcmd"
	"github.com/clonit/clonit/internal/cmdutil"
	"github.com/clonit/clonit/internal/errs"
)

// Options are the inputs of `clonit push`.
type Options struct {
	Env    *snapshotcmd.Env
	Target string
	// Index is the snapshot index ("" = 0, the newest).
	Index string
	// Cloud pushes to the cloud org's managed storage instead of the storage profile.
	Cloud bool
	// Org is the cloud org (--org; default: the one you signed in to).
	Org string
}

// NewCmdPush returns `clonit push`. runF replaces the run function in tests.
func NewCmdPush(f *cmdutil.Factory, runF func(*Options) error) *cobra.Command {
	opts := &Options{Env: snapshotcmd.NewEnv(f)}
	cmd := &cobra.Command{
		Use:   "push TARGET [INDEX] [--cloud]",
		Short: "Upload a snapshot to the target's storage profile or to Clonit Cloud",
		Long: `Upload snapshot INDEX (default 0, the newest; see ` + "`clonit snapshots TARGET`" + `) to the
target's storage profile as one archive with a SHA-256 of every file, streamed from the
snapshot directory with no copy on disk. Large archives go up in parts; an interrupted
push leaves nothing in storage. Pushing a snapshot again replaces its archive.

With --cloud the archive goes to your Clonit Cloud org's managed storage instead, through
short-lived URLs the cloud hands out; the cloud checks its size and SHA-256 before anyone
can see it. The new snapshot's ID is printed; it is private (the org's owners and admins
only) until shared with ` + "`clonit cloud share ID`" + `.`,
		Example: `  clonit push shop
  clonit push shop 1
  clonit push shop --cloud`,
		Args: snapshotcmd.Args(1, 2, "push TARGET [INDEX] [--cloud]"),
		RunE: func(c *cobra.Command, args []string) error {
			opts.Target, opts.Index = args[0], ""
			if len(args) > 1 {
				opts.Index = args[1]
			}
			if opts.Org != "" && !opts.Cloud {
				return fmt.Errorf("%w: --org goes with --cloud", cmdutil.ErrUsage)
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
	cmd.Flags().BoolVar(&opts.Cloud, "cloud", false, "push to your Clonit Cloud org instead of the storage profile")
	cmd.Flags().StringVar(&opts.Org, "org", "", "with --cloud: slug of the org to push to (default: the org you signed in to)")
	return cmd
}

func run(ctx context.Context, opts *Options) error {
	env := opts.Env
	cfg, local, t, err := env.Target(ctx, opts.Target)
	if err != nil {
		return err
	}
	if t.StorageProfile == "" {
		return errs.Invalid("target %q has no storage profile to push to; set one with `clonit targets edit %s --storage-profile NAME`", t.Name, t.Name)
	}
	l, err := env.List(ctx, cfg, local, t)
	if err != nil {
		return err
	}
	s, err := l.Pick(opts.Index)
	if err != nil {
		return err
	}
	s, err = env.PushToStorage(ctx, cfg, local, t, s)
	if err != nil {
		return err
	}
	env.IO.Infof("pushed %s (%s) to storage profile %q", s.Name, snapshotcmd.HumanSize(s.Size), t.StorageProfile)
	if env.IO.JSON {
		return env.IO.WriteJSON(s)
	}
	fmt.Fprintln(env.IO.Out, s.SHA256+"  "+s.Name)
	return nil
}

// runCloud pushes to the cloud org and prints the new snapshot's ID.
func runCloud(ctx context.Context, opts *Options) error {
	env := opts.Env
	cfg, local, t, err := env.Target(ctx, opts.Target)
	if err != nil {
		return err
	}
	l, err := env.List(ctx, cfg, local, t)
	if err != nil {
		return err
	}
	s, err := l.Pick(opts.Index)
	if err != nil {
		return err
	}
	cs, org, err := env.PushToCloud(ctx, cfg, local, t, s, opts.Org)
	if err != nil {
		return err
	}
	env.IO.Infof("pushed %s (%s) to org %s as %s; it is private (owners and admins only) until shared: `clonit cloud share %s --org`",
		cs.Name, snapshotcmd.DecimalSize(cs.Size), org, cs.ID, snapshotcmd.ShortID(cs.ID))
	if env.IO.JSON {
		return env.IO.WriteJSON(cs)
	}
	fmt.Fprintln(env.IO.Out, cs.ID)
	return nil
}
