package postgres

import (
	"context"
	"errors"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/clonit/clonit/internal/cloud"
	"github.com/clonit/clonit/internal/cloud/store"
)

// userColumns is the column list that scanUser reads, in order.
const userColumns = `id, issuer, subject, email, name, group_names, created_at, updated_at`

// scanner is what pgx.Row and pgx.Rows have in common.
type scanner interface{ Scan(dest ...any) error }

// UpsertUser creates or refreshes the user with u's (Issuer, Subject); see cloud.Users.
func (q *queries) UpsertUser(ctx context.Context, u cloud.User) (cloud.User, error) {
	now := store.Now()
	row := q.q.QueryRow(ctx, `
		INSERT INTO users (id, issuer, subject, email, email_key, name, group_names, created_at, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8)
		ON CONFLICT (issuer, subject) DO UPDATE SET
			email = excluded.email, email_key = excluded.email_key, name = excluded.name,
			group_names = excluded.group_names, updated_at = excluded.updated_at
		RETURNING `+userColumns,
		store.NewID(), u.Issuer, u.Subject, u.Email, store.EmailKey(u.Email), u.Name, store.Groups(u.Groups), now)
	out, err := scanUser(row)
	if err != nil {
		return cloud.User{}, q.db.wrap(err, "upsert user")
	}
	return out, nil
}

// UserByID returns the user with that id, or errs.ErrNotFound.
func (q *queries) UserByID(ctx context.Context, id string) (cloud.User, error) {
	u, err := scanUser(q.q.QueryRow(ctx, `SELECT `+userColumns+` FROM users WHERE id = $1`, id))
	if errors.Is(err, pgx.ErrNoRows) {
		return cloud.User{}, store.ErrUserNotFound("")
	}
	return u, q.db.wrap(err, "get user")
}

// UserByEmail returns the user with that email, case-insensitively, or errs.ErrNotFound.
// When several identities share an email, the most recently signed-in one wins.
func (q *queries) UserByEmail(ctx context.Context, email string) (cloud.User, error) {
	u, err := scanUser(q.q.QueryRow(ctx, `SELECT `+userColumns+` FROM users
		WHERE email_key = $1 ORDER BY updated_at DESC, id COLLATE "C" LIMIT 1`, store.EmailKey(email)))
	if errors.Is(err, pgx.ErrNoRows) {
		return cloud.User{}, store.ErrUserNotFound(email)
	}
	return u, q.db.wrap(err, "get user")
}

// scanUser reads the userColumns of one row.
func scanUser(s scanner) (cloud.User, error) {
	var u cloud.User
	if err := s.Scan(&u.ID, &u.Issuer, &u.Subject, &u.Email, &u.Name, &u.Groups, &u.CreatedAt, &u.UpdatedAt); err != nil {
		return cloud.User{}, err
	}
	u.Groups = store.Groups(u.Groups)
	u.CreatedAt, u.UpdatedAt = utc(u.CreatedAt), utc(u.UpdatedAt)
	return u, nil
}

// utc returns t in UTC: pgx reads timestamptz in the local zone.
func utc(t time.Time) time.Time { return t.UTC() }
