package agent

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"github.com/clonit/clonit/internal/errs"
)

const profileColumns = `name, provider, bucket, region, access_key, secret_key, account_id, awscli_profile,
	endpoint, prefix, created_at`

// PutStorageProfile inserts p, or replaces the settings of the profile of that name. Its
// access and secret keys are encrypted.
func (d *DB) PutStorageProfile(ctx context.Context, p StorageProfile) error {
	access, err := d.cipher.Encrypt(p.AccessKey)
	if err != nil {
		return err
	}
	secret, err := d.cipher.Encrypt(p.SecretKey)
	if err != nil {
		return err
	}
	_, err = d.db.ExecContext(ctx, `INSERT INTO storage_profiles (`+profileColumns+`)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (name) DO UPDATE SET provider = excluded.provider, bucket = excluded.bucket,
			region = excluded.region, access_key = excluded.access_key, secret_key = excluded.secret_key,
			account_id = excluded.account_id, awscli_profile = excluded.awscli_profile,
			endpoint = excluded.endpoint, prefix = excluded.prefix`,
		p.Name, p.Provider, p.Bucket, p.Region, access, secret, p.AccountID, p.AWSCLIProfile, p.Endpoint,
		p.Prefix, formatTime(d.now()))
	if err != nil {
		return fmt.Errorf("save storage profile %s: %w", p.Name, err)
	}
	return nil
}

// StorageProfile returns the profile called name with its keys decrypted.
func (d *DB) StorageProfile(ctx context.Context, name string) (StorageProfile, error) {
	row := d.db.QueryRowContext(ctx, `SELECT `+profileColumns+` FROM storage_profiles WHERE name = ?`, name)
	p, err := d.scanProfile(row)
	if isNoRows(err) {
		return p, StorageProfileNotFound(name)
	}
	return p, err
}

// StorageProfileNotFound is the error for a storage profile that does not exist.
func StorageProfileNotFound(name string) error {
	return errs.NotFound("storage profile %q not found; see \"clonit storage-profile list\"", name)
}

// StorageProfiles returns every storage profile, by name.
func (d *DB) StorageProfiles(ctx context.Context) ([]StorageProfile, error) {
	rows, err := d.db.QueryContext(ctx, `SELECT `+profileColumns+` FROM storage_profiles ORDER BY name`)
	if err != nil {
		return nil, fmt.Errorf("list storage profiles: %w", err)
	}
	defer rows.Close()
	var ps []StorageProfile
	for rows.Next() {
		p, err := d.scanProfile(rows)
		if err != nil {
			return nil, err
		}
		ps = append(ps, p)
	}
	return ps, rows.Err()
}

// DeleteStorageProfile removes the profile called name. A profile that targets still use is
// errs.ErrConflict, naming them.
func (d *DB) DeleteStorageProfile(ctx context.Context, name string) error {
	return d.tx(ctx, func(tx *sql.Tx) error {
		if err := profileExists(ctx, tx, name); err != nil {
			return err
		}
		rows, err := tx.QueryContext(ctx, `SELECT name FROM targets WHERE storage_profile = ? ORDER BY name`, name)
		if err != nil {
			return fmt.Errorf("find targets of storage profile %s: %w", name, err)
		}
		var users []string
		for rows.Next() {
			var t string
			if err := rows.Scan(&t); err != nil {
				rows.Close()
				return err
			}
			users = append(users, t)
		}
		rows.Close()
		if len(users) > 0 {
			noun := "target"
			if len(users) > 1 {
				noun = "targets"
			}
			return errs.Conflict("storage profile %q is used by %s %s; move them first with \"clonit targets edit NAME --storage-profile OTHER\"",
				name, noun, strings.Join(users, ", "))
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM storage_profiles WHERE name = ?`, name); err != nil {
			return fmt.Errorf("delete storage profile %s: %w", name, err)
		}
		return nil
	})
}

func profileExists(ctx context.Context, tx *sql.Tx, name string) error {
	var one int
	err := tx.QueryRowContext(ctx, `SELECT 1 FROM storage_profiles WHERE name = ?`, name).Scan(&one)
	if isNoRows(err) {
		return StorageProfileNotFound(name)
	}
	return err
}

func (d *DB) scanProfile(row scanner) (StorageProfile, error) {
	var p StorageProfile
	var created string
	err := row.Scan(&p.Name, &p.Provider, &p.Bucket, &p.Region, &p.AccessKey, &p.SecretKey, &p.AccountID,
		&p.AWSCLIProfile, &p.Endpoint, &p.Prefix, &created)
	if err != nil {
		if isNoRows(err) {
			return p, err
		}
		return p, fmt.Errorf("read storage profile: %w", err)
	}
	p.CreatedAt = parseTime(created)
	if p.AccessKey, err = d.cipher.Decrypt(p.AccessKey); err != nil {
		return p, fmt.Errorf("storage profile %s: %w", p.Name, err)
	}
	if p.SecretKey, err = d.cipher.Decrypt(p.SecretKey); err != nil {
		return p, fmt.Errorf("storage profile %s: %w", p.Name, err)
	}
	return p, nil
}
