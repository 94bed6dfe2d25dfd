package agent

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/clonit/clonit/internal/errs"
)

const targetColumns = `name, db_type, src_url, dst_url, COALESCE(storage_profile, ''), dump_jobs, restore_jobs,
	sanitize_dst_url, sanitize_query_file, local_only, created_at, updated_at`

// PutTarget inserts t, or updates the target of that name in place (its snapshots and
// sanitize queries stay). The passwords of its URLs are encrypted. A storage profile that
// does not exist is errs.ErrNotFound.
func (d *DB) PutTarget(ctx context.Context, t Target) error {
	var urls [3]string
	for i, u := range []string{t.SrcURL, t.DstURL, t.SanitizeDstURL} {
		enc, err := d.cipher.EncryptURL(u)
		if err != nil {
			return err
		}
		urls[i] = enc
	}
	now := formatTime(d.now())
	var profile any
	if t.StorageProfile != "" {
		profile = t.StorageProfile
	}
	return d.tx(ctx, func(tx *sql.Tx) error {
		if t.StorageProfile != "" {
			if err := profileExists(ctx, tx, t.StorageProfile); err != nil {
				return err
			}
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO targets (name, db_type, src_url, dst_url, storage_profile,
			dump_jobs, restore_jobs, sanitize_dst_url, sanitize_query_file, local_only, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
			ON CONFLICT (name) DO UPDATE SET db_type = excluded.db_type, src_url = excluded.src_url,
				dst_url = excluded.dst_url, storage_profile = excluded.storage_profile,
				dump_jobs = excluded.dump_jobs, restore_jobs = excluded.restore_jobs,
				sanitize_dst_url = excluded.sanitize_dst_url, sanitize_query_file = excluded.sanitize_query_file,
				local_only = excluded.local_only, updated_at = excluded.updated_at`,
			t.Name, t.DBType, urls[0], urls[1], profile, t.DumpJobs, t.RestoreJobs, urls[2],
			t.SanitizeQueryFile, boolInt(t.LocalOnly), now, now)
		if err != nil {
			return fmt.Errorf("save target %s: %w", t.Name, err)
		}
		return nil
	})
}

// Target returns the target called name with its passwords decrypted.
func (d *DB) Target(ctx context.Context, name string) (Target, error) {
	row := d.db.QueryRowContext(ctx, `SELECT `+targetColumns+` FROM targets WHERE name = ?`, name)
	t, err := d.scanTarget(row)
	if isNoRows(err) {
		return Target{}, TargetNotFound(name)
	}
	return t, err
}

// TargetNotFound is the error for a target that does not exist.
func TargetNotFound(name string) error {
	return errs.NotFound("target %q not found; see \"clonit targets list\"", name)
}

// Targets returns every target, by name.
func (d *DB) Targets(ctx context.Context) ([]Target, error) {
	rows, err := d.db.QueryContext(ctx, `SELECT `+targetColumns+` FROM targets ORDER BY name`)
	if err != nil {
		return nil, fmt.Errorf("list targets: %w", err)
	}
	defer rows.Close()
	var ts []Target
	for rows.Next() {
		t, err := d.scanTarget(rows)
		if err != nil {
			return nil, err
		}
		ts = append(ts, t)
	}
	return ts, rows.Err()
}

// DeleteTarget removes the target called name with its snapshot catalog and sanitize
// queries (the snapshot files on disk are left alone).
func (d *DB) DeleteTarget(ctx context.Context, name string) error {
	res, err := d.db.ExecContext(ctx, `DELETE FROM targets WHERE name = ?`, name)
	if err != nil {
		return fmt.Errorf("delete target %s: %w", name, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return TargetNotFound(name)
	}
	return nil
}

type scanner interface{ Scan(dest ...any) error }

func (d *DB) scanTarget(row scanner) (Target, error) {
	var t Target
	var local int
	var created, updated string
	err := row.Scan(&t.Name, &t.DBType, &t.SrcURL, &t.DstURL, &t.StorageProfile, &t.DumpJobs, &t.RestoreJobs,
		&t.SanitizeDstURL, &t.SanitizeQueryFile, &local, &created, &updated)
	if err != nil {
		if isNoRows(err) {
			return t, err
		}
		return t, fmt.Errorf("read target: %w", err)
	}
	t.LocalOnly = local != 0
	t.CreatedAt, t.UpdatedAt = parseTime(created), parseTime(updated)
	for _, u := range []*string{&t.SrcURL, &t.DstURL, &t.SanitizeDstURL} {
		if *u, err = d.cipher.DecryptURL(*u); err != nil {
			return t, fmt.Errorf("target %s: %w", t.Name, err)
		}
	}
	return t, nil
}
