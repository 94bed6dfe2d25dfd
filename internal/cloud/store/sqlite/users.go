package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/clonit/clonit/internal/cloud"
	"github.com/clonit/clonit/internal/cloud/store"
)

// userColumns is the column list that scanUser reads, in order.
const userColumns = `id, issuer, subject, email, name, group_names, created_at, updated_at`

// scanner is what *sql.Row and *sql.Rows have in common.
type scanner interface{ Scan(dest ...any) error }

// UpsertUser creates or refreshes the user with u's (Issuer, Subject); see cloud.Users.
func (q *queries) UpsertUser(ctx context.Context, u cloud.User) (cloud.User, error) {
	now := store.Now().UnixMicro()
	groups, err := encodeGroups(u.Groups)
	if err != nil {
		return cloud.User{}, err
	}
	row := q.w.QueryRowContext(ctx, `
		INSERT INTO users (id, issuer, subject, email, email_key, name, group_names, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (issuer, subject) DO UPDATE SET
			email = excluded.email, email_key = excluded.email_key, name = excluded.name,
			group_names = excluded.group_names, updated_at = excluded.updated_at
		RETURNING `+userColumns,
		store.NewID(), u.Issuer, u.Subject, u.Email, store.EmailKey(u.Email), u.Name, groups, now, now)
	out, err := scanUser(row)
	if err != nil {
		return cloud.User{}, q.db.wrap(err, "upsert user")
	}
	return out, nil
}

// UserByID returns the user with that id, or errs.ErrNotFound.
func (q *queries) UserByID(ctx context.Context, id string) (cloud.User, error) {
	u, err := scanUser(q.r.QueryRowContext(ctx, `SELECT `+userColumns+` FROM users WHERE id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return cloud.User{}, store.ErrUserNotFound("")
	}
	return u, q.db.wrap(err, "get user")
}

// UserByEmail returns the user with that email, case-insensitively, or errs.ErrNotFound.
// When several identities share an email, the most recently signed-in one wins.
func (q *queries) UserByEmail(ctx context.Context, email string) (cloud.User, error) {
	u, err := scanUser(q.r.QueryRowContext(ctx, `SELECT `+userColumns+` FROM users
		WHERE email_key = ? ORDER BY updated_at DESC, id LIMIT 1`, store.EmailKey(email)))
	if errors.Is(err, sql.ErrNoRows) {
		return cloud.User{}, store.ErrUserNotFound(email)
	}
	return u, q.db.wrap(err, "get user")
}

// scanUser reads the userColumns of one row.
func scanUser(s scanner) (cloud.User, error) {
	var u cloud.User
	var groups string
	var created, updated int64
	if err := s.Scan(&u.ID, &u.Issuer, &u.Subject, &u.Email, &u.Name, &groups, &created, &updated); err != nil {
		return cloud.User{}, err
	}
	var err error
	if u.Groups, err = decodeGroups(groups); err != nil {
		return cloud.User{}, err
	}
	u.CreatedAt, u.UpdatedAt = fromMicro(created), fromMicro(updated)
	return u, nil
}

// encodeGroups stores groups as a JSON array.
func encodeGroups(groups []string) (string, error) {
	b, err := json.Marshal(store.Groups(groups))
	if err != nil {
		return "", fmt.Errorf("encode groups: %w", err)
	}
	return string(b), nil
}

// decodeGroups reads a JSON array of groups; it never returns nil. The members list decodes
// one array per member, so the common form is split without encoding/json (see splitGroups).
func decodeGroups(s string) ([]string, error) {
	if groups, ok := splitGroups(s); ok {
		return groups, nil
	}
	var groups []string
	if err := json.Unmarshal([]byte(s), &groups); err != nil {
		return nil, fmt.Errorf("decode groups: %w", err)
	}
	return store.Groups(groups), nil
}

// splitGroups reads s when it is a JSON array of strings with no escapes and no spaces, the
// form encodeGroups writes for names without quotes, backslashes, control characters or
// <, >, &: with no backslash in s, every quote delimits a string whose bytes are its value.
// ok is false for any other input, which decodeGroups hands to encoding/json.
func splitGroups(s string) (groups []string, ok bool) {
	if len(s) < 2 || s[0] != '[' || s[len(s)-1] != ']' || strings.IndexByte(s, '\\') >= 0 {
		return nil, false
	}
	body := s[1 : len(s)-1]
	groups = make([]string, 0, strings.Count(body, `","`)+1)
	for body != "" {
		if body[0] != '"' {
			return nil, false
		}
		end := strings.IndexByte(body[1:], '"')
		if end < 0 {
			return nil, false
		}
		groups = append(groups, body[1:1+end])
		body = body[2+end:]
		if body == "" {
			break
		}
		if body[0] != ',' || len(body) == 1 {
			return nil, false
		}
		body = body[1:]
	}
	return groups, true
}

// fromMicro turns stored microseconds into a UTC time.
func fromMicro(us int64) time.Time { return time.UnixMicro(us).UTC() }
