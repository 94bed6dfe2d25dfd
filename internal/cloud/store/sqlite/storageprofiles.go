package sqlite

import (
	"context"
	"database/sql"
	"errors"

	"github.com/clonit/clonit/internal/cloud"
	"github.com/clonit/clonit/internal/cloud/store"
)

// profileQuery selects one org storage profile per row, with who created and last changed it.
const profileQuery = `SELECT p.org_id, p.name, p.provider, p.bucket, p.region, p.access_key, p.secret_key,
	p.account_id, p.awscli_profile, p.endpoint, p.prefix,
	p.created_by, COALESCE(c.email, ''), p.updated_by, COALESCE(u.email, ''), p.created_at, p.updated_at
	FROM org_storage_profiles p LEFT JOIN users c ON c.id = p.created_by LEFT JOIN users u ON u.id = p.updated_by`

// CreateStorageProfile inserts p; see cloud.StorageProfiles.
func (q *queries) CreateStorageProfile(ctx context.Context, p *cloud.StorageProfile) error {
	if err := store.CheckStorageProfile(*p); err != nil {
		return err
	}
	now := store.Now()
	_, err := q.w.ExecContext(ctx, `INSERT INTO org_storage_profiles (org_id, name, provider, bucket, region,
		access_key, secret_key, account_id, awscli_profile, endpoint, prefix, created_by, updated_by,
		created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		p.OrgID, p.Name, p.Provider, p.Bucket, p.Region, p.AccessKey, p.SecretKey, p.AccountID,
		p.AWSCLIProfile, p.Endpoint, p.Prefix, p.CreatedBy, p.CreatedBy, now.UnixMicro(), now.UnixMicro())
	switch {
	case isUnique(err):
		return store.ErrStorageProfileTaken(p.Name)
	case isForeignKey(err):
		return store.ErrOrgNotFound("")
	case err != nil:
		return q.db.wrap(err, "create storage profile")
	}
	p.UpdatedBy, p.CreatedAt, p.UpdatedAt = p.CreatedBy, now, now
	return nil
}

// StorageProfile returns the org's profile called name, or errs.ErrNotFound.
func (q *queries) StorageProfile(ctx context.Context, orgID, name string) (cloud.StorageProfile, error) {
	p, err := scanProfile(q.r.QueryRowContext(ctx, profileQuery+` WHERE p.org_id = ? AND p.name = ?`, orgID, name))
	if errors.Is(err, sql.ErrNoRows) {
		return cloud.StorageProfile{}, store.ErrStorageProfileNotFound(name)
	}
	return p, q.db.wrap(err, "get storage profile")
}

// StorageProfiles lists the org's profiles by name.
func (q *queries) StorageProfiles(ctx context.Context, orgID string) ([]cloud.StorageProfile, error) {
	rows, err := q.r.QueryContext(ctx, profileQuery+` WHERE p.org_id = ? ORDER BY p.name`, orgID)
	if err != nil {
		return nil, q.db.wrap(err, "list storage profiles")
	}
	defer rows.Close()
	var out []cloud.StorageProfile
	for rows.Next() {
		p, err := scanProfile(rows)
		if err != nil {
			return nil, q.db.wrap(err, "list storage profiles")
		}
		out = append(out, p)
	}
	return out, q.db.wrap(rows.Err(), "list storage profiles")
}

// UpdateStorageProfile writes p's settings; see cloud.StorageProfiles.
func (q *queries) UpdateStorageProfile(ctx context.Context, p *cloud.StorageProfile) error {
	if err := store.CheckStorageProfile(*p); err != nil {
		return err
	}
	now := store.Now()
	res, err := q.w.ExecContext(ctx, `UPDATE org_storage_profiles SET provider = ?, bucket = ?, region = ?,
		access_key = ?, secret_key = ?, account_id = ?, awscli_profile = ?, endpoint = ?, prefix = ?,
		updated_by = ?, updated_at = ? WHERE org_id = ? AND name = ?`,
		p.Provider, p.Bucket, p.Region, p.AccessKey, p.SecretKey, p.AccountID, p.AWSCLIProfile, p.Endpoint,
		p.Prefix, p.UpdatedBy, now.UnixMicro(), p.OrgID, p.Name)
	if err := affectedOne(res, err, store.ErrStorageProfileNotFound(p.Name)); err != nil {
		return q.db.wrap(err, "update storage profile")
	}
	p.UpdatedAt = now
	return nil
}

// DeleteStorageProfile removes the org's profile called name.
func (q *queries) DeleteStorageProfile(ctx context.Context, orgID, name string) error {
	res, err := q.w.ExecContext(ctx, `DELETE FROM org_storage_profiles WHERE org_id = ? AND name = ?`, orgID, name)
	return q.db.wrap(affectedOne(res, err, store.ErrStorageProfileNotFound(name)), "delete storage profile")
}

// scanProfile reads one row of profileQuery.
func scanProfile(s scanner) (cloud.StorageProfile, error) {
	var p cloud.StorageProfile
	var created, updated int64
	if err := s.Scan(&p.OrgID, &p.Name, &p.Provider, &p.Bucket, &p.Region, &p.AccessKey, &p.SecretKey,
		&p.AccountID, &p.AWSCLIProfile, &p.Endpoint, &p.Prefix, &p.CreatedBy, &p.CreatorEmail, &p.UpdatedBy,
		&p.UpdaterEmail, &created, &updated); err != nil {
		return cloud.StorageProfile{}, err
	}
	p.CreatedAt, p.UpdatedAt = fromMicro(created), fromMicro(updated)
	return p, nil
}
