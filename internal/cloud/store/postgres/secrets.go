package postgres

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/clonit/clonit/internal/cloud/store"
)

// Secret returns the secret called name, creating it with create when missing. The insert
// does nothing when another caller (or process) stored it first, and the value is then read
// back, so every caller gets the stored one.
func (q *queries) Secret(ctx context.Context, name string, create func() ([]byte, error)) ([]byte, error) {
	v, err := q.secret(ctx, name)
	if err == nil || !errors.Is(err, pgx.ErrNoRows) {
		return v, q.db.wrap(err, "get secret")
	}
	fresh, err := create()
	if err != nil {
		return nil, fmt.Errorf("create secret %s: %w", name, err)
	}
	if _, err := q.q.Exec(ctx, `INSERT INTO secrets (name, value, created_at) VALUES ($1, $2, $3)
		ON CONFLICT (name) DO NOTHING`, name, fresh, store.Now()); err != nil {
		return nil, q.db.wrap(err, "store secret")
	}
	v, err = q.secret(ctx, name)
	return v, q.db.wrap(err, "get secret")
}

// secret reads one secret.
func (q *queries) secret(ctx context.Context, name string) ([]byte, error) {
	var v []byte
	if err := q.q.QueryRow(ctx, `SELECT value FROM secrets WHERE name = $1`, name).Scan(&v); err != nil {
		return nil, err
	}
	return v, nil
}
