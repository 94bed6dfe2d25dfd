// Package snapshotcmd holds what the snapshot commands (build, snapshots, load, push, pull)
// share: their dependencies, the local layout of snapshots, the merged local and remote
// listing that gives snapshot indexes their meaning, and the push and pull pipelines.
//
// A snapshot lives in <working_directory>/<target>/<name>/ as:
//
//	info.json   the engine, server version and tool that made the dump (Info)
//	dump/       the engine's output: a pg_dump directory, or database.sqlite
package snapshotcmd

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/spf13/cobra"

	"github.com/clonit/clonit/internal/agent"
	"github.com/clonit/clonit/internal/apiclient"
	"github.com/clonit/clonit/internal/blob"
	"github.com/clonit/clonit/internal/cmdutil"
	"github.com/clonit/clonit/internal/engine"
	"github.com/clonit/clonit/internal/engine/postgres"
	"github.com/clonit/clonit/internal/engine/sqlite"
	"github.com/clonit/clonit/internal/errs"
)

// Files of a snapshot directory.
const (
	InfoFile = "info.json"
	DumpDir  = "dump"
)

// Env is the dependencies of the snapshot commands. Each is a function so nothing is
// opened until a command needs it; tests replace them.
type Env struct {
	IO     *cmdutil.IOStreams
	Config func() (*agent.Config, error)
	Local  func() (agent.LocalStore, error)
	// OpenStore opens the blob store of a storage profile.
	OpenStore func(ctx context.Context, p agent.StorageProfile) (blob.Store, error)
	// Engine returns the engine of a target's db_type.
	Engine func(dbType string) (engine.Engine, error)
	Now    func() time.Time
	// CloudClient returns the client of the configured Clonit Cloud (push and pull --cloud).
	CloudClient func() (*apiclient.Client, error)
}

// NewEnv binds an Env to the factory.
func NewEnv(f *cmdutil.Factory) *Env {
	return &Env{
		IO:        f.IO,
		Config:    f.Config,
		Local:     func() (agent.LocalStore, error) { return f.LocalStore() },
		OpenStore: openStore,
		Engine:    EngineFor,
		Now:       f.Now,

		CloudClient: f.CloudClient,
	}
}

// EngineFor returns the engine of a db_type.
func EngineFor(dbType string) (engine.Engine, error) {
	switch dbType {
	case postgres.Name:
		return postgres.New(), nil
	case sqlite.Name:
		return sqlite.New(), nil
	}
	return nil, errs.Invalid("unknown db_type %q: use postgres or sqlite", dbType)
}

// Target loads a target by name with the config.
func (e *Env) Target(ctx context.Context, name string) (*agent.Config, agent.LocalStore, agent.Target, error) {
	cfg, err := e.Config()
	if err != nil {
		return nil, nil, agent.Target{}, err
	}
	local, err := e.Local()
	if err != nil {
		return nil, nil, agent.Target{}, err
	}
	t, err := local.Target(ctx, name)
	if err != nil {
		return nil, nil, agent.Target{}, err
	}
	return cfg, local, t, nil
}

// Dir returns the directory of snapshot name of target.
func Dir(cfg *agent.Config, target, name string) string {
	return filepath.Join(cfg.WorkingDirectory, target, name)
}

// WriteInfo records info in the snapshot directory dir.
func WriteInfo(dir string, info engine.Info) error {
	b, err := json.MarshalIndent(info, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(dir, InfoFile), append(b, '\n'), 0o600)
}

// ReadInfo reads the info of the snapshot directory dir.
func ReadInfo(dir string) (engine.Info, error) {
	var info engine.Info
	b, err := os.ReadFile(filepath.Join(dir, InfoFile))
	if err != nil {
		return info, fmt.Errorf("read snapshot info: %w", err)
	}
	if err := json.Unmarshal(b, &info); err != nil {
		return info, fmt.Errorf("read snapshot info %s: %w", filepath.Join(dir, InfoFile), err)
	}
	return info, nil
}

// DirSize returns the total size of the regular files under dir.
func DirSize(dir string) (int64, error) {
	var n int64
	err := filepath.WalkDir(dir, func(_ string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.Type().IsRegular() {
			info, err := d.Info()
			if err != nil {
				return err
			}
			n += info.Size()
		}
		return nil
	})
	return n, err
}

// HumanSize formats n bytes with binary units: "512 B", "1.5 KiB", "12.0 GiB".
func HumanSize(n int64) string {
	const unit = 1024
	if n < unit {
		return fmt.Sprintf("%d B", n)
	}
	div, exp := int64(unit), 0
	for m := n / unit; m >= unit; m /= unit {
		div *= unit
		exp++
	}
	return fmt.Sprintf("%.1f %ciB", float64(n)/float64(div), "KMGTPE"[exp])
}

// DecimalSize formats n bytes with decimal units, as the cloud's listings show sizes:
// "512 B", "12 kB", "120 MB", "1.5 GB" (one decimal below 10 of a unit).
func DecimalSize(n int64) string {
	if n < 1000 {
		return fmt.Sprintf("%d B", n)
	}
	v, units := float64(n), []string{"kB", "MB", "GB", "TB", "PB", "EB"}
	i := -1
	for v >= 999.5 && i < len(units)-1 {
		v /= 1000
		i++
	}
	if v < 9.95 {
		return fmt.Sprintf("%.1f %s", v, units[i])
	}
	return fmt.Sprintf("%.0f %s", v, units[i])
}

// Args accepts between min and max positional arguments, else a usage error showing usage.
func Args(min, max int, usage string) cobra.PositionalArgs {
	return func(_ *cobra.Command, args []string) error {
		if len(args) < min || len(args) > max {
			return fmt.Errorf("%w: expected `clonit %s`", cmdutil.ErrUsage, usage)
		}
		return nil
	}
}
