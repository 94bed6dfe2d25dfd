package targets

import (
	"context"
	"fmt"
	"os"

	"github.com/spf13/cobra"

	"github.com/clonit/clonit/internal/agent"
	"github.com/clonit/clonit/internal/cmdutil"
)

// EditOptions are the inputs of `clonit targets edit`.
type EditOptions struct {
	IO    *cmdutil.IOStreams
	Store func() (*agent.DB, error)
	// Dir is the directory relative SQLite paths are resolved against.
	Dir  string
	Name string
	// Values holds the flags' values; only the fields named in Changed are applied.
	Values  agent.Target
	Changed []string
}

// NewCmdEdit returns `clonit targets edit`. runF replaces the run function in tests.
func NewCmdEdit(f *cmdutil.Factory, runF func(*EditOptions) error) *cobra.Command {
	opts := &EditOptions{IO: f.IO, Store: f.LocalStore}
	cmd := &cobra.Command{
		Use:   "edit NAME --FIELD VALUE...",
		Short: "Change some of a target's settings",
		Long: `Change the settings given as flags and keep the others. An empty value clears an
optional setting: --storage-profile "" stops pushing to storage.`,
		Example: `  clonit targets edit shop --dst-url postgres://localhost/shop_dev --restore-jobs 4`,
		Args:    nameArg("edit NAME --FIELD VALUE..."),
		RunE: func(c *cobra.Command, args []string) error {
			opts.Name = args[0]
			opts.Changed = nil
			for _, tf := range targetFlags {
				if c.Flags().Changed(tf.name) {
					opts.Changed = append(opts.Changed, tf.name)
				}
			}
			if len(opts.Changed) == 0 {
				return fmt.Errorf("%w: nothing to change; give the settings to change as flags, e.g. --dst-url URL (see `clonit targets edit --help`)", cmdutil.ErrUsage)
			}
			if runF != nil {
				return runF(opts)
			}
			return editRun(c.Context(), opts)
		},
	}
	bindTargetFlags(cmd.Flags(), &opts.Values)
	return cmd
}

func editRun(ctx context.Context, opts *EditOptions) error {
	store, err := opts.Store()
	if err != nil {
		return err
	}
	t, err := store.Target(ctx, opts.Name)
	if err != nil {
		return err
	}
	before := t
	for _, name := range opts.Changed {
		for _, tf := range targetFlags {
			if tf.name == name {
				tf.apply(&t, opts.Values)
			}
		}
	}
	if opts.Dir == "" {
		opts.Dir, _ = os.Getwd()
	}
	agent.NormalizeTarget(&t, opts.Dir)
	if err := agent.ValidateTarget(t); err != nil {
		return err
	}
	if t == before {
		opts.IO.Infof("Target %q unchanged", t.Name)
		return nil
	}
	if err := store.PutTarget(ctx, t); err != nil {
		return err
	}
	opts.IO.Infof("Updated target %q", t.Name)
	return nil
}
