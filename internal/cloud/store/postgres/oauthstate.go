package postgres

import (
	"context"
	"errors"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/clonit/clonit/internal/cloud"
	"github.com/clonit/clonit/internal/cloud/store"
)

// The one-row UPDATE and DELETE statements below need no explicit lock: under READ
// COMMITTED, a concurrent statement on the same row waits for the first to commit and then
// re-checks its WHERE clause against the new row (or its absence), so exactly one wins.

// CreateOAuthRequest inserts r.
func (q *queries) CreateOAuthRequest(ctx context.Context, r cloud.OAuthRequest) error {
	var code *string // NULL until a code is issued
	if r.CodeHash != "" {
		code = &r.CodeHash
	}
	_, err := q.q.Exec(ctx, `INSERT INTO oauth_requests
		(id, params, subject, auth_time, code_hash, created_at, expires_at) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
		r.ID, r.Params, r.Subject, optToTime(r.AuthTime), code, store.Time(r.CreatedAt), store.Time(r.ExpiresAt))
	if isUnique(err) {
		return store.ErrOAuthTaken("authorization request")
	}
	return q.db.wrap(err, "create authorization request")
}

const oauthRequestColumns = `id, params, subject, auth_time, coalesce(code_hash, ''), created_at, expires_at`

func scanOAuthRequest(row pgx.Row) (cloud.OAuthRequest, error) {
	var r cloud.OAuthRequest
	var auth *time.Time
	err := row.Scan(&r.ID, &r.Params, &r.Subject, &auth, &r.CodeHash, &r.CreatedAt, &r.ExpiresAt)
	r.AuthTime, r.CreatedAt, r.ExpiresAt = optTime(auth), utc(r.CreatedAt), utc(r.ExpiresAt)
	return r, err
}

// OAuthRequest returns the live request with that id.
func (q *queries) OAuthRequest(ctx context.Context, id string, now time.Time) (cloud.OAuthRequest, error) {
	r, err := scanOAuthRequest(q.q.QueryRow(ctx, `SELECT `+oauthRequestColumns+`
		FROM oauth_requests WHERE id = $1 AND expires_at > $2`, id, store.Time(now)))
	if errors.Is(err, pgx.ErrNoRows) {
		return cloud.OAuthRequest{}, store.ErrOAuthNotFound("authorization request")
	}
	return r, q.db.wrap(err, "get authorization request")
}

// CompleteOAuthRequest records who signed in for a live, pending request.
func (q *queries) CompleteOAuthRequest(ctx context.Context, id, subject string, now time.Time) error {
	tag, err := q.q.Exec(ctx, `UPDATE oauth_requests SET subject = $1, auth_time = $2
		WHERE id = $3 AND subject = '' AND expires_at > $2`, subject, store.Time(now), id)
	return affectedOne(tag, q.db.wrap(err, "complete authorization request"), store.ErrOAuthNotFound("authorization request"))
}

// SetOAuthCode records the code hash of a live, completed request.
func (q *queries) SetOAuthCode(ctx context.Context, id, codeHash string, now time.Time) error {
	tag, err := q.q.Exec(ctx, `UPDATE oauth_requests SET code_hash = $1
		WHERE id = $2 AND subject <> '' AND expires_at > $3`, codeHash, id, store.Time(now))
	if isUnique(err) {
		return store.ErrOAuthTaken("authorization code")
	}
	return affectedOne(tag, q.db.wrap(err, "save authorization code"), store.ErrOAuthNotFound("authorization request"))
}

// TakeOAuthCode deletes and returns the live request of a code in one statement.
func (q *queries) TakeOAuthCode(ctx context.Context, codeHash string, now time.Time) (cloud.OAuthRequest, error) {
	r, err := scanOAuthRequest(q.q.QueryRow(ctx, `DELETE FROM oauth_requests
		WHERE code_hash = $1 AND expires_at > $2 RETURNING `+oauthRequestColumns, codeHash, store.Time(now)))
	if errors.Is(err, pgx.ErrNoRows) {
		return cloud.OAuthRequest{}, store.ErrOAuthNotFound("authorization code")
	}
	return r, q.db.wrap(err, "exchange authorization code")
}

// DeleteOAuthRequest deletes a request.
func (q *queries) DeleteOAuthRequest(ctx context.Context, id string) error {
	_, err := q.q.Exec(ctx, `DELETE FROM oauth_requests WHERE id = $1`, id)
	return q.db.wrap(err, "delete authorization request")
}

// CreateDeviceAuth inserts d.
func (q *queries) CreateDeviceAuth(ctx context.Context, d cloud.DeviceAuth) error {
	_, err := q.q.Exec(ctx, `INSERT INTO oauth_device_auths
		(device_hash, user_hash, client_id, scopes, subject, auth_time, created_at, expires_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
		d.DeviceHash, d.UserHash, d.ClientID, store.JoinList(d.Scopes), d.Subject, optToTime(d.AuthTime),
		store.Time(d.CreatedAt), store.Time(d.ExpiresAt))
	if isUnique(err) {
		return store.ErrOAuthTaken("device authorization")
	}
	return q.db.wrap(err, "create device authorization")
}

// ApproveDeviceAuth records who approved a live, pending device authorization.
func (q *queries) ApproveDeviceAuth(ctx context.Context, userHash, subject string, now time.Time) error {
	tag, err := q.q.Exec(ctx, `UPDATE oauth_device_auths SET subject = $1, auth_time = $2
		WHERE user_hash = $3 AND subject = '' AND expires_at > $2`, subject, store.Time(now), userHash)
	return affectedOne(tag, q.db.wrap(err, "approve device authorization"), store.ErrOAuthNotFound("device authorization"))
}

const deviceAuthColumns = `device_hash, user_hash, client_id, scopes, subject, auth_time, created_at, expires_at`

func scanDeviceAuth(row pgx.Row) (cloud.DeviceAuth, error) {
	var d cloud.DeviceAuth
	var scopes string
	var auth *time.Time
	err := row.Scan(&d.DeviceHash, &d.UserHash, &d.ClientID, &scopes, &d.Subject, &auth, &d.CreatedAt, &d.ExpiresAt)
	d.Scopes, d.AuthTime, d.CreatedAt, d.ExpiresAt = store.SplitList(scopes), optTime(auth), utc(d.CreatedAt), utc(d.ExpiresAt)
	return d, err
}

// PollDeviceAuth returns a device authorization, read first: a pending one (most polls)
// costs one read. An approved one is deleted as it is returned, and the delete only takes
// a row still approved, so that of concurrent polls exactly one gets it; the others find
// it gone. An approval that lands after the read shows on the next poll.
func (q *queries) PollDeviceAuth(ctx context.Context, deviceHash string) (cloud.DeviceAuth, error) {
	d, err := scanDeviceAuth(q.q.QueryRow(ctx, `SELECT `+deviceAuthColumns+`
		FROM oauth_device_auths WHERE device_hash = $1`, deviceHash))
	if err == nil && d.Approved() {
		d, err = scanDeviceAuth(q.q.QueryRow(ctx, `DELETE FROM oauth_device_auths
			WHERE device_hash = $1 AND subject <> '' RETURNING `+deviceAuthColumns, deviceHash))
	}
	if errors.Is(err, pgx.ErrNoRows) {
		return cloud.DeviceAuth{}, store.ErrOAuthNotFound("device authorization")
	}
	return d, q.db.wrap(err, "poll device authorization")
}

// CreateRefreshToken inserts t.
func (q *queries) CreateRefreshToken(ctx context.Context, t cloud.RefreshToken) error {
	_, err := q.q.Exec(ctx, `INSERT INTO oauth_refresh_tokens
		(hash, subject, client_id, scopes, amr, auth_time, created_at, expires_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
		t.Hash, t.Subject, t.ClientID, store.JoinList(t.Scopes), store.JoinList(t.AMR), store.Time(t.AuthTime),
		store.Time(t.CreatedAt), store.Time(t.ExpiresAt))
	if isUnique(err) {
		return store.ErrOAuthTaken("refresh token")
	}
	return q.db.wrap(err, "create refresh token")
}

// RefreshToken returns a live refresh token.
func (q *queries) RefreshToken(ctx context.Context, hash string, now time.Time) (cloud.RefreshToken, error) {
	var t cloud.RefreshToken
	var scopes, amr string
	err := q.q.QueryRow(ctx, `SELECT hash, subject, client_id, scopes, amr, auth_time, created_at, expires_at
		FROM oauth_refresh_tokens WHERE hash = $1 AND expires_at > $2`, hash, store.Time(now)).
		Scan(&t.Hash, &t.Subject, &t.ClientID, &scopes, &amr, &t.AuthTime, &t.CreatedAt, &t.ExpiresAt)
	if errors.Is(err, pgx.ErrNoRows) {
		return cloud.RefreshToken{}, store.ErrOAuthNotFound("refresh token")
	}
	if err != nil {
		return cloud.RefreshToken{}, q.db.wrap(err, "get refresh token")
	}
	t.Scopes, t.AMR = store.SplitList(scopes), store.SplitList(amr)
	t.AuthTime, t.CreatedAt, t.ExpiresAt = utc(t.AuthTime), utc(t.CreatedAt), utc(t.ExpiresAt)
	return t, nil
}

// RotateRefreshToken replaces a live token with next in one transaction.
func (q *queries) RotateRefreshToken(ctx context.Context, old string, next cloud.RefreshToken, now time.Time) error {
	return q.inTx(ctx, func(q *queries) error {
		tag, err := q.q.Exec(ctx, `DELETE FROM oauth_refresh_tokens WHERE hash = $1 AND expires_at > $2`, old, store.Time(now))
		if err := affectedOne(tag, q.db.wrap(err, "rotate refresh token"), store.ErrOAuthNotFound("refresh token")); err != nil {
			return err
		}
		return q.CreateRefreshToken(ctx, next)
	})
}

// DeleteRefreshToken deletes a refresh token.
func (q *queries) DeleteRefreshToken(ctx context.Context, hash string) error {
	_, err := q.q.Exec(ctx, `DELETE FROM oauth_refresh_tokens WHERE hash = $1`, hash)
	return q.db.wrap(err, "delete refresh token")
}

// PurgeOAuthState deletes what expired before before, in one statement.
func (q *queries) PurgeOAuthState(ctx context.Context, before time.Time) (int64, error) {
	var n int64
	err := q.q.QueryRow(ctx, `WITH
		r AS (DELETE FROM oauth_requests WHERE expires_at < $1 RETURNING 1),
		d AS (DELETE FROM oauth_device_auths WHERE expires_at < $1 RETURNING 1),
		t AS (DELETE FROM oauth_refresh_tokens WHERE expires_at < $1 RETURNING 1)
		SELECT (SELECT count(*) FROM r) + (SELECT count(*) FROM d) + (SELECT count(*) FROM t)`, store.Time(before)).Scan(&n)
	if err != nil {
		return 0, q.db.wrap(err, "purge sign-in state")
	}
	return n, nil
}
