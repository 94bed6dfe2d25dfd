package agent

import (
	"errors"
	"fmt"
	"os"

	"gopkg.in/yaml.v3"

	"github.com/clonit/clonit/internal/errs"
)

// ReadConfigFile reads the config file at path as it is on disk: no environment overrides
// and no defaults beyond those of an absent key (auto_push is true), so that a command changing one key (such as cloud.agent_id) and saving
// the result writes back nothing that came from the environment, like an API key. A
// missing file gives an empty config whose Save creates it.
func ReadConfigFile(path string) (*Config, error) {
	cfg := &Config{Path: path, Defaults: Defaults{AutoPush: true}}
	data, err := os.ReadFile(path)
	switch {
	case errors.Is(err, os.ErrNotExist):
		return cfg, nil
	case err != nil:
		return nil, fmt.Errorf("read config: %w", err)
	}
	if err := yaml.Unmarshal(data, cfg); err != nil {
		return nil, errs.Wrap(errs.ErrInvalid, err, "config %s is not valid YAML; fix it with `clonit config edit`", path)
	}
	return cfg, nil
}
