package postgres

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/clonit/clonit/internal/engine"
	"github.com/clonit/clonit/internal/errs"
)

// Restore drops and recreates the database at dst, then runs pg_restore (with -j opts.Jobs)
// from the dump in dir. Objects are owned by dst's user and carry no grants, so a dump of
// production restores into a developer's server whatever roles it has.
func (e *Engine) Restore(ctx context.Context, dir, dst string, opts engine.Options) error {
	d, admin, t, err := e.prepareDestination(ctx, dst, opts.Source, "pg_restore")
	if err != nil {
		return err
	}
	defer admin.Close(context.WithoutCancel(ctx))
	args := []string{"--format=directory", "--no-owner", "--no-privileges", "--exit-on-error", "--no-password"}
	if opts.Jobs > 0 {
		args = append(args, "--jobs="+strconv.Itoa(opts.Jobs))
	}
	args = append(args, "--dbname="+d.noPass, dir)
	run := func(ctx context.Context) error { return runTool(ctx, t.path("pg_restore"), args, d, nil) }
	if opts.Progress == nil {
		err = run(ctx)
	} else {
		err = withCopyProgress(ctx, admin, d.database, "COPY FROM", restoreSize(dir), opts.Progress, run)
	}
	if err != nil {
		return fmt.Errorf("restore into %s: %w", d.redacted, err)
	}
	return nil
}

// LoadSQL drops and recreates the database at dst, then runs file in it with psql, stopping
// at the first error.
func (e *Engine) LoadSQL(ctx context.Context, file, dst string, opts engine.Options) error {
	f, err := os.Open(file)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return errs.NotFound("SQL file %s does not exist", file)
		}
		return fmt.Errorf("open %s: %w", file, err)
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return fmt.Errorf("stat %s: %w", file, err)
	}
	d, admin, t, err := e.prepareDestination(ctx, dst, opts.Source, "psql")
	if err != nil {
		return err
	}
	admin.Close(ctx)
	var in io.Reader = f
	if opts.Progress != nil {
		opts.Progress(0, st.Size())
		in = &countingReader{r: f, total: st.Size(), report: opts.Progress}
	}
	// psql reads the file from stdin so that progress can be counted; its messages then say
	// <stdin>, which is put back to the file's name.
	args := []string{"--no-psqlrc", "--quiet", "--set=ON_ERROR_STOP=1", "--no-password", "--file=-", "--dbname=" + d.noPass}
	if err := runTool(ctx, t.path("psql"), args, d, in); err != nil {
		return fmt.Errorf("load %s into %s: %s", file, d.redacted, strings.ReplaceAll(err.Error(), "<stdin>", file))
	}
	return nil
}

// prepareDestination checks dst against the source, finds the tool, and replaces dst's
// database with an empty one. It returns an open connection to the server's maintenance
// database, which the caller closes.
func (e *Engine) prepareDestination(ctx context.Context, dst, src, tool string) (dsn, *pgx.Conn, tools, error) {
	d, err := parseURL(dst)
	if err != nil {
		return dsn{}, nil, tools{}, err
	}
	if src != "" {
		if s, err := parseURL(src); err == nil && sameDatabase(s, d) {
			return dsn{}, nil, tools{}, errs.Invalid(
				"dst_url %s is the target's source database; clonit never writes to a source: set another dst_url with `clonit targets edit`", d.redacted)
		}
	}
	admin, err := connectMaintenance(ctx, d)
	if err != nil {
		return dsn{}, nil, tools{}, err
	}
	ver, major, err := serverVersion(ctx, admin)
	if err != nil {
		admin.Close(ctx)
		return dsn{}, nil, tools{}, classify(err, d)
	}
	t, err := findTools(ctx, major, ver, tool)
	if err != nil {
		admin.Close(ctx)
		return dsn{}, nil, tools{}, err
	}
	if err := recreate(ctx, admin, d, major); err != nil {
		admin.Close(ctx)
		return dsn{}, nil, tools{}, err
	}
	return d, admin, t, nil
}

// connectMaintenance connects to the maintenance database (postgres, else template1) of d's
// server, with d's credentials.
func connectMaintenance(ctx context.Context, d dsn) (*pgx.Conn, error) {
	conn, err := dial(ctx, d.withDatabase("postgres"))
	var pe *pgconn.PgError
	if errors.As(err, &pe) && pe.Code == "3D000" {
		conn, err = dial(ctx, d.withDatabase("template1"))
	}
	if err != nil {
		return nil, classify(err, d) // name the destination, not the maintenance database
	}
	return conn, nil
}

// recreate ends every other session on d's database, drops it and creates it empty.
func recreate(ctx context.Context, admin *pgx.Conn, d dsn, major int) error {
	name := pgx.Identifier{d.database}.Sanitize()
	if _, err := admin.Exec(ctx,
		"SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()", d.database); err != nil {
		return schemaErr(err, d, "end the sessions on")
	}
	drop := "DROP DATABASE IF EXISTS " + name
	if major >= 13 {
		drop += " WITH (FORCE)"
	}
	if _, err := admin.Exec(ctx, drop); err != nil {
		return schemaErr(err, d, "drop")
	}
	if _, err := admin.Exec(ctx, "CREATE DATABASE "+name+" TEMPLATE template0"); err != nil {
		return schemaErr(err, d, "create")
	}
	return nil
}

// schemaErr explains a failed DROP or CREATE DATABASE.
func schemaErr(err error, d dsn, verb string) error {
	var pe *pgconn.PgError
	if errors.As(err, &pe) && pe.Code == "42501" {
		return errs.Wrap(errs.ErrPermission, scrub(err, d.password),
			"user %s may not %s database %q on %s; use a dst_url whose user may create databases (CREATEDB) or owns it", d.user, verb, d.database, d.server())
	}
	return fmt.Errorf("%s database %q on %s: %w", verb, d.database, d.server(), classify(err, d))
}

// countingReader reports the bytes read through it.
type countingReader struct {
	r      io.Reader
	n      int64
	total  int64
	report func(done, total int64)
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	c.report(c.n, max(c.total, c.n))
	return n, err
}
