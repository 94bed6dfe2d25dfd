package snapshotcmd

import (
	"context"
	"errors"
	"io"
	"os"

	"github.com/clonit/clonit/internal/agent"
	"github.com/clonit/clonit/internal/api"
	"github.com/clonit/clonit/internal/apiclient"
	"github.com/clonit/clonit/internal/cmdutil"
	"github.com/clonit/clonit/internal/errs"
	"github.com/clonit/clonit/internal/progress"
	"github.com/clonit/clonit/internal/snapshot"
)

// The cloud's upload protocol needs the archive's size and SHA-256 before the first byte
// is sent. The archive is never stored on disk. When an earlier archive of the snapshot was
// made (a push or a pull recorded its SHA-256), `push --cloud` announces that one and
// streams the archive in one pass, hashing it on the way, and completes the upload only if
// it came out the same (snapshot.Write is deterministic). Otherwise it reads the snapshot
// twice: a first pass streams the archive into its hashes only (the files' and the
// archive's, on two cores), a second streams the same bytes to the presigned URLs with the
// first pass's manifest, hashing nothing. The cloud checks what storage holds against the
// announced size and SHA-256 either way, so a snapshot changed meanwhile is refused, never
// stored damaged.

// PushToCloud pushes the local snapshot s of t to the managed storage of the cloud org
// (orgFlag, or the client's default) and records its cloud ID in the local catalog. It
// returns the cloud snapshot, which is private until shared.
func (e *Env) PushToCloud(ctx context.Context, cfg *agent.Config, local agent.LocalStore, t agent.Target, s agent.Snapshot, orgFlag string) (api.CloudSnapshot, string, error) {
	dir := Dir(cfg, t.Name, s.Name)
	if _, err := os.Stat(dir); err != nil {
		return api.CloudSnapshot{}, "", errs.NotFound("snapshot %s is not on this machine; pull it first", s.Name)
	}
	meta, err := Meta(dir, s)
	if err != nil {
		return api.CloudSnapshot{}, "", err
	}
	client, err := e.CloudClient()
	if err != nil {
		return api.CloudSnapshot{}, "", err
	}
	org, err := cmdutil.ResolveOrg(ctx, client, orgFlag)
	if err != nil {
		return api.CloudSnapshot{}, "", err
	}

	if s.SHA256 != "" && s.Size > 0 {
		// An earlier archive of this snapshot was made (pushed or pulled): announce its size
		// and SHA-256 and push in one pass, hashing on the way. Should the archive come out
		// otherwise (its files changed, or the earlier one was written differently), the
		// upload is aborted and the push starts over with two passes.
		cs, stale, err := pushOnce(ctx, client, org, dir, meta, api.CreateUploadRequest{Target: t.Name, Name: s.Name, Type: s.Type, Size: s.Size, SHA256: s.SHA256},
			progress.New(e.IO, "push "+s.Name, s.Size))
		if err == nil {
			s.CloudID, s.Local = cs.ID, true
			return *cs, org, local.PutSnapshot(ctx, s)
		}
		if !stale {
			return api.CloudSnapshot{}, "", err
		}
	}

	size, _ := DirSize(dir)
	hashBar := progress.New(e.IO, "checksum "+s.Name, size)
	m, sum, n, err := snapshot.Stream(ctx, dir, meta, func(r io.Reader) error { return drain(hashBar.Reader(r)) })
	if err != nil {
		hashBar.Abort()
		return api.CloudSnapshot{}, "", err
	}
	hashBar.Finish()

	req := api.CreateUploadRequest{Target: t.Name, Name: s.Name, Type: s.Type, Size: n, SHA256: sum}
	bar := progress.New(e.IO, "push "+s.Name, n)
	var cs *api.CloudSnapshot
	_, err = snapshot.StreamKnown(ctx, dir, m, func(r io.Reader) error {
		var err error
		cs, err = client.PushSnapshot(ctx, org, req, bar.Reader(r))
		return err
	})
	// Once the cloud has completed the upload it has checked the bytes against the first
	// pass: the snapshot is in place whatever the writer says about bytes beyond them.
	if cs == nil {
		bar.Abort()
		return api.CloudSnapshot{}, "", err
	}
	bar.Finish()
	s.CloudID, s.SHA256, s.Size, s.Local = cs.ID, sum, n, true
	if err := local.PutSnapshot(ctx, s); err != nil {
		return *cs, org, err
	}
	return *cs, org, nil
}

// errStale is the error of a one-pass push whose archive is not the one announced.
var errStale = errors.New("the archive differs from its earlier copy")

// pushOnce streams the archive of dir to the cloud in one pass, announcing req's size and
// SHA-256 and hashing the archive as it goes, and completes the upload only when the
// archive matched them. stale reports that it did not (the upload was then aborted).
func pushOnce(ctx context.Context, client *apiclient.Client, org, dir string, meta snapshot.Meta, req api.CreateUploadRequest, bar *progress.Bar) (cs *api.CloudSnapshot, stale bool, err error) {
	_, _, _, err = snapshot.StreamSum(ctx, dir, meta, func(sr *snapshot.SumReader) error {
		body := &endReader{r: sr}
		var err error
		cs, err = client.PushSnapshotChecked(ctx, org, req, bar.Reader(body), func() error {
			if err := drain(body); err != nil {
				return err
			}
			if sr.Size() != req.Size || sr.Sum() != req.SHA256 {
				return errStale
			}
			return nil
		})
		if err != nil && body.ended && sr.Size() != req.Size {
			return errStale // shorter than announced: the upload failed for want of bytes
		}
		return err
	})
	if err != nil {
		bar.Abort()
		return nil, errors.Is(err, errStale), err
	}
	bar.Finish()
	return cs, false, nil
}

// endReader records that its reader reached its end.
type endReader struct {
	r     io.Reader
	ended bool
}

func (e *endReader) Read(p []byte) (int, error) {
	n, err := e.r.Read(p)
	if err == io.EOF {
		e.ended = true
	}
	return n, err
}

// drain reads r to its end.
func drain(r io.Reader) error {
	buf := make([]byte, 1<<20)
	for {
		_, err := r.Read(buf)
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return err
		}
	}
}

// PullFromCloud downloads the cloud snapshot id (a full ID or a unique prefix of one the
// caller may see) of the org (orgFlag, or the client's default) into t's snapshot
// directory, verifies every file and the whole archive against the catalog's SHA-256, and
// only then records it as a local snapshot of t. A snapshot the caller may not see fails
// exactly as one that does not exist.
func (e *Env) PullFromCloud(ctx context.Context, cfg *agent.Config, local agent.LocalStore, t agent.Target, id, orgFlag string) (agent.Snapshot, bool, error) {
	client, err := e.CloudClient()
	if err != nil {
		return agent.Snapshot{}, false, err
	}
	org, err := cmdutil.ResolveOrg(ctx, client, orgFlag)
	if err != nil {
		return agent.Snapshot{}, false, err
	}
	d, err := client.SnapshotDownload(ctx, org, id)
	if err != nil {
		return agent.Snapshot{}, false, err
	}
	cs := d.Snapshot
	if cs.Target != t.Name {
		return agent.Snapshot{}, false, errs.Invalid("cloud snapshot %s belongs to target %q, not %q: pull it with `clonit pull %s --cloud --snapshot-id %s`",
			ShortID(cs.ID), cs.Target, t.Name, cs.Target, cs.ID)
	}
	dir := Dir(cfg, t.Name, cs.Name)
	if s, ok := localSnapshot(ctx, local, t.Name, cs.Name); ok && exists(dir) {
		if s.CloudID == "" {
			s.CloudID = cs.ID
			if err := local.PutSnapshot(ctx, s); err != nil {
				return s, true, err
			}
		}
		return s, true, nil
	}

	bar := progress.New(e.IO, "pull "+cs.Name, cs.Size)
	m, err := extractDownload(ctx, client, d.URL, dir, cs.SHA256, bar)
	if err != nil {
		bar.Abort()
		return agent.Snapshot{}, false, err
	}
	bar.Finish()
	if err := checkPulled(dir, m, cs.Target, cs.Name, "cloud snapshot "+ShortID(cs.ID)); err != nil {
		return agent.Snapshot{}, false, err
	}
	s := agent.Snapshot{
		Name: cs.Name, Target: t.Name, Type: m.Type, Size: cs.Size, CreatedAt: m.Created,
		Local: true, SHA256: cs.SHA256, Source: m.Source, CloudID: cs.ID,
	}
	if old, ok := localSnapshot(ctx, local, t.Name, cs.Name); ok {
		s.Remote, s.Verification = old.Remote, old.Verification
	}
	if err := local.PutSnapshot(ctx, s); err != nil {
		return s, false, err
	}
	return s, false, nil
}

// extractDownload streams the object at the presigned url into ExtractChecked, which
// reads it ahead in a goroutine of its own.
func extractDownload(ctx context.Context, client *apiclient.Client, url, dir, sum string, bar *progress.Bar) (snapshot.Manifest, error) {
	body, err := client.OpenDownload(ctx, url)
	if err != nil {
		return snapshot.Manifest{}, err
	}
	defer body.Close()
	return snapshot.ExtractChecked(ctx, bar.Reader(body), dir, sum)
}

// localSnapshot returns the local catalog's snapshot name of target, if it has one.
func localSnapshot(ctx context.Context, local agent.LocalStore, target, name string) (agent.Snapshot, bool) {
	all, err := local.Snapshots(ctx, target)
	if err != nil {
		return agent.Snapshot{}, false
	}
	for _, s := range all {
		if s.Name == name {
			return s, true
		}
	}
	return agent.Snapshot{}, false
}

// exists reports whether path exists.
func exists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}

// ShortID returns the first 8 characters of a cloud snapshot ID, as listings show it.
func ShortID(id string) string {
	if len(id) > 8 {
		return id[:8]
	}
	return id
}
