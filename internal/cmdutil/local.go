package cmdutil

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	"github.com/clonit/clonit/internal/agent"
)

// LocalStore opens the local metadata database, <working_directory>/clonit.db, once, creating
// the working directory when it is missing. Secrets in it are encrypted under the config's
// secret_key.
func (f *Factory) LocalStore() (*agent.DB, error) {
	f.localOnce.Do(func() {
		cfg, err := f.Config()
		if err != nil {
			f.localErr = err
			return
		}
		if err := os.MkdirAll(cfg.WorkingDirectory, 0o700); err != nil {
			f.localErr = fmt.Errorf("create working directory %s: %w", cfg.WorkingDirectory, err)
			return
		}
		f.local, f.localErr = agent.OpenDB(context.Background(), filepath.Join(cfg.WorkingDirectory, agent.DBFileName), cfg.SecretKey)
		if f.localErr == nil {
			f.local.SetClock(f.Now)
		}
	})
	return f.local, f.localErr
}

// CloseLocalStore closes the local database if LocalStore opened it.
func (f *Factory) CloseLocalStore() error {
	if f.local == nil {
		return nil
	}
	return f.local.Close()
}
