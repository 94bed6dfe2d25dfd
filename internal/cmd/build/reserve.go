package build

import (
	"context"
	"time"

	"github.com/clonit/clonit/internal/agent"
)

// Reserve claims a fresh snapshot name for target, as build does, for other commands that
// make snapshots (sanitize). It returns the name, its time and the build directory, which
// the caller fills, then renames to snapshotcmd.Dir(cfg, target, name) or removes.
func Reserve(ctx context.Context, cfg *agent.Config, local agent.LocalStore, target string, now func() time.Time) (string, time.Time, string, error) {
	return reserve(ctx, cfg, local, target, now)
}
