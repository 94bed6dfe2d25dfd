package config

import (
	"errors"
	"fmt"
	"os"

	"github.com/spf13/cobra"
	"gopkg.in/yaml.v3"

	"github.com/clonit/clonit/internal/agent"
	"github.com/clonit/clonit/internal/cmdutil"
	"github.com/clonit/clonit/internal/errs"
)

// InitOptions are the inputs of `clonit config init`.
type InitOptions struct {
	IO   *cmdutil.IOStreams
	Path func() (string, error)
	// Force replaces an existing config.
	Force bool
}

// NewCmdInit returns `clonit config init`. runF replaces the run function in tests.
func NewCmdInit(f *cmdutil.Factory, runF func(*InitOptions) error) *cobra.Command {
	opts := &InitOptions{IO: f.IO, Path: func() (string, error) { return configPath(f) }}
	cmd := &cobra.Command{
		Use:   "init",
		Short: "Write a new config file with a fresh secret key",
		Long: `Write a config file with the defaults and a fresh random secret_key (mode 0600).

The secret_key encrypts the passwords and storage keys kept in the local database:
replacing it (--force) makes the secrets stored under the old key unreadable.`,
		Args: cobra.NoArgs,
		RunE: func(c *cobra.Command, _ []string) error {
			if runF != nil {
				return runF(opts)
			}
			return initRun(opts)
		},
	}
	cmd.Flags().BoolVar(&opts.Force, "force", false, "replace an existing config file")
	return cmd
}

const configHeader = `# clonit agent configuration. Environment variables override any key:
# CLONIT_<SECTION>__<KEY> (CLONIT_DEFAULTS__AUTO_PUSH=false) or CLONIT_<KEY>.
# secret_key encrypts the secrets of the local database: keep it, and keep it private.
`

func initRun(opts *InitOptions) error {
	path, err := opts.Path()
	if err != nil {
		return err
	}
	_, statErr := os.Stat(path)
	exists := statErr == nil
	if statErr != nil && !errors.Is(statErr, os.ErrNotExist) {
		return fmt.Errorf("check %s: %w", path, statErr)
	}
	if exists && !opts.Force {
		return errs.Conflict("%s already exists; keep it, or replace it with `clonit config init --force` (secrets stored under its secret_key become unreadable)", path)
	}
	cfg, err := agent.NewConfig(path)
	if err != nil {
		return fmt.Errorf("new config: %w", err)
	}
	cfg.WorkingDirectory = "~/.clonit"
	data, err := yaml.Marshal(cfg)
	if err != nil {
		return err
	}
	if err := agent.WriteFileAtomic(path, append([]byte(configHeader), data...), 0o600); err != nil {
		return fmt.Errorf("write config: %w", err)
	}
	if exists {
		opts.IO.Warnf("replaced %s; secrets stored under the old secret_key can no longer be read", path)
	}
	opts.IO.Infof("Wrote %s with a new secret_key", path)
	return nil
}
