package config

import (
	"fmt"
	"os"

	"github.com/spf13/cobra"
	"gopkg.in/yaml.v3"

	"github.com/clonit/clonit/internal/agent"
	"github.com/clonit/clonit/internal/cmdutil"
)

// ShowOptions are the inputs of `clonit config show`.
type ShowOptions struct {
	IO     *cmdutil.IOStreams
	Config func() (*agent.Config, error)
}

// NewCmdShow returns `clonit config show`. runF replaces the run function in tests.
func NewCmdShow(f *cmdutil.Factory, runF func(*ShowOptions) error) *cobra.Command {
	opts := &ShowOptions{IO: f.IO, Config: f.Config}
	return &cobra.Command{
		Use:   "show",
		Short: "Print the config in effect, with secrets masked",
		Long: `Print the config in effect: the file's keys with the environment overrides applied.
Secrets (secret_key, cloud.api_key, cloud.token) are shown as ****. --json prints JSON.`,
		Args: cobra.NoArgs,
		RunE: func(c *cobra.Command, _ []string) error {
			if runF != nil {
				return runF(opts)
			}
			return showRun(opts)
		},
	}
}

// configView is the config as shown: secrets masked, JSON and YAML names alike.
type configView struct {
	Path             string       `json:"path" yaml:"-"`
	SecretKey        string       `json:"secret_key" yaml:"secret_key"`
	WorkingDirectory string       `json:"working_directory" yaml:"working_directory"`
	Defaults         defaultsView `json:"defaults" yaml:"defaults"`
	Cloud            cloudView    `json:"cloud" yaml:"cloud"`
}

type defaultsView struct {
	AutoPush    bool `json:"auto_push" yaml:"auto_push"`
	DumpJobs    int  `json:"dump_jobs" yaml:"dump_jobs"`
	RestoreJobs int  `json:"restore_jobs" yaml:"restore_jobs"`
}

type cloudView struct {
	URL     string `json:"url" yaml:"url"`
	APIKey  string `json:"api_key" yaml:"api_key"`
	Token   string `json:"token,omitempty" yaml:"token,omitempty"`
	AgentID string `json:"agent_id" yaml:"agent_id"`
	Org     string `json:"org,omitempty" yaml:"org,omitempty"`
}

func showRun(opts *ShowOptions) error {
	cfg, err := opts.Config()
	if err != nil {
		return err
	}
	v := configView{
		Path:             cfg.Path,
		SecretKey:        agent.MaskSecret(cfg.SecretKey),
		WorkingDirectory: cfg.WorkingDirectory,
		Defaults:         defaultsView(cfg.Defaults),
		Cloud: cloudView{URL: cfg.Cloud.URL, APIKey: agent.MaskSecret(cfg.Cloud.APIKey),
			Token: agent.MaskSecret(cfg.Cloud.Token), AgentID: cfg.Cloud.AgentID, Org: cfg.Cloud.Org},
	}
	if _, err := os.Stat(cfg.Path); err != nil {
		opts.IO.Infof("%s does not exist; these are the defaults (create it with `clonit config init`)", cfg.Path)
	} else if cfg.SecretKey == "" {
		opts.IO.Warnf("the config has no secret_key; secrets cannot be stored until you add one (`clonit config init --force` writes a new config)")
	}
	if opts.IO.JSON {
		return opts.IO.WriteJSON(v)
	}
	data, err := yaml.Marshal(v)
	if err != nil {
		return err
	}
	_, err = fmt.Fprintf(opts.IO.Out, "# %s\n%s", cfg.Path, data)
	return err
}
