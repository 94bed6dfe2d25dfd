package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/clonit/clonit/internal/errs"
	"github.com/clonit/clonit/internal/sanitize"
)

const fixture = `
CREATE TABLE users (id INTEGER PRIMARY KEY, email TEXT NOT NULL UNIQUE, full_name TEXT, plan TEXT);
CREATE TABLE orders (id INTEGER PRIMARY KEY, user_id INTEGER NOT NULL REFERENCES users, buyer_email TEXT REFERENCES users (email), total REAL);
INSERT INTO users VALUES (1, 'ann@corp.io', 'Ann Smith', 'pro'), (2, 'bob@mail.com', 'Bob Jones', 'free'), (3, 'cy@x.org', 'Maria Garcia', 'pro');
INSERT INTO orders VALUES (1, 1, 'ann@corp.io', 9.5), (2, 1, 'ann@corp.io', 12), (3, 3, 'cy@x.org', 3.25);
`

// newDB writes the fixture into a new file and returns its path.
func newDB(t *testing.T) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "shop.db")
	db, err := sql.Open("sqlite", "file:"+path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Exec(fixture); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestAnalyzeSanitizeVerify(t *testing.T) {
	ctx := context.Background()
	path := newDB(t)
	before, err := Read(ctx, path, 100)
	if err != nil {
		t.Fatal(err)
	}
	report := sanitize.Analyze(before)
	var flagged []string
	for _, f := range report.Sensitive() {
		flagged = append(flagged, f.Key()+" "+string(f.Category))
	}
	want := []string{"main.orders.buyer_email email", "main.users.email email", "main.users.full_name person_name"}
	if !reflect.DeepEqual(flagged, want) {
		t.Fatalf("flagged %q, want %q", flagged, want)
	}
	q, err := sanitize.GenerateSQL(before, report, sanitize.SQLOptions{Dialect: sanitize.SQLite, Salt: "5a17", Source: "test"})
	if err != nil {
		t.Fatal(err)
	}
	if err := Exec(ctx, path, q); err != nil {
		t.Fatalf("run the generated query: %v\n%s", err, q)
	}
	after, err := Read(ctx, path, 100)
	if err != nil {
		t.Fatal(err)
	}
	if rs := sanitize.Verify(report, after); len(rs) != 0 {
		t.Fatalf("residuals after the generated query: %s", sanitize.Summary(rs))
	}
	db, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var violations, distinct, joined int
	if err := db.QueryRow(`SELECT count(*) FROM pragma_foreign_key_check`).Scan(&violations); err != nil {
		t.Fatal(err)
	}
	if err := db.QueryRow(`SELECT count(DISTINCT email) FROM users`).Scan(&distinct); err != nil {
		t.Fatal(err)
	}
	if err := db.QueryRow(`SELECT count(*) FROM orders o JOIN users u ON u.email = o.buyer_email AND u.id = o.user_id`).Scan(&joined); err != nil {
		t.Fatal(err)
	}
	if violations != 0 || distinct != 3 || joined != 3 {
		t.Errorf("after sanitizing: %d foreign key violations, %d distinct emails, %d orders joined to their buyer by email; want 0, 3, 3", violations, distinct, joined)
	}
}

func TestExecFailingStatement(t *testing.T) {
	ctx := context.Background()
	path := newDB(t)
	q := "UPDATE users SET plan = 'x';\n-- the next one is wrong\nUPDATE users SET nope = 1;\n"
	err := Exec(ctx, path, q)
	want := "the sanitize query failed at line 3: SQL logic error: no such column: nope (1)\n  UPDATE users SET nope = 1;"
	if err == nil || err.Error() != want {
		t.Fatalf("Exec error = %v, want %q", err, want)
	}
	if !errors.Is(err, errs.ErrInvalid) {
		t.Errorf("Exec error kind = %v, want ErrInvalid", errs.KindOf(err))
	}
	db, _ := Open(path)
	defer db.Close()
	var n int
	db.QueryRow(`SELECT count(*) FROM users WHERE plan = 'x'`).Scan(&n)
	if n != 0 {
		t.Errorf("the first statement was kept: %d rows changed, want none", n)
	}
}

func TestSplit(t *testing.T) {
	q := "-- header\nUPDATE a SET x = 'a;b';\n\n/* c; */ DELETE FROM b;\nCREATE TRIGGER t AFTER INSERT ON a BEGIN UPDATE a SET x = 1; END;\nSELECT 1"
	got := Split(q)
	want := []Statement{
		{2, "UPDATE a SET x = 'a;b';"},
		{4, "DELETE FROM b;"},
		{5, "CREATE TRIGGER t AFTER INSERT ON a BEGIN UPDATE a SET x = 1; END;"},
		{6, "SELECT 1"},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("Split = %+v, want %+v", got, want)
	}
}
