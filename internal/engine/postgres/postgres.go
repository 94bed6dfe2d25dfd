// Package postgres is the PostgreSQL engine: it dumps with pg_dump in directory format,
// restores with pg_restore and runs SQL files with psql, all in parallel where the tools
// allow. It checks before each run that the tools are installed and not older than the
// server, passes passwords only through PGPASSWORD, and never writes to a source database.
package postgres

import (
	"context"
	"fmt"
	"strconv"

	"github.com/jackc/pgx/v5"

	"github.com/clonit/clonit/internal/engine"
)

// Name is the db_type of PostgreSQL targets.
const Name = "postgres"

// Engine is the PostgreSQL engine. The zero value is ready to use.
type Engine struct{}

// New returns the PostgreSQL engine.
func New() *Engine { return &Engine{} }

// Name returns "postgres".
func (*Engine) Name() string { return Name }

// Check connects to the database at url, reads the server's version, and finds pg_dump,
// pg_restore and psql of a major version not older than the server's.
func (e *Engine) Check(ctx context.Context, url string) (engine.Info, error) {
	d, err := parseURL(url)
	if err != nil {
		return engine.Info{}, err
	}
	conn, err := connect(ctx, d)
	if err != nil {
		return engine.Info{}, err
	}
	defer conn.Close(context.WithoutCancel(ctx))
	ver, major, err := serverVersion(ctx, conn)
	if err != nil {
		return engine.Info{}, classify(err, d)
	}
	t, err := findTools(ctx, major, ver, "pg_dump", "pg_restore", "psql")
	if err != nil {
		return engine.Info{}, err
	}
	return engine.Info{Engine: Name, ServerVersion: ver, ToolVersion: "pg_dump " + t.version}, nil
}

// Dump runs pg_dump -Fd (with -j opts.Jobs) from src into dir.
func (e *Engine) Dump(ctx context.Context, src, dir string, opts engine.Options) (engine.Info, error) {
	d, err := parseURL(src)
	if err != nil {
		return engine.Info{}, err
	}
	conn, err := connect(ctx, d)
	if err != nil {
		return engine.Info{}, err
	}
	defer conn.Close(context.WithoutCancel(ctx))
	ver, major, err := serverVersion(ctx, conn)
	if err != nil {
		return engine.Info{}, classify(err, d)
	}
	t, err := findTools(ctx, major, ver, "pg_dump")
	if err != nil {
		return engine.Info{}, err
	}
	info := engine.Info{Engine: Name, ServerVersion: ver, ToolVersion: "pg_dump " + t.version}
	if info.DataSize, err = dataSize(ctx, conn); err != nil {
		return engine.Info{}, classify(err, d)
	}

	args := []string{"--format=directory", "--file=" + dir, "--no-password"}
	if opts.Jobs > 0 {
		args = append(args, "--jobs="+strconv.Itoa(opts.Jobs))
	}
	args = append(args, "--dbname="+d.noPass)
	run := func(ctx context.Context) error { return runTool(ctx, t.path("pg_dump"), args, d, nil) }
	if opts.Progress == nil {
		err = run(ctx)
	} else {
		err = withCopyProgress(ctx, conn, d.database, "COPY TO", info.DataSize, opts.Progress, run)
	}
	if err != nil {
		return engine.Info{}, fmt.Errorf("dump %s: %w", d.redacted, err)
	}
	return info, nil
}

// dataSize sums the on-disk size of the user tables and materialized views.
func dataSize(ctx context.Context, conn *pgx.Conn) (int64, error) {
	var n int64
	err := conn.QueryRow(ctx, `
		SELECT coalesce(sum(pg_table_size(c.oid)), 0)::bigint
		FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
		WHERE c.relkind IN ('r', 'm')
		  AND n.nspname NOT IN ('pg_catalog', 'information_schema')
		  AND n.nspname NOT LIKE 'pg_toast%'`).Scan(&n)
	return n, err
}
