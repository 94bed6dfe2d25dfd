package postgres

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/clonit/clonit/internal/engine"
	"github.com/clonit/clonit/internal/engine/enginetest"
	"github.com/clonit/clonit/internal/errs"
	"github.com/clonit/clonit/internal/testutil"
)

// serverInfo returns the test server's version and major.
func serverInfo(t *testing.T, url string) (string, int) {
	t.Helper()
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	v, major, err := serverVersion(ctx, conn)
	if err != nil {
		t.Fatal(err)
	}
	return v, major
}

// fakeTool writes an executable script named name into dir that prints out.
func fakeTool(t *testing.T, dir, name, out string) {
	t.Helper()
	script := fmt.Sprintf("#!/bin/sh\necho '%s'\n", out)
	if err := os.WriteFile(filepath.Join(dir, name), []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
}

func TestDumpErrors(t *testing.T) {
	src := testutil.NewPostgresDB(t)
	ver, major := serverInfo(t, src)
	pw := enginetest.NeedPasswordServer(t)
	wrongPW := strings.Replace(pw.URL, pw.Password, "not-the-password", 1)
	redactedPW := strings.Replace(pw.URL, pw.Password, "xxxxx", 1)
	missingDB := testutil.WithDatabase(src, "clonit_no_such_db")

	tests := []struct {
		name    string
		url     string
		path    string // PATH for the run ("" = unchanged); the versioned dirs are not searched
		kind    error
		message string
	}{
		{
			name:    "not a postgres url",
			url:     "mysql://root@localhost/app",
			kind:    errs.ErrInvalid,
			message: `"mysql://root@localhost/app" is not a PostgreSQL URL; use postgres://user:password@host:5432/dbname`,
		},
		{
			name:    "no database in url",
			url:     "postgres://postgres@127.0.0.1:5432",
			kind:    errs.ErrInvalid,
			message: "postgres://postgres@127.0.0.1:5432 names no database; add one to the path: postgres://host:5432/dbname",
		},
		{
			name:    "unreachable",
			url:     "postgres://app:hunter2@127.0.0.1:1/app?sslmode=disable",
			kind:    errs.ErrUnavailable,
			message: "cannot reach PostgreSQL at 127.0.0.1:1; check that the server is running and that postgres://app:xxxxx@127.0.0.1:1/app?sslmode=disable is right",
		},
		{
			name:    "missing database",
			url:     missingDB,
			kind:    errs.ErrNotFound,
			message: fmt.Sprintf(`database "clonit_no_such_db" does not exist on 127.0.0.1:5432; create it or fix the URL %s`, missingDB),
		},
		{
			name:    "wrong password",
			url:     wrongPW,
			kind:    errs.ErrUnauthenticated,
			message: fmt.Sprintf("PostgreSQL at 127.0.0.1:%d refused the credentials of postgres; check the user and password in %s", pw.Port, redactedPW),
		},
		{
			name:    "pg_dump missing",
			url:     src,
			path:    "empty",
			kind:    errs.ErrUnavailable,
			message: fmt.Sprintf("pg_dump is not installed (looked on PATH); install pg_dump %d or newer, e.g. `apt install postgresql-client-%d`", major, major),
		},
		{
			name:    "pg_dump older than the server",
			url:     src,
			path:    "old",
			kind:    errs.ErrUnavailable,
			message: fmt.Sprintf("pg_dump 9.6 is older than the server (PostgreSQL %s) and cannot read it; install pg_dump %d or newer, e.g. `apt install postgresql-client-%d`, and put it on PATH", ver, major, major),
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.path != "" {
				dir := t.TempDir()
				if tt.path == "old" {
					fakeTool(t, dir, "pg_dump", "pg_dump (PostgreSQL) 9.6.24")
				}
				t.Setenv("PATH", dir)
				t.Setenv(EnvBinDirs, "")
			}
			dir := filepath.Join(t.TempDir(), "snap")
			_, err := New().Dump(context.Background(), tt.url, dir, engine.Options{})
			if !errors.Is(err, tt.kind) {
				t.Fatalf("Dump error = %v, want kind %v", err, tt.kind)
			}
			if got := errs.Public(err, ""); got != tt.message {
				t.Errorf("message\n got: %s\nwant: %s", got, tt.message)
			}
			if strings.Contains(err.Error(), "not-the-password") || strings.Contains(err.Error(), "hunter2") {
				t.Errorf("error shows a password: %v", err)
			}
			if _, err := os.Stat(dir); !errors.Is(err, os.ErrNotExist) {
				t.Errorf("a failed dump left %s behind", dir)
			}
		})
	}
}

func TestRestoreErrors(t *testing.T) {
	ctx := context.Background()
	src := testutil.NewPostgresDB(t)
	enginetest.PostgresFixture(t, src, 10)
	dir := filepath.Join(t.TempDir(), "snap")
	if _, err := New().Dump(ctx, src, dir, engine.Options{}); err != nil {
		t.Fatal(err)
	}
	before, err := enginetest.PostgresRows(ctx, src)
	if err != nil {
		t.Fatal(err)
	}
	pw := enginetest.NeedPasswordServer(t)
	wrongPW := strings.Replace(testutil.WithDatabase(pw.URL, "dev"), pw.Password, "not-the-password", 1)

	tests := []struct {
		name    string
		dst     string
		kind    error
		message string
	}{
		{
			name:    "destination is the source",
			dst:     strings.Replace(src, "127.0.0.1", "localhost", 1),
			kind:    errs.ErrInvalid,
			message: fmt.Sprintf("dst_url %s is the target's source database; clonit never writes to a source: set another dst_url with `clonit targets edit`", strings.Replace(src, "127.0.0.1", "localhost", 1)),
		},
		{
			name:    "wrong password",
			dst:     wrongPW,
			kind:    errs.ErrUnauthenticated,
			message: fmt.Sprintf("PostgreSQL at 127.0.0.1:%d refused the credentials of postgres; check the user and password in %s", pw.Port, strings.Replace(wrongPW, "not-the-password", "xxxxx", 1)),
		},
		{
			name:    "unreachable",
			dst:     "postgres://postgres@127.0.0.1:1/dev",
			kind:    errs.ErrUnavailable,
			message: "cannot reach PostgreSQL at 127.0.0.1:1; check that the server is running and that postgres://postgres@127.0.0.1:1/dev is right",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := New().Restore(ctx, dir, tt.dst, engine.Options{Source: src})
			if !errors.Is(err, tt.kind) {
				t.Fatalf("Restore error = %v, want kind %v", err, tt.kind)
			}
			if got := errs.Public(err, ""); got != tt.message {
				t.Errorf("message\n got: %s\nwant: %s", got, tt.message)
			}
			if strings.Contains(err.Error(), "not-the-password") {
				t.Errorf("error shows the password: %v", err)
			}
		})
	}
	after, err := enginetest.PostgresRows(ctx, src)
	if err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(before) != fmt.Sprint(after) {
		t.Fatal("the source changed")
	}
}

// TestPasswordReachesTools dumps from and restores into a server that demands a password:
// the tools get it through PGPASSWORD, never on their command line.
func TestPasswordReachesTools(t *testing.T) {
	ctx := context.Background()
	pw := enginetest.NeedPasswordServer(t)
	src := testutil.WithDatabase(pw.URL, "postgres")
	dst := testutil.WithDatabase(pw.URL, "restored")
	dir := filepath.Join(t.TempDir(), "snap")
	if _, err := New().Dump(ctx, src, dir, engine.Options{Jobs: 2}); err != nil {
		t.Fatalf("Dump: %v", err)
	}
	if err := New().Restore(ctx, dir, dst, engine.Options{Jobs: 2, Source: src}); err != nil {
		t.Fatalf("Restore: %v", err)
	}
	d, _ := parseURL(dst)
	if strings.Contains(d.noPass, pw.Password) {
		t.Fatalf("the URL for argv holds the password: %s", d.noPass)
	}
}
