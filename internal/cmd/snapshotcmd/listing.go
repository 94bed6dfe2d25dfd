package snapshotcmd

import (
	"context"
	"errors"
	"os"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/clonit/clonit/internal/agent"
	"github.com/clonit/clonit/internal/blob"
	"github.com/clonit/clonit/internal/errs"
	"github.com/clonit/clonit/internal/snapshot"
)

// NameTimeLayout is the UTC timestamp at the end of a snapshot name: <target>-YYYYMMDDTHHMMSS.
const NameTimeLayout = "20060102T150405"

// Listing is a target's snapshots, local and remote, newest first: index 0 is the newest.
type Listing struct {
	Target agent.Target
	// Snapshots merges the local catalog with the archives found in the target's storage:
	// Local is true when the directory is on disk, Remote when a complete archive (with its
	// checksum object) is in storage.
	Snapshots []agent.Snapshot
	// RemoteErr is why storage could not be listed, when it could not; Remote then comes
	// from the catalog.
	RemoteErr error
}

// List builds the listing of target t. When t has a storage profile, storage is listed too;
// a failure there is kept in RemoteErr, not returned.
func (e *Env) List(ctx context.Context, cfg *agent.Config, local agent.LocalStore, t agent.Target) (Listing, error) {
	recs, err := local.Snapshots(ctx, t.Name)
	if err != nil {
		return Listing{}, err
	}
	byName := map[string]*agent.Snapshot{}
	l := Listing{Target: t}
	for i := range recs {
		s := recs[i]
		_, statErr := os.Stat(Dir(cfg, t.Name, s.Name))
		s.Local = statErr == nil
		l.Snapshots = append(l.Snapshots, s)
	}
	for i := range l.Snapshots {
		byName[l.Snapshots[i].Name] = &l.Snapshots[i]
	}
	if t.StorageProfile != "" {
		remote, err := e.listRemote(ctx, local, t)
		if err != nil {
			l.RemoteErr = err
		} else {
			for _, s := range l.Snapshots {
				byName[s.Name].Remote = false
			}
			var remoteOnly []agent.Snapshot
			for _, r := range remote {
				if s, ok := byName[r.Name]; ok {
					s.Remote = true
					if !s.Local || s.Size == 0 {
						s.Size = r.Size
					}
					continue
				}
				remoteOnly = append(remoteOnly, r)
			}
			l.Snapshots = append(l.Snapshots, remoteOnly...)
		}
	}
	kept := l.Snapshots[:0]
	for _, s := range l.Snapshots {
		if s.Local || s.Remote {
			kept = append(kept, s) // a record whose files are gone everywhere is not listed
		}
	}
	l.Snapshots = kept
	sort.SliceStable(l.Snapshots, func(i, j int) bool {
		a, b := l.Snapshots[i], l.Snapshots[j]
		if !a.CreatedAt.Equal(b.CreatedAt) {
			return a.CreatedAt.After(b.CreatedAt)
		}
		return a.Name > b.Name
	})
	return l, nil
}

// listRemote lists the complete archives of t in its storage.
func (e *Env) listRemote(ctx context.Context, local agent.LocalStore, t agent.Target) ([]agent.Snapshot, error) {
	store, err := e.Store(ctx, local, t)
	if err != nil {
		return nil, err
	}
	infos, err := store.List(ctx, t.Name+"/")
	if err != nil {
		return nil, storageErr(err, t.StorageProfile, "list the snapshots in")
	}
	sums := map[string]bool{}
	for _, in := range infos {
		if strings.HasSuffix(in.Key, ".tar.sha256") {
			sums[strings.TrimSuffix(in.Key, ".sha256")] = true
		}
	}
	var out []agent.Snapshot
	for _, in := range infos {
		name, ok := strings.CutSuffix(strings.TrimPrefix(in.Key, t.Name+"/"), ".tar")
		if !ok || strings.Contains(name, "/") || !sums[in.Key] {
			continue // not an archive, or an unfinished push
		}
		out = append(out, agent.Snapshot{
			Name: name, Target: t.Name, Type: agent.TypeSnapshot, Size: in.Size,
			CreatedAt: createdFromName(t.Name, name, in.ModTime), Remote: true,
		})
	}
	return out, nil
}

// createdFromName reads the creation time from a snapshot name, falling back to fallback.
func createdFromName(target, name string, fallback time.Time) time.Time {
	rest, ok := strings.CutPrefix(name, target+"-")
	if ok && len(rest) >= len(NameTimeLayout) {
		if t, err := time.Parse(NameTimeLayout, rest[:len(NameTimeLayout)]); err == nil {
			return t
		}
	}
	return fallback.UTC()
}

// Pick returns the snapshot that arg selects: an index ("" = 0, the newest).
func (l Listing) Pick(arg string) (agent.Snapshot, error) {
	n := len(l.Snapshots)
	if n == 0 {
		return agent.Snapshot{}, errs.NotFound("target %q has no snapshots yet; make one with `clonit build %s`", l.Target.Name, l.Target.Name)
	}
	i := 0
	if arg != "" {
		var err error
		i, err = strconv.Atoi(arg)
		if err != nil || i < 0 {
			return agent.Snapshot{}, errs.Invalid("%q is not a snapshot index; use a number from `clonit snapshots %s` (0 is the newest)", arg, l.Target.Name)
		}
	}
	if i >= n {
		valid := "0"
		if n > 1 {
			valid = "0 to " + strconv.Itoa(n-1)
		}
		return agent.Snapshot{}, errs.NotFound("snapshot index %d is out of range: target %q has %d snapshot%s (index %s); see `clonit snapshots %s`",
			i, l.Target.Name, n, plural(n), valid, l.Target.Name)
	}
	return l.Snapshots[i], nil
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}

// Store opens the blob store of t's storage profile.
func (e *Env) Store(ctx context.Context, local agent.LocalStore, t agent.Target) (blob.Store, error) {
	if t.StorageProfile == "" {
		return nil, errs.Invalid("target %q has no storage profile; set one with `clonit targets edit %s --storage-profile NAME`", t.Name, t.Name)
	}
	p, err := local.StorageProfile(ctx, t.StorageProfile)
	if err != nil {
		return nil, err
	}
	if err := agent.RequireProfileSecret(&p, os.LookupEnv); err != nil {
		return nil, err
	}
	return e.OpenStore(ctx, p)
}

// storageErr explains a failed storage operation, keeping the store's error kind.
func storageErr(err error, profile, what string) error {
	var ee *errs.Error
	if errors.As(err, &ee) && ee.Kind != nil {
		return errs.Wrap(ee.Kind, ee.Err, "could not %s storage profile %q: %s", what, profile, ee.Msg)
	}
	if errors.Is(err, context.Canceled) {
		return err
	}
	return errs.Wrap(errs.ErrUnavailable, err, "could not %s storage profile %q; check its endpoint and credentials with `clonit storage-profile list`", what, profile)
}

// keys returns the archive and checksum keys of a snapshot.
func keys(target, name string) (archive, sum string) {
	archive = snapshot.ArchiveKey(target, name)
	return archive, snapshot.SumKey(archive)
}
