// Package agents implements `clonit cloud agents`: list the org's registered machines and
// remove them.
package agents

import (
	"context"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/clonit/clonit/internal/apiclient"
	"github.com/clonit/clonit/internal/cmdutil"
)

// Options holds what every `clonit cloud agents` command needs.
type Options struct {
	IO          *cmdutil.IOStreams
	CloudClient func() (*apiclient.Client, error)
	// Org is the --org flag of `clonit cloud`.
	Org *string
}

// RemoveOptions holds every input of `clonit cloud agents remove`.
type RemoveOptions struct {
	Options
	ID string
}

// NewCmdAgents returns `clonit cloud agents`.
func NewCmdAgents(f *cmdutil.Factory, orgFlag *string) *cobra.Command {
	base := Options{IO: f.IO, CloudClient: f.CloudClient, Org: orgFlag}
	cmd := &cobra.Command{
		Use:   "agents",
		Short: "List the org's registered machines, remove them",
		Long: `List the machines registered with the org (` + "`clonit cloud register`" + `) and remove them.
Anyone in the org lists them; admins and owners remove them. A removed machine's next call
to the cloud fails and says how to register it again.`,
	}
	cmd.AddCommand(NewCmdList(base, nil))
	cmd.AddCommand(NewCmdRemove(base, nil))
	return cmd
}

// NewCmdList returns `clonit cloud agents list`. runF replaces the work in tests.
func NewCmdList(base Options, runF func(context.Context, *Options) error) *cobra.Command {
	opts := &base
	return &cobra.Command{
		Use:     "list",
		Aliases: []string{"ls"},
		Short:   "List the registered agents: name, version, hostname, last seen, registered by",
		Args:    cobra.NoArgs,
		RunE: func(c *cobra.Command, _ []string) error {
			if runF != nil {
				return runF(c.Context(), opts)
			}
			return RunList(c.Context(), opts)
		},
	}
}

// RunList prints the registered agents.
func RunList(ctx context.Context, opts *Options) error {
	client, slug, err := cmdutil.OrgClient(ctx, opts.CloudClient, *opts.Org)
	if err != nil {
		return err
	}
	agents, err := client.Agents(ctx, slug)
	if err != nil {
		return err
	}
	if opts.IO.JSON {
		return opts.IO.WriteJSON(agents)
	}
	t := cmdutil.NewTable("ID", "NAME", "VERSION", "HOSTNAME", "LAST SEEN", "REGISTERED BY")
	for _, a := range agents {
		t.Row(a.ID, a.Name, cmdutil.Dash(a.Version), cmdutil.Dash(a.Hostname), a.LastSeenAt.Local().Format("2006-01-02 15:04"), a.RegisteredBy)
	}
	return t.Render(opts.IO.Out, opts.IO.TermWidth())
}

// NewCmdRemove returns `clonit cloud agents remove`. runF replaces the work in tests.
func NewCmdRemove(base Options, runF func(context.Context, *RemoveOptions) error) *cobra.Command {
	opts := &RemoveOptions{Options: base}
	return &cobra.Command{
		Use:     "remove ID",
		Short:   "Remove an agent from the registry (admins and owners)",
		Example: "  clonit cloud agents remove 3xw5q7vbn2mfkd4h6j8l2p9rst",
		Args: func(c *cobra.Command, args []string) error {
			if len(args) != 1 {
				return fmt.Errorf("%w: remove takes an agent's ID, as `clonit cloud agents list` shows it (see `%s --help`)", cmdutil.ErrUsage, c.CommandPath())
			}
			return nil
		},
		RunE: func(c *cobra.Command, args []string) error {
			opts.ID = args[0]
			if runF != nil {
				return runF(c.Context(), opts)
			}
			return RunRemove(c.Context(), opts)
		},
	}
}

// RunRemove removes the agent.
func RunRemove(ctx context.Context, opts *RemoveOptions) error {
	client, slug, err := cmdutil.OrgClient(ctx, opts.CloudClient, *opts.Org)
	if err != nil {
		return err
	}
	if err := client.RemoveAgent(ctx, slug, opts.ID); err != nil {
		return err
	}
	fmt.Fprintf(opts.IO.ErrOut, "Removed agent %s from org %s: its next call will be refused until it registers again.\n", opts.ID, slug)
	return nil
}
