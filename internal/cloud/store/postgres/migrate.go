package postgres

import (
	"context"
	"embed"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/clonit/clonit/internal/cloud/store"
)

//go:embed migrations/*.sql
var migrationFS embed.FS

// migrationLock is the key of the advisory lock held while migrating ("clonit" in ASCII).
const migrationLock int64 = 0x636c6f6e6974

// migrate applies the embedded migrations that schema_migrations does not list yet, each in
// its own transaction, all under a session advisory lock so that processes starting at once
// against one database apply each migration exactly once.
func (d *DB) migrate(ctx context.Context) (err error) {
	migrations, err := store.LoadMigrations(migrationFS, "migrations")
	if err != nil {
		return err
	}
	conn, err := d.pool.Acquire(ctx)
	if err != nil {
		return unreachable(d.where, err)
	}
	defer conn.Release()
	if _, err := conn.Exec(ctx, `SELECT pg_advisory_lock($1)`, migrationLock); err != nil {
		return d.wrap(err, "lock migrations")
	}
	defer func() {
		if _, uerr := conn.Exec(context.WithoutCancel(ctx), `SELECT pg_advisory_unlock($1)`, migrationLock); uerr != nil {
			// A connection that may still hold the lock must not go back to the pool.
			_ = conn.Hijack().Close(context.WithoutCancel(ctx))
		}
	}()
	if _, err := conn.Exec(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
		version    integer PRIMARY KEY,
		applied_at timestamptz NOT NULL
	)`); err != nil {
		return d.wrap(err, "create schema_migrations")
	}
	for _, m := range migrations {
		err := pgx.BeginFunc(ctx, conn, func(tx pgx.Tx) error {
			var n int
			if err := tx.QueryRow(ctx, `SELECT count(*) FROM schema_migrations WHERE version = $1`, m.Version).Scan(&n); err != nil || n > 0 {
				return err
			}
			if _, err := tx.Exec(ctx, m.SQL); err != nil {
				return err
			}
			_, err := tx.Exec(ctx, `INSERT INTO schema_migrations (version, applied_at) VALUES ($1, $2)`, m.Version, store.Now())
			return err
		})
		if err != nil {
			return d.wrap(err, fmt.Sprintf("apply migration %s", m.Name))
		}
	}
	return nil
}
