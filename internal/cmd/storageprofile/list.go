package storageprofile

import (
	"context"

	"github.com/spf13/cobra"

	"github.com/clonit/clonit/internal/agent"
	"github.com/clonit/clonit/internal/cmdutil"
)

// ListOptions are the inputs of `clonit storage-profile list`.
type ListOptions struct {
	IO    *cmdutil.IOStreams
	Store func() (*agent.DB, error)
}

// NewCmdList returns `clonit storage-profile list`. runF replaces the run function in tests.
func NewCmdList(f *cmdutil.Factory, runF func(*ListOptions) error) *cobra.Command {
	opts := &ListOptions{IO: f.IO, Store: f.LocalStore}
	return &cobra.Command{
		Use:     "list",
		Aliases: []string{"ls"},
		Short:   "List storage profiles (keys masked; --json for scripts)",
		Args:    cobra.NoArgs,
		RunE: func(c *cobra.Command, _ []string) error {
			if runF != nil {
				return runF(opts)
			}
			return listRun(c.Context(), opts)
		},
	}
}

func listRun(ctx context.Context, opts *ListOptions) error {
	store, err := opts.Store()
	if err != nil {
		return err
	}
	ps, err := store.StorageProfiles(ctx)
	if err != nil {
		return err
	}
	views := make([]agent.StorageProfile, 0, len(ps))
	for _, p := range ps {
		views = append(views, masked(p))
	}
	if opts.IO.JSON {
		return opts.IO.WriteJSON(views)
	}
	if len(views) == 0 {
		opts.IO.Infof("No storage profiles yet; add one with \"clonit storage-profile add --name NAME --provider s3|r2|local\"")
		return nil
	}
	tbl := cmdutil.NewTable("NAME", "PROVIDER", "BUCKET", "REGION", "ENDPOINT", "PREFIX", "CREDENTIALS")
	for _, p := range views {
		tbl.Row(p.Name, p.Provider, p.Bucket, p.Region, p.EndpointURL(), p.Prefix, credentials(p))
	}
	return tbl.Render(opts.IO.Out, opts.IO.TermWidth())
}
