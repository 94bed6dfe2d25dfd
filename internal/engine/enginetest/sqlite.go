package enginetest

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"fmt"
	"strconv"
	"strings"

	_ "modernc.org/sqlite" // the "sqlite" driver
)

// SQLiteFixtureSQL creates the SQLite fixture; {{rows}} is the number of rows of the large
// table.
const SQLiteFixtureSQL = `
PRAGMA journal_mode = WAL;
PRAGMA foreign_keys = ON;
CREATE TABLE customer (id INTEGER PRIMARY KEY AUTOINCREMENT, email TEXT NOT NULL UNIQUE, created_at TEXT NOT NULL);
CREATE TABLE orders (
  id INTEGER PRIMARY KEY,
  customer_id INTEGER NOT NULL REFERENCES customer (id) ON DELETE CASCADE,
  status TEXT NOT NULL CHECK (status IN ('new', 'paid', 'shipped')),
  details TEXT,
  amount REAL
);
CREATE INDEX orders_status ON orders (status);
CREATE VIEW paid_orders AS SELECT o.id, c.email, o.amount FROM orders o JOIN customer c ON c.id = o.customer_id WHERE o.status = 'paid';
CREATE TABLE events (id INTEGER PRIMARY KEY, at TEXT NOT NULL, payload BLOB);
CREATE TRIGGER orders_shipped AFTER UPDATE OF status ON orders WHEN NEW.status = 'shipped'
  BEGIN INSERT INTO events (at, payload) VALUES (datetime('now'), 'shipped ' || NEW.id); END;
WITH RECURSIVE g(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM g WHERE n < 500)
  INSERT INTO customer (email, created_at) SELECT 'user' || n || '@example.com', datetime('2024-01-01', '+' || n || ' hours') FROM g;
WITH RECURSIVE g(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM g WHERE n < 3000)
  INSERT INTO orders (customer_id, status, details, amount)
  SELECT 1 + n % 500, CASE n % 3 WHEN 0 THEN 'new' WHEN 1 THEN 'paid' ELSE 'shipped' END,
         CASE WHEN n % 4 = 0 THEN NULL ELSE json_object('note', 'order ' || n) END, n * 1.5 FROM g;
WITH RECURSIVE g(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM g WHERE n < {{rows}})
  INSERT INTO events (at, payload) SELECT datetime('2024-01-01', '+' || n || ' seconds'), randomblob(16) || 'payload ' || n FROM g;
`

// LoadSQLiteFixture creates the fixture database file at path with rows rows in events.
func LoadSQLiteFixture(ctx context.Context, path string, rows int) error {
	db, err := sql.Open("sqlite", path)
	if err != nil {
		return err
	}
	defer db.Close()
	if _, err := db.ExecContext(ctx, strings.ReplaceAll(SQLiteFixtureSQL, "{{rows}}", strconv.Itoa(rows))); err != nil {
		return fmt.Errorf("create SQLite fixture: %w", err)
	}
	return db.Close()
}

// SQLiteDump returns the schema (sqlite_master) and an ordered checksum of every table's
// rows of the database file at path, as one comparable text.
func SQLiteDump(ctx context.Context, path string) (string, error) {
	db, err := sql.Open("sqlite", "file:"+path+"?mode=ro")
	if err != nil {
		return "", err
	}
	defer db.Close()
	var b strings.Builder
	rows, err := db.QueryContext(ctx, "SELECT type, name, tbl_name, coalesce(sql, '') FROM sqlite_master ORDER BY type, name")
	if err != nil {
		return "", fmt.Errorf("read schema of %s: %w", path, err)
	}
	var tables []string
	for rows.Next() {
		var typ, name, tbl, stmt string
		if err := rows.Scan(&typ, &name, &tbl, &stmt); err != nil {
			return "", err
		}
		fmt.Fprintf(&b, "%s %s %s: %s\n", typ, name, tbl, stmt)
		if typ == "table" {
			tables = append(tables, name)
		}
	}
	if err := rows.Err(); err != nil {
		return "", err
	}
	for _, t := range tables {
		sum, n, err := sqliteTableSum(ctx, db, t)
		if err != nil {
			return "", err
		}
		fmt.Fprintf(&b, "rows %s: %d %s\n", t, n, sum)
	}
	return b.String(), nil
}

// sqliteTableSum hashes a table's rows in rowid order.
func sqliteTableSum(ctx context.Context, db *sql.DB, table string) (string, int, error) {
	rows, err := db.QueryContext(ctx, `SELECT * FROM "`+strings.ReplaceAll(table, `"`, `""`)+`" ORDER BY rowid`)
	if err != nil {
		return "", 0, err
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		return "", 0, err
	}
	vals := make([]any, len(cols))
	ptrs := make([]any, len(cols))
	for i := range vals {
		ptrs[i] = &vals[i]
	}
	h := sha256.New()
	n := 0
	for rows.Next() {
		if err := rows.Scan(ptrs...); err != nil {
			return "", 0, err
		}
		fmt.Fprintf(h, "%#v\n", vals)
		n++
	}
	return hex.EncodeToString(h.Sum(nil)), n, rows.Err()
}
