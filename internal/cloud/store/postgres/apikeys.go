package postgres

import (
	"context"
	"errors"
	"time"

	"github.com/jackc/pgx/v5"

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

// CreateAPIKey inserts k; see cloud.APIKeys. The insert checks instead of failing, so that
// neither error spoils a surrounding transaction.
func (q *queries) CreateAPIKey(ctx context.Context, k *cloud.APIKey) error {
	if err := store.CheckAPIKey(*k); err != nil {
		return err
	}
	if k.CreatedAt.IsZero() {
		k.CreatedAt = store.Now()
	}
	k.CreatedAt = store.Time(k.CreatedAt)
	id := store.NewID()
	tag, err := q.q.Exec(ctx, `INSERT INTO api_keys (id, org_id, user_id, name, hash, hint, permissions,
		login, created_by, created_at, expires_at)
		SELECT $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11 WHERE EXISTS (SELECT 1 FROM orgs WHERE id = $2)
		ON CONFLICT (hash) DO NOTHING`,
		id, k.OrgID, k.UserID, k.Name, k.Hash, k.Hint, int16(k.Permissions), k.Login, k.CreatedBy,
		k.CreatedAt, optToTime(k.ExpiresAt))
	if err != nil {
		return q.db.wrap(err, "create API key")
	}
	if tag.RowsAffected() == 0 {
		if _, err := q.APIKeyByHash(ctx, k.Hash); err == nil {
			return store.ErrAPIKeyTaken()
		}
		return store.ErrOrgNotFound("")
	}
	k.ID = id
	return nil
}

// APIKeyByHash returns the key with that hash, or errs.ErrNotFound.
func (q *queries) APIKeyByHash(ctx context.Context, hash string) (cloud.APIKey, error) {
	return q.oneAPIKey(ctx, ` WHERE k.hash = $1`, hash)
}

// APIKey returns one key of the org, or errs.ErrNotFound.
func (q *queries) APIKey(ctx context.Context, orgID, id string) (cloud.APIKey, error) {
	return q.oneAPIKey(ctx, ` WHERE k.org_id = $1 AND k.id = $2`, orgID, id)
}

func (q *queries) oneAPIKey(ctx context.Context, where string, args ...any) (cloud.APIKey, error) {
	k, err := scanAPIKey(q.q.QueryRow(ctx, apiKeyQuery+where, args...))
	if errors.Is(err, pgx.ErrNoRows) {
		return cloud.APIKey{}, store.ErrAPIKeyNotFound()
	}
	return k, q.db.wrap(err, "get API key")
}

// APIKeys lists the org's live keys, newest first.
func (q *queries) APIKeys(ctx context.Context, orgID string) ([]cloud.APIKey, error) {
	rows, err := q.q.Query(ctx, apiKeyQuery+` WHERE k.org_id = $1 AND k.revoked_at IS NULL
		ORDER BY k.created_at DESC, k.id COLLATE "C"`, orgID)
	if err != nil {
		return nil, q.db.wrap(err, "list API keys")
	}
	out, err := collect(rows, scanAPIKey)
	return out, q.db.wrap(err, "list API keys")
}

// RevokeAPIKey marks a live key of the org revoked; errs.ErrNotFound when there is none.
func (q *queries) RevokeAPIKey(ctx context.Context, orgID, id string, at time.Time) error {
	tag, err := q.q.Exec(ctx, `UPDATE api_keys SET revoked_at = $1 WHERE org_id = $2 AND id = $3 AND revoked_at IS NULL`,
		store.Time(at), orgID, id)
	return q.db.wrap(affectedOne(tag, err, store.ErrAPIKeyNotFound()), "revoke API key")
}

// RevokeLoginKeys revokes the user's live login keys of the org.
func (q *queries) RevokeLoginKeys(ctx context.Context, orgID, userID string, at time.Time) (int, error) {
	tag, err := q.q.Exec(ctx, `UPDATE api_keys SET revoked_at = $1
		WHERE org_id = $2 AND user_id = $3 AND login AND revoked_at IS NULL`, store.Time(at), orgID, userID)
	if err != nil {
		return 0, q.db.wrap(err, "revoke login keys")
	}
	return int(tag.RowsAffected()), nil
}

// TouchAPIKey moves the key's last-used time forward to at.
func (q *queries) TouchAPIKey(ctx context.Context, id string, at time.Time) error {
	_, err := q.q.Exec(ctx, `UPDATE api_keys SET last_used_at = $1
		WHERE id = $2 AND (last_used_at IS NULL OR last_used_at < $1)`, store.Time(at), id)
	return q.db.wrap(err, "touch API key")
}

// scanAPIKey reads one row of apiKeyQuery.
func scanAPIKey(s scanner) (cloud.APIKey, error) {
	var k cloud.APIKey
	var perms int16
	var expires, used, revoked *time.Time
	if err := s.Scan(&k.ID, &k.OrgID, &k.OrgSlug, &k.UserID, &k.UserEmail, &k.Name, &k.Hash, &k.Hint, &perms, &k.Login,
		&k.CreatedBy, &k.CreatorEmail, &k.CreatedAt, &expires, &used, &revoked); err != nil {
		return cloud.APIKey{}, err
	}
	k.Permissions = authz.Permission(perms)
	k.CreatedAt = utc(k.CreatedAt)
	k.ExpiresAt, k.LastUsedAt, k.RevokedAt = optTime(expires), optTime(used), optTime(revoked)
	return k, nil
}

// optToTime stores t as a nullable timestamp: NULL for the zero time ("not set").
func optToTime(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	t = store.Time(t)
	return &t
}
