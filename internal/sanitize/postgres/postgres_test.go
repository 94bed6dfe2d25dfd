package postgres

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/clonit/clonit/internal/sanitize"
	"github.com/clonit/clonit/internal/sanitize/sanitizetest"
	"github.com/clonit/clonit/internal/testutil"
)

// fixtureDB returns the URL of a new database holding the labelled fixture.
func fixtureDB(t *testing.T) string {
	t.Helper()
	url := testutil.NewPostgresDB(t)
	if err := sanitizetest.Load(context.Background(), url); err != nil {
		t.Fatal(err)
	}
	return url
}

// TestAnalyzeFindsTheLabelledColumns checks the analyzer against the fixture's labels: it
// must find at least 95% of the sensitive columns with at least 90% precision.
func TestAnalyzeFindsTheLabelledColumns(t *testing.T) {
	url := fixtureDB(t)
	db, err := Read(context.Background(), url, 1000)
	if err != nil {
		t.Fatal(err)
	}
	report := sanitize.Analyze(db)
	var truePos, falsePos, falseNeg []string
	for _, f := range report.Findings {
		switch {
		case f.Sensitive && sanitizetest.Sensitive[f.Key()]:
			truePos = append(truePos, f.Key())
		case f.Sensitive:
			falsePos = append(falsePos, f.Key()+" ("+f.Reason+")")
		case sanitizetest.Sensitive[f.Key()]:
			falseNeg = append(falseNeg, f.Key()+" ("+f.Reason+")")
		}
	}
	recall := float64(len(truePos)) / float64(len(sanitizetest.Sensitive))
	precision := float64(len(truePos)) / float64(len(truePos)+len(falsePos))
	t.Logf("recall %.3f (%d of %d), precision %.3f; missed %q; wrongly flagged %q",
		recall, len(truePos), len(sanitizetest.Sensitive), precision, falseNeg, falsePos)
	if recall < 0.95 || precision < 0.90 {
		t.Errorf("recall %.3f (want >= 0.95), precision %.3f (want >= 0.90); missed %q; wrongly flagged %q",
			recall, precision, falseNeg, falsePos)
	}
	for _, f := range report.Findings {
		for _, c := range db.Columns {
			if c.Key() != f.Key() {
				continue
			}
			for _, v := range c.Values {
				if len(v) > 3 && (strings.Contains(f.Reason, v) || strings.Contains(f.Hint, v)) {
					t.Errorf("the finding on %s quotes a sampled value", f.Key())
				}
			}
		}
	}
	again, err := Read(context.Background(), url, 1000)
	if err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(sanitize.Analyze(again)) != fmt.Sprint(report) {
		t.Error("a second analysis of the same database gave another report")
	}
}

// TestGeneratedSQLKeepsConstraints runs the generated query and checks that nothing
// sensitive is left, and that every foreign key and unique constraint still holds.
func TestGeneratedSQLKeepsConstraints(t *testing.T) {
	ctx := context.Background()
	url := fixtureDB(t)
	before, err := Read(ctx, url, 1000)
	if err != nil {
		t.Fatal(err)
	}
	report := sanitize.Analyze(before)
	q, err := sanitize.GenerateSQL(before, report, sanitize.SQLOptions{Dialect: sanitize.PostgreSQL, Salt: "0123abcd", Source: "the fixture"})
	if err != nil {
		t.Fatal(err)
	}
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	counts := func() map[string]int64 {
		out := map[string]int64{}
		for _, q := range []string{
			"SELECT count(DISTINCT email) FROM users", "SELECT count(DISTINCT card_number) FROM payment_methods",
			"SELECT count(DISTINCT ssn) FROM hr.employees", "SELECT count(*) FROM orders o JOIN users u ON u.email = o.customer_email AND u.id = o.user_id",
		} {
			var n int64
			if err := conn.QueryRow(ctx, q).Scan(&n); err != nil {
				t.Fatal(err)
			}
			out[q] = n
		}
		return out
	}
	want := counts()
	tx, err := conn.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := tx.Exec(ctx, q); err != nil {
		t.Fatalf("run the generated query: %v\n%s", err, q)
	}
	if err := tx.Commit(ctx); err != nil {
		t.Fatal(err)
	}
	after, err := Read(ctx, url, 1000)
	if err != nil {
		t.Fatal(err)
	}
	if rs := sanitize.Verify(report, after); len(rs) != 0 {
		t.Errorf("residuals after the generated query: %s", sanitize.Summary(rs))
	}
	if got := counts(); fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("distinct values and joins changed:\n got %v\nwant %v", got, want)
	}
	var invalid []string
	rows, err := conn.Query(ctx, "SELECT conname FROM pg_constraint WHERE contype IN ('f', 'u', 'p') AND NOT convalidated")
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var n string
		rows.Scan(&n)
		invalid = append(invalid, n)
	}
	sort.Strings(invalid)
	if len(invalid) > 0 {
		t.Errorf("constraints left unvalidated: %q", invalid)
	}
	var fks int
	conn.QueryRow(ctx, "SELECT count(*) FROM pg_constraint WHERE contype = 'f'").Scan(&fks)
	if fks != len(before.ForeignKeys) {
		t.Errorf("%d foreign keys after sanitizing, want %d", fks, len(before.ForeignKeys))
	}
}
