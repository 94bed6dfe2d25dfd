package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/clonit/clonit/internal/cloud/store"
)

// Secret returns the secret called name, creating it with create when missing. The insert
// does nothing when another caller (or process) stored it first, and the value is then read
// back, so every caller gets the stored one.
func (q *queries) Secret(ctx context.Context, name string, create func() ([]byte, error)) ([]byte, error) {
	v, err := q.secret(ctx, q.r, name)
	if err == nil || !errors.Is(err, sql.ErrNoRows) {
		return v, q.db.wrap(err, "get secret")
	}
	fresh, err := create()
	if err != nil {
		return nil, fmt.Errorf("create secret %s: %w", name, err)
	}
	if _, err := q.w.ExecContext(ctx, `INSERT INTO secrets (name, value, created_at) VALUES (?, ?, ?)
		ON CONFLICT (name) DO NOTHING`, name, fresh, store.Now().UnixMicro()); err != nil {
		return nil, q.db.wrap(err, "store secret")
	}
	v, err = q.secret(ctx, q.w, name)
	return v, q.db.wrap(err, "get secret")
}

// secret reads one secret through db.
func (q *queries) secret(ctx context.Context, db querier, name string) ([]byte, error) {
	var v []byte
	if err := db.QueryRowContext(ctx, `SELECT value FROM secrets WHERE name = ?`, name).Scan(&v); err != nil {
		return nil, err
	}
	return v, nil
}
