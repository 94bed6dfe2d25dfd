package targets

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	"github.com/clonit/clonit/internal/agent"
	"github.com/clonit/clonit/internal/cmdutil"
)

// ShowOptions are the inputs of `clonit targets show`.
type ShowOptions struct {
	IO    *cmdutil.IOStreams
	Store func() (*agent.DB, error)
	Name  string
}

// NewCmdShow returns `clonit targets show`. runF replaces the run function in tests.
func NewCmdShow(f *cmdutil.Factory, runF func(*ShowOptions) error) *cobra.Command {
	opts := &ShowOptions{IO: f.IO, Store: f.LocalStore}
	return &cobra.Command{
		Use:   "show NAME",
		Short: "Show a target's settings (passwords masked; --json for scripts)",
		Args:  nameArg("show NAME"),
		RunE: func(c *cobra.Command, args []string) error {
			opts.Name = args[0]
			if runF != nil {
				return runF(opts)
			}
			return showRun(c.Context(), opts)
		},
	}
}

func showRun(ctx context.Context, opts *ShowOptions) error {
	store, err := opts.Store()
	if err != nil {
		return err
	}
	t, err := store.Target(ctx, opts.Name)
	if err != nil {
		return err
	}
	t = masked(t)
	if opts.IO.JSON {
		return opts.IO.WriteJSON(t)
	}
	fields := [][2]string{
		{"name", t.Name},
		{"db_type", t.DBType},
		{"src_url", t.SrcURL},
		{"dst_url", t.DstURL},
		{"storage_profile", t.StorageProfile},
		{"dump_jobs", strconv.Itoa(t.DumpJobs)},
		{"restore_jobs", strconv.Itoa(t.RestoreJobs)},
		{"sanitize_dst_url", t.SanitizeDstURL},
		{"sanitize_query_file", t.SanitizeQueryFile},
		{"local_only", strconv.FormatBool(t.LocalOnly)},
		{"created", formatTime(t.CreatedAt)},
		{"updated", formatTime(t.UpdatedAt)},
	}
	for _, kv := range fields {
		line := strings.TrimRight(fmt.Sprintf("%-20s %s", kv[0]+":", kv[1]), " ")
		if _, err := fmt.Fprintln(opts.IO.Out, line); err != nil {
			return err
		}
	}
	return nil
}
