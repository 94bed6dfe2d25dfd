package targets

import (
	"context"
	"errors"
	"os"

	"github.com/spf13/cobra"

	"github.com/clonit/clonit/internal/agent"
	"github.com/clonit/clonit/internal/cmdutil"
	"github.com/clonit/clonit/internal/errs"
)

// AddOptions are the inputs of `clonit targets add`.
type AddOptions struct {
	IO    *cmdutil.IOStreams
	Store func() (*agent.DB, error)
	// Dir is the directory relative SQLite paths are resolved against.
	Dir    string
	Target agent.Target
}

// NewCmdAdd returns `clonit targets add`. runF replaces the run function in tests.
func NewCmdAdd(f *cmdutil.Factory, runF func(*AddOptions) error) *cobra.Command {
	opts := &AddOptions{IO: f.IO, Store: f.LocalStore}
	cmd := &cobra.Command{
		Use:   "add NAME --src-url URL [flags]",
		Short: "Add a target",
		Example: `  clonit targets add shop --src-url postgres://app:PASSWORD@prod/shop \
    --dst-url postgres://localhost/shop --storage-profile team-s3
  clonit targets add notes --db-type sqlite --src-url ./notes.db --dst-url ./notes-dev.db`,
		Args: nameArg("add NAME --src-url URL"),
		RunE: func(c *cobra.Command, args []string) error {
			opts.Target.Name = args[0]
			if runF != nil {
				return runF(opts)
			}
			return addRun(c.Context(), opts)
		},
	}
	bindTargetFlags(cmd.Flags(), &opts.Target)
	_ = cmd.MarkFlagRequired("src-url")
	return cmd
}

func addRun(ctx context.Context, opts *AddOptions) error {
	t := opts.Target
	if opts.Dir == "" {
		opts.Dir, _ = os.Getwd()
	}
	agent.NormalizeTarget(&t, opts.Dir)
	if err := agent.ValidateTarget(t); err != nil {
		return err
	}
	store, err := opts.Store()
	if err != nil {
		return err
	}
	_, err = store.Target(ctx, t.Name)
	switch {
	case err == nil:
		return errs.Conflict("target %q already exists; change it with \"clonit targets edit %s\" or remove it first", t.Name, t.Name)
	case !errors.Is(err, errs.ErrNotFound):
		return err
	}
	if err := store.PutTarget(ctx, t); err != nil {
		return err
	}
	opts.IO.Infof("Added target %q", t.Name)
	return nil
}
