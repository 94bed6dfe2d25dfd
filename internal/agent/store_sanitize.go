package agent

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/clonit/clonit/internal/errs"
)

// SanitizeQuery is one stored version of a target's sanitization SQL. Versions count up from
// 1 per target; at most one of them is active, and `clonit sanitize` runs the active one when
// the target has no sanitize_query_file.
type SanitizeQuery struct {
	Target    string    `json:"target"`
	Version   int       `json:"version"`
	Query     string    `json:"query"`
	Active    bool      `json:"active"`
	CreatedAt time.Time `json:"created_at"`
}

// AddSanitizeQuery stores query as the next version of target's sanitize query and makes it
// the active one. It returns the stored version.
func (d *DB) AddSanitizeQuery(ctx context.Context, target, query string) (SanitizeQuery, error) {
	q := SanitizeQuery{Target: target, Query: query, Active: true, CreatedAt: d.now().UTC()}
	err := d.tx(ctx, func(tx *sql.Tx) error {
		var one int
		err := tx.QueryRowContext(ctx, `SELECT 1 FROM targets WHERE name = ?`, target).Scan(&one)
		if isNoRows(err) {
			return TargetNotFound(target)
		}
		if err != nil {
			return err
		}
		if err := tx.QueryRowContext(ctx, `SELECT COALESCE(MAX(version), 0) + 1 FROM sanitize_queries WHERE target = ?`,
			target).Scan(&q.Version); err != nil {
			return fmt.Errorf("next sanitize query version: %w", err)
		}
		if _, err := tx.ExecContext(ctx, `UPDATE sanitize_queries SET active = 0 WHERE target = ? AND active = 1`, target); err != nil {
			return fmt.Errorf("deactivate sanitize query: %w", err)
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO sanitize_queries (target, version, query, active, created_at)
			VALUES (?, ?, ?, 1, ?)`, target, q.Version, query, formatTime(q.CreatedAt))
		if err != nil {
			return fmt.Errorf("save sanitize query: %w", err)
		}
		return nil
	})
	if err != nil {
		return SanitizeQuery{}, err
	}
	return q, nil
}

// SanitizeQueries lists every version of target's sanitize query, newest first.
func (d *DB) SanitizeQueries(ctx context.Context, target string) ([]SanitizeQuery, error) {
	if _, err := d.Target(ctx, target); err != nil {
		return nil, err
	}
	rows, err := d.db.QueryContext(ctx, `SELECT target, version, query, active, created_at FROM sanitize_queries
		WHERE target = ? ORDER BY version DESC`, target)
	if err != nil {
		return nil, fmt.Errorf("list sanitize queries: %w", err)
	}
	defer rows.Close()
	var qs []SanitizeQuery
	for rows.Next() {
		q, err := scanSanitizeQuery(rows)
		if err != nil {
			return nil, err
		}
		qs = append(qs, q)
	}
	return qs, rows.Err()
}

// ActiveSanitizeQuery returns target's active sanitize query; errs.ErrNotFound when it has none.
func (d *DB) ActiveSanitizeQuery(ctx context.Context, target string) (SanitizeQuery, error) {
	row := d.db.QueryRowContext(ctx, `SELECT target, version, query, active, created_at FROM sanitize_queries
		WHERE target = ? AND active = 1`, target)
	q, err := scanSanitizeQuery(row)
	if isNoRows(err) {
		if _, err := d.Target(ctx, target); err != nil {
			return q, err
		}
		return q, errs.NotFound("target %q has no active sanitize query; set sanitize_query_file or store a query", target)
	}
	return q, err
}

// ActivateSanitizeQuery makes version the active sanitize query of target.
func (d *DB) ActivateSanitizeQuery(ctx context.Context, target string, version int) error {
	return d.tx(ctx, func(tx *sql.Tx) error {
		var one int
		err := tx.QueryRowContext(ctx, `SELECT 1 FROM sanitize_queries WHERE target = ? AND version = ?`,
			target, version).Scan(&one)
		if isNoRows(err) {
			return errs.NotFound("sanitize query version %d of target %q not found", version, target)
		}
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE sanitize_queries SET active = 0 WHERE target = ? AND active = 1`, target); err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `UPDATE sanitize_queries SET active = 1 WHERE target = ? AND version = ?`, target, version)
		return err
	})
}

func scanSanitizeQuery(row scanner) (SanitizeQuery, error) {
	var q SanitizeQuery
	var active int
	var created string
	if err := row.Scan(&q.Target, &q.Version, &q.Query, &active, &created); err != nil {
		if isNoRows(err) {
			return q, err
		}
		return q, fmt.Errorf("read sanitize query: %w", err)
	}
	q.Active = active != 0
	q.CreatedAt = parseTime(created)
	return q, nil
}
