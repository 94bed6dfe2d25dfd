// Package cloud implements `clonit cloud`, the commands that work with Clonit Cloud's orgs,
// members and audit log. Every subcommand acts on one org: --org, else the one you signed in
// to, else your only one.
package cloud

import (
	"github.com/spf13/cobra"

	"github.com/clonit/clonit/internal/cmd/cloud/agents"
	"github.com/clonit/clonit/internal/cmd/cloud/audit"
	"github.com/clonit/clonit/internal/cmd/cloud/cloudprofiles"
	"github.com/clonit/clonit/internal/cmd/cloud/cloudsync"
	"github.com/clonit/clonit/internal/cmd/cloud/cloudtargets"
	"github.com/clonit/clonit/internal/cmd/cloud/invites"
	"github.com/clonit/clonit/internal/cmd/cloud/keys"
	"github.com/clonit/clonit/internal/cmd/cloud/leave"
	"github.com/clonit/clonit/internal/cmd/cloud/members"
	"github.com/clonit/clonit/internal/cmd/cloud/org"
	"github.com/clonit/clonit/internal/cmd/cloud/register"
	"github.com/clonit/clonit/internal/cmd/cloud/share"
	"github.com/clonit/clonit/internal/cmd/cloud/snapshot"
	"github.com/clonit/clonit/internal/cmd/cloud/snapshots"
	"github.com/clonit/clonit/internal/cmd/cloud/status"
	"github.com/clonit/clonit/internal/cmdutil"
)

// NewCmdCloud returns `clonit cloud` and its subcommands.
func NewCmdCloud(f *cmdutil.Factory) *cobra.Command {
	var orgSlug string
	cmd := &cobra.Command{
		Use:   "cloud",
		Short: "Work with Clonit Cloud: orgs, members, snapshots, sharing, keys and agents",
		Long: `Work with Clonit Cloud. Set cloud.url in the config (or CLONIT_CLOUD__URL) and run
` + "`clonit login`" + ` first; scripts may use CLONIT_CLOUD__TOKEN or cloud.api_key instead.`,
	}
	cmd.PersistentFlags().StringVar(&orgSlug, "org", "", "slug of the org to act on (default: the org you signed in to)")

	// Subcommands: one line each.
	cmd.AddCommand(org.NewCmdOrg(f, &orgSlug))
	cmd.AddCommand(members.NewCmdMembers(f, &orgSlug))
	cmd.AddCommand(audit.NewCmdAudit(f, &orgSlug, nil))
	cmd.AddCommand(invites.NewCmdInvites(f, &orgSlug))
	cmd.AddCommand(leave.NewCmdLeave(f, &orgSlug, nil))
	cmd.AddCommand(cloudsync.NewCmdSync(f, &orgSlug, nil))
	cmd.AddCommand(cloudtargets.NewCmdTargets(f, &orgSlug, nil))
	cmd.AddCommand(cloudprofiles.NewCmdStorageProfiles(f, &orgSlug, nil))
	cmd.AddCommand(keys.NewCmdKeys(f, &orgSlug))
	cmd.AddCommand(agents.NewCmdAgents(f, &orgSlug))
	cmd.AddCommand(register.NewCmdRegister(f, &orgSlug, nil))
	cmd.AddCommand(status.NewCmdStatus(f, &orgSlug, nil))
	cmd.AddCommand(snapshots.NewCmdSnapshots(f, &orgSlug, nil))
	cmd.AddCommand(snapshot.NewCmdSnapshot(f, &orgSlug, nil))
	cmd.AddCommand(share.NewCmdShare(f, &orgSlug, nil))
	cmd.AddCommand(share.NewCmdUnshare(f, &orgSlug, nil))
	return cmd
}
