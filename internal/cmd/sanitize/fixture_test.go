package sanitize_test

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/clonit/clonit/internal/sanitize"
	sanitizepg "github.com/clonit/clonit/internal/sanitize/postgres"
	"github.com/clonit/clonit/internal/sanitize/sanitizetest"
	"github.com/clonit/clonit/internal/testutil"
)

// shop sets up a clonit with target "shop" over a copy of the labelled fixture, built once.
// It returns the clonit and the source and destination URLs.
func shop(t *testing.T) (*clonit, string, string) {
	t.Helper()
	src, dst, scratch := testutil.NewPostgresDB(t), testutil.NewPostgresDB(t), testutil.NewPostgresDB(t)
	if err := sanitizetest.Load(context.Background(), src); err != nil {
		t.Fatal(err)
	}
	c := newClonit(t)
	c.ok("targets", "add", "shop", "--src-url", src, "--dst-url", dst, "--sanitize-dst-url", scratch)
	c.ok("build", "shop")
	return c, src, dst
}

// TestSanitizeFixture is the sanitizer's acceptance test on the labelled fixture: analyze
// finds the sensitive columns, its generated query run by sanitize yields a snapshot that
// passes verification, loads cleanly, and keeps every foreign key and unique constraint.
func TestSanitizeFixture(t *testing.T) {
	ctx := context.Background()
	c, src, dst := shop(t)

	var report sanitize.Report
	if err := json.Unmarshal([]byte(c.ok("analyze", "shop", "--json")), &report); err != nil {
		t.Fatal(err)
	}
	found, wrong := 0, 0
	for _, f := range report.Findings {
		switch {
		case f.Sensitive && sanitizetest.Sensitive[f.Key()]:
			found++
		case f.Sensitive:
			wrong++
			t.Logf("wrongly flagged %s: %s", f.Key(), f.Reason)
		case sanitizetest.Sensitive[f.Key()]:
			t.Logf("missed %s: %s", f.Key(), f.Reason)
		}
	}
	recall := float64(found) / float64(len(sanitizetest.Sensitive))
	precision := float64(found) / float64(found+wrong)
	t.Logf("analyze: recall %.3f, precision %.3f, sample %d rows per table", recall, precision, report.SampleSize)
	if recall < 0.95 || precision < 0.90 {
		t.Fatalf("analyze found %d of %d sensitive columns (recall %.3f, want >= 0.95) with %d wrongly flagged (precision %.3f, want >= 0.90)",
			found, len(sanitizetest.Sensitive), recall, wrong, precision)
	}

	query := filepath.Join(c.home, "sanitize.sql")
	c.ok("analyze", "shop", "--sql", query)
	if out := c.ok("sanitize-query", "add", "shop", query); out != "1\n" {
		t.Fatalf("sanitize-query add printed %q, want the version 1", out)
	}
	_, stderr, code := c.run("sanitize", "shop")
	if code != 0 {
		t.Fatalf("sanitize: exit %d\n%s", code, stderr)
	}
	if !regexp.MustCompile(`(?m)^sanitized shop-\d{8}T\d{6} into shop-\d{8}T\d{6} with sanitize query v1 in .*; verification passed$`).MatchString(stderr) {
		t.Errorf("sanitize's stderr does not report a passed verification:\n%s", stderr)
	}
	var listed []struct {
		Type, Source, Verification string
	}
	if err := json.Unmarshal([]byte(c.ok("snapshots", "shop", "--json")), &listed); err != nil {
		t.Fatal(err)
	}
	if len(listed) != 2 || listed[0].Type != "sanitized" || listed[0].Verification != "passed" ||
		!strings.HasSuffix(listed[0].Source, ", sanitize query v1") || listed[1].Type != "snapshot" {
		t.Errorf("snapshots after sanitize = %+v, want a sanitized snapshot (passed, from sanitize query v1) above the original", listed)
	}
	if out := c.ok("snapshots", "shop"); !regexp.MustCompile(`(?m)^INDEX +NAME +TYPE +SIZE +CREATED +LOCATION +VERIFICATION\n0 +shop-\S+ +sanitized +.* +local +passed$`).MatchString(out) {
		t.Errorf("clonit snapshots shows no verification:\n%s", out)
	}

	// The sanitized snapshot loads cleanly: pg_restore --exit-on-error re-creates every
	// unique index and foreign key, and fails if one does not hold.
	c.ok("load", "shop", "0")
	before, err := sanitizepg.Read(ctx, src, 1000)
	if err != nil {
		t.Fatal(err)
	}
	after, err := sanitizepg.Read(ctx, dst, 100000)
	if err != nil {
		t.Fatal(err)
	}
	if rs := sanitize.Verify(report, after); len(rs) > 0 {
		t.Errorf("the loaded snapshot still holds sensitive data: %s", sanitize.Summary(rs))
	}
	if len(after.ForeignKeys) != len(before.ForeignKeys) {
		t.Errorf("%d foreign keys after load, want %d", len(after.ForeignKeys), len(before.ForeignKeys))
	}
	for _, q := range []string{
		"SELECT count(DISTINCT email) FROM users",
		"SELECT count(DISTINCT card_number) FROM payment_methods",
		"SELECT count(DISTINCT ssn) FROM hr.employees",
		"SELECT count(*) FROM orders o JOIN users u ON u.email = o.customer_email AND u.id = o.user_id",
		"SELECT count(*) FROM pg_constraint WHERE contype IN ('f', 'u', 'p') AND convalidated",
	} {
		if a, b := scalar(t, src, q), scalar(t, dst, q); a != b {
			t.Errorf("%s: %d in the source, %d in the sanitized copy", q, a, b)
		}
	}
	if n := scalar(t, src, "SELECT count(*) FROM users WHERE email LIKE '%@example.invalid'"); n != 0 {
		t.Errorf("the source was modified: %d sanitized emails in it", n)
	}
}

// TestSanitizeIncompleteQuery runs a query that misses two flagged columns: verification
// fails, names them with counts, and no snapshot is made.
func TestSanitizeIncompleteQuery(t *testing.T) {
	ctx := context.Background()
	c, src, _ := shop(t)
	db, err := sanitizepg.Read(ctx, src, 1000)
	if err != nil {
		t.Fatal(err)
	}
	report := sanitize.Analyze(db)
	for i, f := range report.Findings {
		if f.Key() == "public.users.phone" || f.Key() == "hr.employees.ssn" {
			report.Findings[i].Sensitive = false
		}
	}
	q, err := sanitize.GenerateSQL(db, report, sanitize.SQLOptions{Dialect: sanitize.PostgreSQL, Salt: "abc123", Source: "the test"})
	if err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(c.home, "partial.sql")
	if err := os.WriteFile(file, []byte(q), 0o600); err != nil {
		t.Fatal(err)
	}
	c.ok("sanitize-query", "add", "shop", file)
	_, stderr, code := c.run("sanitize", "shop")
	want := "error: verification failed: after sanitize query v1, 2 columns still hold sensitive values: " +
		"hr.employees.ssn (national_id, 60 of 60 sampled values), public.users.phone (phone, 240 of 240 sampled values); " +
		"no snapshot was made. Extend the query to cover them, or keep the snapshot anyway with --allow-residual\n"
	if code != 1 || !strings.HasSuffix(stderr, want) {
		t.Errorf("sanitize: exit %d, stderr:\n%s\nwant exit 1 ending with:\n%s", code, stderr, want)
	}
	if out := c.ok("snapshots", "shop"); strings.Contains(out, "sanitized") {
		t.Errorf("a failed verification left a snapshot:\n%s", out)
	}

	// --allow-residual keeps the snapshot and records the finding.
	_, stderr, code = c.run("sanitize", "shop", "--allow-residual")
	if code != 0 || !strings.Contains(stderr, "was kept (--allow-residual) although 2 columns still hold sensitive values") {
		t.Fatalf("sanitize --allow-residual: exit %d\n%s", code, stderr)
	}
	var listed []struct{ Type, Verification string }
	json.Unmarshal([]byte(c.ok("snapshots", "shop", "--json")), &listed)
	wantV := "residual: hr.employees.ssn 60/60, public.users.phone 240/240"
	if len(listed) != 2 || listed[0].Type != "sanitized" || listed[0].Verification != wantV {
		t.Errorf("snapshots = %+v, want a sanitized snapshot with verification %q", listed, wantV)
	}
}

// scalar runs a query returning one number in the database at url.
func scalar(t *testing.T, url, q string) int64 {
	t.Helper()
	conn, err := pgx.Connect(context.Background(), url)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(context.Background())
	var n int64
	if err := conn.QueryRow(context.Background(), q).Scan(&n); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	return n
}
