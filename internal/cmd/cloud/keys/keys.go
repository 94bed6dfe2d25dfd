// Package keys implements `clonit cloud keys`: create, list and revoke an org's API keys.
package keys

import (
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"github.com/clonit/clonit/internal/apiclient"
	"github.com/clonit/clonit/internal/cmdutil"
)

// Options holds what every `clonit cloud keys` command needs.
type Options struct {
	IO          *cmdutil.IOStreams
	CloudClient func() (*apiclient.Client, error)
	Now         func() time.Time
	// Org is the --org flag of `clonit cloud`.
	Org *string
}

// NewCmdKeys returns `clonit cloud keys`.
func NewCmdKeys(f *cmdutil.Factory, orgFlag *string) *cobra.Command {
	base := Options{IO: f.IO, CloudClient: f.CloudClient, Now: f.Now, Org: orgFlag}
	cmd := &cobra.Command{
		Use:   "keys",
		Short: "Create, list and revoke API keys for machines and CI",
		Long: `Create, list and revoke the org's API keys. Admins and owners manage them.

A key acts with member-level access at most, in its org only: it reads, registers its
machine, and pushes or pulls snapshots when it has the push or pull permission. An
org-level key acts for the org; a per-user key (--user) acts as you and never above your
current role, and stops working if you leave the org. Use a key by setting cloud.api_key in
the config or CLONIT_CLOUD__API_KEY. ` + "`clonit login`" + ` also provisions a per-user key
for the machine you sign in on, and replaces it at the next login.`,
	}
	cmd.AddCommand(NewCmdCreate(base, nil))
	cmd.AddCommand(NewCmdList(base, nil))
	cmd.AddCommand(NewCmdRevoke(base, nil))
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

// stamp formats a time as listings show it, in local time; "-" for none.
func stamp(t *time.Time, none string) string {
	if t == nil || t.IsZero() {
		return none
	}
	return t.Local().Format("2006-01-02 15:04")
}
