package sqlite

import (
	"context"
	"database/sql"
	"errors"

	"github.com/clonit/clonit/internal/cloud"
	"github.com/clonit/clonit/internal/cloud/store"
)

// targetQuery selects one org target per row, with who created and last changed it.
const targetQuery = `SELECT t.org_id, t.name, t.db_type, t.src_url, t.dst_url, t.sanitize_dst_url,
	t.storage_profile, t.dump_jobs, t.restore_jobs, t.sanitize_query_file,
	t.created_by, COALESCE(c.email, ''), t.updated_by, COALESCE(u.email, ''), t.created_at, t.updated_at
	FROM org_targets t LEFT JOIN users c ON c.id = t.created_by LEFT JOIN users u ON u.id = t.updated_by`

// CreateTarget inserts t; see cloud.Targets.
func (q *queries) CreateTarget(ctx context.Context, t *cloud.Target) error {
	if err := store.CheckTarget(*t); err != nil {
		return err
	}
	now := store.Now()
	_, err := q.w.ExecContext(ctx, `INSERT INTO org_targets (org_id, name, db_type, src_url, dst_url,
		sanitize_dst_url, storage_profile, dump_jobs, restore_jobs, sanitize_query_file,
		created_by, updated_by, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		t.OrgID, t.Name, t.DBType, t.SrcURL, t.DstURL, t.SanitizeDstURL, t.StorageProfile, t.DumpJobs,
		t.RestoreJobs, t.SanitizeQueryFile, t.CreatedBy, t.CreatedBy, now.UnixMicro(), now.UnixMicro())
	switch {
	case isUnique(err):
		return store.ErrTargetTaken(t.Name)
	case isForeignKey(err):
		return store.ErrOrgNotFound("")
	case err != nil:
		return q.db.wrap(err, "create target")
	}
	t.UpdatedBy, t.CreatedAt, t.UpdatedAt = t.CreatedBy, now, now
	return nil
}

// Target returns the org's target called name, or errs.ErrNotFound.
func (q *queries) Target(ctx context.Context, orgID, name string) (cloud.Target, error) {
	t, err := scanTarget(q.r.QueryRowContext(ctx, targetQuery+` WHERE t.org_id = ? AND t.name = ?`, orgID, name))
	if errors.Is(err, sql.ErrNoRows) {
		return cloud.Target{}, store.ErrTargetNotFound(name)
	}
	return t, q.db.wrap(err, "get target")
}

// Targets lists the org's targets by name.
func (q *queries) Targets(ctx context.Context, orgID string) ([]cloud.Target, error) {
	rows, err := q.r.QueryContext(ctx, targetQuery+` WHERE t.org_id = ? ORDER BY t.name`, orgID)
	if err != nil {
		return nil, q.db.wrap(err, "list targets")
	}
	defer rows.Close()
	var out []cloud.Target
	for rows.Next() {
		t, err := scanTarget(rows)
		if err != nil {
			return nil, q.db.wrap(err, "list targets")
		}
		out = append(out, t)
	}
	return out, q.db.wrap(rows.Err(), "list targets")
}

// UpdateTarget writes t's settings; see cloud.Targets.
func (q *queries) UpdateTarget(ctx context.Context, t *cloud.Target) error {
	if err := store.CheckTarget(*t); err != nil {
		return err
	}
	now := store.Now()
	res, err := q.w.ExecContext(ctx, `UPDATE org_targets SET db_type = ?, src_url = ?, dst_url = ?,
		sanitize_dst_url = ?, storage_profile = ?, dump_jobs = ?, restore_jobs = ?, sanitize_query_file = ?,
		updated_by = ?, updated_at = ? WHERE org_id = ? AND name = ?`,
		t.DBType, t.SrcURL, t.DstURL, t.SanitizeDstURL, t.StorageProfile, t.DumpJobs, t.RestoreJobs,
		t.SanitizeQueryFile, t.UpdatedBy, now.UnixMicro(), t.OrgID, t.Name)
	if err := affectedOne(res, err, store.ErrTargetNotFound(t.Name)); err != nil {
		return q.db.wrap(err, "update target")
	}
	t.UpdatedAt = now
	return nil
}

// DeleteTarget removes the org's target called name.
func (q *queries) DeleteTarget(ctx context.Context, orgID, name string) error {
	res, err := q.w.ExecContext(ctx, `DELETE FROM org_targets WHERE org_id = ? AND name = ?`, orgID, name)
	return q.db.wrap(affectedOne(res, err, store.ErrTargetNotFound(name)), "delete target")
}

// scanTarget reads one row of targetQuery.
func scanTarget(s scanner) (cloud.Target, error) {
	var t cloud.Target
	var created, updated int64
	if err := s.Scan(&t.OrgID, &t.Name, &t.DBType, &t.SrcURL, &t.DstURL, &t.SanitizeDstURL, &t.StorageProfile,
		&t.DumpJobs, &t.RestoreJobs, &t.SanitizeQueryFile, &t.CreatedBy, &t.CreatorEmail, &t.UpdatedBy,
		&t.UpdaterEmail, &created, &updated); err != nil {
		return cloud.Target{}, err
	}
	t.CreatedAt, t.UpdatedAt = fromMicro(created), fromMicro(updated)
	return t, nil
}
