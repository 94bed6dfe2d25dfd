package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"github.com/clonit/clonit/internal/cloud"
	"github.com/clonit/clonit/internal/cloud/store"
)

// CreateOAuthRequest inserts r.
func (q *queries) CreateOAuthRequest(ctx context.Context, r cloud.OAuthRequest) error {
	var code any // NULL until a code is issued
	if r.CodeHash != "" {
		code = r.CodeHash
	}
	_, err := q.w.ExecContext(ctx, `INSERT INTO oauth_requests
		(id, params, subject, auth_time, code_hash, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?)`,
		r.ID, r.Params, r.Subject, optToMicro(r.AuthTime), code, optToMicro(r.CreatedAt), optToMicro(r.ExpiresAt))
	if isUnique(err) {
		return store.ErrOAuthTaken("authorization request")
	}
	return q.db.wrap(err, "create authorization request")
}

const oauthRequestColumns = `id, params, subject, auth_time, coalesce(code_hash, ''), created_at, expires_at`

func scanOAuthRequest(row interface{ Scan(...any) error }) (cloud.OAuthRequest, error) {
	var r cloud.OAuthRequest
	var auth, created, expires int64
	err := row.Scan(&r.ID, &r.Params, &r.Subject, &auth, &r.CodeHash, &created, &expires)
	r.AuthTime, r.CreatedAt, r.ExpiresAt = optMicro(auth), fromMicro(created), fromMicro(expires)
	return r, err
}

// OAuthRequest returns the live request with that id.
func (q *queries) OAuthRequest(ctx context.Context, id string, now time.Time) (cloud.OAuthRequest, error) {
	r, err := scanOAuthRequest(q.r.QueryRowContext(ctx, `SELECT `+oauthRequestColumns+`
		FROM oauth_requests WHERE id = ? AND expires_at > ?`, id, optToMicro(now)))
	if errors.Is(err, sql.ErrNoRows) {
		return cloud.OAuthRequest{}, store.ErrOAuthNotFound("authorization request")
	}
	return r, q.db.wrap(err, "get authorization request")
}

// CompleteOAuthRequest records who signed in for a live, pending request.
func (q *queries) CompleteOAuthRequest(ctx context.Context, id, subject string, now time.Time) error {
	res, err := q.w.ExecContext(ctx, `UPDATE oauth_requests SET subject = ?, auth_time = ?
		WHERE id = ? AND subject = '' AND expires_at > ?`, subject, optToMicro(now), id, optToMicro(now))
	return affectedOne(res, q.db.wrap(err, "complete authorization request"), store.ErrOAuthNotFound("authorization request"))
}

// SetOAuthCode records the code hash of a live, completed request.
func (q *queries) SetOAuthCode(ctx context.Context, id, codeHash string, now time.Time) error {
	res, err := q.w.ExecContext(ctx, `UPDATE oauth_requests SET code_hash = ?
		WHERE id = ? AND subject <> '' AND expires_at > ?`, codeHash, id, optToMicro(now))
	if isUnique(err) {
		return store.ErrOAuthTaken("authorization code")
	}
	return affectedOne(res, q.db.wrap(err, "save authorization code"), store.ErrOAuthNotFound("authorization request"))
}

// TakeOAuthCode deletes and returns the live request of a code in one statement.
func (q *queries) TakeOAuthCode(ctx context.Context, codeHash string, now time.Time) (cloud.OAuthRequest, error) {
	r, err := scanOAuthRequest(q.w.QueryRowContext(ctx, `DELETE FROM oauth_requests
		WHERE code_hash = ? AND expires_at > ? RETURNING `+oauthRequestColumns, codeHash, optToMicro(now)))
	if errors.Is(err, sql.ErrNoRows) {
		return cloud.OAuthRequest{}, store.ErrOAuthNotFound("authorization code")
	}
	return r, q.db.wrap(err, "exchange authorization code")
}

// DeleteOAuthRequest deletes a request.
func (q *queries) DeleteOAuthRequest(ctx context.Context, id string) error {
	_, err := q.w.ExecContext(ctx, `DELETE FROM oauth_requests WHERE id = ?`, id)
	return q.db.wrap(err, "delete authorization request")
}

// CreateDeviceAuth inserts d.
func (q *queries) CreateDeviceAuth(ctx context.Context, d cloud.DeviceAuth) error {
	_, err := q.w.ExecContext(ctx, `INSERT INTO oauth_device_auths
		(device_hash, user_hash, client_id, scopes, subject, auth_time, created_at, expires_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
		d.DeviceHash, d.UserHash, d.ClientID, store.JoinList(d.Scopes), d.Subject, optToMicro(d.AuthTime),
		optToMicro(d.CreatedAt), optToMicro(d.ExpiresAt))
	if isUnique(err) {
		return store.ErrOAuthTaken("device authorization")
	}
	return q.db.wrap(err, "create device authorization")
}

// ApproveDeviceAuth records who approved a live, pending device authorization.
func (q *queries) ApproveDeviceAuth(ctx context.Context, userHash, subject string, now time.Time) error {
	res, err := q.w.ExecContext(ctx, `UPDATE oauth_device_auths SET subject = ?, auth_time = ?
		WHERE user_hash = ? AND subject = '' AND expires_at > ?`, subject, optToMicro(now), userHash, optToMicro(now))
	return affectedOne(res, q.db.wrap(err, "approve device authorization"), store.ErrOAuthNotFound("device authorization"))
}

const deviceAuthColumns = `device_hash, user_hash, client_id, scopes, subject, auth_time, created_at, expires_at`

func scanDeviceAuth(row interface{ Scan(...any) error }) (cloud.DeviceAuth, error) {
	var d cloud.DeviceAuth
	var scopes string
	var auth, created, expires int64
	err := row.Scan(&d.DeviceHash, &d.UserHash, &d.ClientID, &scopes, &d.Subject, &auth, &created, &expires)
	d.Scopes, d.AuthTime, d.CreatedAt, d.ExpiresAt = store.SplitList(scopes), optMicro(auth), fromMicro(created), fromMicro(expires)
	return d, err
}

// PollDeviceAuth returns a device authorization, read first: a pending one (most polls)
// costs one read. An approved one is deleted as it is returned, and the delete only takes
// a row still approved, so that of concurrent polls exactly one gets it; the others find
// it gone. An approval that lands after the read shows on the next poll.
func (q *queries) PollDeviceAuth(ctx context.Context, deviceHash string) (cloud.DeviceAuth, error) {
	d, err := scanDeviceAuth(q.r.QueryRowContext(ctx, `SELECT `+deviceAuthColumns+`
		FROM oauth_device_auths WHERE device_hash = ?`, deviceHash))
	if err == nil && d.Approved() {
		d, err = scanDeviceAuth(q.w.QueryRowContext(ctx, `DELETE FROM oauth_device_auths
			WHERE device_hash = ? AND subject <> '' RETURNING `+deviceAuthColumns, deviceHash))
	}
	if errors.Is(err, sql.ErrNoRows) {
		return cloud.DeviceAuth{}, store.ErrOAuthNotFound("device authorization")
	}
	return d, q.db.wrap(err, "poll device authorization")
}

// CreateRefreshToken inserts t.
func (q *queries) CreateRefreshToken(ctx context.Context, t cloud.RefreshToken) error {
	_, err := q.w.ExecContext(ctx, `INSERT INTO oauth_refresh_tokens
		(hash, subject, client_id, scopes, amr, auth_time, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
		t.Hash, t.Subject, t.ClientID, store.JoinList(t.Scopes), store.JoinList(t.AMR), optToMicro(t.AuthTime),
		optToMicro(t.CreatedAt), optToMicro(t.ExpiresAt))
	if isUnique(err) {
		return store.ErrOAuthTaken("refresh token")
	}
	return q.db.wrap(err, "create refresh token")
}

const refreshTokenColumns = `hash, subject, client_id, scopes, amr, auth_time, created_at, expires_at`

// RefreshToken returns a live refresh token.
func (q *queries) RefreshToken(ctx context.Context, hash string, now time.Time) (cloud.RefreshToken, error) {
	var t cloud.RefreshToken
	var scopes, amr string
	var auth, created, expires int64
	err := q.r.QueryRowContext(ctx, `SELECT `+refreshTokenColumns+` FROM oauth_refresh_tokens
		WHERE hash = ? AND expires_at > ?`, hash, optToMicro(now)).
		Scan(&t.Hash, &t.Subject, &t.ClientID, &scopes, &amr, &auth, &created, &expires)
	if errors.Is(err, sql.ErrNoRows) {
		return cloud.RefreshToken{}, store.ErrOAuthNotFound("refresh token")
	}
	if err != nil {
		return cloud.RefreshToken{}, q.db.wrap(err, "get refresh token")
	}
	t.Scopes, t.AMR = store.SplitList(scopes), store.SplitList(amr)
	t.AuthTime, t.CreatedAt, t.ExpiresAt = fromMicro(auth), fromMicro(created), fromMicro(expires)
	return t, nil
}

// RotateRefreshToken replaces a live token with next in one transaction.
func (q *queries) RotateRefreshToken(ctx context.Context, old string, next cloud.RefreshToken, now time.Time) error {
	return q.inTx(ctx, func(q *queries) error {
		res, err := q.w.ExecContext(ctx, `DELETE FROM oauth_refresh_tokens WHERE hash = ? AND expires_at > ?`, old, optToMicro(now))
		if err := affectedOne(res, q.db.wrap(err, "rotate refresh token"), store.ErrOAuthNotFound("refresh token")); err != nil {
			return err
		}
		return q.CreateRefreshToken(ctx, next)
	})
}

// DeleteRefreshToken deletes a refresh token.
func (q *queries) DeleteRefreshToken(ctx context.Context, hash string) error {
	_, err := q.w.ExecContext(ctx, `DELETE FROM oauth_refresh_tokens WHERE hash = ?`, hash)
	return q.db.wrap(err, "delete refresh token")
}

// PurgeOAuthState deletes what expired before before, in one transaction.
func (q *queries) PurgeOAuthState(ctx context.Context, before time.Time) (int64, error) {
	var n int64
	err := q.inTx(ctx, func(q *queries) error {
		for _, table := range []string{"oauth_requests", "oauth_device_auths", "oauth_refresh_tokens"} {
			res, err := q.w.ExecContext(ctx, `DELETE FROM `+table+` WHERE expires_at < ?`, optToMicro(before))
			if err != nil {
				return q.db.wrap(err, "purge "+table)
			}
			c, err := res.RowsAffected()
			if err != nil {
				return q.db.wrap(err, "purge "+table)
			}
			n += c
		}
		return nil
	})
	if err != nil {
		return 0, err
	}
	return n, nil
}
