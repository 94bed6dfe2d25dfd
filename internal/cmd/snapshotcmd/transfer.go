package snapshotcmd

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/clonit/clonit/internal/agent"
	"github.com/clonit/clonit/internal/blob"
	"github.com/clonit/clonit/internal/engine"
	"github.com/clonit/clonit/internal/errs"
	"github.com/clonit/clonit/internal/progress"
	"github.com/clonit/clonit/internal/snapshot"
)

// Remote is the far end of push and pull: where archives go to and come from, by key. A
// target's storage profile is one (any blob.Store is a Remote). A later `push --cloud` and
// `pull --cloud` plug in a Remote that moves the bytes through the cloud's presigned URLs;
// the pipelines below stay the same.
type Remote interface {
	// Put stores the whole object from r (size -1 when unknown) or nothing.
	Put(ctx context.Context, key string, r io.Reader, size int64) error
	// Open reads an object; a missing one is an error that errors.Is blob.ErrNotExist.
	Open(ctx context.Context, key string) (io.ReadCloser, error)
}

// Push streams the snapshot in dir as one archive into remote (no copy on disk), then
// writes its checksum object. It returns the archive's SHA-256 and size.
func Push(ctx context.Context, remote Remote, dir string, s agent.Snapshot, bar *progress.Bar) (string, int64, error) {
	meta, err := Meta(dir, s)
	if err != nil {
		return "", 0, err
	}
	archiveKey, sumKey := keys(s.Target, s.Name)
	_, sum, n, err := snapshot.Stream(ctx, dir, meta, func(r io.Reader) error {
		return remote.Put(ctx, archiveKey, bar.Reader(r), -1)
	})
	if err != nil {
		return "", 0, err
	}
	line := snapshot.FormatSum(sum, archiveKey)
	if err := remote.Put(ctx, sumKey, bytes.NewReader(line), int64(len(line))); err != nil {
		return "", 0, err
	}
	return sum, n, nil
}

// Meta returns the archive metadata of the local snapshot s, whose directory is dir.
func Meta(dir string, s agent.Snapshot) (snapshot.Meta, error) {
	info, err := ReadInfo(dir)
	if err != nil {
		return snapshot.Meta{}, err
	}
	return snapshot.Meta{
		Name: s.Name, Target: s.Target, Type: s.Type, Engine: info.Engine,
		ServerVersion: info.ServerVersion, Created: s.CreatedAt, Source: s.Source,
	}, nil
}

// Pull downloads the archive of snapshot name of target from remote into the new directory
// dir, verifying every file and the whole object against the checksum object first. On any
// failure dir does not exist afterwards. It returns the archive's manifest and SHA-256.
func Pull(ctx context.Context, remote Remote, target, name, dir string, bar *progress.Bar) (snapshot.Manifest, string, error) {
	archiveKey, sumKey := keys(target, name)
	sum, err := readSum(ctx, remote, sumKey)
	if err != nil {
		return snapshot.Manifest{}, "", err
	}
	rc, err := remote.Open(ctx, archiveKey)
	if err != nil {
		return snapshot.Manifest{}, "", err
	}
	defer rc.Close()
	m, err := snapshot.ExtractChecked(ctx, bar.Reader(rc), dir, sum)
	if err != nil {
		return snapshot.Manifest{}, "", err
	}
	if err := checkPulled(dir, m, target, name, "the archive at "+archiveKey); err != nil {
		return snapshot.Manifest{}, "", err
	}
	return m, sum, nil
}

// checkPulled requires the snapshot extracted into dir to be snapshot name of target, and
// gives it an info.json when the archive had none. On failure it removes dir. where names
// the archive in messages.
func checkPulled(dir string, m snapshot.Manifest, target, name, where string) error {
	if m.Target != target || m.Name != name {
		os.RemoveAll(dir)
		return errs.Invalid("%s holds snapshot %q of target %q, not %q of %q; it was refused",
			where, m.Name, m.Target, name, target)
	}
	if _, err := ReadInfo(dir); err != nil {
		// An archive from elsewhere may lack info.json; the manifest says the same.
		if err := WriteInfo(dir, engine.Info{Engine: m.Engine, ServerVersion: m.ServerVersion}); err != nil {
			os.RemoveAll(dir)
			return err
		}
	}
	return nil
}

// readSum reads a checksum object.
func readSum(ctx context.Context, remote Remote, key string) (string, error) {
	rc, err := remote.Open(ctx, key)
	if err != nil {
		return "", err
	}
	defer rc.Close()
	b, err := io.ReadAll(io.LimitReader(rc, 4096))
	if err != nil {
		return "", fmt.Errorf("read %s: %w", key, err)
	}
	return snapshot.ParseSum(b)
}

// isNotExist reports whether err says a blob is missing.
func isNotExist(err error) bool { return errors.Is(err, blob.ErrNotExist) }
