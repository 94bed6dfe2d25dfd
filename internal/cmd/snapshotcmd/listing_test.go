package snapshotcmd

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/clonit/clonit/internal/agent"
	"github.com/clonit/clonit/internal/blob"
	blobfs "github.com/clonit/clonit/internal/blob/fs"
	"github.com/clonit/clonit/internal/cmdutil"
	"github.com/clonit/clonit/internal/errs"
)

func TestPick(t *testing.T) {
	three := Listing{Target: agent.Target{Name: "shop"}, Snapshots: []agent.Snapshot{{Name: "c"}, {Name: "b"}, {Name: "a"}}}
	one := Listing{Target: agent.Target{Name: "shop"}, Snapshots: []agent.Snapshot{{Name: "a"}}}
	none := Listing{Target: agent.Target{Name: "shop"}}
	tests := []struct {
		name    string
		l       Listing
		arg     string
		want    string
		kind    error
		message string
	}{
		{name: "default is the newest", l: three, arg: "", want: "c"},
		{name: "index", l: three, arg: "2", want: "a"},
		{name: "out of range", l: three, arg: "3", kind: errs.ErrNotFound,
			message: "snapshot index 3 is out of range: target \"shop\" has 3 snapshots (index 0 to 2); see `clonit snapshots shop`"},
		{name: "out of range of one", l: one, arg: "1", kind: errs.ErrNotFound,
			message: "snapshot index 1 is out of range: target \"shop\" has 1 snapshot (index 0); see `clonit snapshots shop`"},
		{name: "no snapshots", l: none, arg: "", kind: errs.ErrNotFound,
			message: "target \"shop\" has no snapshots yet; make one with `clonit build shop`"},
		{name: "not a number", l: three, arg: "latest", kind: errs.ErrInvalid,
			message: "\"latest\" is not a snapshot index; use a number from `clonit snapshots shop` (0 is the newest)"},
		{name: "negative", l: three, arg: "-1", kind: errs.ErrInvalid,
			message: "\"-1\" is not a snapshot index; use a number from `clonit snapshots shop` (0 is the newest)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := tt.l.Pick(tt.arg)
			if tt.kind == nil {
				if err != nil || s.Name != tt.want {
					t.Fatalf("Pick(%q) = %q, %v; want %q", tt.arg, s.Name, err, tt.want)
				}
				return
			}
			if !errors.Is(err, tt.kind) || err.Error() != tt.message {
				t.Fatalf("Pick(%q) error = %v\nwant %s", tt.arg, err, tt.message)
			}
		})
	}
}

func TestHumanSize(t *testing.T) {
	for n, want := range map[int64]string{0: "0 B", 1023: "1023 B", 1024: "1.0 KiB", 1536: "1.5 KiB", 5 << 20: "5.0 MiB", 3 << 30: "3.0 GiB"} {
		if got := HumanSize(n); got != want {
			t.Errorf("HumanSize(%d) = %q, want %q", n, got, want)
		}
	}
}

// TestList merges the catalog with what is on disk and in storage.
func TestList(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	cfg := &agent.Config{WorkingDirectory: filepath.Join(dir, "wd")}
	db, err := agent.OpenDB(ctx, filepath.Join(dir, "clonit.db"), "00112233445566778899aabbccddeeff")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	store, err := blobfs.New(filepath.Join(dir, "store"))
	if err != nil {
		t.Fatal(err)
	}
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(db.PutStorageProfile(ctx, agent.StorageProfile{Name: "disk", Provider: "local", Bucket: filepath.Join(dir, "store")}))
	tgt := agent.Target{Name: "shop", DBType: "postgres", SrcURL: "postgres://h/shop", StorageProfile: "disk"}
	must(db.PutTarget(ctx, tgt))
	at := func(h int) time.Time { return time.Date(2025, 1, 2, h, 0, 0, 0, time.UTC) }
	name := func(h int) string { return "shop-" + at(h).Format(NameTimeLayout) }
	put := func(h int, local, remoteRecord bool) {
		must(db.PutSnapshot(ctx, agent.Snapshot{Name: name(h), Target: "shop", Type: agent.TypeSnapshot, Size: int64(h), CreatedAt: at(h), Local: local, Remote: remoteRecord}))
		if local {
			must(os.MkdirAll(Dir(cfg, "shop", name(h)), 0o700))
		}
	}
	upload := func(h int, withSum bool) {
		key := "shop/" + name(h) + ".tar"
		must(store.Put(ctx, key, strings.NewReader(strings.Repeat("x", 100*h)), -1))
		if withSum {
			must(store.Put(ctx, key+".sha256", strings.NewReader(strings.Repeat("0", 64)+"  x.tar\n"), -1))
		}
	}
	put(1, true, true)   // local; the catalog says remote but storage has nothing: local
	put(2, false, true)  // pushed, local copy deleted: remote
	upload(2, true)      //
	upload(3, true)      // pushed from another machine: remote
	upload(4, false)     // an unfinished push: not listed
	put(5, true, false)  // local, and in storage: both
	upload(5, true)      //
	put(6, false, false) // files gone everywhere: not listed

	env := &Env{
		IO:        &cmdutil.IOStreams{},
		OpenStore: func(context.Context, agent.StorageProfile) (blob.Store, error) { return store, nil },
	}
	l, err := env.List(ctx, cfg, db, tgt)
	if err != nil || l.RemoteErr != nil {
		t.Fatalf("List: %v, %v", err, l.RemoteErr)
	}
	var got []string
	for _, s := range l.Snapshots {
		got = append(got, fmt.Sprintf("%s local=%t remote=%t size=%d created=%s", s.Name, s.Local, s.Remote, s.Size, s.CreatedAt.Format(time.RFC3339)))
	}
	want := []string{
		"shop-20250102T050000 local=true remote=true size=5 created=2025-01-02T05:00:00Z",
		"shop-20250102T030000 local=false remote=true size=300 created=2025-01-02T03:00:00Z",
		"shop-20250102T020000 local=false remote=true size=200 created=2025-01-02T02:00:00Z",
		"shop-20250102T010000 local=true remote=false size=1 created=2025-01-02T01:00:00Z",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Fatalf("listing\n got: %s\nwant: %s", strings.Join(got, "\n      "), strings.Join(want, "\n      "))
	}

	// Storage that cannot be listed leaves the catalog's view and says why.
	env.OpenStore = func(context.Context, agent.StorageProfile) (blob.Store, error) {
		return nil, errs.E(errs.ErrUnauthenticated, "bad key")
	}
	l, err = env.List(ctx, cfg, db, tgt)
	if err != nil || !errors.Is(l.RemoteErr, errs.ErrUnauthenticated) || len(l.Snapshots) != 3 {
		t.Fatalf("List with failing storage: %v, %v, %d snapshots", err, l.RemoteErr, len(l.Snapshots))
	}
}
