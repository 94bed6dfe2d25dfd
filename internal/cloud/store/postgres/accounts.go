package postgres

import (
	"context"
	"errors"

	"github.com/jackc/pgx/v5"

	"github.com/clonit/clonit/internal/cloud"
	"github.com/clonit/clonit/internal/cloud/store"
)

// accountColumns is the column list that scanAccount reads, in order.
const accountColumns = `id, email, name, password_hash, group_names, disabled, created_at`

// CreateAccount inserts a; it fills a.ID and a.CreatedAt. A taken email (compared
// case-insensitively) returns errs.ErrConflict, without spoiling a surrounding transaction.
func (q *queries) CreateAccount(ctx context.Context, a *cloud.Account) error {
	id, created := store.NewID(), store.Now()
	tag, err := q.q.Exec(ctx, `INSERT INTO accounts
		(id, email, email_key, name, password_hash, group_names, disabled, created_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (email_key) DO NOTHING`,
		id, a.Email, store.EmailKey(a.Email), a.Name, a.PasswordHash, store.Groups(a.Groups), a.Disabled, created)
	if err != nil {
		return q.db.wrap(err, "create account")
	}
	if tag.RowsAffected() == 0 {
		return store.ErrEmailTaken(a.Email)
	}
	a.ID, a.CreatedAt, a.Groups = id, created, store.Groups(a.Groups)
	return nil
}

// AccountByEmail returns the account with that email, case-insensitively, or
// errs.ErrNotFound.
func (q *queries) AccountByEmail(ctx context.Context, email string) (cloud.Account, error) {
	a, err := scanAccount(q.q.QueryRow(ctx, `SELECT `+accountColumns+` FROM accounts WHERE email_key = $1`, store.EmailKey(email)))
	if errors.Is(err, pgx.ErrNoRows) {
		return cloud.Account{}, store.ErrAccountNotFound(email)
	}
	return a, q.db.wrap(err, "get account")
}

// AccountByID returns the account with that id, or errs.ErrNotFound.
func (q *queries) AccountByID(ctx context.Context, id string) (cloud.Account, error) {
	a, err := scanAccount(q.q.QueryRow(ctx, `SELECT `+accountColumns+` FROM accounts WHERE id = $1`, id))
	if errors.Is(err, pgx.ErrNoRows) {
		return cloud.Account{}, store.ErrAccountNotFound("")
	}
	return a, q.db.wrap(err, "get account")
}

// Accounts lists every account by email.
func (q *queries) Accounts(ctx context.Context) ([]cloud.Account, error) {
	rows, err := q.q.Query(ctx, `SELECT `+accountColumns+` FROM accounts ORDER BY email_key COLLATE "C", id COLLATE "C"`)
	if err != nil {
		return nil, q.db.wrap(err, "list accounts")
	}
	out, err := collect(rows, scanAccount)
	return out, q.db.wrap(err, "list accounts")
}

// UpdateAccount writes a's name, groups, password hash and disabled flag; an unknown id
// returns errs.ErrNotFound.
func (q *queries) UpdateAccount(ctx context.Context, a cloud.Account) error {
	tag, err := q.q.Exec(ctx, `UPDATE accounts SET name = $1, group_names = $2, password_hash = $3, disabled = $4
		WHERE id = $5`, a.Name, store.Groups(a.Groups), a.PasswordHash, a.Disabled, a.ID)
	return q.db.wrap(affectedOne(tag, err, store.ErrAccountNotFound("")), "update account")
}

// scanAccount reads the accountColumns of one row.
func scanAccount(s scanner) (cloud.Account, error) {
	var a cloud.Account
	if err := s.Scan(&a.ID, &a.Email, &a.Name, &a.PasswordHash, &a.Groups, &a.Disabled, &a.CreatedAt); err != nil {
		return cloud.Account{}, err
	}
	a.Groups, a.CreatedAt = store.Groups(a.Groups), utc(a.CreatedAt)
	return a, nil
}
