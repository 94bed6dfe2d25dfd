// Package status implements `clonit cloud status`: where the cloud is, whether it answers,
// who this machine acts as, and how the cloud knows this machine.
package status

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"

	"github.com/clonit/clonit/internal/agent"
	"github.com/clonit/clonit/internal/api"
	"github.com/clonit/clonit/internal/apiclient"
	"github.com/clonit/clonit/internal/cmdutil"
	"github.com/clonit/clonit/internal/errs"
)

// Options holds every input of `clonit cloud status`.
type Options struct {
	IO          *cmdutil.IOStreams
	CloudURL    func() (string, error)
	CloudClient func() (*apiclient.Client, error)
	Config      func() (*agent.Config, error)
	// Org is the --org flag of `clonit cloud`.
	Org *string
}

// Status is what `clonit cloud status --json` prints.
type Status struct {
	CloudURL  string `json:"cloud_url"`
	Reachable bool   `json:"reachable"`
	Org       string `json:"org,omitempty"`
	Role      string `json:"role,omitempty"`
	// Identity is the person's email, or `key "NAME"` for an API key.
	Identity   string     `json:"identity,omitempty"`
	Credential string     `json:"credential,omitempty"`
	AgentID    string     `json:"agent_id,omitempty"`
	Agent      *api.Agent `json:"agent,omitempty"`
}

// NewCmdStatus returns `clonit cloud status`. runF replaces the work in tests.
func NewCmdStatus(f *cmdutil.Factory, orgFlag *string, runF func(context.Context, *Options) error) *cobra.Command {
	opts := &Options{IO: f.IO, CloudURL: f.CloudURL, CloudClient: f.CloudClient, Config: f.Config, Org: orgFlag}
	return &cobra.Command{
		Use:   "status",
		Short: "Show the cloud, whether it answers, your identity and this machine's agent",
		Long: `Show the cloud this machine talks to and whether it answers, the org and identity
(a person, or an API key) commands act with, and the agent this machine is registered as,
with when the cloud last saw it. It exits non-zero when something is wrong, after saying
what it could find out.`,
		Args: cobra.NoArgs,
		RunE: func(c *cobra.Command, _ []string) error {
			if runF != nil {
				return runF(c.Context(), opts)
			}
			return Run(c.Context(), opts)
		},
	}
}

// Run finds out the status and prints it.
func Run(ctx context.Context, opts *Options) error {
	st, err := gather(ctx, opts)
	if st.CloudURL == "" {
		return err
	}
	if opts.IO.JSON {
		if jerr := opts.IO.WriteJSON(st); jerr != nil {
			return jerr
		}
		return err
	}
	print(opts.IO.Out, st)
	if err == nil && st.AgentID == "" {
		opts.IO.Infof("This machine is not registered with the org: run `clonit cloud register`.")
	}
	return err
}

// gather fills a Status as far as it can; the error says what stopped it.
func gather(ctx context.Context, opts *Options) (Status, error) {
	var st Status
	base, err := opts.CloudURL()
	if err != nil {
		return st, err
	}
	st.CloudURL = base
	anon, err := apiclient.New(base, nil)
	if err != nil {
		return st, err
	}
	if err := anon.Health(ctx); err != nil {
		return st, err
	}
	st.Reachable = true
	cfg, err := opts.Config()
	if err != nil {
		return st, err
	}
	st.AgentID = cfg.Cloud.AgentID
	client, err := opts.CloudClient()
	if err != nil {
		return st, err
	}
	me, err := client.Me(ctx)
	if err != nil {
		return st, err
	}
	st.Credential, st.Identity = me.Credential, me.User.Email
	if me.Key != nil {
		st.Identity = fmt.Sprintf("key %q", me.Key.Name)
		if me.User.Email != "" {
			st.Identity += " acting as " + me.User.Email
		}
	}
	switch {
	case *opts.Org != "" || client.DefaultOrg() != "" || len(me.Orgs) != 1:
		if st.Org, err = cmdutil.ResolveOrg(ctx, client, *opts.Org); err != nil {
			return st, err
		}
	default: // the caller's only org, as GET /me already said
		st.Org = me.Orgs[0].Slug
	}
	for _, o := range me.Orgs {
		if o.Slug == st.Org {
			st.Role = o.Role
		}
	}
	if st.AgentID == "" {
		return st, nil
	}
	ag, err := client.Agent(ctx, st.Org, st.AgentID)
	if errors.Is(err, errs.ErrNotFound) {
		return st, errs.NotFound("this machine's cloud.agent_id %s is not a registered agent of %s: register it with `clonit cloud register --force`", st.AgentID, st.Org)
	}
	if err != nil {
		return st, err
	}
	st.Agent = ag
	return st, nil
}

// print writes st as aligned "Label: value" lines.
func print(w io.Writer, st Status) {
	reach := "reachable"
	if !st.Reachable {
		reach = "not reachable"
	}
	lines := [][2]string{{"Cloud", st.CloudURL + " (" + reach + ")"}}
	if st.Org != "" {
		org := st.Org
		if st.Role != "" {
			org += " (" + st.Role + ")"
		}
		lines = append(lines, [2]string{"Org", org})
	}
	if st.Identity != "" || st.Credential != "" {
		cred, _, _ := strings.Cut(st.Credential, ":")
		lines = append(lines, [2]string{"Identity", strings.TrimSpace(st.Identity + " (" + cred + ")")})
	}
	switch {
	case st.Agent != nil:
		lines = append(lines, [2]string{"Agent", fmt.Sprintf("%s (%s), version %s", st.Agent.Name, st.Agent.ID, cmdutil.Dash(st.Agent.Version))},
			[2]string{"Last seen", st.Agent.LastSeenAt.Local().Format("2006-01-02 15:04:05")})
	case st.AgentID != "":
		lines = append(lines, [2]string{"Agent", st.AgentID})
	case st.Identity != "":
		lines = append(lines, [2]string{"Agent", "not registered"})
	}
	for _, l := range lines {
		fmt.Fprintf(w, "%-11s%s\n", l[0]+":", l[1])
	}
}
