// Package config implements `clonit config`: create, edit and show the agent's config file.
package config

import (
	"github.com/spf13/cobra"

	"github.com/clonit/clonit/internal/agent"
	"github.com/clonit/clonit/internal/cmdutil"
)

// NewCmdConfig returns `clonit config` with its subcommands.
func NewCmdConfig(f *cmdutil.Factory) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "config",
		Short: "Create, edit and show the config file",
		Long: `The config file (default ~/.config/clonit/config.yaml, or --config) holds the
secret_key that encrypts the secrets of the local database, the working_directory for
snapshots, defaults for targets, and the cloud settings.

Every key can be overridden from the environment: CLONIT_<SECTION>__<KEY> for keys in a
section (CLONIT_DEFAULTS__AUTO_PUSH=false) and CLONIT_<KEY> for top-level keys
(CLONIT_WORKING_DIRECTORY=/data/clonit).`,
	}
	cmd.AddCommand(NewCmdInit(f, nil))
	cmd.AddCommand(NewCmdEdit(f, nil))
	cmd.AddCommand(NewCmdShow(f, nil))
	return cmd
}

// configPath returns the file the config commands work on: --config, or the default path.
func configPath(f *cmdutil.Factory) (string, error) {
	if f.ConfigPath != "" {
		return f.ConfigPath, nil
	}
	return agent.DefaultConfigPath()
}
