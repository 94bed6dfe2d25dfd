// Package sqlite reads what the sanitizer analyzes from a SQLite database file (columns,
// keys, foreign keys and a sample of rows) and runs sanitize queries in one, with the hash
// functions the generated SQL uses.
package sqlite

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"database/sql/driver"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"net/url"
	"strings"

	sqlitedrv "modernc.org/sqlite"

	"github.com/clonit/clonit/internal/errs"
	"github.com/clonit/clonit/internal/sanitize"
)

// maxValueLen bounds how much of one sampled value is read.
const maxValueLen = 4096

func init() {
	sqlitedrv.MustRegisterDeterministicScalarFunction(sanitize.SQLiteHashFunc, 1, hashFunc)
	sqlitedrv.MustRegisterDeterministicScalarFunction(sanitize.SQLiteHashIntFunc, 1, hashIntFunc)
}

// hashFunc is clonit_hash(x): the SHA-256 of x as text, in hex spelled with the letters
// a-p (0-9 become g-p), so replacements hold no digits; NULL stays NULL.
func hashFunc(_ *sqlitedrv.FunctionContext, args []driver.Value) (driver.Value, error) {
	b, ok := argBytes(args[0])
	if !ok {
		return nil, nil
	}
	sum := sha256.Sum256(b)
	return strings.Map(func(r rune) rune {
		if r >= '0' && r <= '9' {
			return 'g' + (r - '0')
		}
		return r
	}, hex.EncodeToString(sum[:])), nil
}

// hashIntFunc is clonit_hash_int(x): a negative integer from the SHA-256 of x; NULL stays NULL.
func hashIntFunc(_ *sqlitedrv.FunctionContext, args []driver.Value) (driver.Value, error) {
	b, ok := argBytes(args[0])
	if !ok {
		return nil, nil
	}
	sum := sha256.Sum256(b)
	return -int64(binary.BigEndian.Uint64(sum[:8])>>4) - 1, nil
}

// argBytes returns an SQL value as the bytes of its text form.
func argBytes(v driver.Value) ([]byte, bool) {
	switch x := v.(type) {
	case nil:
		return nil, false
	case []byte:
		return x, true
	case string:
		return []byte(x), true
	default:
		return fmt.Appendf(nil, "%v", x), true
	}
}

// Open opens the SQLite file at path (which must exist) with foreign keys enforced.
func Open(path string) (*sql.DB, error) {
	dsn := "file:" + (&url.URL{Path: path}).EscapedPath() + "?mode=rw&_pragma=busy_timeout(30000)&_pragma=foreign_keys(1)"
	db, err := sql.Open("sqlite", dsn)
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	db.SetMaxOpenConns(1)
	if err := db.Ping(); err != nil {
		db.Close()
		return nil, errs.Wrap(errs.ErrNotFound, err, "cannot open the SQLite database %s; check that the file exists", path)
	}
	return db, nil
}

// Read describes the SQLite database at path for the analyzer, sampling up to sampleRows
// rows of every table (the first ones in rowid order, so the same file gives the same sample).
func Read(ctx context.Context, path string, sampleRows int) (sanitize.Database, error) {
	db, err := Open(path)
	if err != nil {
		return sanitize.Database{}, err
	}
	defer db.Close()
	out, err := read(ctx, db, sampleRows)
	if err != nil {
		return out, fmt.Errorf("analyze %s: %w", path, err)
	}
	return out, nil
}

func read(ctx context.Context, db *sql.DB, sampleRows int) (sanitize.Database, error) {
	out := sanitize.Database{SampleSize: sampleRows}
	tables, err := strings1(ctx, db, `SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite\_%' ESCAPE '\' ORDER BY name`)
	if err != nil {
		return out, fmt.Errorf("list tables: %w", err)
	}
	for _, t := range tables {
		cols, err := tableColumns(ctx, db, t)
		if err != nil {
			return out, err
		}
		if err := sample(ctx, db, cols, sampleRows); err != nil {
			return out, err
		}
		out.Columns = append(out.Columns, cols...)
		fks, err := tableForeignKeys(ctx, db, t)
		if err != nil {
			return out, err
		}
		out.ForeignKeys = append(out.ForeignKeys, fks...)
	}
	return out, nil
}

// quote quotes an SQLite identifier.
func quote(s string) string { return `"` + strings.ReplaceAll(s, `"`, `""`) + `"` }

// strings1 returns the first column of a query's rows.
func strings1(ctx context.Context, db *sql.DB, q string) ([]string, error) {
	rows, err := db.QueryContext(ctx, q)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, rows.Err()
}

// tableColumns lists the columns of table t with their declared types and keys; generated
// and hidden columns are left out.
func tableColumns(ctx context.Context, db *sql.DB, t string) ([]sanitize.Column, error) {
	unique, err := uniqueColumns(ctx, db, t)
	if err != nil {
		return nil, err
	}
	rows, err := db.QueryContext(ctx, "SELECT name, type, pk, hidden FROM pragma_table_xinfo(?) ORDER BY cid", t)
	if err != nil {
		return nil, fmt.Errorf("list columns of %s: %w", t, err)
	}
	defer rows.Close()
	var out []sanitize.Column
	for rows.Next() {
		var name, typ string
		var pk, hidden int
		if err := rows.Scan(&name, &typ, &pk, &hidden); err != nil {
			return nil, fmt.Errorf("list columns of %s: %w", t, err)
		}
		if hidden != 0 {
			continue
		}
		out = append(out, sanitize.Column{Schema: "main", Table: t, Name: name, DataType: typ, PrimaryKey: pk > 0, Unique: pk > 0 || unique[name]})
	}
	return out, rows.Err()
}

// uniqueColumns returns the columns of t that are part of a unique index.
func uniqueColumns(ctx context.Context, db *sql.DB, t string) (map[string]bool, error) {
	idx, err := strings1(ctx, db, fmt.Sprintf("SELECT name FROM pragma_index_list(%s) WHERE \"unique\" = 1", sqlString(t)))
	if err != nil {
		return nil, fmt.Errorf("list indexes of %s: %w", t, err)
	}
	out := map[string]bool{}
	for _, i := range idx {
		cols, err := strings1(ctx, db, fmt.Sprintf("SELECT name FROM pragma_index_info(%s) WHERE name IS NOT NULL", sqlString(i)))
		if err != nil {
			return nil, fmt.Errorf("list index %s: %w", i, err)
		}
		for _, c := range cols {
			out[c] = true
		}
	}
	return out, nil
}

// sqlString quotes s as an SQL string literal.
func sqlString(s string) string { return "'" + strings.ReplaceAll(s, "'", "''") + "'" }
