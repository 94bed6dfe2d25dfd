package agent

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"

	_ "modernc.org/sqlite" // the "sqlite" database/sql driver, pure Go

	"github.com/clonit/clonit/internal/errs"
)

// DBFileName is the name of the local metadata database inside the working directory.
const DBFileName = "clonit.db"

//go:embed migrations/*.sql
var migrationFS embed.FS

// timeLayout is fixed-width so that stored times sort as text.
const timeLayout = "2006-01-02T15:04:05.000000000Z"

// DB is the agent's local metadata database (SQLite): targets, storage profiles, the snapshot
// catalog and sanitize queries. It implements LocalStore. Secrets are encrypted with its
// Cipher on write and decrypted on read, so callers only ever see plain values.
type DB struct {
	db     *sql.DB
	cipher *Cipher
	now    func() time.Time
}

var _ LocalStore = (*DB)(nil)

// OpenDB opens (creating if needed, with mode 0600) the database at path, applies pending
// migrations and uses secretKey (the config's secret_key, hex) for the secrets in it.
func OpenDB(ctx context.Context, path, secretKey string) (*DB, error) {
	c, err := NewCipher(secretKey)
	if err != nil {
		return nil, err
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, fmt.Errorf("create working directory: %w", err)
	}
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, errs.Wrap(errs.ErrUnavailable, err, "cannot open the local database %s; check the working_directory in your config", path)
	}
	f.Close()
	q := url.Values{}
	q.Add("_pragma", "busy_timeout(10000)")
	q.Add("_pragma", "journal_mode(WAL)")
	q.Add("_pragma", "foreign_keys(1)")
	q.Add("_pragma", "synchronous(NORMAL)")
	q.Set("_txlock", "immediate")
	sqldb, err := sql.Open("sqlite", "file:"+path+"?"+q.Encode())
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	// One connection: SQLite has one writer, and the agent's work is small.
	sqldb.SetMaxOpenConns(1)
	d := &DB{db: sqldb, cipher: c, now: time.Now}
	if err := d.migrate(ctx); err != nil {
		sqldb.Close()
		return nil, err
	}
	return d, nil
}

// Close closes the database.
func (d *DB) Close() error { return d.db.Close() }

// SetClock replaces the clock that stamps created and updated times (tests use a fixed one).
func (d *DB) SetClock(now func() time.Time) {
	if now != nil {
		d.now = now
	}
}

// Cipher returns the cipher the database encrypts secrets with.
func (d *DB) Cipher() *Cipher { return d.cipher }

// SchemaVersion returns the number of the newest applied migration.
func (d *DB) SchemaVersion(ctx context.Context) (int, error) {
	var v int
	err := d.db.QueryRowContext(ctx, `SELECT COALESCE(MAX(version), 0) FROM schema_migrations`).Scan(&v)
	return v, err
}

type migration struct {
	version int
	name    string
	sql     string
}

// migrations returns the embedded migrations, ordered by their number (0001_name.sql).
func migrations() ([]migration, error) {
	entries, err := fs.ReadDir(migrationFS, "migrations")
	if err != nil {
		return nil, err
	}
	var ms []migration
	for _, e := range entries {
		num, _, ok := strings.Cut(e.Name(), "_")
		v, err := strconv.Atoi(num)
		if !ok || err != nil {
			return nil, fmt.Errorf("migration %s: name must start with a number", e.Name())
		}
		data, err := migrationFS.ReadFile("migrations/" + e.Name())
		if err != nil {
			return nil, err
		}
		ms = append(ms, migration{version: v, name: e.Name(), sql: string(data)})
	}
	sort.Slice(ms, func(i, j int) bool { return ms[i].version < ms[j].version })
	return ms, nil
}

// migrate applies every migration newer than the database, each in its own transaction.
func (d *DB) migrate(ctx context.Context) error {
	if _, err := d.db.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
		version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)`); err != nil {
		return errs.Wrap(errs.ErrUnavailable, err, "cannot initialise the local database")
	}
	current, err := d.SchemaVersion(ctx)
	if err != nil {
		return fmt.Errorf("read schema version: %w", err)
	}
	ms, err := migrations()
	if err != nil {
		return err
	}
	if n := len(ms); n > 0 && current > ms[n-1].version {
		return errs.E(errs.ErrConflict, "the local database was written by a newer clonit (schema %d, this one knows %d); upgrade clonit", current, ms[n-1].version)
	}
	for _, m := range ms {
		if m.version <= current {
			continue
		}
		err := d.tx(ctx, func(tx *sql.Tx) error {
			if _, err := tx.ExecContext(ctx, m.sql); err != nil {
				return err
			}
			_, err := tx.ExecContext(ctx, `INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)`,
				m.version, m.name, formatTime(d.now()))
			return err
		})
		if err != nil {
			return fmt.Errorf("migration %s: %w", m.name, err)
		}
	}
	return nil
}

// tx runs f in a transaction, committing when it returns nil.
func (d *DB) tx(ctx context.Context, f func(*sql.Tx) error) error {
	tx, err := d.db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	if err := f(tx); err != nil {
		tx.Rollback()
		return err
	}
	return tx.Commit()
}

func formatTime(t time.Time) string { return t.UTC().Format(timeLayout) }

func parseTime(s string) time.Time {
	t, err := time.Parse(timeLayout, s)
	if err != nil {
		return time.Time{}
	}
	return t
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// isNoRows reports whether err is sql.ErrNoRows.
func isNoRows(err error) bool { return errors.Is(err, sql.ErrNoRows) }
