package config

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"

	"github.com/spf13/cobra"
	"gopkg.in/yaml.v3"

	"github.com/clonit/clonit/internal/agent"
	"github.com/clonit/clonit/internal/cmdutil"
	"github.com/clonit/clonit/internal/errs"
)

// EditOptions are the inputs of `clonit config edit`.
type EditOptions struct {
	IO   *cmdutil.IOStreams
	Path func() (string, error)
	// Getenv reads $VISUAL and $EDITOR.
	Getenv func(string) string
}

// NewCmdEdit returns `clonit config edit`. runF replaces the run function in tests.
func NewCmdEdit(f *cmdutil.Factory, runF func(*EditOptions) error) *cobra.Command {
	opts := &EditOptions{IO: f.IO, Path: func() (string, error) { return configPath(f) }, Getenv: os.Getenv}
	return &cobra.Command{
		Use:   "edit",
		Short: "Open the config file in your editor",
		Long: `Open the config file in $VISUAL, else $EDITOR, else vi. The edited file is checked
before it replaces the config: if it is not valid, the config is left unchanged and your
edit is kept in a file beside it.`,
		Args: cobra.NoArgs,
		RunE: func(c *cobra.Command, _ []string) error {
			if runF != nil {
				return runF(opts)
			}
			return editRun(opts)
		},
	}
}

// editor returns the editor command: $VISUAL, $EDITOR, then vi.
func editor(getenv func(string) string) string {
	for _, v := range []string{"VISUAL", "EDITOR"} {
		if e := getenv(v); e != "" {
			return e
		}
	}
	return "vi"
}

func editRun(opts *EditOptions) error {
	path, err := opts.Path()
	if err != nil {
		return err
	}
	orig, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return errs.NotFound("there is no config at %s; create one with `clonit config init`", path)
	}
	if err != nil {
		return fmt.Errorf("read config: %w", err)
	}
	// Edit a copy so that a half-written or invalid file never becomes the config.
	tmp, err := os.CreateTemp(filepath.Dir(path), ".config-edit-*.yaml")
	if err != nil {
		return fmt.Errorf("create a copy to edit: %w", err)
	}
	tmpPath := tmp.Name()
	keep := false
	defer func() {
		if !keep {
			os.Remove(tmpPath)
		}
	}()
	_, werr := tmp.Write(orig)
	if cerr := tmp.Close(); werr == nil {
		werr = cerr
	}
	if werr != nil {
		return fmt.Errorf("write a copy to edit: %w", werr)
	}

	ed := editor(opts.Getenv)
	// Through the shell, like git: the editor may carry arguments ("code --wait").
	cmd := exec.Command("sh", "-c", ed+` "$1"`, "sh", tmpPath)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = opts.IO.In, opts.IO.ErrOut, opts.IO.ErrOut
	if err := cmd.Run(); err != nil {
		return errs.Wrap(errs.ErrUnavailable, err, "the editor %q failed; set $VISUAL or $EDITOR to a working editor", ed)
	}
	edited, err := os.ReadFile(tmpPath)
	if err != nil {
		return fmt.Errorf("read the edited copy: %w", err)
	}
	if bytes.Equal(edited, orig) {
		opts.IO.Infof("No changes to %s", path)
		return nil
	}
	cfg, err := parseConfig(edited)
	if err != nil {
		keep = true
		return errs.E(errs.ErrInvalid, "the edited config is not valid (%s); %s is unchanged and your edit is in %s",
			errs.Public(err, err.Error()), path, tmpPath)
	}
	if err := agent.WriteFileAtomic(path, edited, 0o600); err != nil {
		keep = true
		return fmt.Errorf("save config (your edit is in %s): %w", tmpPath, err)
	}
	old, _ := parseConfig(orig)
	if old != nil && old.SecretKey != "" && old.SecretKey != cfg.SecretKey {
		opts.IO.Warnf("secret_key changed; secrets stored under the old key can no longer be read")
	}
	opts.IO.Infof("Saved %s", path)
	return nil
}

// parseConfig checks a config file's content: valid YAML, known keys only, a usable secret_key.
func parseConfig(data []byte) (*agent.Config, error) {
	cfg := &agent.Config{}
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(cfg); err != nil && !errors.Is(err, io.EOF) {
		return nil, err
	}
	if _, err := agent.NewCipher(cfg.SecretKey); err != nil {
		return nil, err
	}
	if cfg.Defaults.DumpJobs < 0 || cfg.Defaults.RestoreJobs < 0 {
		return nil, errs.Invalid("defaults.dump_jobs and defaults.restore_jobs must be 0 or more")
	}
	return cfg, nil
}
