package postgres

import (
	"context"
	"errors"
	"strconv"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/clonit/clonit/internal/cloud"
	"github.com/clonit/clonit/internal/cloud/store"
)

// dialect is PostgreSQL's side of the queries the stores share.
var dialect = store.Dialect{
	Param:     func(n int) string { return "$" + strconv.Itoa(n) },
	True:      "true",
	InGroups:  func(col, param string) string { return col + " = ANY(" + param + "::text[])" },
	Time:      func(t time.Time) any { return store.Time(t) },
	Groups:    func(g []string) any { return g },
	FixedJoin: "JOIN",
}

// snapshotColumns, FROM cloud_snapshots s, then snapshotJoins select one snapshot per
// row, with its org's slug and its pusher, for scanSnapshot (snapshotQuery).
const snapshotColumns = `SELECT s.id, s.org_id, o.slug, s.target, s.name, s.type, s.size, s.sha256, s.created_at,
	s.pushed_by, COALESCE(u.email, ''), s.pushed_by_key, COALESCE(k.name, ''), s.shared_org, s.ready,
	s.upload_id, s.parts, s.expires_at`

const snapshotJoins = ` JOIN orgs o ON o.id = s.org_id
	LEFT JOIN users u ON u.id = s.pushed_by LEFT JOIN api_keys k ON k.id = s.pushed_by_key`

const snapshotQuery = snapshotColumns + ` FROM cloud_snapshots s` + snapshotJoins

// CreateUpload inserts an upload in progress; see cloud.Snapshots.
func (q *queries) CreateUpload(ctx context.Context, s *cloud.Snapshot) error {
	if err := store.CheckSnapshot(*s); err != nil {
		return err
	}
	if s.CreatedAt.IsZero() {
		s.CreatedAt = store.Now()
	}
	s.CreatedAt, s.ExpiresAt = store.Time(s.CreatedAt), store.Time(s.ExpiresAt)
	id := s.ID
	if id == "" {
		id = store.NewID()
	}
	_, err := q.q.Exec(ctx, `INSERT INTO cloud_snapshots (id, org_id, target, name, type, size, sha256, created_at,
		pushed_by, pushed_by_key, upload_id, parts, expires_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)`,
		id, s.OrgID, s.Target, s.Name, s.Type, s.Size, s.SHA256, s.CreatedAt,
		s.PushedBy, s.PushedByKey, s.UploadID, s.Parts, nullTime(s.ExpiresAt))
	switch {
	case isForeignKey(err):
		return store.ErrOrgNotFound("")
	case err != nil:
		return q.db.wrap(err, "create upload")
	}
	s.ID, s.Ready, s.SharedOrg = id, false, false
	return nil
}

// Upload returns the org's upload in progress.
func (q *queries) Upload(ctx context.Context, orgID, id string) (cloud.Snapshot, error) {
	s, err := scanSnapshot(q.q.QueryRow(ctx, snapshotQuery+` WHERE s.org_id = $1 AND s.id = $2 AND NOT s.ready`, orgID, id))
	if errors.Is(err, pgx.ErrNoRows) {
		return cloud.Snapshot{}, store.ErrUploadNotFound()
	}
	return s, q.db.wrap(err, "get upload")
}

// CompleteUpload makes an upload in progress ready.
func (q *queries) CompleteUpload(ctx context.Context, orgID, id string, at time.Time) error {
	tag, err := q.q.Exec(ctx, `UPDATE cloud_snapshots SET ready = true, created_at = $1, upload_id = '', parts = 0, expires_at = NULL
		WHERE org_id = $2 AND id = $3 AND NOT ready`, store.Time(at), orgID, id)
	return q.db.wrap(affectedOne(tag, err, store.ErrUploadNotFound()), "complete upload")
}

// ExpiredUploads lists uploads in progress whose URLs expired before now.
func (q *queries) ExpiredUploads(ctx context.Context, now time.Time, limit int) ([]cloud.Snapshot, error) {
	return q.listSnapshots(ctx, "list expired uploads", snapshotQuery+` WHERE NOT s.ready AND s.expires_at < $1 ORDER BY s.expires_at LIMIT $2`,
		store.Time(now), limit)
}

// DeleteUpload deletes the org's upload in progress.
func (q *queries) DeleteUpload(ctx context.Context, orgID, id string) error {
	tag, err := q.q.Exec(ctx, `DELETE FROM cloud_snapshots WHERE org_id = $1 AND id = $2 AND NOT ready`, orgID, id)
	return q.db.wrap(affectedOne(tag, err, store.ErrUploadNotFound()), "delete upload")
}

// DeleteSnapshot deletes the org's snapshot and, by cascade, its shares.
func (q *queries) DeleteSnapshot(ctx context.Context, orgID, id string) error {
	tag, err := q.q.Exec(ctx, `DELETE FROM cloud_snapshots WHERE org_id = $1 AND id = $2`, orgID, id)
	return q.db.wrap(affectedOne(tag, err, store.ErrSnapshotNotFound()), "delete snapshot")
}

// VisibleSnapshots returns a page of what v may see, in one query.
func (q *queries) VisibleSnapshots(ctx context.Context, v cloud.Viewer, f cloud.SnapshotFilter) ([]cloud.Snapshot, error) {
	f.Limit = store.SnapshotLimit(f.Limit)
	b := store.NewQuery(dialect)
	with := b.VisibleIDs(v, f)
	sql := `WITH ` + with + ` ` + snapshotColumns + ` FROM p ` + dialect.FixedJoin + ` cloud_snapshots s ON s.id = p.id` + snapshotJoins + ` ORDER BY s.created_at DESC, s.id DESC`
	return q.listSnapshots(ctx, "list snapshots", sql, b.Args...)
}

// VisibleByPrefix returns up to limit snapshots v may see whose ID starts with prefix.
func (q *queries) VisibleByPrefix(ctx context.Context, v cloud.Viewer, prefix string, limit int) ([]cloud.Snapshot, error) {
	b := store.NewQuery(dialect)
	where := b.PrefixRange(prefix) + " AND " + b.Visible(v)
	return q.listSnapshots(ctx, "find snapshot", snapshotQuery+` WHERE `+where+` ORDER BY s.id LIMIT `+b.Arg(limit), b.Args...)
}

// listSnapshots runs a query of snapshotQuery rows.
func (q *queries) listSnapshots(ctx context.Context, what, sql string, args ...any) ([]cloud.Snapshot, error) {
	rows, err := q.q.Query(ctx, sql, args...)
	if err != nil {
		return nil, q.db.wrap(err, what)
	}
	out, err := collect(rows, scanSnapshot)
	if out == nil {
		out = []cloud.Snapshot{}
	}
	return out, q.db.wrap(err, what)
}

// SnapshotShares returns a snapshot's shares.
func (q *queries) SnapshotShares(ctx context.Context, id string) (cloud.Shares, error) {
	sh := cloud.Shares{Groups: []string{}, Orgs: []cloud.Org{}}
	err := q.q.QueryRow(ctx, `SELECT shared_org FROM cloud_snapshots WHERE id = $1`, id).Scan(&sh.Org)
	if errors.Is(err, pgx.ErrNoRows) {
		return sh, nil
	}
	if err != nil {
		return sh, q.db.wrap(err, "get shares")
	}
	rows, err := q.q.Query(ctx, `SELECT group_name FROM snapshot_group_shares WHERE snapshot_id = $1 ORDER BY group_name COLLATE "C"`, id)
	if err != nil {
		return sh, q.db.wrap(err, "get shares")
	}
	groups, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return sh, q.db.wrap(err, "get shares")
	}
	sh.Groups = append(sh.Groups, groups...)
	rows, err = q.q.Query(ctx, `SELECT `+orgColumns+` FROM orgs o JOIN snapshot_org_shares x ON x.to_org_id = o.id
		WHERE x.snapshot_id = $1 ORDER BY o.slug COLLATE "C"`, id)
	if err != nil {
		return sh, q.db.wrap(err, "get shares")
	}
	orgs, err := collect(rows, func(s scanner) (cloud.Org, error) { return scanOrg(s) })
	sh.Orgs = append(sh.Orgs, orgs...)
	return sh, q.db.wrap(err, "get shares")
}

// SetOrgShare shares a ready snapshot with its whole org, or stops.
func (q *queries) SetOrgShare(ctx context.Context, id string, shared bool) (bool, error) {
	var cur bool
	err := q.q.QueryRow(ctx, `SELECT shared_org FROM cloud_snapshots WHERE id = $1 AND ready`, id).Scan(&cur)
	if errors.Is(err, pgx.ErrNoRows) {
		return false, store.ErrSnapshotNotFound()
	}
	if err != nil {
		return false, q.db.wrap(err, "share snapshot")
	}
	tag, err := q.q.Exec(ctx, `UPDATE cloud_snapshots SET shared_org = $1 WHERE id = $2 AND ready AND shared_org <> $1`, shared, id)
	return changedRows(tag, err, q.db, "share snapshot")
}

// ShareWithGroup shares a ready snapshot with group, or stops.
func (q *queries) ShareWithGroup(ctx context.Context, id, group string, share bool) (bool, error) {
	if !share {
		tag, err := q.q.Exec(ctx, `DELETE FROM snapshot_group_shares WHERE snapshot_id = $1 AND group_name = $2`, id, group)
		return changedRows(tag, err, q.db, "unshare snapshot")
	}
	tag, err := q.q.Exec(ctx, `INSERT INTO snapshot_group_shares (snapshot_id, group_name, org_id, created_at)
		SELECT id, $1, org_id, created_at FROM cloud_snapshots WHERE id = $2 AND ready
		ON CONFLICT DO NOTHING`, group, id)
	return changedRows(tag, err, q.db, "share snapshot")
}

// ShareWithOrg shares a ready snapshot with another org, or stops.
func (q *queries) ShareWithOrg(ctx context.Context, id, orgID string, share bool) (bool, error) {
	if !share {
		tag, err := q.q.Exec(ctx, `DELETE FROM snapshot_org_shares WHERE snapshot_id = $1 AND to_org_id = $2`, id, orgID)
		return changedRows(tag, err, q.db, "unshare snapshot")
	}
	tag, err := q.q.Exec(ctx, `INSERT INTO snapshot_org_shares (snapshot_id, to_org_id, created_at)
		SELECT id, $1, created_at FROM cloud_snapshots WHERE id = $2 AND ready
		ON CONFLICT DO NOTHING`, orgID, id)
	if isForeignKey(err) {
		return false, store.ErrOrgNotFound("")
	}
	return changedRows(tag, err, q.db, "share snapshot")
}

// changedRows reports whether a statement changed any row.
func changedRows(tag pgconn.CommandTag, err error, db *DB, what string) (bool, error) {
	if err != nil {
		return false, db.wrap(err, what)
	}
	return tag.RowsAffected() > 0, nil
}

// nullTime stores a zero time as NULL.
func nullTime(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	return &t
}

// scanSnapshot reads one row of snapshotQuery.
func scanSnapshot(s scanner) (cloud.Snapshot, error) {
	var v cloud.Snapshot
	var expires *time.Time
	if err := s.Scan(&v.ID, &v.OrgID, &v.OrgSlug, &v.Target, &v.Name, &v.Type, &v.Size, &v.SHA256, &v.CreatedAt,
		&v.PushedBy, &v.PusherEmail, &v.PushedByKey, &v.PusherKeyName, &v.SharedOrg, &v.Ready,
		&v.UploadID, &v.Parts, &expires); err != nil {
		return cloud.Snapshot{}, err
	}
	v.CreatedAt, v.ExpiresAt = utc(v.CreatedAt), optTime(expires)
	return v, nil
}
