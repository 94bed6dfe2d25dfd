// Package cloudprofiles implements `clonit cloud storage-profiles list|show`: the org's
// shared storage profiles, secret keys masked.
package cloudprofiles

import (
	"context"
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/clonit/clonit/internal/api"
	"github.com/clonit/clonit/internal/apiclient"
	"github.com/clonit/clonit/internal/cmdutil"
)

// Options holds every input of the `clonit cloud storage-profiles` commands.
type Options struct {
	IO          *cmdutil.IOStreams
	CloudClient func() (*apiclient.Client, error)
	// Org is the --org flag of `clonit cloud`.
	Org  *string
	Name string
}

// NewCmdStorageProfiles returns `clonit cloud storage-profiles`. runF replaces the work
// of its subcommands in tests.
func NewCmdStorageProfiles(f *cmdutil.Factory, orgFlag *string, runF func(context.Context, *Options) error) *cobra.Command {
	cmd := &cobra.Command{
		Use:     "storage-profiles",
		Aliases: []string{"storage-profile"},
		Short:   "List and show the org's shared storage profiles",
		Long: `List and show the storage profiles your org shares, with their secret keys masked.
` + "`clonit cloud sync`" + ` copies them to and from this machine.`,
	}
	list := &Options{IO: f.IO, CloudClient: f.CloudClient, Org: orgFlag}
	cmd.AddCommand(&cobra.Command{
		Use:     "list",
		Aliases: []string{"ls"},
		Short:   "List the org's storage profiles (--json for scripts)",
		Args:    cobra.NoArgs,
		RunE: func(c *cobra.Command, _ []string) error {
			if runF != nil {
				return runF(c.Context(), list)
			}
			return RunList(c.Context(), list)
		},
	})
	show := &Options{IO: f.IO, CloudClient: f.CloudClient, Org: orgFlag}
	cmd.AddCommand(&cobra.Command{
		Use:   "show NAME",
		Short: "Show one of the org's storage profiles (--json for scripts)",
		Args: func(c *cobra.Command, args []string) error {
			if len(args) != 1 {
				return fmt.Errorf("%w: give the storage profile's name: clonit cloud storage-profiles show NAME", cmdutil.ErrUsage)
			}
			return nil
		},
		RunE: func(c *cobra.Command, args []string) error {
			show.Name = args[0]
			if runF != nil {
				return runF(c.Context(), show)
			}
			return RunShow(c.Context(), show)
		},
	})
	return cmd
}

// RunList prints the org's storage profiles.
func RunList(ctx context.Context, opts *Options) error {
	client, slug, err := cmdutil.OrgClient(ctx, opts.CloudClient, *opts.Org)
	if err != nil {
		return err
	}
	ps, err := client.StorageProfiles(ctx, slug)
	if err != nil {
		return err
	}
	if opts.IO.JSON {
		return opts.IO.WriteJSON(ps)
	}
	if len(ps) == 0 {
		opts.IO.Infof("%s shares no storage profiles yet: share yours with `clonit cloud sync`", slug)
		return nil
	}
	tbl := cmdutil.NewTable("NAME", "PROVIDER", "BUCKET", "REGION", "ENDPOINT", "PREFIX", "CREDENTIALS", "UPDATED BY")
	for _, p := range ps {
		tbl.Row(p.Name, p.Provider, p.Bucket, cmdutil.Dash(p.Region), cmdutil.Dash(p.Endpoint), cmdutil.Dash(p.Prefix), credentials(p), cmdutil.Dash(p.UpdatedBy))
	}
	return tbl.Render(opts.IO.Out, opts.IO.TermWidth())
}

// RunShow prints one storage profile.
func RunShow(ctx context.Context, opts *Options) error {
	client, slug, err := cmdutil.OrgClient(ctx, opts.CloudClient, *opts.Org)
	if err != nil {
		return err
	}
	p, err := client.StorageProfile(ctx, slug, opts.Name)
	if err != nil {
		return err
	}
	if opts.IO.JSON {
		return opts.IO.WriteJSON(p)
	}
	fields := [][2]string{
		{"name", p.Name},
		{"provider", p.Provider},
		{"bucket", p.Bucket},
		{"region", p.Region},
		{"endpoint", p.Endpoint},
		{"prefix", p.Prefix},
		{"access_key", p.AccessKey},
		{"secret_key", secret(*p)},
		{"account_id", p.AccountID},
		{"awscli_profile", p.AWSCLIProfile},
		{"created", p.CreatedAt.Local().Format("2006-01-02 15:04:05") + " by " + cmdutil.Dash(p.CreatedBy)},
		{"updated", p.UpdatedAt.Local().Format("2006-01-02 15:04:05") + " by " + cmdutil.Dash(p.UpdatedBy)},
	}
	for _, kv := range fields {
		line := strings.TrimRight(fmt.Sprintf("%-20s %s", kv[0]+":", kv[1]), " ")
		if _, err := fmt.Fprintln(opts.IO.Out, line); err != nil {
			return err
		}
	}
	return nil
}

// credentials describes how a profile authenticates, without its secret.
func credentials(p api.StorageProfile) string {
	switch {
	case p.AccessKey != "":
		return "key " + p.AccessKey + " (" + secret(p) + ")"
	case p.AWSCLIProfile != "":
		return "awscli profile " + p.AWSCLIProfile
	case p.Provider == "local":
		return "-"
	}
	return "environment"
}

// secret is the secret key as shown: masked, or said to be missing.
func secret(p api.StorageProfile) string {
	switch {
	case p.SecretKey != "":
		return p.SecretKey
	case p.AccessKey != "":
		return "missing"
	}
	return ""
}
