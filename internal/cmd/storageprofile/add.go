package storageprofile

import (
	"context"
	"errors"
	"fmt"
	"os"

	"github.com/spf13/cobra"

	"github.com/clonit/clonit/internal/agent"
	"github.com/clonit/clonit/internal/cmdutil"
	"github.com/clonit/clonit/internal/errs"
)

// AddOptions are the inputs of `clonit storage-profile add`.
type AddOptions struct {
	IO    *cmdutil.IOStreams
	Store func() (*agent.DB, error)
	// Dir is the directory a relative local bucket is resolved against.
	Dir     string
	Profile agent.StorageProfile
	// Force replaces a profile of the same name.
	Force bool
}

// NewCmdAdd returns `clonit storage-profile add`. runF replaces the run function in tests.
func NewCmdAdd(f *cmdutil.Factory, runF func(*AddOptions) error) *cobra.Command {
	opts := &AddOptions{IO: f.IO, Store: f.LocalStore}
	cmd := &cobra.Command{
		Use:   "add --name NAME --provider s3|r2|local [flags]",
		Short: "Add a storage profile",
		Example: `  clonit storage-profile add --name team-s3 --provider s3 --bucket acme-snapshots \
    --region eu-west-1 --access-key AKIA... --secret-key ...
  clonit storage-profile add --name r2 --provider r2 --bucket snaps --account-id 0123abcd \
    --access-key ... --secret-key ...
  clonit storage-profile add --name minio --provider s3 --bucket snaps \
    --endpoint http://127.0.0.1:9000 --access-key minio --secret-key minio-secret
  clonit storage-profile add --name disk --provider local --bucket ~/clonit-store`,
		Args: func(_ *cobra.Command, args []string) error {
			if len(args) > 1 {
				return fmt.Errorf("%w: give the name once, with --name NAME", cmdutil.ErrUsage)
			}
			return nil
		},
		RunE: func(c *cobra.Command, args []string) error {
			if len(args) == 1 {
				if opts.Profile.Name != "" && opts.Profile.Name != args[0] {
					return fmt.Errorf("%w: the name is given twice (%q and --name %q)", cmdutil.ErrUsage, args[0], opts.Profile.Name)
				}
				opts.Profile.Name = args[0]
			}
			if opts.Profile.Name == "" {
				return fmt.Errorf("%w: give the profile a name with --name NAME", cmdutil.ErrUsage)
			}
			if runF != nil {
				return runF(opts)
			}
			return addRun(c.Context(), opts)
		},
	}
	p := &opts.Profile
	fl := cmd.Flags()
	fl.StringVar(&p.Name, "name", "", "name of the profile")
	fl.StringVar(&p.Provider, "provider", "", "s3 (AWS S3, MinIO, any S3 endpoint), r2 (Cloudflare R2) or local (a directory)")
	fl.StringVar(&p.Bucket, "bucket", "", "bucket name; for provider local, the directory")
	fl.StringVar(&p.Region, "region", "", "bucket region (s3)")
	fl.StringVar(&p.AccessKey, "access-key", "", "access key id")
	fl.StringVar(&p.SecretKey, "secret-key", "", "secret access key")
	fl.StringVar(&p.AccountID, "account-id", "", "Cloudflare account id (r2; gives the endpoint)")
	fl.StringVar(&p.AWSCLIProfile, "awscli-profile", "", "profile of ~/.aws/credentials to use instead of keys")
	fl.StringVar(&p.Endpoint, "endpoint", "", "custom S3 endpoint, e.g. http://127.0.0.1:9000 (path-style addressing)")
	fl.StringVar(&p.Prefix, "prefix", "", "key prefix for every object of this profile")
	fl.BoolVar(&opts.Force, "force", false, "replace a profile of the same name")
	_ = cmd.MarkFlagRequired("provider")
	return cmd
}

func addRun(ctx context.Context, opts *AddOptions) error {
	p := opts.Profile
	if opts.Dir == "" {
		opts.Dir, _ = os.Getwd()
	}
	agent.NormalizeStorageProfile(&p, opts.Dir)
	if err := agent.ValidateStorageProfile(p); err != nil {
		return err
	}
	store, err := opts.Store()
	if err != nil {
		return err
	}
	_, err = store.StorageProfile(ctx, p.Name)
	exists := err == nil
	if err != nil && !errors.Is(err, errs.ErrNotFound) {
		return err
	}
	if exists && !opts.Force {
		return errs.Conflict("storage profile %q already exists; replace it with --force, or pick another name", p.Name)
	}
	if err := store.PutStorageProfile(ctx, p); err != nil {
		return err
	}
	if exists {
		opts.IO.Infof("Replaced storage profile %q", p.Name)
	} else {
		opts.IO.Infof("Added storage profile %q", p.Name)
	}
	return nil
}
