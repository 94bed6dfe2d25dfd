package sqlite

import (
	"context"
	"embed"
	"fmt"

	"github.com/clonit/clonit/internal/cloud/store"
)

//go:embed migrations/*.sql
var migrationFS embed.FS

// migrate applies the embedded migrations that schema_migrations does not list yet. Each
// runs in its own IMMEDIATE transaction that first re-checks the table, so that processes
// opening the same file at once apply each migration exactly once.
func (d *DB) migrate(ctx context.Context) error {
	migrations, err := store.LoadMigrations(migrationFS, "migrations")
	if err != nil {
		return err
	}
	if _, err := d.write.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
		version    INTEGER PRIMARY KEY,
		applied_at INTEGER NOT NULL
	)`); err != nil {
		return d.unavailable(err)
	}
	for _, m := range migrations {
		err := d.inTx(ctx, func(q *queries) error {
			var n int
			if err := q.w.QueryRowContext(ctx, `SELECT count(*) FROM schema_migrations WHERE version = ?`, m.Version).Scan(&n); err != nil {
				return err
			}
			if n > 0 {
				return nil
			}
			if _, err := q.w.ExecContext(ctx, m.SQL); err != nil {
				return err
			}
			_, err := q.w.ExecContext(ctx, `INSERT INTO schema_migrations (version, applied_at) VALUES (?, ?)`,
				m.Version, store.Now().UnixMicro())
			return err
		})
		if err != nil {
			return fmt.Errorf("apply migration %s: %w", m.Name, err)
		}
	}
	return nil
}
