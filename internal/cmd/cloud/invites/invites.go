// Package invites implements `clonit cloud invites`: create, list and revoke the join codes
// by which people enter an org.
package invites

import (
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"github.com/clonit/clonit/internal/apiclient"
	"github.com/clonit/clonit/internal/cmdutil"
)

// Options holds what every `clonit cloud invites` command needs.
type Options struct {
	IO          *cmdutil.IOStreams
	CloudClient func() (*apiclient.Client, error)
	// Org is the --org flag of `clonit cloud`.
	Org *string
}

// NewCmdInvites returns `clonit cloud invites`.
func NewCmdInvites(f *cmdutil.Factory, orgFlag *string) *cobra.Command {
	base := Options{IO: f.IO, CloudClient: f.CloudClient, Org: orgFlag}
	cmd := &cobra.Command{
		Use:   "invites",
		Short: "Create, list and revoke join codes",
		Long: `Create, list and revoke the join codes by which people enter an org. A code is 8
digits shown as 1234-5678; it works once and expires 24 hours after it is made. Someone
joins with ` + "`clonit login --org SLUG --join 1234-5678`" + `.

Admins and owners create member and viewer codes, up to 50 at once. Owners create admin
codes, one live at a time. The digits are shown only when a code is created.`,
	}
	cmd.AddCommand(NewCmdCreate(base, nil))
	cmd.AddCommand(NewCmdList(base, nil))
	cmd.AddCommand(NewCmdRevoke(base, nil))
	return cmd
}

// stamp formats a time for tables and messages: local time, to the minute.
func stamp(t time.Time) string {
	if t.IsZero() {
		return "-"
	}
	return t.Local().Format("2006-01-02 15:04")
}

// plural returns "1 member code" or "3 member codes".
func plural(n int, role string) string {
	if n == 1 {
		return fmt.Sprintf("1 %s code", role)
	}
	return fmt.Sprintf("%d %s codes", n, role)
}
