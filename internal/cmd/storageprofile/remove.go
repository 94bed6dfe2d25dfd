package storageprofile

import (
	"context"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/clonit/clonit/internal/agent"
	"github.com/clonit/clonit/internal/cmdutil"
)

// RemoveOptions are the inputs of `clonit storage-profile remove`.
type RemoveOptions struct {
	IO    *cmdutil.IOStreams
	Store func() (*agent.DB, error)
	Name  string
}

// NewCmdRemove returns `clonit storage-profile remove`. runF replaces the run function in tests.
func NewCmdRemove(f *cmdutil.Factory, runF func(*RemoveOptions) error) *cobra.Command {
	opts := &RemoveOptions{IO: f.IO, Store: f.LocalStore}
	return &cobra.Command{
		Use:     "remove NAME",
		Aliases: []string{"rm"},
		Short:   "Remove a storage profile that no target uses",
		Long: `Remove a storage profile. Objects already in its bucket stay there. A profile that
targets still use is refused: point them elsewhere first with
"clonit targets edit NAME --storage-profile OTHER".`,
		Args: func(_ *cobra.Command, args []string) error {
			if len(args) != 1 {
				return fmt.Errorf("%w: give one profile name: clonit storage-profile remove NAME", cmdutil.ErrUsage)
			}
			return nil
		},
		RunE: func(c *cobra.Command, args []string) error {
			opts.Name = args[0]
			if runF != nil {
				return runF(opts)
			}
			return removeRun(c.Context(), opts)
		},
	}
}

func removeRun(ctx context.Context, opts *RemoveOptions) error {
	store, err := opts.Store()
	if err != nil {
		return err
	}
	if err := store.DeleteStorageProfile(ctx, opts.Name); err != nil {
		return err
	}
	opts.IO.Infof("Removed storage profile %q", opts.Name)
	return nil
}
