package snapshotcmd

import (
	"context"
	"errors"
	"os"
	"runtime/debug"

	"github.com/clonit/clonit/internal/agent"
	"github.com/clonit/clonit/internal/blob/s3"
	"github.com/clonit/clonit/internal/errs"
	"github.com/clonit/clonit/internal/progress"
)

// PushToStorage pushes the local snapshot s of t to t's storage profile and records it as
// remote in the catalog. Build's auto-push and `clonit push` both use it.
func (e *Env) PushToStorage(ctx context.Context, cfg *agent.Config, local agent.LocalStore, t agent.Target, s agent.Snapshot) (agent.Snapshot, error) {
	dir := Dir(cfg, t.Name, s.Name)
	if _, err := os.Stat(dir); err != nil {
		return s, errs.NotFound("snapshot %s is not on this machine; pull it first with `clonit pull %s`", s.Name, t.Name)
	}
	store, err := e.Store(ctx, local, t)
	if err != nil {
		return s, err
	}
	size, _ := DirSize(dir)
	bar := progress.New(e.IO, "push "+s.Name, size)
	defer limitHeap(pushHeapLimit)()
	sum, n, err := Push(ctx, store, dir, s, bar)
	if err != nil {
		bar.Abort()
		if errs.KindOf(err) == errs.ErrInvalid {
			return s, err
		}
		return s, storageErr(err, t.StorageProfile, "push "+s.Name+" to")
	}
	bar.Finish()
	s.Remote, s.SHA256, s.Size = true, sum, n
	s.Local = true
	if err := local.PutSnapshot(ctx, s); err != nil {
		return s, err
	}
	return s, nil
}

// PullFromStorage downloads snapshot s of t from t's storage profile, verifies it and only
// then records it as local in the catalog.
func (e *Env) PullFromStorage(ctx context.Context, cfg *agent.Config, local agent.LocalStore, t agent.Target, s agent.Snapshot) (agent.Snapshot, error) {
	store, err := e.Store(ctx, local, t)
	if err != nil {
		return s, err
	}
	bar := progress.New(e.IO, "pull "+s.Name, s.Size)
	m, sum, err := Pull(ctx, store, t.Name, s.Name, Dir(cfg, t.Name, s.Name), bar)
	if err != nil {
		bar.Abort()
		switch {
		case isNotExist(err):
			return s, errs.Wrap(errs.ErrNotFound, err, "snapshot %s is not in storage profile %q (or its push did not finish); push it again from the machine that built it",
				s.Name, t.StorageProfile)
		case errs.KindOf(err) == errs.ErrInvalid || errs.KindOf(err) == errs.ErrConflict || errors.Is(err, context.Canceled):
			return s, err
		}
		return s, storageErr(err, t.StorageProfile, "pull "+s.Name+" from")
	}
	bar.Finish()
	s.Local, s.Remote, s.SHA256 = true, true, sum
	s.Type, s.CreatedAt, s.Source = m.Type, m.Created, m.Source
	if n, err := DirSize(Dir(cfg, t.Name, s.Name)); err == nil && s.Size == 0 {
		s.Size = n
	}
	if err := local.PutSnapshot(ctx, s); err != nil {
		return s, err
	}
	return s, nil
}

// pushHeapLimit is the Go heap a push may use: the S3 store's part buffers and room for
// the garbage of signing requests, which the collector would otherwise let grow to the
// size of the buffers again before collecting it.
const pushHeapLimit = s3.DefaultPartSize*s3.DefaultPartsInFlight + 16<<20

// limitHeap sets a soft limit on the Go heap, unless GOMEMLIMIT set one, and returns what
// restores the previous limit.
func limitHeap(n int64) (restore func()) {
	if os.Getenv("GOMEMLIMIT") != "" {
		return func() {}
	}
	old := debug.SetMemoryLimit(n)
	return func() { debug.SetMemoryLimit(old) }
}
