// Package agent holds the agent's local state: its configuration, the local metadata
// database (targets, storage profiles, snapshots, sanitize queries) and the encryption of the
// secrets kept in it.
package agent

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/clonit/clonit/internal/errs"
)

// Config is the agent's configuration file, ~/.config/clonit/config.yaml.
// Every key may be overridden from the environment as CLONIT_<SECTION>__<KEY>
// (CLONIT_DEFAULTS__AUTO_PUSH=false) or CLONIT_<KEY> for top-level keys.
type Config struct {
	// SecretKey is the hex key (16 or 32 bytes) that encrypts secrets in the local database.
	SecretKey string `yaml:"secret_key"`
	// WorkingDirectory holds snapshots and the local database; default ~/.clonit.
	WorkingDirectory string   `yaml:"working_directory"`
	Defaults         Defaults `yaml:"defaults"`
	Cloud            Cloud    `yaml:"cloud"`

	// Path is the file this config was read from (or will be written to).
	Path string `yaml:"-"`
}

// Defaults are the fallbacks for per-target settings.
type Defaults struct {
	// AutoPush pushes a snapshot after a successful build when its target has a storage profile.
	AutoPush    bool `yaml:"auto_push"`
	DumpJobs    int  `yaml:"dump_jobs"`
	RestoreJobs int  `yaml:"restore_jobs"`
}

// Cloud says how the agent reaches Clonit Cloud.
type Cloud struct {
	URL string `yaml:"url,omitempty"`
	// APIKey is a machine credential; it takes precedence over a signed-in session.
	APIKey string `yaml:"api_key,omitempty"`
	// Token is an access token for scripts (usually from CLONIT_CLOUD__TOKEN).
	Token   string `yaml:"token,omitempty"`
	AgentID string `yaml:"agent_id,omitempty"`
	// Org is the slug of the org commands act on when a credential allows several.
	Org string `yaml:"org,omitempty"`
}

// ConfigDir returns the directory of the config file and credentials: $XDG_CONFIG_HOME/clonit
// or ~/.config/clonit.
func ConfigDir() (string, error) {
	if d := os.Getenv("XDG_CONFIG_HOME"); d != "" {
		return filepath.Join(d, "clonit"), nil
	}
	home, err := os.UserHomeDir()
	if err != nil {
		return "", fmt.Errorf("find home directory: %w", err)
	}
	return filepath.Join(home, ".config", "clonit"), nil
}

// DefaultConfigPath returns ~/.config/clonit/config.yaml.
func DefaultConfigPath() (string, error) {
	d, err := ConfigDir()
	if err != nil {
		return "", err
	}
	return filepath.Join(d, "config.yaml"), nil
}

// NewConfig returns a config with the defaults and a fresh secret key.
func NewConfig(path string) (*Config, error) {
	key := make([]byte, 16)
	if _, err := rand.Read(key); err != nil {
		return nil, err
	}
	return &Config{Path: path, SecretKey: hex.EncodeToString(key), Defaults: Defaults{AutoPush: true}}, nil
}

// LoadConfig reads the config at path ("" = the default path) and applies environment
// overrides. A missing file is not an error: the defaults apply (with no secret key, which
// commands that store secrets ask for).
func LoadConfig(path string) (*Config, error) {
	if path == "" {
		p, err := DefaultConfigPath()
		if err != nil {
			return nil, err
		}
		path = p
	}
	cfg := &Config{Path: path, Defaults: Defaults{AutoPush: true}}
	data, err := os.ReadFile(path)
	switch {
	case errors.Is(err, os.ErrNotExist):
	case err != nil:
		return nil, fmt.Errorf("read config: %w", err)
	default:
		if err := yaml.Unmarshal(data, cfg); err != nil {
			return nil, errs.Wrap(errs.ErrInvalid, err, "config %s is not valid YAML; fix it with `clonit config edit`", path)
		}
	}
	if err := applyEnv(reflect.ValueOf(cfg).Elem(), "CLONIT_"); err != nil {
		return nil, err
	}
	if cfg.WorkingDirectory == "" {
		home, err := os.UserHomeDir()
		if err != nil {
			return nil, fmt.Errorf("find home directory: %w", err)
		}
		cfg.WorkingDirectory = filepath.Join(home, ".clonit")
	} else if strings.HasPrefix(cfg.WorkingDirectory, "~/") {
		home, _ := os.UserHomeDir()
		cfg.WorkingDirectory = filepath.Join(home, cfg.WorkingDirectory[2:])
	}
	return cfg, nil
}

// Save writes the config to its Path with mode 0600, atomically.
func (c *Config) Save() error {
	data, err := yaml.Marshal(c)
	if err != nil {
		return err
	}
	return WriteFileAtomic(c.Path, data, 0o600)
}

// WriteFileAtomic writes data to a temporary file beside path and renames it into place.
func WriteFileAtomic(path string, data []byte, mode os.FileMode) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return err
	}
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".tmp*")
	if err != nil {
		return err
	}
	defer os.Remove(f.Name())
	if _, err := f.Write(data); err != nil {
		f.Close()
		return err
	}
	if err := f.Chmod(mode); err != nil {
		f.Close()
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	return os.Rename(f.Name(), path)
}

// applyEnv sets fields of v from CLONIT_<SECTION>__<KEY> variables, walking yaml tags.
func applyEnv(v reflect.Value, prefix string) error {
	t := v.Type()
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		tag := strings.Split(f.Tag.Get("yaml"), ",")[0]
		if tag == "" || tag == "-" {
			continue
		}
		name := prefix + strings.ToUpper(tag)
		fv := v.Field(i)
		if fv.Kind() == reflect.Struct {
			if err := applyEnv(fv, name+"__"); err != nil {
				return err
			}
			continue
		}
		s, ok := os.LookupEnv(name)
		if !ok || (s == "" && fv.Kind() != reflect.String) {
			continue // an empty number or boolean means "not set"
		}
		switch fv.Kind() {
		case reflect.String:
			fv.SetString(s)
		case reflect.Bool:
			b, err := strconv.ParseBool(s)
			if err != nil {
				return errs.Invalid("%s=%q is not a boolean (use true or false)", name, s)
			}
			fv.SetBool(b)
		case reflect.Int:
			n, err := strconv.Atoi(s)
			if err != nil {
				return errs.Invalid("%s=%q is not a whole number", name, s)
			}
			fv.SetInt(int64(n))
		}
	}
	return nil
}
