// Package audit implements `clonit cloud audit`: an org's audit log, newest first.
package audit

import (
	"context"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/clonit/clonit/internal/api"
	"github.com/clonit/clonit/internal/apiclient"
	"github.com/clonit/clonit/internal/cmdutil"
)

// Options holds every input of `clonit cloud audit`.
type Options struct {
	IO          *cmdutil.IOStreams
	CloudClient func() (*apiclient.Client, error)
	// Org is the --org flag of `clonit cloud`.
	Org    *string
	Limit  int
	Before int64
}

// NewCmdAudit returns `clonit cloud audit`. runF replaces the work in tests.
func NewCmdAudit(f *cmdutil.Factory, orgFlag *string, runF func(context.Context, *Options) error) *cobra.Command {
	opts := &Options{IO: f.IO, CloudClient: f.CloudClient, Org: orgFlag}
	cmd := &cobra.Command{
		Use:   "audit [--limit N] [--before ID]",
		Short: "Show the org's audit log (admins and owners)",
		Long: `Show the org's audit log, newest first: every change to membership, roles and org
settings, who made it, when, and with which credential. Page back with --before.`,
		Args: cobra.NoArgs,
		RunE: func(c *cobra.Command, _ []string) error {
			if opts.Limit < 1 || opts.Limit > 1000 {
				return fmt.Errorf("%w: --limit must be between 1 and 1000", cmdutil.ErrUsage)
			}
			if opts.Before < 0 {
				return fmt.Errorf("%w: --before must be an event ID", cmdutil.ErrUsage)
			}
			if runF != nil {
				return runF(c.Context(), opts)
			}
			return Run(c.Context(), opts)
		},
	}
	cmd.Flags().IntVar(&opts.Limit, "limit", 50, "how many events to show")
	cmd.Flags().Int64Var(&opts.Before, "before", 0, "show events older than this event ID")
	return cmd
}

// Run prints a page of the audit log.
func Run(ctx context.Context, opts *Options) error {
	client, slug, err := cmdutil.OrgClient(ctx, opts.CloudClient, *opts.Org)
	if err != nil {
		return err
	}
	page, err := client.Audit(ctx, slug, opts.Before, opts.Limit)
	if err != nil {
		return err
	}
	if opts.IO.JSON {
		if page.Events == nil {
			page.Events = []api.AuditEvent{}
		}
		return opts.IO.WriteJSON(page)
	}
	t := cmdutil.NewTable("WHEN", "ACTOR", "ACTION", "TARGET", "DETAIL", "CREDENTIAL")
	for _, e := range page.Events {
		t.Row(e.CreatedAt.Local().Format("2006-01-02 15:04:05"), e.Actor, e.Action, cmdutil.Dash(e.Target), cmdutil.Dash(e.Detail), e.Credential)
	}
	if err := t.Render(opts.IO.Out, opts.IO.TermWidth()); err != nil {
		return err
	}
	if page.NextBefore > 0 {
		opts.IO.Infof("Older events: clonit cloud audit --org %s --before %d", slug, page.NextBefore)
	}
	return nil
}
