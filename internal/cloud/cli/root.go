// Package cli is the command line of clonit-cloud: serve, and the operator commands.
package cli

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"syscall"

	"github.com/spf13/cobra"

	"github.com/clonit/clonit/internal/cmdutil"
	"github.com/clonit/clonit/internal/version"
)

// Main runs clonit-cloud with args and returns the process exit code.
func Main(args []string) int {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	io := cmdutil.System()
	cmd := NewCmdRoot(io)
	cmdutil.MarkUsageErrors(cmd)
	cmd.SetArgs(args)
	err := cmdutil.AsUsage(cmd.ExecuteContext(ctx))
	if err != nil {
		fmt.Fprintln(io.ErrOut, "error:", err)
	}
	return cmdutil.ExitCode(err)
}

// NewCmdRoot returns clonit-cloud's command tree.
func NewCmdRoot(io *cmdutil.IOStreams) *cobra.Command {
	cmd := &cobra.Command{
		Use:           "clonit-cloud",
		Short:         "Clonit Cloud: organizations, members, API keys and shared snapshots",
		Version:       version.Version,
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	cmd.SetOut(io.Out)
	cmd.SetErr(io.ErrOut)
	cmd.SetFlagErrorFunc(func(c *cobra.Command, err error) error {
		return fmt.Errorf("%w: %w (see `%s --help`)", cmdutil.ErrUsage, err, c.CommandPath())
	})
	// Subcommands: one line each.
	cmd.AddCommand(newCmdServe(io, os.Getenv))
	cmd.AddCommand(newCmdUsers(io))
	cmd.AddCommand(newCmdAdmin(io))
	return cmd
}
