package postgres

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/clonit/clonit/internal/engine"
	"github.com/clonit/clonit/internal/engine/enginetest"
	"github.com/clonit/clonit/internal/testutil"
)

func TestMain(m *testing.M) {
	code := m.Run()
	enginetest.StopPasswordServer()
	os.Exit(code)
}

// progressLog records progress reports.
type progressLog struct {
	mu      sync.Mutex
	reports [][2]int64
}

func (p *progressLog) report(done, total int64) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.reports = append(p.reports, [2]int64{done, total})
}

// check asserts the reports never exceed their total nor go backwards, and end complete.
func (p *progressLog) check(t *testing.T) {
	t.Helper()
	p.mu.Lock()
	defer p.mu.Unlock()
	if len(p.reports) == 0 {
		t.Fatal("no progress reported")
	}
	var prev int64
	for _, r := range p.reports {
		if r[0] > r[1] || r[0] < prev {
			t.Fatalf("bad progress sequence %v", p.reports)
		}
		prev = r[0]
	}
	if last := p.reports[len(p.reports)-1]; last[0] != last[1] || last[1] == 0 {
		t.Fatalf("progress did not end complete: %v", last)
	}
}

func TestDumpRestoreRoundTrip(t *testing.T) {
	ctx := context.Background()
	src := testutil.NewPostgresDB(t)
	dst := testutil.NewPostgresDB(t)
	enginetest.PostgresFixture(t, src, 20000)

	// A session left open on the destination must not stop the restore.
	hold, err := pgx.Connect(ctx, dst)
	if err != nil {
		t.Fatal(err)
	}
	defer hold.Close(ctx)

	e := New()
	dir := filepath.Join(t.TempDir(), "snap")
	var dumpProgress, restoreProgress progressLog
	info, err := e.Dump(ctx, src, dir, engine.Options{Jobs: 2, Progress: dumpProgress.report})
	if err != nil {
		t.Fatalf("Dump: %v", err)
	}
	if info.Engine != "postgres" || info.ServerVersion == "" || !strings.HasPrefix(info.ToolVersion, "pg_dump ") || info.DataSize <= 0 {
		t.Errorf("Dump info = %+v", info)
	}
	if _, err := os.Stat(filepath.Join(dir, "toc.dat")); err != nil {
		t.Fatalf("no toc.dat in the dump: %v", err)
	}
	dumpProgress.check(t)

	if err := e.Restore(ctx, dir, dst, engine.Options{Jobs: 2, Source: src, Progress: restoreProgress.report}); err != nil {
		t.Fatalf("Restore: %v", err)
	}
	restoreProgress.check(t)
	diff, err := enginetest.SamePostgres(ctx, src, dst)
	if err != nil {
		t.Fatal(err)
	}
	if diff != "" {
		t.Fatalf("restored database differs from the source:\n%s", diff)
	}

	// Restoring again replaces what is there.
	hold2, err := pgx.Connect(ctx, dst)
	if err != nil {
		t.Fatal(err)
	}
	defer hold2.Close(ctx)
	if err := e.Restore(ctx, dir, dst, engine.Options{}); err != nil {
		t.Fatalf("second Restore: %v", err)
	}
	if diff, err := enginetest.SamePostgres(ctx, src, dst); err != nil || diff != "" {
		t.Fatalf("after a second restore: %v %s", err, diff)
	}
}

func TestLoadSQL(t *testing.T) {
	ctx := context.Background()
	dst := testutil.NewPostgresDB(t)
	dir := t.TempDir()
	good := filepath.Join(dir, "good.sql")
	bad := filepath.Join(dir, "bad.sql")
	os.WriteFile(good, []byte("CREATE TABLE t (id int);\nINSERT INTO t VALUES (1), (2);\n"), 0o600)
	os.WriteFile(bad, []byte("CREATE TABLE u (id int);\nSELECT nope FROM u;\nCREATE TABLE never (id int);\n"), 0o600)

	var p progressLog
	if err := New().LoadSQL(ctx, good, dst, engine.Options{Progress: p.report}); err != nil {
		t.Fatalf("LoadSQL: %v", err)
	}
	p.check(t)
	rows, err := enginetest.PostgresRows(ctx, dst)
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 1 || !strings.HasPrefix(rows["public.t"], "2:") {
		t.Fatalf("rows after LoadSQL = %v", rows)
	}

	err = New().LoadSQL(ctx, bad, dst, engine.Options{})
	want := "load " + bad + " into " + dst + `: psql failed: psql:` + bad + `:2: ERROR:  column "nope" does not exist; LINE 1: SELECT nope FROM u;; ^`
	if err == nil || err.Error() != want {
		t.Fatalf("LoadSQL(bad) error\n got: %v\nwant: %s", err, want)
	}
}
