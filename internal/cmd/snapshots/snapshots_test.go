package snapshots

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/clonit/clonit/internal/agent"
	"github.com/clonit/clonit/internal/blob"
	blobfs "github.com/clonit/clonit/internal/blob/fs"
	"github.com/clonit/clonit/internal/cmd/snapshotcmd"
	"github.com/clonit/clonit/internal/cmdutil"
)

func TestRun(t *testing.T) {
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
	must(db.PutTarget(ctx, agent.Target{Name: "shop", DBType: "postgres", SrcURL: "postgres://h/shop", StorageProfile: "disk"}))
	must(db.PutTarget(ctx, agent.Target{Name: "empty", DBType: "postgres", SrcURL: "postgres://h/empty"}))
	must(db.PutSnapshot(ctx, agent.Snapshot{Name: "shop-20250102T030405", Target: "shop", Type: agent.TypeSnapshot, Size: 3 << 20,
		CreatedAt: time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC), Local: true}))
	must(os.MkdirAll(snapshotcmd.Dir(cfg, "shop", "shop-20250102T030405"), 0o700))
	must(store.Put(ctx, "shop/shop-20250101T000000.tar", strings.NewReader(strings.Repeat("x", 2048)), -1))
	must(store.Put(ctx, "shop/shop-20250101T000000.tar.sha256", strings.NewReader(strings.Repeat("0", 64)+"  shop-20250101T000000.tar\n"), -1))

	tests := []struct {
		name    string
		target  string
		json    bool
		wantOut string
		wantErr string
	}{
		{
			name:   "table",
			target: "shop",
			wantOut: "INDEX  NAME                  TYPE      SIZE     CREATED              LOCATION\n" +
				"0      shop-20250102T030405  snapshot  3.0 MiB  2025-01-02 03:04:05  local\n" +
				"1      shop-20250101T000000  snapshot  2.0 KiB  2025-01-01 00:00:00  remote\n",
		},
		{
			name:    "json",
			target:  "shop",
			json:    true,
			wantOut: `"index": 1`,
		},
		{
			name:    "no snapshots",
			target:  "empty",
			wantOut: "",
			wantErr: "target \"empty\" has no snapshots yet; make one with `clonit build empty`\n",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var out, errOut bytes.Buffer
			env := &snapshotcmd.Env{
				IO:        &cmdutil.IOStreams{Out: &out, ErrOut: &errOut, JSON: tt.json},
				Config:    func() (*agent.Config, error) { return cfg, nil },
				Local:     func() (agent.LocalStore, error) { return db, nil },
				OpenStore: func(context.Context, agent.StorageProfile) (blob.Store, error) { return store, nil },
			}
			if err := run(ctx, &Options{Env: env, Target: tt.target}); err != nil {
				t.Fatal(err)
			}
			if tt.json {
				if !strings.Contains(out.String(), tt.wantOut) || !strings.Contains(out.String(), `"location": "remote"`) {
					t.Fatalf("json output:\n%s", out.String())
				}
				return
			}
			if out.String() != tt.wantOut || errOut.String() != tt.wantErr {
				t.Fatalf("stdout:\n%s\nwant:\n%s\nstderr: %q want %q", out.String(), tt.wantOut, errOut.String(), tt.wantErr)
			}
		})
	}
}
