package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"strconv"
	"time"

	"github.com/clonit/clonit/internal/cloud"
	"github.com/clonit/clonit/internal/cloud/store"
)

// dialect is SQLite's side of the queries the stores share.
var dialect = store.Dialect{
	Param: func(n int) string { return "?" + strconv.Itoa(n) },
	True:  "1",
	InGroups: func(col, param string) string {
		return col + " IN (SELECT value FROM json_each(" + param + "))"
	},
	Time:       func(t time.Time) any { return store.Time(t).UnixMicro() },
	FixedJoin:  "CROSS JOIN",
	MergeUnion: true,
	Groups: func(g []string) any {
		b, _ := json.Marshal(g) // a []string always marshals
		return string(b)
	},
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
	_, err := q.w.ExecContext(ctx, `INSERT INTO cloud_snapshots (id, org_id, target, name, type, size, sha256, created_at,
		pushed_by, pushed_by_key, upload_id, parts, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		id, s.OrgID, s.Target, s.Name, s.Type, s.Size, s.SHA256, s.CreatedAt.UnixMicro(),
		s.PushedBy, s.PushedByKey, s.UploadID, s.Parts, s.ExpiresAt.UnixMicro())
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
	s, err := scanSnapshot(q.r.QueryRowContext(ctx, snapshotQuery+` WHERE s.org_id = ? AND s.id = ? AND s.ready = 0`, orgID, id))
	if errors.Is(err, sql.ErrNoRows) {
		return cloud.Snapshot{}, store.ErrUploadNotFound()
	}
	return s, q.db.wrap(err, "get upload")
}

// CompleteUpload makes an upload in progress ready.
func (q *queries) CompleteUpload(ctx context.Context, orgID, id string, at time.Time) error {
	res, err := q.w.ExecContext(ctx, `UPDATE cloud_snapshots SET ready = 1, created_at = ?, upload_id = '', parts = 0, expires_at = 0
		WHERE org_id = ? AND id = ? AND ready = 0`, store.Time(at).UnixMicro(), orgID, id)
	return q.db.wrap(affectedOne(res, err, store.ErrUploadNotFound()), "complete upload")
}

// ExpiredUploads lists uploads in progress whose URLs expired before now.
func (q *queries) ExpiredUploads(ctx context.Context, now time.Time, limit int) ([]cloud.Snapshot, error) {
	return q.listSnapshots(ctx, "list expired uploads", limit, snapshotQuery+` WHERE s.ready = 0 AND s.expires_at < ? ORDER BY s.expires_at LIMIT ?`,
		store.Time(now).UnixMicro(), limit)
}

// DeleteUpload deletes the org's upload in progress.
func (q *queries) DeleteUpload(ctx context.Context, orgID, id string) error {
	res, err := q.w.ExecContext(ctx, `DELETE FROM cloud_snapshots WHERE org_id = ? AND id = ? AND ready = 0`, orgID, id)
	return q.db.wrap(affectedOne(res, err, store.ErrUploadNotFound()), "delete upload")
}

// DeleteSnapshot deletes the org's snapshot and, by cascade, its shares.
func (q *queries) DeleteSnapshot(ctx context.Context, orgID, id string) error {
	res, err := q.w.ExecContext(ctx, `DELETE FROM cloud_snapshots WHERE org_id = ? AND id = ?`, orgID, id)
	return q.db.wrap(affectedOne(res, err, store.ErrSnapshotNotFound()), "delete snapshot")
}

// VisibleSnapshots returns a page of what v may see, in one query.
func (q *queries) VisibleSnapshots(ctx context.Context, v cloud.Viewer, f cloud.SnapshotFilter) ([]cloud.Snapshot, error) {
	f.Limit = store.SnapshotLimit(f.Limit)
	b := store.NewQuery(dialect)
	with := b.VisibleIDs(v, f)
	sqlText := `WITH ` + with + ` ` + snapshotColumns + ` FROM p ` + dialect.FixedJoin + ` cloud_snapshots s ON s.id = p.id` + snapshotJoins + ` ORDER BY s.created_at DESC, s.id DESC`
	return q.listSnapshots(ctx, "list snapshots", f.Limit, sqlText, b.Args...)
}

// VisibleByPrefix returns up to limit snapshots v may see whose ID starts with prefix.
func (q *queries) VisibleByPrefix(ctx context.Context, v cloud.Viewer, prefix string, limit int) ([]cloud.Snapshot, error) {
	b := store.NewQuery(dialect)
	where := b.PrefixRange(prefix) + " AND " + b.Visible(v)
	return q.listSnapshots(ctx, "find snapshot", limit, snapshotQuery+` WHERE `+where+` ORDER BY s.id LIMIT `+b.Arg(limit), b.Args...)
}

// listSnapshots runs a query of snapshotQuery rows, of which it expects up to size. Outside
// a transaction it runs a prepared statement: the catalog's queries are long, and parsing
// them anew would cost as much as running them. It scans every row into the same variables,
// so that a row costs only the driver's allocations.
func (q *queries) listSnapshots(ctx context.Context, what string, size int, query string, args ...any) ([]cloud.Snapshot, error) {
	var rows *sql.Rows
	var err error
	if q.tx == nil {
		var stmt *sql.Stmt
		if stmt, err = q.db.readStmt(ctx, query); err == nil {
			rows, err = stmt.QueryContext(ctx, args...)
		}
	} else {
		rows, err = q.r.QueryContext(ctx, query, args...)
	}
	if err != nil {
		return nil, q.db.wrap(err, what)
	}
	defer rows.Close()
	var v cloud.Snapshot
	var created, expires int64
	dest := snapshotDest(&v, &created, &expires)
	out := make([]cloud.Snapshot, 0, min(max(size, 0), store.MaxSnapshotLimit+1))
	for rows.Next() {
		v = cloud.Snapshot{}
		if err := rows.Scan(dest...); err != nil {
			return nil, q.db.wrap(err, what)
		}
		v.CreatedAt, v.ExpiresAt = fromMicro(created), optMicro(expires)
		out = append(out, v)
	}
	return out, q.db.wrap(rows.Err(), what)
}

// readStmt returns query prepared on the read pool, preparing it on first use.
func (d *DB) readStmt(ctx context.Context, query string) (*sql.Stmt, error) {
	if s, ok := d.stmts.Load(query); ok {
		return s.(*sql.Stmt), nil
	}
	s, err := d.read.PrepareContext(ctx, query)
	if err != nil {
		return nil, err
	}
	if prev, loaded := d.stmts.LoadOrStore(query, s); loaded {
		s.Close()
		return prev.(*sql.Stmt), nil
	}
	return s, nil
}

// SnapshotShares returns a snapshot's shares.
func (q *queries) SnapshotShares(ctx context.Context, id string) (cloud.Shares, error) {
	sh := cloud.Shares{Groups: []string{}, Orgs: []cloud.Org{}}
	err := q.r.QueryRowContext(ctx, `SELECT shared_org FROM cloud_snapshots WHERE id = ?`, id).Scan(&sh.Org)
	if errors.Is(err, sql.ErrNoRows) {
		return sh, nil
	}
	if err != nil {
		return sh, q.db.wrap(err, "get shares")
	}
	rows, err := q.r.QueryContext(ctx, `SELECT group_name FROM snapshot_group_shares WHERE snapshot_id = ? ORDER BY group_name`, id)
	if err != nil {
		return sh, q.db.wrap(err, "get shares")
	}
	for rows.Next() {
		var g string
		if err := rows.Scan(&g); err != nil {
			rows.Close()
			return sh, q.db.wrap(err, "get shares")
		}
		sh.Groups = append(sh.Groups, g)
	}
	rows.Close()
	rows, err = q.r.QueryContext(ctx, `SELECT `+orgColumns+` FROM orgs o JOIN snapshot_org_shares x ON x.to_org_id = o.id WHERE x.snapshot_id = ? ORDER BY o.slug`, id)
	if err != nil {
		return sh, q.db.wrap(err, "get shares")
	}
	defer rows.Close()
	for rows.Next() {
		o, err := scanOrg(rows)
		if err != nil {
			return sh, q.db.wrap(err, "get shares")
		}
		sh.Orgs = append(sh.Orgs, o)
	}
	return sh, q.db.wrap(rows.Err(), "get shares")
}

// SetOrgShare shares a ready snapshot with its whole org, or stops.
func (q *queries) SetOrgShare(ctx context.Context, id string, shared bool) (bool, error) {
	var changed bool
	err := q.inTx(ctx, func(t *queries) error {
		var cur bool
		err := t.w.QueryRowContext(ctx, `SELECT shared_org FROM cloud_snapshots WHERE id = ? AND ready = 1`, id).Scan(&cur)
		if errors.Is(err, sql.ErrNoRows) {
			return store.ErrSnapshotNotFound()
		}
		if err != nil || cur == shared {
			return err
		}
		changed = true
		_, err = t.w.ExecContext(ctx, `UPDATE cloud_snapshots SET shared_org = ? WHERE id = ?`, shared, id)
		return err
	})
	return changed, q.db.wrap(err, "share snapshot")
}

// ShareWithGroup shares a ready snapshot with group, or stops.
func (q *queries) ShareWithGroup(ctx context.Context, id, group string, share bool) (bool, error) {
	if !share {
		res, err := q.w.ExecContext(ctx, `DELETE FROM snapshot_group_shares WHERE snapshot_id = ? AND group_name = ?`, id, group)
		return changedRows(res, err, q.db, "unshare snapshot")
	}
	res, err := q.w.ExecContext(ctx, `INSERT INTO snapshot_group_shares (snapshot_id, group_name, org_id, created_at)
		SELECT id, ?, org_id, created_at FROM cloud_snapshots WHERE id = ? AND ready = 1
		ON CONFLICT DO NOTHING`, group, id)
	return changedRows(res, err, q.db, "share snapshot")
}

// ShareWithOrg shares a ready snapshot with another org, or stops.
func (q *queries) ShareWithOrg(ctx context.Context, id, orgID string, share bool) (bool, error) {
	if !share {
		res, err := q.w.ExecContext(ctx, `DELETE FROM snapshot_org_shares WHERE snapshot_id = ? AND to_org_id = ?`, id, orgID)
		return changedRows(res, err, q.db, "unshare snapshot")
	}
	res, err := q.w.ExecContext(ctx, `INSERT INTO snapshot_org_shares (snapshot_id, to_org_id, created_at)
		SELECT id, ?, created_at FROM cloud_snapshots WHERE id = ? AND ready = 1
		ON CONFLICT DO NOTHING`, orgID, id)
	if isForeignKey(err) {
		return false, store.ErrOrgNotFound("")
	}
	return changedRows(res, err, q.db, "share snapshot")
}

// changedRows reports whether a statement changed any row.
func changedRows(res sql.Result, err error, db *DB, what string) (bool, error) {
	if err != nil {
		return false, db.wrap(err, what)
	}
	n, err := res.RowsAffected()
	return n > 0, db.wrap(err, what)
}

// scanSnapshot reads one row of snapshotQuery.
func scanSnapshot(s scanner) (cloud.Snapshot, error) {
	var v cloud.Snapshot
	var created, expires int64
	if err := s.Scan(snapshotDest(&v, &created, &expires)...); err != nil {
		return cloud.Snapshot{}, err
	}
	v.CreatedAt, v.ExpiresAt = fromMicro(created), optMicro(expires)
	return v, nil
}

// snapshotDest returns the Scan destinations of a snapshotQuery row: v's fields, and its
// times in microseconds into created and expires.
func snapshotDest(v *cloud.Snapshot, created, expires *int64) []any {
	return []any{&v.ID, &v.OrgID, &v.OrgSlug, &v.Target, &v.Name, &v.Type, &v.Size, &v.SHA256, created,
		&v.PushedBy, &v.PusherEmail, &v.PushedByKey, &v.PusherKeyName, &v.SharedOrg, &v.Ready,
		&v.UploadID, &v.Parts, expires}
}
