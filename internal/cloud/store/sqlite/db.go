// Package sqlite implements cloud.Store on an embedded SQLite database (the pure-Go
// modernc.org/sqlite driver), the default of a single-machine Clonit Cloud.
//
// The database runs in WAL mode with a busy timeout and foreign keys on. Writes go through
// one connection, so they queue in Go rather than fail on SQLite's single-writer lock, and
// transactions start with BEGIN IMMEDIATE, so InOrgTx serializes against every other writer,
// including other processes on the same file. Reads use a separate pool of read-only
// connections that WAL lets run beside the writer.
//
// Inside InOrgTx, fn must use the Store it receives: a write through the outer DB would wait
// for the writer connection that the transaction holds until its context ends.
package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"sync"

	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"

	"github.com/clonit/clonit/internal/cloud"
	"github.com/clonit/clonit/internal/cloud/store"
	"github.com/clonit/clonit/internal/errs"
)

// busyTimeoutMS is how long a connection waits for another process's lock before failing.
const busyTimeoutMS = "10000"

// DB is a cloud.Store on one SQLite file. It is safe for concurrent use.
type DB struct {
	*queries
	path  string
	read  *sql.DB // read-only pool
	write *sql.DB // the one writer connection
	// stmts holds prepared statements of the read pool, by query (see readStmt).
	stmts sync.Map
}

var _ cloud.Store = (*DB)(nil)

// querier is what *sql.DB and *sql.Tx have in common.
type querier interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// queries holds the methods of cloud.Store that run on either the database or a
// transaction. Outside a transaction r is the read pool and w the writer; inside one both
// are the transaction, so that fn sees its own writes.
type queries struct {
	db   *DB
	r, w querier
	tx   *sql.Tx // nil outside a transaction
}

// Open opens the SQLite database at path, creating the file (mode 0600) and its directory
// when missing, and applies pending migrations.
func Open(ctx context.Context, path string) (*DB, error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, errs.Wrap(errs.ErrUnavailable, err, "cannot create the directory of the database %s: check the data directory", path)
	}
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, errs.Wrap(errs.ErrUnavailable, err, "cannot open the database %s: check the data directory and its permissions", path)
	}
	f.Close()

	write, err := sql.Open("sqlite", dsn(path, false))
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	write.SetMaxOpenConns(1)
	write.SetMaxIdleConns(1)
	write.SetConnMaxLifetime(0)
	write.SetConnMaxIdleTime(0)

	read, err := sql.Open("sqlite", dsn(path, true))
	if err != nil {
		write.Close()
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	n := max(4, runtime.NumCPU())
	read.SetMaxOpenConns(n)
	read.SetMaxIdleConns(n)

	d := &DB{path: path, read: read, write: write}
	d.queries = &queries{db: d, r: read, w: write}
	if err := d.migrate(ctx); err != nil {
		d.Close()
		return nil, err
	}
	return d, nil
}

// dsn returns the driver's connection string for path: WAL, the busy timeout, foreign keys,
// and BEGIN IMMEDIATE for transactions (writer) or query_only (readers).
func dsn(path string, readOnly bool) string {
	q := url.Values{}
	q.Set("_busy_timeout", busyTimeoutMS)
	q.Set("_journal_mode", "WAL")
	q.Set("_synchronous", "NORMAL")
	q.Set("_foreign_keys", "1")
	if readOnly {
		q.Set("_query_only", "1")
	} else {
		q.Set("_txlock", "immediate")
	}
	return "file:" + path + "?" + q.Encode()
}

// Ping checks that the database answers.
func (d *DB) Ping(ctx context.Context) error {
	if err := d.read.PingContext(ctx); err != nil {
		return d.unavailable(err)
	}
	return nil
}

// Close closes both pools.
func (d *DB) Close() error {
	d.stmts.Range(func(_, s any) bool { s.(*sql.Stmt).Close(); return true })
	return errors.Join(d.read.Close(), d.write.Close())
}

// InOrgTx runs fn in one IMMEDIATE transaction: SQLite's write lock is the org's lock (and
// every other org's), held from the first statement to the commit. An unknown org returns
// errs.ErrNotFound. If fn returns an error, the transaction is rolled back.
func (d *DB) InOrgTx(ctx context.Context, orgID string, fn func(tx cloud.Store) error) error {
	return d.inTx(ctx, func(q *queries) error {
		return q.lockedOrg(ctx, orgID, fn)
	})
}

// inTx runs fn in a write transaction, or in the current one when q already is one.
func (q *queries) inTx(ctx context.Context, fn func(q *queries) error) error {
	if q.tx != nil {
		return fn(q)
	}
	tx, err := q.db.write.BeginTx(ctx, nil)
	if err != nil {
		return q.db.wrap(err, "begin transaction")
	}
	txq := &queries{db: q.db, r: tx, w: tx, tx: tx}
	if err := fn(txq); err != nil {
		_ = tx.Rollback()
		return err
	}
	if err := tx.Commit(); err != nil {
		return q.db.wrap(err, "commit")
	}
	return nil
}

// lockedOrg checks that the org exists and runs fn with a Store bound to q's transaction.
func (q *queries) lockedOrg(ctx context.Context, orgID string, fn func(tx cloud.Store) error) error {
	var one int
	err := q.w.QueryRowContext(ctx, `SELECT 1 FROM orgs WHERE id = ?`, orgID).Scan(&one)
	if errors.Is(err, sql.ErrNoRows) {
		return store.ErrOrgNotFound("")
	}
	if err != nil {
		return q.db.wrap(err, "lock organization")
	}
	return fn(txStore{q})
}

// txStore is the cloud.Store that InOrgTx hands to fn: every method runs in the transaction.
type txStore struct{ *queries }

// InOrgTx runs fn in the same transaction, which already holds the write lock.
func (t txStore) InOrgTx(ctx context.Context, orgID string, fn func(tx cloud.Store) error) error {
	return t.lockedOrg(ctx, orgID, fn)
}

// Ping checks that the transaction's connection answers.
func (t txStore) Ping(ctx context.Context) error {
	var one int
	return t.db.wrap(t.r.QueryRowContext(ctx, `SELECT 1`).Scan(&one), "ping")
}

// Close does nothing: the transaction ends when InOrgTx returns.
func (t txStore) Close() error { return nil }

// wrap adds context to a database error and turns SQLite's "busy" into errs.ErrUnavailable.
// It returns nil for a nil err.
func (d *DB) wrap(err error, what string) error {
	if err == nil {
		return nil
	}
	if code := sqliteCode(err); code&0xff == sqlite3.SQLITE_BUSY || code&0xff == sqlite3.SQLITE_LOCKED {
		return errs.Wrap(errs.ErrUnavailable, err, "the database is busy: try again")
	}
	if errs.KindOf(err) != nil {
		return err
	}
	return fmt.Errorf("%s: %w", what, err)
}

// unavailable reports that the database file cannot be used.
func (d *DB) unavailable(err error) error {
	return errs.Wrap(errs.ErrUnavailable, err, "cannot use the database %s: check the data directory", d.path)
}

// sqliteCode returns the extended result code of a SQLite error, or 0.
func sqliteCode(err error) int {
	var e *sqlite.Error
	if errors.As(err, &e) {
		return e.Code()
	}
	return 0
}

// isUnique reports a UNIQUE or PRIMARY KEY constraint violation.
func isUnique(err error) bool {
	c := sqliteCode(err)
	return c == sqlite3.SQLITE_CONSTRAINT_UNIQUE || c == sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY
}

// isForeignKey reports a FOREIGN KEY constraint violation.
func isForeignKey(err error) bool {
	return sqliteCode(err) == sqlite3.SQLITE_CONSTRAINT_FOREIGNKEY
}
