package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"os"
	"path/filepath"
	"sync/atomic"
	"testing"
	"time"

	"github.com/clonit/clonit/internal/engine"
	"github.com/clonit/clonit/internal/engine/enginetest"
	"github.com/clonit/clonit/internal/errs"
)

func TestDumpRestoreRoundTrip(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	src := filepath.Join(dir, "app.db")
	dst := filepath.Join(dir, "dev", "app.db")
	if err := enginetest.LoadSQLiteFixture(ctx, src, 20000); err != nil {
		t.Fatal(err)
	}
	snap := filepath.Join(dir, "snap")
	var last [2]int64
	info, err := New().Dump(ctx, "sqlite://"+src, snap, engine.Options{Progress: func(d, tot int64) { last = [2]int64{d, tot} }})
	if err != nil {
		t.Fatalf("Dump: %v", err)
	}
	if info.Engine != "sqlite" || info.ServerVersion == "" || info.DataSize <= 0 {
		t.Errorf("Dump info = %+v", info)
	}
	if last[0] != last[1] || last[0] == 0 {
		t.Errorf("last progress = %v, want complete", last)
	}
	if err := New().Restore(ctx, snap, "sqlite:"+dst, engine.Options{Source: src}); err != nil {
		t.Fatalf("Restore: %v", err)
	}
	want, err := enginetest.SQLiteDump(ctx, src)
	if err != nil {
		t.Fatal(err)
	}
	got, err := enginetest.SQLiteDump(ctx, dst)
	if err != nil {
		t.Fatal(err)
	}
	if got != want {
		t.Fatalf("restored database differs:\n got: %s\nwant: %s", got, want)
	}
	entries, _ := os.ReadDir(filepath.Dir(dst))
	for _, e := range entries {
		if e.Name() != "app.db" && e.Name() != "app.db-wal" && e.Name() != "app.db-shm" {
			t.Errorf("restore left %s beside the destination", e.Name())
		}
	}
}

// TestDumpWhileWriting dumps a database that a writer changes all the while: every copy must
// be a consistent state, where the two tables the writer fills in one transaction match.
func TestDumpWhileWriting(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	src := filepath.Join(dir, "busy.db")
	w, err := sql.Open("sqlite", "file:"+src+"?_pragma=busy_timeout(30000)&_pragma=journal_mode(WAL)")
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	w.SetMaxOpenConns(1)
	if _, err := w.Exec("CREATE TABLE a (n INTEGER, pad TEXT); CREATE TABLE b (n INTEGER, pad TEXT);"); err != nil {
		t.Fatal(err)
	}
	stop := make(chan struct{})
	var writes atomic.Int64
	writerErr := make(chan error, 1)
	go func() {
		for i := 0; ; i++ {
			select {
			case <-stop:
				writerErr <- nil
				return
			default:
			}
			tx, err := w.Begin()
			if err != nil {
				writerErr <- err
				return
			}
			for _, q := range []string{"INSERT INTO a VALUES (?, randomblob(2000))", "INSERT INTO b VALUES (?, randomblob(2000))"} {
				if _, err := tx.Exec(q, i); err != nil {
					tx.Rollback()
					writerErr <- err
					return
				}
			}
			if err := tx.Commit(); err != nil {
				writerErr <- err
				return
			}
			writes.Add(1)
		}
	}()
	for writes.Load() < 200 && len(writerErr) == 0 {
		time.Sleep(5 * time.Millisecond) // let the writer get going
	}
	for i := range 5 {
		snap := filepath.Join(dir, "snap", string(rune('a'+i)))
		os.MkdirAll(filepath.Dir(snap), 0o755)
		if _, err := New().Dump(ctx, src, snap, engine.Options{}); err != nil {
			t.Fatalf("Dump %d: %v", i, err)
		}
		c, err := sql.Open("sqlite", "file:"+filepath.Join(snap, FileName)+"?mode=ro")
		if err != nil {
			t.Fatal(err)
		}
		var na, nb int
		var check string
		err = c.QueryRow("SELECT (SELECT count(*) FROM a), (SELECT count(*) FROM b), (SELECT integrity_check FROM pragma_integrity_check)").Scan(&na, &nb, &check)
		c.Close()
		if err != nil {
			t.Fatal(err)
		}
		if na != nb || na == 0 || check != "ok" {
			t.Fatalf("copy %d is inconsistent: a=%d b=%d integrity=%s", i, na, nb, check)
		}
	}
	close(stop)
	if err := <-writerErr; err != nil {
		t.Fatalf("writer: %v", err)
	}
}

func TestLoadSQL(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	dst := filepath.Join(dir, "dev.db")
	good := filepath.Join(dir, "good.sql")
	bad := filepath.Join(dir, "bad.sql")
	os.WriteFile(good, []byte("CREATE TABLE t (id INTEGER); INSERT INTO t VALUES (1), (2);"), 0o600)
	os.WriteFile(bad, []byte("CREATE TABLE u (id INTEGER); SELECT nope FROM u;"), 0o600)
	if err := New().LoadSQL(ctx, good, dst, engine.Options{}); err != nil {
		t.Fatalf("LoadSQL: %v", err)
	}
	before, err := enginetest.SQLiteDump(ctx, dst)
	if err != nil {
		t.Fatal(err)
	}
	err = New().LoadSQL(ctx, bad, dst, engine.Options{})
	if want := bad + " failed to run; nothing was changed"; errs.Public(err, "") != want || !errors.Is(err, errs.ErrInvalid) {
		t.Fatalf("LoadSQL(bad) = %v, want %q", err, want)
	}
	after, err := enginetest.SQLiteDump(ctx, dst)
	if err != nil {
		t.Fatal(err)
	}
	if after != before {
		t.Fatalf("a failed load changed the destination:\n%s\n%s", before, after)
	}
}

func TestErrors(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	src := filepath.Join(dir, "app.db")
	if err := enginetest.LoadSQLiteFixture(ctx, src, 10); err != nil {
		t.Fatal(err)
	}
	snap := filepath.Join(dir, "snap")
	if _, err := New().Dump(ctx, src, snap, engine.Options{}); err != nil {
		t.Fatal(err)
	}
	missing := filepath.Join(dir, "missing.db")
	tests := []struct {
		name    string
		run     func() error
		kind    error
		message string
	}{
		{
			name: "missing source",
			run: func() error {
				_, err := New().Dump(ctx, "sqlite://"+missing, filepath.Join(dir, "x"), engine.Options{})
				return err
			},
			kind:    errs.ErrNotFound,
			message: "SQLite database " + missing + " does not exist; check the target's src_url",
		},
		{
			name:    "destination is the source",
			run:     func() error { return New().Restore(ctx, snap, "sqlite://"+src, engine.Options{Source: src}) },
			kind:    errs.ErrInvalid,
			message: "dst_url " + src + " is the target's source database; clonit never writes to a source: set another dst_url with `clonit targets edit`",
		},
		{
			name:    "not a database",
			run:     func() error { _, err := New().Check(ctx, filepath.Join(snap, "..", "snap")); return err },
			kind:    errs.ErrInvalid,
			message: snap + " is a directory, not a SQLite database",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.run()
			if !errors.Is(err, tt.kind) || errs.Public(err, "") != tt.message {
				t.Fatalf("error = %v\nwant kind %v and message %s", err, tt.kind, tt.message)
			}
		})
	}
	if _, err := os.Stat(missing); !errors.Is(err, os.ErrNotExist) {
		t.Error("a failed dump created the missing source")
	}
}
