// Package members implements `clonit cloud members`: list members, change roles, remove.
package members

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/clonit/clonit/internal/apiclient"
	"github.com/clonit/clonit/internal/cmdutil"
)

// Options holds what every `clonit cloud members` command needs.
type Options struct {
	IO          *cmdutil.IOStreams
	CloudClient func() (*apiclient.Client, error)
	// Org is the --org flag of `clonit cloud`.
	Org *string
}

// NewCmdMembers returns `clonit cloud members`.
func NewCmdMembers(f *cmdutil.Factory, orgFlag *string) *cobra.Command {
	base := Options{IO: f.IO, CloudClient: f.CloudClient, Org: orgFlag}
	cmd := &cobra.Command{
		Use:   "members",
		Short: "List an org's members, change their roles, remove them",
		Long: `List an org's members, change their roles and remove them. Roles, highest first:
owner, admin, member, viewer. Admins change roles up to admin and remove members and
viewers; only owners touch owners and admins; nobody changes their own role; an org always
keeps at least one owner.`,
	}
	cmd.AddCommand(NewCmdList(base, nil))
	cmd.AddCommand(NewCmdSetRole(base, nil))
	cmd.AddCommand(NewCmdRemove(base, nil))
	return cmd
}

// exactArgs accepts exactly n arguments and otherwise fails with a usage error saying why.
func exactArgs(n int, why string) cobra.PositionalArgs {
	return func(c *cobra.Command, args []string) error {
		if len(args) != n {
			return fmt.Errorf("%w: %s (see `%s --help`)", cmdutil.ErrUsage, why, c.CommandPath())
		}
		return nil
	}
}
