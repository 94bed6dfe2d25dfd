package build

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/clonit/clonit/internal/agent"
	"github.com/clonit/clonit/internal/cmd/snapshotcmd"
)

// maxNameTries bounds the search for a free snapshot name.
const maxNameTries = 600

// reserve picks the snapshot name <target>-YYYYMMDDTHHMMSS for now (UTC) and claims it by
// creating its build directory, <name>.building, beside where the snapshot will live. A name
// that is taken (a snapshot directory, a catalog record, or another build in progress, even
// in another process) moves the time on by a second, so names never collide and stay in
// creation order. It returns the name, its time and the build directory.
func reserve(ctx context.Context, cfg *agent.Config, local agent.LocalStore, target string, now func() time.Time) (string, time.Time, string, error) {
	parent := filepath.Join(cfg.WorkingDirectory, target)
	if err := os.MkdirAll(parent, 0o700); err != nil {
		return "", time.Time{}, "", fmt.Errorf("create snapshot directory: %w", err)
	}
	known := map[string]bool{}
	recs, err := local.Snapshots(ctx, target)
	if err != nil {
		return "", time.Time{}, "", err
	}
	for _, s := range recs {
		known[s.Name] = true
	}
	t := now().UTC().Truncate(time.Second)
	for range maxNameTries {
		name := target + "-" + t.Format(snapshotcmd.NameTimeLayout)
		building := filepath.Join(parent, "."+name+".building")
		if !known[name] {
			err := os.Mkdir(building, 0o700)
			if err == nil {
				// Claimed; a finished snapshot of that name may still exist from before.
				if _, err := os.Lstat(filepath.Join(parent, name)); errors.Is(err, os.ErrNotExist) {
					return name, t, building, nil
				}
				os.Remove(building)
			} else if !errors.Is(err, os.ErrExist) {
				return "", time.Time{}, "", fmt.Errorf("create build directory: %w", err)
			}
		}
		t = t.Add(time.Second)
	}
	return "", time.Time{}, "", fmt.Errorf("no free snapshot name for %s near %s", target, now().UTC().Format(time.RFC3339))
}
