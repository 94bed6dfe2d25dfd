package targets

import (
	"context"

	"github.com/spf13/cobra"

	"github.com/clonit/clonit/internal/agent"
	"github.com/clonit/clonit/internal/cmdutil"
)

// ListOptions are the inputs of `clonit targets list`.
type ListOptions struct {
	IO    *cmdutil.IOStreams
	Store func() (*agent.DB, error)
}

// NewCmdList returns `clonit targets list`. runF replaces the run function in tests.
func NewCmdList(f *cmdutil.Factory, runF func(*ListOptions) error) *cobra.Command {
	opts := &ListOptions{IO: f.IO, Store: f.LocalStore}
	return &cobra.Command{
		Use:     "list",
		Aliases: []string{"ls"},
		Short:   "List targets (passwords masked; --json for scripts)",
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
	ts, err := store.Targets(ctx)
	if err != nil {
		return err
	}
	views := make([]agent.Target, 0, len(ts))
	for _, t := range ts {
		views = append(views, masked(t))
	}
	if opts.IO.JSON {
		return opts.IO.WriteJSON(views)
	}
	if len(views) == 0 {
		opts.IO.Infof("No targets yet; add one with \"clonit targets add NAME --src-url URL\"")
		return nil
	}
	tbl := cmdutil.NewTable("NAME", "TYPE", "SOURCE", "DESTINATION", "STORAGE")
	for _, t := range views {
		tbl.Row(t.Name, t.DBType, t.SrcURL, t.DstURL, t.StorageProfile)
	}
	return tbl.Render(opts.IO.Out, opts.IO.TermWidth())
}
