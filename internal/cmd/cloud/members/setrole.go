package members

import (
	"context"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/clonit/clonit/internal/cmdutil"
)

// SetRoleOptions holds every input of `clonit cloud members set-role`.
type SetRoleOptions struct {
	Options
	// Member is an email or a user id.
	Member string
	Role   string
}

// NewCmdSetRole returns `clonit cloud members set-role`. runF replaces the work in tests.
func NewCmdSetRole(base Options, runF func(context.Context, *SetRoleOptions) error) *cobra.Command {
	opts := &SetRoleOptions{Options: base}
	return &cobra.Command{
		Use:     "set-role EMAIL ROLE",
		Short:   "Change a member's role (owner, admin, member or viewer)",
		Example: "  clonit cloud members set-role ada@example.com admin",
		Args:    exactArgs(2, "set-role takes a member's email and a role"),
		RunE: func(c *cobra.Command, args []string) error {
			opts.Member, opts.Role = args[0], args[1]
			if runF != nil {
				return runF(c.Context(), opts)
			}
			return RunSetRole(c.Context(), opts)
		},
	}
}

// RunSetRole changes the role.
func RunSetRole(ctx context.Context, opts *SetRoleOptions) error {
	client, slug, err := cmdutil.OrgClient(ctx, opts.CloudClient, *opts.Org)
	if err != nil {
		return err
	}
	m, err := client.SetRole(ctx, slug, opts.Member, opts.Role)
	if err != nil {
		return err
	}
	if opts.IO.JSON {
		return opts.IO.WriteJSON(m)
	}
	fmt.Fprintf(opts.IO.ErrOut, "%s is now %s in org %s.\n", m.User.Email, m.Role, slug)
	return nil
}
