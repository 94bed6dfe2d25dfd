package cmdutil

import (
	"sync"
	"time"

	"github.com/clonit/clonit/internal/agent"
)

// Factory builds a command's dependencies lazily: nothing reads the config, opens the local
// database or reaches the network until a command's run function asks for it.
type Factory struct {
	IO *IOStreams
	// ConfigPath is the --config flag ("" = the default path).
	ConfigPath string
	// Now is the clock; tests replace it.
	Now func() time.Time
	// CredentialsPath is the saved session ("" = <ConfigDir>/credentials.json); tests set it.
	CredentialsPath string

	cfgOnce sync.Once
	cfg     *agent.Config
	cfgErr  error

	localOnce sync.Once
	local     *agent.DB
	localErr  error
}

// NewFactory returns a factory bound to io.
func NewFactory(io *IOStreams) *Factory {
	return &Factory{IO: io, Now: time.Now}
}

// Config loads the agent config once.
func (f *Factory) Config() (*agent.Config, error) {
	f.cfgOnce.Do(func() { f.cfg, f.cfgErr = agent.LoadConfig(f.ConfigPath) })
	return f.cfg, f.cfgErr
}
