package targets

import (
	"bufio"
	"context"
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/clonit/clonit/internal/agent"
	"github.com/clonit/clonit/internal/cmdutil"
)

// RemoveOptions are the inputs of `clonit targets remove`.
type RemoveOptions struct {
	IO    *cmdutil.IOStreams
	Store func() (*agent.DB, error)
	Name  string
	// Yes skips the confirmation; without it, removal asks on a terminal and fails elsewhere.
	Yes bool
	// CanPrompt reports whether the user can be asked (stdin and stderr are a terminal).
	CanPrompt func() bool
}

// NewCmdRemove returns `clonit targets remove`. runF replaces the run function in tests.
func NewCmdRemove(f *cmdutil.Factory, runF func(*RemoveOptions) error) *cobra.Command {
	opts := &RemoveOptions{IO: f.IO, Store: f.LocalStore, CanPrompt: f.IO.CanPrompt}
	cmd := &cobra.Command{
		Use:     "remove NAME [--yes]",
		Aliases: []string{"rm"},
		Short:   "Remove a target and its snapshot records",
		Long: `Remove a target, its snapshot catalog and its stored sanitize queries. Snapshot files
in the working directory and objects in storage are left alone.

Asks for confirmation on a terminal; elsewhere --yes is required.`,
		Args: nameArg("remove NAME [--yes]"),
		RunE: func(c *cobra.Command, args []string) error {
			opts.Name = args[0]
			if runF != nil {
				return runF(opts)
			}
			return removeRun(c.Context(), opts)
		},
	}
	cmd.Flags().BoolVarP(&opts.Yes, "yes", "y", false, "remove without asking")
	return cmd
}

func removeRun(ctx context.Context, opts *RemoveOptions) error {
	store, err := opts.Store()
	if err != nil {
		return err
	}
	if _, err := store.Target(ctx, opts.Name); err != nil {
		return err
	}
	if !opts.Yes {
		if !opts.CanPrompt() {
			return fmt.Errorf("%w: refusing to remove target %q without confirmation; run it again with --yes", cmdutil.ErrUsage, opts.Name)
		}
		snaps, err := store.Snapshots(ctx, opts.Name)
		if err != nil {
			return err
		}
		fmt.Fprintf(opts.IO.ErrOut, "Remove target %q and its %d snapshot record(s)? Files on disk and in storage stay. [y/N] ", opts.Name, len(snaps))
		answer, _ := bufio.NewReader(opts.IO.In).ReadString('\n')
		if a := strings.ToLower(strings.TrimSpace(answer)); a != "y" && a != "yes" {
			return fmt.Errorf("%w: target %q kept", cmdutil.ErrCancelled, opts.Name)
		}
	}
	if err := store.DeleteTarget(ctx, opts.Name); err != nil {
		return err
	}
	opts.IO.Infof("Removed target %q", opts.Name)
	return nil
}
