package postgres

import (
	"context"
	"errors"

	"github.com/jackc/pgx/v5"

	"github.com/clonit/clonit/internal/cloud"
	"github.com/clonit/clonit/internal/cloud/store"
)

// targetQuery selects one org target per row, with who created and last changed it.
const targetQuery = `SELECT t.org_id, t.name, t.db_type, t.src_url, t.dst_url, t.sanitize_dst_url,
	t.storage_profile, t.dump_jobs, t.restore_jobs, t.sanitize_query_file,
	t.created_by, COALESCE(c.email, ''), t.updated_by, COALESCE(u.email, ''), t.created_at, t.updated_at
	FROM org_targets t LEFT JOIN users c ON c.id = t.created_by LEFT JOIN users u ON u.id = t.updated_by`

// CreateTarget inserts t; see cloud.Targets. The insert checks instead of failing, so that
// neither error spoils a surrounding transaction.
func (q *queries) CreateTarget(ctx context.Context, t *cloud.Target) error {
	if err := store.CheckTarget(*t); err != nil {
		return err
	}
	now := store.Now()
	tag, err := q.q.Exec(ctx, `INSERT INTO org_targets (org_id, name, db_type, src_url, dst_url,
		sanitize_dst_url, storage_profile, dump_jobs, restore_jobs, sanitize_query_file,
		created_by, updated_by, created_at, updated_at)
		SELECT $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $11, $12, $12
		WHERE EXISTS (SELECT 1 FROM orgs WHERE id = $1)
		ON CONFLICT (org_id, name) DO NOTHING`,
		t.OrgID, t.Name, t.DBType, t.SrcURL, t.DstURL, t.SanitizeDstURL, t.StorageProfile, t.DumpJobs,
		t.RestoreJobs, t.SanitizeQueryFile, t.CreatedBy, now)
	if err != nil {
		return q.db.wrap(err, "create target")
	}
	if tag.RowsAffected() == 0 {
		if err := q.orgExists(ctx, t.OrgID); err != nil {
			return err
		}
		return store.ErrTargetTaken(t.Name)
	}
	t.UpdatedBy, t.CreatedAt, t.UpdatedAt = t.CreatedBy, now, now
	return nil
}

// orgExists returns nil when the org exists, else the store's "organization not found".
func (q *queries) orgExists(ctx context.Context, orgID string) error {
	var one int
	err := q.q.QueryRow(ctx, `SELECT 1 FROM orgs WHERE id = $1`, orgID).Scan(&one)
	if errors.Is(err, pgx.ErrNoRows) {
		return store.ErrOrgNotFound("")
	}
	return q.db.wrap(err, "find organization")
}

// Target returns the org's target called name, or errs.ErrNotFound.
func (q *queries) Target(ctx context.Context, orgID, name string) (cloud.Target, error) {
	t, err := scanTarget(q.q.QueryRow(ctx, targetQuery+` WHERE t.org_id = $1 AND t.name = $2`, orgID, name))
	if errors.Is(err, pgx.ErrNoRows) {
		return cloud.Target{}, store.ErrTargetNotFound(name)
	}
	return t, q.db.wrap(err, "get target")
}

// Targets lists the org's targets by name.
func (q *queries) Targets(ctx context.Context, orgID string) ([]cloud.Target, error) {
	rows, err := q.q.Query(ctx, targetQuery+` WHERE t.org_id = $1 ORDER BY t.name COLLATE "C"`, orgID)
	if err != nil {
		return nil, q.db.wrap(err, "list targets")
	}
	out, err := collect(rows, scanTarget)
	return out, q.db.wrap(err, "list targets")
}

// UpdateTarget writes t's settings; see cloud.Targets.
func (q *queries) UpdateTarget(ctx context.Context, t *cloud.Target) error {
	if err := store.CheckTarget(*t); err != nil {
		return err
	}
	now := store.Now()
	tag, err := q.q.Exec(ctx, `UPDATE org_targets SET db_type = $1, src_url = $2, dst_url = $3,
		sanitize_dst_url = $4, storage_profile = $5, dump_jobs = $6, restore_jobs = $7, sanitize_query_file = $8,
		updated_by = $9, updated_at = $10 WHERE org_id = $11 AND name = $12`,
		t.DBType, t.SrcURL, t.DstURL, t.SanitizeDstURL, t.StorageProfile, t.DumpJobs, t.RestoreJobs,
		t.SanitizeQueryFile, t.UpdatedBy, now, t.OrgID, t.Name)
	if err := affectedOne(tag, err, store.ErrTargetNotFound(t.Name)); err != nil {
		return q.db.wrap(err, "update target")
	}
	t.UpdatedAt = now
	return nil
}

// DeleteTarget removes the org's target called name.
func (q *queries) DeleteTarget(ctx context.Context, orgID, name string) error {
	tag, err := q.q.Exec(ctx, `DELETE FROM org_targets WHERE org_id = $1 AND name = $2`, orgID, name)
	return q.db.wrap(affectedOne(tag, err, store.ErrTargetNotFound(name)), "delete target")
}

// scanTarget reads one row of targetQuery.
func scanTarget(s scanner) (cloud.Target, error) {
	var t cloud.Target
	if err := s.Scan(&t.OrgID, &t.Name, &t.DBType, &t.SrcURL, &t.DstURL, &t.SanitizeDstURL, &t.StorageProfile,
		&t.DumpJobs, &t.RestoreJobs, &t.SanitizeQueryFile, &t.CreatedBy, &t.CreatorEmail, &t.UpdatedBy,
		&t.UpdaterEmail, &t.CreatedAt, &t.UpdatedAt); err != nil {
		return cloud.Target{}, err
	}
	t.CreatedAt, t.UpdatedAt = utc(t.CreatedAt), utc(t.UpdatedAt)
	return t, nil
}
