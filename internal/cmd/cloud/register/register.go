// Package register implements `clonit cloud register`: register this machine as an agent
// of the org and record its id in the config.
package register

import (
	"context"
	"fmt"
	"os"
	"strings"

	"github.com/spf13/cobra"

	"github.com/clonit/clonit/internal/agent"
	"github.com/clonit/clonit/internal/api"
	"github.com/clonit/clonit/internal/apiclient"
	"github.com/clonit/clonit/internal/cmdutil"
	"github.com/clonit/clonit/internal/errs"
	"github.com/clonit/clonit/internal/version"
)

// Options holds every input of `clonit cloud register`.
type Options struct {
	IO          *cmdutil.IOStreams
	CloudClient func() (*apiclient.Client, error)
	Config      func() (*agent.Config, error)
	Hostname    func() (string, error)
	// Org is the --org flag of `clonit cloud`.
	Org *string

	Name  string
	Force bool
}

// NewCmdRegister returns `clonit cloud register`. runF replaces the work in tests.
func NewCmdRegister(f *cmdutil.Factory, orgFlag *string, runF func(context.Context, *Options) error) *cobra.Command {
	opts := &Options{IO: f.IO, CloudClient: f.CloudClient, Config: f.Config, Hostname: os.Hostname, Org: orgFlag}
	cmd := &cobra.Command{
		Use:   "register [--name NAME] [--force]",
		Short: "Register this machine as an agent of the org",
		Long: `Register this machine with the org, under --name or its hostname, and record the agent's
id as cloud.agent_id in the config. Every later call to the cloud from this machine tells
the cloud it was seen, and with which version of clonit.

A machine registers once: registering again is refused unless --force, which replaces the
previous registration (for a re-imaged machine, or a name another machine had).`,
		Example: "  clonit cloud register\n  clonit cloud register --name ci-runner-1 --force",
		Args:    cobra.NoArgs,
		RunE: func(c *cobra.Command, _ []string) error {
			if runF != nil {
				return runF(c.Context(), opts)
			}
			return Run(c.Context(), opts)
		},
	}
	cmd.Flags().StringVar(&opts.Name, "name", "", "the agent's name (default: this machine's hostname)")
	cmd.Flags().BoolVar(&opts.Force, "force", false, "register again, replacing this machine's previous registration")
	return cmd
}

// Run registers the machine and saves its id.
func Run(ctx context.Context, opts *Options) error {
	cfg, err := opts.Config()
	if err != nil {
		return err
	}
	previous := cfg.Cloud.AgentID
	if previous != "" && !opts.Force {
		return errs.Conflict("this machine is already registered (cloud.agent_id %s): pass --force to register it again, for example after re-imaging it", previous)
	}
	host, err := opts.Hostname()
	if err != nil {
		host = ""
	}
	name := strings.TrimSpace(opts.Name)
	if name == "" {
		name = host
	}
	if name == "" {
		return fmt.Errorf("%w: this machine's hostname is unknown: pass --name NAME", cmdutil.ErrUsage)
	}
	client, err := opts.CloudClient()
	if err != nil {
		return err
	}
	client = client.WithoutAgent() // the previous registration may have been removed
	slug, err := cmdutil.ResolveOrg(ctx, client, *opts.Org)
	if err != nil {
		return err
	}
	ag, err := client.RegisterAgent(ctx, slug, api.RegisterAgentRequest{
		Name: name, Hostname: host, Version: version.Version, Force: opts.Force, Replaces: previous,
	})
	if err != nil {
		return err
	}
	if err := saveAgentID(cfg.Path, ag.ID); err != nil {
		return fmt.Errorf("registered as agent %s, but %w: set cloud.agent_id to %s with `clonit config edit`", ag.ID, err, ag.ID)
	}
	if opts.IO.JSON {
		if err := opts.IO.WriteJSON(ag); err != nil {
			return err
		}
	}
	fmt.Fprintf(opts.IO.ErrOut, "Registered this machine as agent %q (%s) in org %s; cloud.agent_id is saved in %s.\n", ag.Name, ag.ID, slug, cfg.Path)
	if env := os.Getenv("CLONIT_CLOUD__AGENT_ID"); env != "" && env != ag.ID {
		opts.IO.Warnf("CLONIT_CLOUD__AGENT_ID is set and overrides the saved cloud.agent_id: unset it or set it to %s", ag.ID)
	}
	return nil
}

// saveAgentID writes id as cloud.agent_id into the config file at path, keeping the rest of
// the file as it is (nothing from the environment is written).
func saveAgentID(path, id string) error {
	cfg, err := agent.ReadConfigFile(path)
	if err != nil {
		return err
	}
	cfg.Cloud.AgentID = id
	if err := cfg.Save(); err != nil {
		return fmt.Errorf("cannot save %s: %w", path, err)
	}
	return nil
}
