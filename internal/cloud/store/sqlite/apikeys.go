package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"github.com/clonit/clonit/internal/cloud"
	"github.com/clonit/clonit/internal/cloud/authz"
	"github.com/clonit/clonit/internal/cloud/store"
)

// apiKeyQuery selects one key per row, with its org's slug and its user's and its
// creator's emails, for scanAPIKey.
const apiKeyQuery = `SELECT k.id, k.org_id, o.slug, k.user_id, COALESCE(u.email, ''), k.name, k.hash, k.hint,
	k.permissions, k.login, k.created_by, COALESCE(c.email, ''), k.created_at, k.expires_at,
	k.last_used_at, k.revoked_at
	FROM api_keys k JOIN orgs o ON o.id = k.org_id LEFT JOIN users u ON u.id = k.user_id LEFT JOIN users c ON c.id = k.created_by`

// CreateAPIKey inserts k; see cloud.APIKeys.
func (q *queries) CreateAPIKey(ctx context.Context, k *cloud.APIKey) error {
	if err := store.CheckAPIKey(*k); err != nil {
		return err
	}
	if k.CreatedAt.IsZero() {
		k.CreatedAt = store.Now()
	}
	k.CreatedAt = store.Time(k.CreatedAt)
	id := store.NewID()
	_, err := q.w.ExecContext(ctx, `INSERT INTO api_keys (id, org_id, user_id, name, hash, hint, permissions,
		login, created_by, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		id, k.OrgID, k.UserID, k.Name, k.Hash, k.Hint, int(k.Permissions), k.Login, k.CreatedBy,
		k.CreatedAt.UnixMicro(), optToMicro(k.ExpiresAt))
	switch {
	case isUnique(err):
		return store.ErrAPIKeyTaken()
	case isForeignKey(err):
		return store.ErrOrgNotFound("")
	case err != nil:
		return q.db.wrap(err, "create API key")
	}
	k.ID = id
	return nil
}

// APIKeyByHash returns the key with that hash, or errs.ErrNotFound.
func (q *queries) APIKeyByHash(ctx context.Context, hash string) (cloud.APIKey, error) {
	return q.oneAPIKey(ctx, ` WHERE k.hash = ?`, hash)
}

// APIKey returns one key of the org, or errs.ErrNotFound.
func (q *queries) APIKey(ctx context.Context, orgID, id string) (cloud.APIKey, error) {
	return q.oneAPIKey(ctx, ` WHERE k.org_id = ? AND k.id = ?`, orgID, id)
}

func (q *queries) oneAPIKey(ctx context.Context, where string, args ...any) (cloud.APIKey, error) {
	k, err := scanAPIKey(q.r.QueryRowContext(ctx, apiKeyQuery+where, args...))
	if errors.Is(err, sql.ErrNoRows) {
		return cloud.APIKey{}, store.ErrAPIKeyNotFound()
	}
	return k, q.db.wrap(err, "get API key")
}

// APIKeys lists the org's live keys, newest first.
func (q *queries) APIKeys(ctx context.Context, orgID string) ([]cloud.APIKey, error) {
	rows, err := q.r.QueryContext(ctx, apiKeyQuery+` WHERE k.org_id = ? AND k.revoked_at = 0
		ORDER BY k.created_at DESC, k.id`, orgID)
	if err != nil {
		return nil, q.db.wrap(err, "list API keys")
	}
	defer rows.Close()
	var out []cloud.APIKey
	for rows.Next() {
		k, err := scanAPIKey(rows)
		if err != nil {
			return nil, q.db.wrap(err, "list API keys")
		}
		out = append(out, k)
	}
	return out, q.db.wrap(rows.Err(), "list API keys")
}

// RevokeAPIKey marks a live key of the org revoked; errs.ErrNotFound when there is none.
func (q *queries) RevokeAPIKey(ctx context.Context, orgID, id string, at time.Time) error {
	res, err := q.w.ExecContext(ctx, `UPDATE api_keys SET revoked_at = ? WHERE org_id = ? AND id = ? AND revoked_at = 0`,
		store.Time(at).UnixMicro(), orgID, id)
	return q.db.wrap(affectedOne(res, err, store.ErrAPIKeyNotFound()), "revoke API key")
}

// RevokeLoginKeys revokes the user's live login keys of the org.
func (q *queries) RevokeLoginKeys(ctx context.Context, orgID, userID string, at time.Time) (int, error) {
	res, err := q.w.ExecContext(ctx, `UPDATE api_keys SET revoked_at = ?
		WHERE org_id = ? AND user_id = ? AND login = 1 AND revoked_at = 0`, store.Time(at).UnixMicro(), orgID, userID)
	if err != nil {
		return 0, q.db.wrap(err, "revoke login keys")
	}
	n, err := res.RowsAffected()
	return int(n), q.db.wrap(err, "revoke login keys")
}

// TouchAPIKey moves the key's last-used time forward to at.
func (q *queries) TouchAPIKey(ctx context.Context, id string, at time.Time) error {
	us := store.Time(at).UnixMicro()
	_, err := q.w.ExecContext(ctx, `UPDATE api_keys SET last_used_at = ? WHERE id = ? AND last_used_at < ?`, us, id, us)
	return q.db.wrap(err, "touch API key")
}

// scanAPIKey reads one row of apiKeyQuery.
func scanAPIKey(s scanner) (cloud.APIKey, error) {
	var k cloud.APIKey
	var perms int
	var created, expires, used, revoked int64
	if err := s.Scan(&k.ID, &k.OrgID, &k.OrgSlug, &k.UserID, &k.UserEmail, &k.Name, &k.Hash, &k.Hint, &perms, &k.Login,
		&k.CreatedBy, &k.CreatorEmail, &created, &expires, &used, &revoked); err != nil {
		return cloud.APIKey{}, err
	}
	k.Permissions = authz.Permission(perms)
	k.CreatedAt = fromMicro(created)
	k.ExpiresAt, k.LastUsedAt, k.RevokedAt = optMicro(expires), optMicro(used), optMicro(revoked)
	return k, nil
}

// optToMicro stores t as microseconds, 0 for the zero time ("not set").
func optToMicro(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return store.Time(t).UnixMicro()
}
