// Package postgres implements cloud.Store on PostgreSQL through pgx, for Clonit Cloud in
// production, where several processes may serve one database at once.
//
// InOrgTx locks the org's row (SELECT ... FOR UPDATE), so that the membership rules of one
// org serialize across every process; migrations run under a session advisory lock, so
// that processes starting together apply each one exactly once.
package postgres

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"strings"
	"syscall"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/clonit/clonit/internal/cloud"
	"github.com/clonit/clonit/internal/cloud/store"
	"github.com/clonit/clonit/internal/errs"
)

// connectTimeout bounds each connection attempt when the URL sets no connect_timeout.
const connectTimeout = 10 * time.Second

// DB is a cloud.Store on a PostgreSQL database. It is safe for concurrent use.
type DB struct {
	*queries
	pool  *pgxpool.Pool
	where string // host:port/database, for messages (never the password)
}

var _ cloud.Store = (*DB)(nil)

// dbtx is what *pgxpool.Pool and pgx.Tx have in common.
type dbtx interface {
	Exec(ctx context.Context, sql string, args ...any) (pgconn.CommandTag, error)
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
}

// queries holds the methods of cloud.Store that run on either the pool or a transaction.
type queries struct {
	db *DB
	q  dbtx
	tx pgx.Tx // nil outside a transaction
}

// Open connects to the database at url (postgres://user:password@host:port/database),
// checks that it answers and applies pending migrations. A server that cannot be reached
// returns errs.ErrUnavailable naming host:port/database; a malformed URL errs.ErrInvalid.
// Neither message contains the password.
func Open(ctx context.Context, url string) (*DB, error) {
	cfg, err := pgxpool.ParseConfig(url)
	if err != nil {
		// The parser's error may quote the URL, password included: keep it out entirely.
		return nil, errs.Invalid("the database URL is not a valid PostgreSQL URL: use postgres://user:password@host:port/database")
	}
	if cfg.ConnConfig.ConnectTimeout == 0 {
		cfg.ConnConfig.ConnectTimeout = connectTimeout
	}
	where := fmt.Sprintf("%s:%d/%s", cfg.ConnConfig.Host, cfg.ConnConfig.Port, cfg.ConnConfig.Database)
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, unreachable(where, err)
	}
	d := &DB{pool: pool, where: where}
	d.queries = &queries{db: d, q: pool}
	if err := pool.Ping(ctx); err != nil {
		pool.Close()
		return nil, unreachable(where, err)
	}
	if err := d.migrate(ctx); err != nil {
		pool.Close()
		return nil, err
	}
	return d, nil
}

// unreachable builds the error of a failed connection: what failed, where, and what to check.
func unreachable(where string, err error) error {
	return errs.Wrap(errs.ErrUnavailable, err, "cannot connect to PostgreSQL at %s (%s): check the database URL and that the server is running", where, reason(err))
}

// reason says in a few safe words why a connection failed.
func reason(err error) string {
	var pgErr *pgconn.PgError
	var dnsErr *net.DNSError
	switch {
	case errors.As(err, &pgErr):
		return pgErr.Message
	case errors.Is(err, syscall.ECONNREFUSED):
		return "connection refused"
	case errors.As(err, &dnsErr):
		return "unknown host"
	case pgconn.Timeout(err), errors.Is(err, context.DeadlineExceeded):
		return "timed out"
	}
	return "no answer"
}

// Ping checks that the database answers.
func (d *DB) Ping(ctx context.Context) error {
	if err := d.pool.Ping(ctx); err != nil {
		return unreachable(d.where, err)
	}
	return nil
}

// Close closes every connection of the pool.
func (d *DB) Close() error {
	d.pool.Close()
	return nil
}

// InOrgTx runs fn in a transaction that first locks the org's row, so that two InOrgTx on
// the same org, in any process, run one after the other; reads in fn see what the previous
// one committed. An unknown org returns errs.ErrNotFound. If fn returns an error, the
// transaction is rolled back.
func (d *DB) InOrgTx(ctx context.Context, orgID string, fn func(tx cloud.Store) error) error {
	return d.inTx(ctx, func(q *queries) error {
		return q.lockedOrg(ctx, orgID, fn)
	})
}

// inTx runs fn in a transaction, or in the current one when q already is one.
func (q *queries) inTx(ctx context.Context, fn func(q *queries) error) error {
	if q.tx != nil {
		return fn(q)
	}
	tx, err := q.db.pool.Begin(ctx)
	if err != nil {
		return q.db.wrap(err, "begin transaction")
	}
	if err := fn(&queries{db: q.db, q: tx, tx: tx}); err != nil {
		_ = tx.Rollback(context.WithoutCancel(ctx))
		return err
	}
	return q.db.wrap(tx.Commit(ctx), "commit")
}

// lockedOrg locks the org's row and runs fn with a Store bound to q's transaction.
func (q *queries) lockedOrg(ctx context.Context, orgID string, fn func(tx cloud.Store) error) error {
	var one int
	err := q.q.QueryRow(ctx, `SELECT 1 FROM orgs WHERE id = $1 FOR UPDATE`, orgID).Scan(&one)
	if errors.Is(err, pgx.ErrNoRows) {
		return store.ErrOrgNotFound("")
	}
	if err != nil {
		return q.db.wrap(err, "lock organization")
	}
	return fn(txStore{q})
}

// txStore is the cloud.Store that InOrgTx hands to fn: every method runs in the transaction.
type txStore struct{ *queries }

// InOrgTx locks another org in the same transaction (or the same one again) and runs fn.
func (t txStore) InOrgTx(ctx context.Context, orgID string, fn func(tx cloud.Store) error) error {
	return t.lockedOrg(ctx, orgID, fn)
}

// Ping checks that the transaction's connection answers.
func (t txStore) Ping(ctx context.Context) error {
	_, err := t.q.Exec(ctx, `SELECT 1`)
	return t.db.wrap(err, "ping")
}

// Close does nothing: the transaction ends when InOrgTx returns.
func (t txStore) Close() error { return nil }

// wrap adds context to a database error and turns a lost or refused connection into
// errs.ErrUnavailable. It returns nil for a nil err.
func (d *DB) wrap(err error, what string) error {
	switch {
	case err == nil:
		return nil
	case errs.KindOf(err) != nil:
		return err
	case connectionLost(err):
		return errs.Wrap(errs.ErrUnavailable, err, "the database at %s cannot be reached: try again later", d.where)
	}
	return fmt.Errorf("%s: %w", what, err)
}

// connectionLost reports errors that mean the server is gone rather than the query wrong.
func connectionLost(err error) bool {
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) {
		// Class 08: connection exception; 57P: operator intervention (shutdown);
		// 53300: too many connections.
		return strings.HasPrefix(pgErr.Code, "08") || strings.HasPrefix(pgErr.Code, "57P") || pgErr.Code == "53300"
	}
	var connErr *pgconn.ConnectError
	var netErr net.Error
	return errors.As(err, &connErr) || errors.As(err, &netErr) || pgconn.SafeToRetry(err) ||
		errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, pgconn.ErrConnClosed)
}

// pgCode returns the SQLSTATE of a server error, or "".
func pgCode(err error) string {
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) {
		return pgErr.Code
	}
	return ""
}

// isUnique reports a unique_violation; isForeignKey a foreign_key_violation.
func isUnique(err error) bool     { return pgCode(err) == "23505" }
func isForeignKey(err error) bool { return pgCode(err) == "23503" }
