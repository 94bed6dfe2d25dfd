package postgres

import (
	"bytes"
	"context"
	"errors"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/clonit/clonit/internal/cloud"
	"github.com/clonit/clonit/internal/cloud/authz"
	"github.com/clonit/clonit/internal/cloud/store"
)

// joinCodeQuery selects one join code per row, with its creator's email, for scanJoinCode.
const joinCodeQuery = `SELECT c.id, c.org_id, c.mac, c.role, c.created_by, COALESCE(u.email, ''),
	c.created_at, c.expires_at, c.used_at, c.used_by, c.revoked_at
	FROM join_codes c LEFT JOIN users u ON u.id = c.created_by`

// liveCode is the condition of a code live at $now (named by its placeholder number).
const liveCode = `c.used_at IS NULL AND c.revoked_at IS NULL AND c.expires_at > `

// CreateJoinCodes inserts codes in one transaction (the caller's, when inside InOrgTx). A
// MAC the org already holds, or one repeated within codes, returns errs.ErrConflict. The
// inserts check instead of failing, so that neither error spoils a surrounding transaction.
func (q *queries) CreateJoinCodes(ctx context.Context, codes []cloud.JoinCode) error {
	for i := range codes {
		if codes[i].CreatedAt.IsZero() {
			codes[i].CreatedAt = store.Now()
		}
		if err := store.CheckJoinCode(codes[i]); err != nil {
			return err
		}
		for _, prev := range codes[:i] {
			if prev.OrgID == codes[i].OrgID && bytes.Equal(prev.MAC, codes[i].MAC) {
				return store.ErrJoinCodeTaken()
			}
		}
	}
	return q.inTx(ctx, func(q *queries) error {
		for i := range codes {
			c := &codes[i]
			c.ID = store.NewID()
			tag, err := q.q.Exec(ctx, `INSERT INTO join_codes (id, org_id, mac, role, created_by, created_at, expires_at)
				SELECT $1, $2, $3, $4, $5, $6, $7 WHERE EXISTS (SELECT 1 FROM orgs WHERE id = $2)
				ON CONFLICT (org_id, mac) DO NOTHING`,
				c.ID, c.OrgID, c.MAC, c.Role.String(), c.CreatedBy, store.Time(c.CreatedAt), store.Time(c.ExpiresAt))
			if err != nil {
				return q.db.wrap(err, "create join code")
			}
			if tag.RowsAffected() == 1 {
				continue
			}
			if _, err := q.JoinCodeByMAC(ctx, c.OrgID, c.MAC); err == nil {
				return store.ErrJoinCodeTaken()
			}
			return store.ErrOrgNotFound("")
		}
		return nil
	})
}

// JoinCodeByMAC returns the org's code with that MAC, or errs.ErrNotFound.
func (q *queries) JoinCodeByMAC(ctx context.Context, orgID string, mac []byte) (cloud.JoinCode, error) {
	return q.oneJoinCode(ctx, ` WHERE c.org_id = $1 AND c.mac = $2`, orgID, mac)
}

// JoinCodeByID returns the org's code with that id, or errs.ErrNotFound.
func (q *queries) JoinCodeByID(ctx context.Context, orgID, id string) (cloud.JoinCode, error) {
	return q.oneJoinCode(ctx, ` WHERE c.org_id = $1 AND c.id = $2`, orgID, id)
}

func (q *queries) oneJoinCode(ctx context.Context, where string, args ...any) (cloud.JoinCode, error) {
	c, err := scanJoinCode(q.q.QueryRow(ctx, joinCodeQuery+where, args...))
	if errors.Is(err, pgx.ErrNoRows) {
		return cloud.JoinCode{}, store.ErrJoinCodeNotFound()
	}
	return c, q.db.wrap(err, "get join code")
}

// LiveJoinCodes lists the org's codes live at now, newest first.
func (q *queries) LiveJoinCodes(ctx context.Context, orgID string, now time.Time) ([]cloud.JoinCode, error) {
	rows, err := q.q.Query(ctx, joinCodeQuery+` WHERE c.org_id = $1 AND `+liveCode+`$2
		ORDER BY c.created_at DESC, c.id COLLATE "C"`, orgID, store.Time(now))
	if err != nil {
		return nil, q.db.wrap(err, "list join codes")
	}
	out, err := collect(rows, scanJoinCode)
	return out, q.db.wrap(err, "list join codes")
}

// RevokeJoinCode marks a live code revoked; errs.ErrNotFound when there is none.
func (q *queries) RevokeJoinCode(ctx context.Context, orgID, id string, now time.Time) error {
	tag, err := q.q.Exec(ctx, `UPDATE join_codes c SET revoked_at = $3
		WHERE c.org_id = $1 AND c.id = $2 AND `+liveCode+`$3`, orgID, id, store.Time(now))
	return q.db.wrap(affectedOne(tag, err, store.ErrJoinCodeNotFound()), "revoke join code")
}

// UseJoinCode marks a live code used by userID; errs.ErrConflict when it is not live. The
// row lock of the UPDATE makes concurrent callers wait, re-check the condition and miss.
func (q *queries) UseJoinCode(ctx context.Context, orgID, id, userID string, now time.Time) error {
	tag, err := q.q.Exec(ctx, `UPDATE join_codes c SET used_at = $4, used_by = $3
		WHERE c.org_id = $1 AND c.id = $2 AND `+liveCode+`$4`, orgID, id, userID, store.Time(now))
	return q.db.wrap(affectedOne(tag, err, store.ErrJoinCodeNotLive()), "use join code")
}

// scanJoinCode reads one row of joinCodeQuery.
func scanJoinCode(s scanner) (cloud.JoinCode, error) {
	var c cloud.JoinCode
	var role string
	var used, revoked *time.Time
	if err := s.Scan(&c.ID, &c.OrgID, &c.MAC, &role, &c.CreatedBy, &c.CreatorEmail,
		&c.CreatedAt, &c.ExpiresAt, &used, &c.UsedBy, &revoked); err != nil {
		return cloud.JoinCode{}, err
	}
	var err error
	if c.Role, err = authz.ParseRole(role); err != nil {
		return cloud.JoinCode{}, err
	}
	c.CreatedAt, c.ExpiresAt = utc(c.CreatedAt), utc(c.ExpiresAt)
	c.UsedAt, c.RevokedAt = optTime(used), optTime(revoked)
	return c, nil
}

// optTime turns a nullable timestamp into a UTC time, zero for NULL.
func optTime(t *time.Time) time.Time {
	if t == nil {
		return time.Time{}
	}
	return t.UTC()
}
