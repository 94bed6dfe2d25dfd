package members

import (
	"context"
	"strings"

	"github.com/spf13/cobra"

	"github.com/clonit/clonit/internal/api"
	"github.com/clonit/clonit/internal/cmdutil"
)

// NewCmdList returns `clonit cloud members list`. runF replaces the work in tests.
func NewCmdList(base Options, runF func(context.Context, *Options) error) *cobra.Command {
	opts := &base
	return &cobra.Command{
		Use:     "list",
		Aliases: []string{"ls"},
		Short:   "List an org's members with their role, join date, groups and registered agents",
		Args:    cobra.NoArgs,
		RunE: func(c *cobra.Command, _ []string) error {
			if runF != nil {
				return runF(c.Context(), opts)
			}
			return RunList(c.Context(), opts)
		},
	}
}

// RunList prints the members.
func RunList(ctx context.Context, opts *Options) error {
	client, slug, err := cmdutil.OrgClient(ctx, opts.CloudClient, *opts.Org)
	if err != nil {
		return err
	}
	members, err := client.Members(ctx, slug)
	if err != nil {
		return err
	}
	if opts.IO.JSON {
		return opts.IO.WriteJSON(members)
	}
	t := cmdutil.NewTable("NAME", "EMAIL", "ROLE", "JOINED", "GROUPS", "AGENTS")
	for _, m := range members {
		agents := make([]string, len(m.Agents))
		for i, a := range m.Agents {
			agents[i] = a.Name
		}
		t.Row(cmdutil.Dash(m.User.Name), m.User.Email, m.Role, date(m), cmdutil.Dash(strings.Join(m.User.Groups, ", ")), cmdutil.Dash(strings.Join(agents, ", ")))
	}
	return t.Render(opts.IO.Out, opts.IO.TermWidth())
}

func date(m api.Member) string {
	if m.JoinedAt.IsZero() {
		return "-"
	}
	return m.JoinedAt.Local().Format("2006-01-02")
}
