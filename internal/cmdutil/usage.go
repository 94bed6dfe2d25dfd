package cmdutil

import (
	"errors"
	"fmt"
	"strings"

	"github.com/spf13/cobra"
)

// MarkUsageErrors makes argument-count errors of every command under root, and unknown
// subcommands, errors of kind ErrUsage (exit code 2), with a pointer to the command's help.
// Call it once the tree is complete.
func MarkUsageErrors(root *cobra.Command) {
	var walk func(c *cobra.Command)
	walk = func(c *cobra.Command) {
		if args := c.Args; args != nil {
			c.Args = func(cmd *cobra.Command, a []string) error {
				err := args(cmd, a)
				if err != nil && !errors.Is(err, ErrUsage) {
					return fmt.Errorf("%w: %w (see `%s --help`)", ErrUsage, err, cmd.CommandPath())
				}
				return err
			}
		}
		for _, sub := range c.Commands() {
			walk(sub)
		}
	}
	walk(root)
}

// AsUsage marks cobra's own "unknown command" errors, which no Args function sees, as ErrUsage.
func AsUsage(err error) error {
	if err != nil && strings.HasPrefix(err.Error(), "unknown command ") {
		return fmt.Errorf("%w: %w", ErrUsage, err)
	}
	return err
}
