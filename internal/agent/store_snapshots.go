package agent

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/clonit/clonit/internal/errs"
)

const snapshotColumns = `target, name, type, size, created_at, local, remote, sha256, source, verification, cloud_id`

// PutSnapshot inserts s, or updates the snapshot of that target and name. Its target must
// exist (errs.ErrNotFound otherwise).
func (d *DB) PutSnapshot(ctx context.Context, s Snapshot) error {
	if s.Type == "" {
		s.Type = TypeSnapshot
	}
	if s.CreatedAt.IsZero() {
		s.CreatedAt = d.now()
	}
	return d.tx(ctx, func(tx *sql.Tx) error {
		var one int
		err := tx.QueryRowContext(ctx, `SELECT 1 FROM targets WHERE name = ?`, s.Target).Scan(&one)
		if isNoRows(err) {
			return TargetNotFound(s.Target)
		}
		if err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO snapshots (`+snapshotColumns+`)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
			ON CONFLICT (target, name) DO UPDATE SET type = excluded.type, size = excluded.size,
				created_at = excluded.created_at, local = excluded.local, remote = excluded.remote,
				sha256 = excluded.sha256, source = excluded.source, verification = excluded.verification,
				cloud_id = excluded.cloud_id`,
			s.Target, s.Name, s.Type, s.Size, formatTime(s.CreatedAt), boolInt(s.Local), boolInt(s.Remote),
			s.SHA256, s.Source, s.Verification, s.CloudID)
		if err != nil {
			return fmt.Errorf("save snapshot %s: %w", s.Name, err)
		}
		return nil
	})
}

// Snapshots lists the snapshots of target, newest first (index 0 = newest). An unknown
// target is errs.ErrNotFound.
func (d *DB) Snapshots(ctx context.Context, target string) ([]Snapshot, error) {
	if _, err := d.Target(ctx, target); err != nil {
		return nil, err
	}
	rows, err := d.db.QueryContext(ctx, `SELECT `+snapshotColumns+` FROM snapshots WHERE target = ?
		ORDER BY created_at DESC, name DESC`, target)
	if err != nil {
		return nil, fmt.Errorf("list snapshots: %w", err)
	}
	defer rows.Close()
	var ss []Snapshot
	for rows.Next() {
		s, err := scanSnapshot(rows)
		if err != nil {
			return nil, err
		}
		ss = append(ss, s)
	}
	return ss, rows.Err()
}

// Snapshot returns the snapshot called name of target.
func (d *DB) Snapshot(ctx context.Context, target, name string) (Snapshot, error) {
	row := d.db.QueryRowContext(ctx, `SELECT `+snapshotColumns+` FROM snapshots WHERE target = ? AND name = ?`, target, name)
	s, err := scanSnapshot(row)
	if isNoRows(err) {
		return s, snapshotNotFound(target, name)
	}
	return s, err
}

// DeleteSnapshot removes a snapshot from the catalog (not its files).
func (d *DB) DeleteSnapshot(ctx context.Context, target, name string) error {
	res, err := d.db.ExecContext(ctx, `DELETE FROM snapshots WHERE target = ? AND name = ?`, target, name)
	if err != nil {
		return fmt.Errorf("delete snapshot %s: %w", name, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return snapshotNotFound(target, name)
	}
	return nil
}

func snapshotNotFound(target, name string) error {
	return errs.NotFound("snapshot %q of target %q not found; see \"clonit snapshots %s\"", name, target, target)
}

func scanSnapshot(row scanner) (Snapshot, error) {
	var s Snapshot
	var created string
	var local, remote int
	err := row.Scan(&s.Target, &s.Name, &s.Type, &s.Size, &created, &local, &remote, &s.SHA256, &s.Source,
		&s.Verification, &s.CloudID)
	if err != nil {
		if isNoRows(err) {
			return s, err
		}
		return s, fmt.Errorf("read snapshot: %w", err)
	}
	s.CreatedAt = parseTime(created)
	s.Local, s.Remote = local != 0, remote != 0
	return s, nil
}
