// Package storageprofile implements `clonit storage-profile`: add, list and remove the
// S3-compatible stores (or local directories) that snapshots are pushed to and pulled from.
package storageprofile

import (
	"github.com/spf13/cobra"

	"github.com/clonit/clonit/internal/agent"
	"github.com/clonit/clonit/internal/cmdutil"
)

// NewCmdStorageProfile returns `clonit storage-profile` with its subcommands.
func NewCmdStorageProfile(f *cmdutil.Factory) *cobra.Command {
	cmd := &cobra.Command{
		Use:     "storage-profile",
		Aliases: []string{"storage-profiles"},
		Short:   "Manage storage profiles: where snapshots are pushed and pulled",
		Long: `A storage profile holds the bucket and credentials of an S3-compatible store
(provider s3: AWS S3, MinIO or any endpoint; provider r2: Cloudflare R2) or a directory
(provider local). Targets name the profile they push to.

Access and secret keys are stored encrypted under the config's secret_key and shown as
****. Without keys, s3 and r2 profiles use --awscli-profile or the AWS environment
variables.`,
	}
	cmd.AddCommand(NewCmdAdd(f, nil))
	cmd.AddCommand(NewCmdList(f, nil))
	cmd.AddCommand(NewCmdRemove(f, nil))
	return cmd
}

// masked returns p with its keys replaced by ****.
func masked(p agent.StorageProfile) agent.StorageProfile {
	p.AccessKey = agent.MaskSecret(p.AccessKey)
	p.SecretKey = agent.MaskSecret(p.SecretKey)
	return p
}

// credentials says, for the list, where a profile's credentials come from.
func credentials(p agent.StorageProfile) string {
	switch {
	case p.Provider == agent.ProviderLocal:
		return ""
	case p.AccessKey != "":
		return "access key"
	case p.AWSCLIProfile != "":
		return "awscli profile " + p.AWSCLIProfile
	}
	return "environment"
}
