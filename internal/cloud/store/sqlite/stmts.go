package sqlite

import (
	"context"
	"database/sql"
)

// readQuery runs query, a read, with a statement prepared once on the read pool (see
// DB.readStmt), so that the reads of every request (the org, the caller's membership) and the
// members list skip SQLite's parser and planner. Inside a transaction it runs on the
// transaction, which must see its own writes.
func (q *queries) readQuery(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	if q.tx != nil {
		return q.tx.QueryContext(ctx, query, args...)
	}
	st, err := q.db.readStmt(ctx, query)
	if err != nil {
		return nil, err
	}
	return st.QueryContext(ctx, args...)
}

// readRow is readQuery for one row. A statement that cannot be prepared runs unprepared,
// so that its error reaches Scan.
func (q *queries) readRow(ctx context.Context, query string, args ...any) *sql.Row {
	if q.tx != nil {
		return q.tx.QueryRowContext(ctx, query, args...)
	}
	st, err := q.db.readStmt(ctx, query)
	if err != nil {
		return q.r.QueryRowContext(ctx, query, args...)
	}
	return st.QueryRowContext(ctx, args...)
}
