package main

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
)

// The catalog's rows are written in bulk, straight into the tables, because creating
// 100,000 snapshots one store call at a time takes minutes on PostgreSQL; what is measured,
// the listing, goes through the store and the API as in production.

// snapRow, groupRow and orgRow are rows of cloud_snapshots, snapshot_group_shares and
// snapshot_org_shares.
type snapRow struct {
	id, org, target, name, sha, pushedBy string
	size                                 int64
	created                              time.Time
	sharedOrg                            bool
}

type groupRow struct {
	snap, group, org string
	created          time.Time
}

type orgRow struct {
	snap, to string
	created  time.Time
}

// catalog is every row to write.
type catalog struct {
	snaps  []snapRow
	groups []groupRow
	orgs   []orgRow
}

// loader writes a catalog into a store's database.
type loader func(ctx context.Context, c catalog) error

// sqliteLoader writes into the SQLite file at path, in one transaction.
func sqliteLoader(path string) loader {
	return func(ctx context.Context, c catalog) error {
		db, err := sql.Open("sqlite", "file:"+path+"?_busy_timeout=10000&_foreign_keys=1")
		if err != nil {
			return err
		}
		defer db.Close()
		tx, err := db.BeginTx(ctx, nil)
		if err != nil {
			return err
		}
		defer tx.Rollback()
		ins := func(query string, rows int, args func(i int) []any) error {
			st, err := tx.PrepareContext(ctx, query)
			if err != nil {
				return err
			}
			defer st.Close()
			for i := range rows {
				if _, err := st.ExecContext(ctx, args(i)...); err != nil {
					return fmt.Errorf("%s: %w", query, err)
				}
			}
			return nil
		}
		err = ins(`INSERT INTO cloud_snapshots (id, org_id, target, name, type, size, sha256, created_at, pushed_by, shared_org, ready)
			VALUES (?, ?, ?, ?, 'sanitized', ?, ?, ?, ?, ?, 1)`, len(c.snaps), func(i int) []any {
			s := c.snaps[i]
			return []any{s.id, s.org, s.target, s.name, s.size, s.sha, s.created.UnixMicro(), s.pushedBy, s.sharedOrg}
		})
		if err == nil {
			err = ins(`INSERT INTO snapshot_group_shares (snapshot_id, group_name, org_id, created_at) VALUES (?, ?, ?, ?)`, len(c.groups), func(i int) []any {
				g := c.groups[i]
				return []any{g.snap, g.group, g.org, g.created.UnixMicro()}
			})
		}
		if err == nil {
			err = ins(`INSERT INTO snapshot_org_shares (snapshot_id, to_org_id, created_at) VALUES (?, ?, ?)`, len(c.orgs), func(i int) []any {
				o := c.orgs[i]
				return []any{o.snap, o.to, o.created.UnixMicro()}
			})
		}
		if err != nil {
			return err
		}
		// No ANALYZE, unlike PostgreSQL (whose autovacuum analyzes a table that grew): the
		// cloud never analyzes its SQLite database, and with statistics in sqlite_stat4 SQLite
		// recompiles every statement whose parameters the planner read, at every run.
		return tx.Commit()
	}
}

// postgresLoader writes into the PostgreSQL database at url with COPY.
func postgresLoader(url string) loader {
	return func(ctx context.Context, c catalog) error {
		conn, err := pgx.Connect(ctx, url)
		if err != nil {
			return err
		}
		defer conn.Close(ctx)
		copyRows := func(table string, cols []string, n int, row func(i int) []any) error {
			_, err := conn.CopyFrom(ctx, pgx.Identifier{table}, cols, pgx.CopyFromSlice(n, func(i int) ([]any, error) { return row(i), nil }))
			if err != nil {
				return fmt.Errorf("copy %s: %w", table, err)
			}
			return nil
		}
		err = copyRows("cloud_snapshots", []string{"id", "org_id", "target", "name", "type", "size", "sha256", "created_at", "pushed_by", "shared_org", "ready"},
			len(c.snaps), func(i int) []any {
				s := c.snaps[i]
				return []any{s.id, s.org, s.target, s.name, "sanitized", s.size, s.sha, s.created, s.pushedBy, s.sharedOrg, true}
			})
		if err == nil {
			err = copyRows("snapshot_group_shares", []string{"snapshot_id", "group_name", "org_id", "created_at"}, len(c.groups), func(i int) []any {
				g := c.groups[i]
				return []any{g.snap, g.group, g.org, g.created}
			})
		}
		if err == nil {
			err = copyRows("snapshot_org_shares", []string{"snapshot_id", "to_org_id", "created_at"}, len(c.orgs), func(i int) []any {
				o := c.orgs[i]
				return []any{o.snap, o.to, o.created}
			})
		}
		if err != nil {
			return err
		}
		_, err = conn.Exec(ctx, `ANALYZE`)
		return err
	}
}
