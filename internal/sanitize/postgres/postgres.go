// Package postgres reads what the sanitizer analyzes from a PostgreSQL database: its user
// tables' columns with their types and keys, its foreign keys, and a sample of each table's
// rows. It only reads.
package postgres

import (
	"context"
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5"

	"github.com/clonit/clonit/internal/engine"
	"github.com/clonit/clonit/internal/errs"
	"github.com/clonit/clonit/internal/sanitize"
)

// maxValueLen bounds how much of one sampled value is read: enough for any detector.
const maxValueLen = 4096

// Read describes the database at url for the analyzer, sampling up to sampleRows rows of
// every table. The sample is the first rows in the table's storage order (not random), so
// the same database gives the same sample.
func Read(ctx context.Context, url string, sampleRows int) (sanitize.Database, error) {
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		return sanitize.Database{}, errs.Wrap(errs.ErrUnavailable, err, "cannot connect to %s to analyze it; check that it is running and the URL is right", engine.Redact(url))
	}
	defer conn.Close(context.WithoutCancel(ctx))
	db, err := read(ctx, conn, sampleRows)
	if err != nil {
		return db, fmt.Errorf("analyze %s: %w", engine.Redact(url), err)
	}
	return db, nil
}

func read(ctx context.Context, conn *pgx.Conn, sampleRows int) (sanitize.Database, error) {
	db := sanitize.Database{SampleSize: sampleRows}
	// A synchronized scan may start in the middle of a table: turn it off so that the
	// sample is the same each time.
	if _, err := conn.Exec(ctx, "SET synchronize_seqscans = off"); err != nil {
		return db, err
	}
	cols, err := columns(ctx, conn)
	if err != nil {
		return db, err
	}
	if db.ForeignKeys, err = foreignKeys(ctx, conn); err != nil {
		return db, err
	}
	for start := 0; start < len(cols); {
		end := start
		for end < len(cols) && cols[end].Schema == cols[start].Schema && cols[end].Table == cols[start].Table {
			end++
		}
		if err := sample(ctx, conn, cols[start:end], sampleRows); err != nil {
			return db, err
		}
		start = end
	}
	db.Columns = cols
	return db, nil
}

// columns lists the updatable columns of the user tables, by schema, table and position.
// Partitions are left out: their parent table stands for them.
func columns(ctx context.Context, conn *pgx.Conn) ([]sanitize.Column, error) {
	rows, err := conn.Query(ctx, `
		SELECT n.nspname, c.relname, a.attname, format_type(a.atttypid, a.atttypmod),
		       CASE WHEN a.atttypid IN ('varchar'::regtype, 'bpchar'::regtype) AND a.atttypmod > 4
		            THEN a.atttypmod - 4 ELSE 0 END,
		       EXISTS (SELECT 1 FROM pg_index i WHERE i.indrelid = c.oid AND i.indisprimary AND a.attnum = ANY (i.indkey)),
		       EXISTS (SELECT 1 FROM pg_index i WHERE i.indrelid = c.oid AND i.indisunique AND a.attnum = ANY (i.indkey))
		FROM pg_class c
		JOIN pg_namespace n ON n.oid = c.relnamespace
		JOIN pg_attribute a ON a.attrelid = c.oid
		WHERE c.relkind IN ('r', 'p') AND NOT c.relispartition
		  AND a.attnum > 0 AND NOT a.attisdropped AND a.attgenerated = ''
		  AND n.nspname NOT IN ('pg_catalog', 'information_schema')
		  AND n.nspname NOT LIKE 'pg\_toast%' AND n.nspname NOT LIKE 'pg\_temp%'
		  AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.objid = c.oid AND d.deptype = 'e')
		ORDER BY n.nspname, c.relname, a.attnum`)
	if err != nil {
		return nil, fmt.Errorf("list columns: %w", err)
	}
	var out []sanitize.Column
	for rows.Next() {
		var c sanitize.Column
		if err := rows.Scan(&c.Schema, &c.Table, &c.Name, &c.DataType, &c.MaxLength, &c.PrimaryKey, &c.Unique); err != nil {
			return nil, fmt.Errorf("list columns: %w", err)
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// foreignKeys lists the foreign keys between user tables, with their definitions.
func foreignKeys(ctx context.Context, conn *pgx.Conn) ([]sanitize.ForeignKey, error) {
	rows, err := conn.Query(ctx, `
		SELECT con.conname, n.nspname, c.relname, rn.nspname, rc.relname,
		       ARRAY(SELECT a.attname::text FROM unnest(con.conkey) WITH ORDINALITY k(num, ord)
		             JOIN pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = k.num ORDER BY k.ord),
		       ARRAY(SELECT a.attname::text FROM unnest(con.confkey) WITH ORDINALITY k(num, ord)
		             JOIN pg_attribute a ON a.attrelid = con.confrelid AND a.attnum = k.num ORDER BY k.ord),
		       pg_get_constraintdef(con.oid)
		FROM pg_constraint con
		JOIN pg_class c ON c.oid = con.conrelid JOIN pg_namespace n ON n.oid = c.relnamespace
		JOIN pg_class rc ON rc.oid = con.confrelid JOIN pg_namespace rn ON rn.oid = rc.relnamespace
		WHERE con.contype = 'f' AND con.conparentid = 0
		ORDER BY n.nspname, c.relname, con.conname`)
	if err != nil {
		return nil, fmt.Errorf("list foreign keys: %w", err)
	}
	var out []sanitize.ForeignKey
	for rows.Next() {
		var fk sanitize.ForeignKey
		if err := rows.Scan(&fk.Name, &fk.Schema, &fk.Table, &fk.RefSchema, &fk.RefTable, &fk.Columns, &fk.RefColumns, &fk.Def); err != nil {
			return nil, fmt.Errorf("list foreign keys: %w", err)
		}
		out = append(out, fk)
	}
	return out, rows.Err()
}

// sample reads up to n rows of the table of cols (all of one table) into their Values.
func sample(ctx context.Context, conn *pgx.Conn, cols []sanitize.Column, n int) error {
	if n <= 0 {
		return nil
	}
	exprs := make([]string, len(cols))
	for i, c := range cols {
		exprs[i] = fmt.Sprintf("left(%s::text, %d)", pgx.Identifier{c.Name}.Sanitize(), maxValueLen)
	}
	table := pgx.Identifier{cols[0].Schema, cols[0].Table}.Sanitize()
	rows, err := conn.Query(ctx, fmt.Sprintf("SELECT %s FROM %s LIMIT %d", strings.Join(exprs, ", "), table, n))
	if err != nil {
		return fmt.Errorf("sample %s: %w", table, err)
	}
	defer rows.Close()
	vals := make([]*string, len(cols))
	dest := make([]any, len(cols))
	for i := range vals {
		dest[i] = &vals[i]
	}
	for rows.Next() {
		if err := rows.Scan(dest...); err != nil {
			return fmt.Errorf("sample %s: %w", table, err)
		}
		for i, v := range vals {
			if v != nil {
				cols[i].Values = append(cols[i].Values, *v)
			}
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("sample %s: %w", table, err)
	}
	return nil
}
