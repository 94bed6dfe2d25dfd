package postgres

import (
	"context"
	"errors"

	"github.com/jackc/pgx/v5"

	"github.com/clonit/clonit/internal/cloud"
	"github.com/clonit/clonit/internal/cloud/store"
)

// profileQuery selects one org storage profile per row, with who created and last changed it.
const profileQuery = `SELECT p.org_id, p.name, p.provider, p.bucket, p.region, p.access_key, p.secret_key,
	p.account_id, p.awscli_profile, p.endpoint, p.prefix,
	p.created_by, COALESCE(c.email, ''), p.updated_by, COALESCE(u.email, ''), p.created_at, p.updated_at
	FROM org_storage_profiles p LEFT JOIN users c ON c.id = p.created_by LEFT JOIN users u ON u.id = p.updated_by`

// CreateStorageProfile inserts p; see cloud.StorageProfiles. The insert checks instead of
// failing, so that neither error spoils a surrounding transaction.
func (q *queries) CreateStorageProfile(ctx context.Context, p *cloud.StorageProfile) error {
	if err := store.CheckStorageProfile(*p); err != nil {
		return err
	}
	now := store.Now()
	tag, err := q.q.Exec(ctx, `INSERT INTO org_storage_profiles (org_id, name, provider, bucket, region,
		access_key, secret_key, account_id, awscli_profile, endpoint, prefix, created_by, updated_by,
		created_at, updated_at)
		SELECT $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $12, $13, $13
		WHERE EXISTS (SELECT 1 FROM orgs WHERE id = $1)
		ON CONFLICT (org_id, name) DO NOTHING`,
		p.OrgID, p.Name, p.Provider, p.Bucket, p.Region, p.AccessKey, p.SecretKey, p.AccountID,
		p.AWSCLIProfile, p.Endpoint, p.Prefix, p.CreatedBy, now)
	if err != nil {
		return q.db.wrap(err, "create storage profile")
	}
	if tag.RowsAffected() == 0 {
		if err := q.orgExists(ctx, p.OrgID); err != nil {
			return err
		}
		return store.ErrStorageProfileTaken(p.Name)
	}
	p.UpdatedBy, p.CreatedAt, p.UpdatedAt = p.CreatedBy, now, now
	return nil
}

// StorageProfile returns the org's profile called name, or errs.ErrNotFound.
func (q *queries) StorageProfile(ctx context.Context, orgID, name string) (cloud.StorageProfile, error) {
	p, err := scanProfile(q.q.QueryRow(ctx, profileQuery+` WHERE p.org_id = $1 AND p.name = $2`, orgID, name))
	if errors.Is(err, pgx.ErrNoRows) {
		return cloud.StorageProfile{}, store.ErrStorageProfileNotFound(name)
	}
	return p, q.db.wrap(err, "get storage profile")
}

// StorageProfiles lists the org's profiles by name.
func (q *queries) StorageProfiles(ctx context.Context, orgID string) ([]cloud.StorageProfile, error) {
	rows, err := q.q.Query(ctx, profileQuery+` WHERE p.org_id = $1 ORDER BY p.name COLLATE "C"`, orgID)
	if err != nil {
		return nil, q.db.wrap(err, "list storage profiles")
	}
	out, err := collect(rows, scanProfile)
	return out, q.db.wrap(err, "list storage profiles")
}

// UpdateStorageProfile writes p's settings; see cloud.StorageProfiles.
func (q *queries) UpdateStorageProfile(ctx context.Context, p *cloud.StorageProfile) error {
	if err := store.CheckStorageProfile(*p); err != nil {
		return err
	}
	now := store.Now()
	tag, err := q.q.Exec(ctx, `UPDATE org_storage_profiles SET provider = $1, bucket = $2, region = $3,
		access_key = $4, secret_key = $5, account_id = $6, awscli_profile = $7, endpoint = $8, prefix = $9,
		updated_by = $10, updated_at = $11 WHERE org_id = $12 AND name = $13`,
		p.Provider, p.Bucket, p.Region, p.AccessKey, p.SecretKey, p.AccountID, p.AWSCLIProfile, p.Endpoint,
		p.Prefix, p.UpdatedBy, now, p.OrgID, p.Name)
	if err := affectedOne(tag, err, store.ErrStorageProfileNotFound(p.Name)); err != nil {
		return q.db.wrap(err, "update storage profile")
	}
	p.UpdatedAt = now
	return nil
}

// DeleteStorageProfile removes the org's profile called name.
func (q *queries) DeleteStorageProfile(ctx context.Context, orgID, name string) error {
	tag, err := q.q.Exec(ctx, `DELETE FROM org_storage_profiles WHERE org_id = $1 AND name = $2`, orgID, name)
	return q.db.wrap(affectedOne(tag, err, store.ErrStorageProfileNotFound(name)), "delete storage profile")
}

// scanProfile reads one row of profileQuery.
func scanProfile(s scanner) (cloud.StorageProfile, error) {
	var p cloud.StorageProfile
	if err := s.Scan(&p.OrgID, &p.Name, &p.Provider, &p.Bucket, &p.Region, &p.AccessKey, &p.SecretKey,
		&p.AccountID, &p.AWSCLIProfile, &p.Endpoint, &p.Prefix, &p.CreatedBy, &p.CreatorEmail, &p.UpdatedBy,
		&p.UpdaterEmail, &p.CreatedAt, &p.UpdatedAt); err != nil {
		return cloud.StorageProfile{}, err
	}
	p.CreatedAt, p.UpdatedAt = utc(p.CreatedAt), utc(p.UpdatedAt)
	return p, nil
}
