package members

import (
	"bufio"
	"context"
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/clonit/clonit/internal/cmdutil"
)

// RemoveOptions holds every input of `clonit cloud members remove`.
type RemoveOptions struct {
	Options
	// Member is an email or a user id.
	Member string
	Yes    bool
	// CanPrompt reports whether the user can be asked to confirm.
	CanPrompt func() bool
}

// NewCmdRemove returns `clonit cloud members remove`. runF replaces the work in tests.
func NewCmdRemove(base Options, runF func(context.Context, *RemoveOptions) error) *cobra.Command {
	opts := &RemoveOptions{Options: base, CanPrompt: base.IO.CanPrompt}
	cmd := &cobra.Command{
		Use:   "remove EMAIL [--yes]",
		Short: "Remove a member from the org",
		Long: `Remove a member from the org. They lose access at once. Without --yes, clonit asks
for confirmation on a terminal and refuses off one.`,
		Example: "  clonit cloud members remove ada@example.com --yes",
		Args:    exactArgs(1, "remove takes a member's email"),
		RunE: func(c *cobra.Command, args []string) error {
			opts.Member = args[0]
			if runF != nil {
				return runF(c.Context(), opts)
			}
			return RunRemove(c.Context(), opts)
		},
	}
	cmd.Flags().BoolVarP(&opts.Yes, "yes", "y", false, "remove without asking")
	return cmd
}

// RunRemove removes the member after confirmation.
func RunRemove(ctx context.Context, opts *RemoveOptions) error {
	client, slug, err := cmdutil.OrgClient(ctx, opts.CloudClient, *opts.Org)
	if err != nil {
		return err
	}
	if !opts.Yes {
		if !opts.CanPrompt() {
			return fmt.Errorf("%w: removing %s from org %s needs confirmation: pass --yes", cmdutil.ErrUsage, opts.Member, slug)
		}
		fmt.Fprintf(opts.IO.ErrOut, "Remove %s from org %s? [y/N] ", opts.Member, slug)
		answer, _ := bufio.NewReader(opts.IO.In).ReadString('\n')
		if a := strings.ToLower(strings.TrimSpace(answer)); a != "y" && a != "yes" {
			return fmt.Errorf("%w: %s was not removed", cmdutil.ErrCancelled, opts.Member)
		}
	}
	if err := client.RemoveMember(ctx, slug, opts.Member); err != nil {
		return err
	}
	fmt.Fprintf(opts.IO.ErrOut, "Removed %s from org %s.\n", opts.Member, slug)
	return nil
}
