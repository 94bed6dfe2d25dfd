package build

import (
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/clonit/clonit/internal/agent"
	"github.com/clonit/clonit/internal/cmdutil"
)

func TestNewCmdBuild(t *testing.T) {
	tests := []struct {
		name    string
		args    []string
		want    Options
		wantErr string
	}{
		{name: "target", args: []string{"shop"}, want: Options{Target: "shop"}},
		{name: "jobs and no-push", args: []string{"shop", "--jobs", "4", "--no-push"}, want: Options{Target: "shop", Jobs: 4, NoPush: true}},
		{name: "short jobs", args: []string{"-j", "2", "shop"}, want: Options{Target: "shop", Jobs: 2}},
		{name: "no target", args: nil, wantErr: "usage: expected `clonit build TARGET [--jobs N] [--no-push]`"},
		{name: "two targets", args: []string{"a", "b"}, wantErr: "usage: expected `clonit build TARGET [--jobs N] [--no-push]`"},
		{name: "negative jobs", args: []string{"shop", "--jobs", "-1"}, wantErr: "usage: --jobs must be 0 or more"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := cmdutil.NewFactory(&cmdutil.IOStreams{Out: io.Discard, ErrOut: io.Discard})
			var got *Options
			cmd := NewCmdBuild(f, func(o *Options) error { got = o; return nil })
			cmd.SetArgs(tt.args)
			cmd.SetOut(io.Discard)
			cmd.SetErr(io.Discard)
			err := cmd.Execute()
			if tt.wantErr != "" {
				if err == nil || err.Error() != tt.wantErr || !errors.Is(err, cmdutil.ErrUsage) {
					t.Fatalf("error = %v, want usage error %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got.Target != tt.want.Target || got.Jobs != tt.want.Jobs || got.NoPush != tt.want.NoPush {
				t.Fatalf("options = %+v, want %+v", *got, tt.want)
			}
		})
	}
}

func TestJobs(t *testing.T) {
	tests := []struct {
		name                 string
		flag, target, config int
		want                 int
	}{
		{"flag wins", 3, 2, 1, 3},
		{"then the target", 0, 2, 1, 2},
		{"then the config", 0, 0, 1, 1},
		{"then the tool", 0, 0, 0, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := &agent.Config{Defaults: agent.Defaults{DumpJobs: tt.config}}
			if got := Jobs(tt.flag, agent.Target{DumpJobs: tt.target}, cfg); got != tt.want {
				t.Fatalf("Jobs = %d, want %d", got, tt.want)
			}
		})
	}
}

// TestReserve claims names that never collide: with a finished snapshot, a catalog record
// and a build in progress of the same second, the next free second is taken.
func TestReserve(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	cfg := &agent.Config{WorkingDirectory: filepath.Join(dir, "wd")}
	db, err := agent.OpenDB(ctx, filepath.Join(dir, "clonit.db"), "00112233445566778899aabbccddeeff")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if err := db.PutTarget(ctx, agent.Target{Name: "shop", DBType: "postgres", SrcURL: "postgres://h/shop"}); err != nil {
		t.Fatal(err)
	}
	now := func() time.Time { return time.Date(2025, 3, 4, 5, 6, 7, 890, time.FixedZone("CET", 3600)) }
	parent := filepath.Join(cfg.WorkingDirectory, "shop")
	os.MkdirAll(filepath.Join(parent, "shop-20250304T040607"), 0o700)                 // finished
	db.PutSnapshot(ctx, agent.Snapshot{Name: "shop-20250304T040608", Target: "shop"}) // in the catalog only
	os.MkdirAll(filepath.Join(parent, ".shop-20250304T040609.building"), 0o700)       // being built

	var names []string
	for range 2 {
		name, created, tmp, err := reserve(ctx, cfg, db, "shop", now)
		if err != nil {
			t.Fatal(err)
		}
		if created.Format("20060102T150405") != name[len("shop-"):] || filepath.Base(tmp) != "."+name+".building" {
			t.Fatalf("reserve = %s, %s, %s", name, created, tmp)
		}
		names = append(names, name)
	}
	if names[0] != "shop-20250304T040610" || names[1] != "shop-20250304T040611" {
		t.Fatalf("names = %v", names)
	}
}
