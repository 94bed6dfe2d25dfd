// Package enginetest holds what the engine and command tests share: fixture databases with
// the shapes that break naive copies (schemas, foreign keys, sequences, indexes, views,
// enums, jsonb, a large table), and comparisons of two databases' schema and rows.
package enginetest

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os/exec"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

// PostgresFixtureSQL creates the fixture schema; {{rows}} is the number of rows of the large table.
const PostgresFixtureSQL = `
CREATE SCHEMA sales;
CREATE SCHEMA inventory;
CREATE TYPE sales.order_status AS ENUM ('new', 'paid', 'shipped');
CREATE SEQUENCE sales.invoice_no START 1000 INCREMENT 7;
CREATE TABLE inventory.product (
  id serial PRIMARY KEY,
  sku text NOT NULL UNIQUE,
  attrs jsonb NOT NULL DEFAULT '{}',
  price numeric(10,2) NOT NULL
);
CREATE TABLE sales.customer (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  email text NOT NULL,
  created_at timestamptz NOT NULL
);
CREATE INDEX customer_email_lower ON sales.customer (lower(email));
CREATE TABLE sales.orders (
  id bigserial PRIMARY KEY,
  customer_id bigint NOT NULL REFERENCES sales.customer (id) ON DELETE CASCADE,
  product_id int REFERENCES inventory.product (id),
  status sales.order_status NOT NULL DEFAULT 'new',
  invoice bigint NOT NULL DEFAULT nextval('sales.invoice_no'),
  qty int NOT NULL CHECK (qty > 0),
  details jsonb
);
CREATE INDEX orders_open ON sales.orders (status) WHERE status <> 'shipped';
CREATE INDEX orders_details ON sales.orders USING gin (details);
CREATE VIEW sales.paid_orders AS
  SELECT o.id, c.email, p.sku, o.qty * p.price AS total
  FROM sales.orders o JOIN sales.customer c ON c.id = o.customer_id JOIN inventory.product p ON p.id = o.product_id
  WHERE o.status = 'paid';
CREATE TABLE public.events (
  id bigint PRIMARY KEY,
  at timestamptz NOT NULL,
  kind text NOT NULL,
  payload text
);
CREATE INDEX events_at ON public.events (at);

INSERT INTO inventory.product (sku, attrs, price)
  SELECT 'SKU-' || g, jsonb_build_object('color', (ARRAY['red','green','blue'])[1 + g % 3], 'tags', jsonb_build_array(g, 'x' || g)), (g * 1.25)::numeric(10,2)
  FROM generate_series(1, 50) g;
INSERT INTO sales.customer (email, created_at)
  SELECT 'user' || g || '@example.com', timestamptz '2024-01-01 00:00:00+00' + g * interval '1 hour'
  FROM generate_series(1, 500) g;
INSERT INTO sales.orders (customer_id, product_id, status, qty, details)
  SELECT 1 + g % 500, 1 + g % 50, (ARRAY['new','paid','shipped']::sales.order_status[])[1 + g % 3], 1 + g % 9,
         CASE WHEN g % 4 = 0 THEN NULL ELSE jsonb_build_object('note', 'order ' || g, 'gift', g % 2 = 0) END
  FROM generate_series(1, 3000) g;
INSERT INTO public.events (id, at, kind, payload)
  SELECT g, timestamptz '2024-01-01 00:00:00+00' + g * interval '1 second', 'kind' || (g % 17), md5(g::text) || repeat('z', g % 40)
  FROM generate_series(1, {{rows}}) g;
ANALYZE;
`

// PostgresFixture fills the empty database at url with the fixture, with rows rows in the
// large table public.events.
func PostgresFixture(t testing.TB, url string, rows int) {
	t.Helper()
	if err := LoadPostgresFixture(context.Background(), url, rows); err != nil {
		t.Fatal(err)
	}
}

// LoadPostgresFixture is PostgresFixture for callers without a testing.TB.
func LoadPostgresFixture(ctx context.Context, url string, rows int) error {
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		return fmt.Errorf("connect to fixture database: %w", err)
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, strings.ReplaceAll(PostgresFixtureSQL, "{{rows}}", strconv.Itoa(rows))); err != nil {
		return fmt.Errorf("create fixture: %w", err)
	}
	return nil
}

// PostgresSchema returns `pg_dump --schema-only` of the database at url, without the lines
// that differ between any two runs (\restrict keys).
func PostgresSchema(ctx context.Context, url string) (string, error) {
	ctx, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()
	out, err := exec.CommandContext(ctx, "pg_dump", "--schema-only", "--dbname="+url).Output()
	if err != nil {
		return "", fmt.Errorf("pg_dump --schema-only: %w", err)
	}
	var keep []string
	for _, l := range strings.Split(string(out), "\n") {
		if strings.HasPrefix(l, `\restrict `) || strings.HasPrefix(l, `\unrestrict `) {
			continue
		}
		keep = append(keep, l)
	}
	return strings.Join(keep, "\n"), nil
}

// PostgresRows returns, for every table and sequence of the database at url, a checksum of
// its rows in order ("schema.table" → "<count>:<sha256>"; sequences → "last_value/is_called").
func PostgresRows(ctx context.Context, url string) (map[string]string, error) {
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		return nil, fmt.Errorf("connect: %w", err)
	}
	defer conn.Close(ctx)
	rel, err := conn.Query(ctx, `
		SELECT n.nspname, c.relname, c.relkind::text FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
		WHERE c.relkind IN ('r', 'S') AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg_toast%'
		ORDER BY 1, 2`)
	if err != nil {
		return nil, err
	}
	type relation struct{ schema, name, kind string }
	var rels []relation
	for rel.Next() {
		var r relation
		if err := rel.Scan(&r.schema, &r.name, &r.kind); err != nil {
			return nil, err
		}
		rels = append(rels, r)
	}
	if err := rel.Err(); err != nil {
		return nil, err
	}
	sums := map[string]string{}
	for _, r := range rels {
		id := pgx.Identifier{r.schema, r.name}.Sanitize()
		key := r.schema + "." + r.name
		if r.kind == "S" {
			var last int64
			var called bool
			if err := conn.QueryRow(ctx, "SELECT last_value, is_called FROM "+id).Scan(&last, &called); err != nil {
				return nil, err
			}
			sums[key] = fmt.Sprintf("%d/%t", last, called)
			continue
		}
		rows, err := conn.Query(ctx, "SELECT t::text FROM "+id+" t ORDER BY 1")
		if err != nil {
			return nil, err
		}
		h := sha256.New()
		n := 0
		for rows.Next() {
			var s string
			if err := rows.Scan(&s); err != nil {
				return nil, err
			}
			h.Write([]byte(s))
			h.Write([]byte{'\n'})
			n++
		}
		if err := rows.Err(); err != nil {
			return nil, err
		}
		sums[key] = fmt.Sprintf("%d:%s", n, hex.EncodeToString(h.Sum(nil)))
	}
	return sums, nil
}

// SamePostgres reports how the databases at a and b differ in schema or rows; "" when they
// are identical.
func SamePostgres(ctx context.Context, a, b string) (string, error) {
	sa, err := PostgresSchema(ctx, a)
	if err != nil {
		return "", err
	}
	sb, err := PostgresSchema(ctx, b)
	if err != nil {
		return "", err
	}
	if sa != sb {
		return "schemas differ:\n" + lineDiff(sa, sb), nil
	}
	ra, err := PostgresRows(ctx, a)
	if err != nil {
		return "", err
	}
	rb, err := PostgresRows(ctx, b)
	if err != nil {
		return "", err
	}
	return mapDiff(ra, rb), nil
}

// lineDiff lists the lines of a missing from b (-) and of b missing from a (+).
func lineDiff(a, b string) string {
	count := map[string]int{}
	for _, l := range strings.Split(a, "\n") {
		count[l]++
	}
	for _, l := range strings.Split(b, "\n") {
		count[l]--
	}
	var out []string
	for l, n := range count {
		switch {
		case n > 0:
			out = append(out, "- "+l)
		case n < 0:
			out = append(out, "+ "+l)
		}
	}
	sort.Strings(out)
	return strings.Join(out, "\n")
}

// mapDiff lists the keys whose values differ between a and b; "" when none do.
func mapDiff(a, b map[string]string) string {
	var out []string
	for k, v := range a {
		if b[k] != v {
			out = append(out, fmt.Sprintf("%s: %q != %q", k, v, b[k]))
		}
	}
	for k, v := range b {
		if _, ok := a[k]; !ok {
			out = append(out, fmt.Sprintf("%s: missing != %q", k, v))
		}
	}
	sort.Strings(out)
	if len(out) == 0 {
		return ""
	}
	return "rows differ:\n" + strings.Join(out, "\n")
}
