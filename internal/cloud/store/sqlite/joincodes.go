package sqlite

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"time"

	"github.com/clonit/clonit/internal/cloud"
	"github.com/clonit/clonit/internal/cloud/authz"
	"github.com/clonit/clonit/internal/cloud/store"
)

// joinCodeQuery selects one join code per row, with its creator's email, for scanJoinCode.
const joinCodeQuery = `SELECT c.id, c.org_id, c.mac, c.role, c.created_by, COALESCE(u.email, ''),
	c.created_at, c.expires_at, c.used_at, c.used_by, c.revoked_at
	FROM join_codes c LEFT JOIN users u ON u.id = c.created_by`

// CreateJoinCodes inserts codes in one transaction (the caller's, when inside InOrgTx). A
// MAC the org already holds, or one repeated within codes, returns errs.ErrConflict.
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
			_, err := q.w.ExecContext(ctx, `INSERT INTO join_codes (id, org_id, mac, role, created_by, created_at, expires_at)
				VALUES (?, ?, ?, ?, ?, ?, ?)`,
				c.ID, c.OrgID, c.MAC, c.Role.String(), c.CreatedBy, store.Time(c.CreatedAt).UnixMicro(), store.Time(c.ExpiresAt).UnixMicro())
			switch {
			case isUnique(err):
				return store.ErrJoinCodeTaken()
			case isForeignKey(err):
				return store.ErrOrgNotFound("")
			case err != nil:
				return q.db.wrap(err, "create join code")
			}
		}
		return nil
	})
}

// JoinCodeByMAC returns the org's code with that MAC, or errs.ErrNotFound.
func (q *queries) JoinCodeByMAC(ctx context.Context, orgID string, mac []byte) (cloud.JoinCode, error) {
	return q.oneJoinCode(ctx, ` WHERE c.org_id = ? AND c.mac = ?`, orgID, mac)
}

// JoinCodeByID returns the org's code with that id, or errs.ErrNotFound.
func (q *queries) JoinCodeByID(ctx context.Context, orgID, id string) (cloud.JoinCode, error) {
	return q.oneJoinCode(ctx, ` WHERE c.org_id = ? AND c.id = ?`, orgID, id)
}

func (q *queries) oneJoinCode(ctx context.Context, where string, args ...any) (cloud.JoinCode, error) {
	c, err := scanJoinCode(q.r.QueryRowContext(ctx, joinCodeQuery+where, args...))
	if errors.Is(err, sql.ErrNoRows) {
		return cloud.JoinCode{}, store.ErrJoinCodeNotFound()
	}
	return c, q.db.wrap(err, "get join code")
}

// LiveJoinCodes lists the org's codes live at now, newest first.
func (q *queries) LiveJoinCodes(ctx context.Context, orgID string, now time.Time) ([]cloud.JoinCode, error) {
	rows, err := q.r.QueryContext(ctx, joinCodeQuery+` WHERE c.org_id = ? AND c.used_at = 0 AND c.revoked_at = 0 AND c.expires_at > ?
		ORDER BY c.created_at DESC, c.id`, orgID, store.Time(now).UnixMicro())
	if err != nil {
		return nil, q.db.wrap(err, "list join codes")
	}
	defer rows.Close()
	var out []cloud.JoinCode
	for rows.Next() {
		c, err := scanJoinCode(rows)
		if err != nil {
			return nil, q.db.wrap(err, "list join codes")
		}
		out = append(out, c)
	}
	return out, q.db.wrap(rows.Err(), "list join codes")
}

// RevokeJoinCode marks a live code revoked; errs.ErrNotFound when there is none.
func (q *queries) RevokeJoinCode(ctx context.Context, orgID, id string, now time.Time) error {
	at := store.Time(now).UnixMicro()
	res, err := q.w.ExecContext(ctx, `UPDATE join_codes SET revoked_at = ?
		WHERE org_id = ? AND id = ? AND used_at = 0 AND revoked_at = 0 AND expires_at > ?`, at, orgID, id, at)
	return q.db.wrap(affectedOne(res, err, store.ErrJoinCodeNotFound()), "revoke join code")
}

// UseJoinCode marks a live code used by userID; errs.ErrConflict when it is not live.
func (q *queries) UseJoinCode(ctx context.Context, orgID, id, userID string, now time.Time) error {
	at := store.Time(now).UnixMicro()
	res, err := q.w.ExecContext(ctx, `UPDATE join_codes SET used_at = ?, used_by = ?
		WHERE org_id = ? AND id = ? AND used_at = 0 AND revoked_at = 0 AND expires_at > ?`, at, userID, orgID, id, at)
	return q.db.wrap(affectedOne(res, err, store.ErrJoinCodeNotLive()), "use join code")
}

// scanJoinCode reads one row of joinCodeQuery.
func scanJoinCode(s scanner) (cloud.JoinCode, error) {
	var c cloud.JoinCode
	var role string
	var created, expires, used, revoked int64
	if err := s.Scan(&c.ID, &c.OrgID, &c.MAC, &role, &c.CreatedBy, &c.CreatorEmail,
		&created, &expires, &used, &c.UsedBy, &revoked); err != nil {
		return cloud.JoinCode{}, err
	}
	var err error
	if c.Role, err = authz.ParseRole(role); err != nil {
		return cloud.JoinCode{}, err
	}
	c.CreatedAt, c.ExpiresAt = fromMicro(created), fromMicro(expires)
	c.UsedAt, c.RevokedAt = optMicro(used), optMicro(revoked)
	return c, nil
}

// optMicro is fromMicro for columns where 0 means "not set": it returns the zero time.
func optMicro(us int64) time.Time {
	if us == 0 {
		return time.Time{}
	}
	return fromMicro(us)
}
