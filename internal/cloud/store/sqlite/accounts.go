package sqlite

import (
	"context"
	"database/sql"
	"errors"

	"github.com/clonit/clonit/internal/cloud"
	"github.com/clonit/clonit/internal/cloud/store"
)

// accountColumns is the column list that scanAccount reads, in order.
const accountColumns = `id, email, name, password_hash, group_names, disabled, created_at`

// CreateAccount inserts a; it fills a.ID and a.CreatedAt. A taken email (compared
// case-insensitively) returns errs.ErrConflict.
func (q *queries) CreateAccount(ctx context.Context, a *cloud.Account) error {
	groups, err := encodeGroups(a.Groups)
	if err != nil {
		return err
	}
	id, created := store.NewID(), store.Now()
	_, err = q.w.ExecContext(ctx, `INSERT INTO accounts
		(id, email, email_key, name, password_hash, group_names, disabled, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
		id, a.Email, store.EmailKey(a.Email), a.Name, a.PasswordHash, groups, a.Disabled, created.UnixMicro())
	if isUnique(err) {
		return store.ErrEmailTaken(a.Email)
	}
	if err != nil {
		return q.db.wrap(err, "create account")
	}
	a.ID, a.CreatedAt, a.Groups = id, created, store.Groups(a.Groups)
	return nil
}

// AccountByEmail returns the account with that email, case-insensitively, or
// errs.ErrNotFound.
func (q *queries) AccountByEmail(ctx context.Context, email string) (cloud.Account, error) {
	a, err := scanAccount(q.r.QueryRowContext(ctx, `SELECT `+accountColumns+` FROM accounts WHERE email_key = ?`, store.EmailKey(email)))
	if errors.Is(err, sql.ErrNoRows) {
		return cloud.Account{}, store.ErrAccountNotFound(email)
	}
	return a, q.db.wrap(err, "get account")
}

// AccountByID returns the account with that id, or errs.ErrNotFound.
func (q *queries) AccountByID(ctx context.Context, id string) (cloud.Account, error) {
	a, err := scanAccount(q.r.QueryRowContext(ctx, `SELECT `+accountColumns+` FROM accounts WHERE id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return cloud.Account{}, store.ErrAccountNotFound("")
	}
	return a, q.db.wrap(err, "get account")
}

// Accounts lists every account by email.
func (q *queries) Accounts(ctx context.Context) ([]cloud.Account, error) {
	rows, err := q.r.QueryContext(ctx, `SELECT `+accountColumns+` FROM accounts ORDER BY email_key, id`)
	if err != nil {
		return nil, q.db.wrap(err, "list accounts")
	}
	defer rows.Close()
	var out []cloud.Account
	for rows.Next() {
		a, err := scanAccount(rows)
		if err != nil {
			return nil, q.db.wrap(err, "list accounts")
		}
		out = append(out, a)
	}
	return out, q.db.wrap(rows.Err(), "list accounts")
}

// UpdateAccount writes a's name, groups, password hash and disabled flag; an unknown id
// returns errs.ErrNotFound.
func (q *queries) UpdateAccount(ctx context.Context, a cloud.Account) error {
	groups, err := encodeGroups(a.Groups)
	if err != nil {
		return err
	}
	res, err := q.w.ExecContext(ctx, `UPDATE accounts SET name = ?, group_names = ?, password_hash = ?, disabled = ?
		WHERE id = ?`, a.Name, groups, a.PasswordHash, a.Disabled, a.ID)
	return q.db.wrap(affectedOne(res, err, store.ErrAccountNotFound("")), "update account")
}

// scanAccount reads the accountColumns of one row.
func scanAccount(s scanner) (cloud.Account, error) {
	var a cloud.Account
	var groups string
	var created int64
	if err := s.Scan(&a.ID, &a.Email, &a.Name, &a.PasswordHash, &groups, &a.Disabled, &created); err != nil {
		return cloud.Account{}, err
	}
	var err error
	if a.Groups, err = decodeGroups(groups); err != nil {
		return cloud.Account{}, err
	}
	a.CreatedAt = fromMicro(created)
	return a, nil
}
