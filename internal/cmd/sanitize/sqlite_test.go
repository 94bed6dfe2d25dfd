package sanitize_test

import (
	"database/sql"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	_ "modernc.org/sqlite"
)

// TestSanitizeSQLite runs the same pipeline on a SQLite target: a copy of the file is
// sanitized, the original and the source stay as they were.
func TestSanitizeSQLite(t *testing.T) {
	c := newClonit(t)
	src := filepath.Join(c.home, "app.db")
	dst := filepath.Join(c.home, "dev.db")
	db, err := sql.Open("sqlite", src)
	if err != nil {
		t.Fatal(err)
	}
	_, err = db.Exec(`
		CREATE TABLE users (id INTEGER PRIMARY KEY, email TEXT NOT NULL UNIQUE, full_name TEXT, note TEXT);
		CREATE TABLE orders (id INTEGER PRIMARY KEY, buyer TEXT REFERENCES users (email), total REAL);
		INSERT INTO users VALUES (1, 'ann@corp.io', 'Ann Smith', 'call +44 20 7946 0958'), (2, 'bob@mail.com', 'Bob Jones', 'ok'),
			(3, 'cy@x.org', 'Maria Garcia', NULL);
		INSERT INTO orders VALUES (1, 'ann@corp.io', 9.5), (2, 'cy@x.org', 3.0);`)
	db.Close()
	if err != nil {
		t.Fatal(err)
	}
	c.ok("targets", "add", "notes", "--db-type", "sqlite", "--src-url", src, "--dst-url", dst)
	c.ok("build", "notes")
	query := filepath.Join(c.home, "q.sql")
	c.ok("analyze", "notes", "--sql", query)
	c.ok("sanitize-query", "add", "notes", query)
	_, stderr, code := c.run("sanitize", "notes")
	if code != 0 || !strings.Contains(stderr, "verification passed") {
		t.Fatalf("sanitize: exit %d\n%s", code, stderr)
	}
	c.ok("load", "notes", "0")
	got := rows(t, dst, "SELECT u.email || '|' || u.full_name || '|' || coalesce(u.note, '') || '|' || count(o.id) FROM users u LEFT JOIN orders o ON o.buyer = u.email GROUP BY u.id ORDER BY u.id")
	for i, r := range got {
		f := strings.Split(r, "|")
		if !strings.HasPrefix(f[0], "user_") || !strings.HasSuffix(f[0], "@example.invalid") || !strings.HasPrefix(f[1], "Person ") ||
			(f[2] != "" && !strings.HasPrefix(f[2], "redacted text ")) {
			t.Errorf("row %d of the sanitized users is %q", i, r)
		}
	}
	if joined := strings.Join(got, ","); !strings.HasSuffix(got[0], "|1") || !strings.HasSuffix(got[1], "|0") || !strings.HasSuffix(got[2], "|1") {
		t.Errorf("orders no longer join their buyers: %s", joined)
	}
	if src := rows(t, src, "SELECT email FROM users ORDER BY id"); strings.Join(src, ",") != "ann@corp.io,bob@mail.com,cy@x.org" {
		t.Errorf("the source was modified: %q", src)
	}

	// A sanitize_query_file wins over the stored queries; a failing statement in it names
	// the line and the database's error, and makes no snapshot.
	bad := filepath.Join(c.home, "bad.sql")
	os.WriteFile(bad, []byte("UPDATE users SET email = NULL;\n\nUPDATE nowhere SET x = 1;\n"), 0o600)
	c.ok("targets", "edit", "notes", "--sanitize-query-file", bad)
	_, stderr, code = c.run("sanitize", "notes", "1")
	want := "error: the sanitize query failed at line 1: constraint failed: NOT NULL constraint failed: users.email (1299)\n  UPDATE users SET email = NULL;\n"
	if code != 2 || !strings.HasSuffix(stderr, want) {
		t.Errorf("sanitize with a failing file: exit %d, stderr:\n%s\nwant exit 2 ending with:\n%s", code, stderr, want)
	}
	c.ok("targets", "edit", "notes", "--sanitize-query-file", query)
	c.ok("sanitize", "notes", "1")
	var listed []struct{ Type, Source string }
	if err := json.Unmarshal([]byte(c.ok("snapshots", "notes", "--json")), &listed); err != nil {
		t.Fatal(err)
	}
	if len(listed) != 3 || !regexp.MustCompile(`^notes-\d{8}T\d{6}, sanitize_query_file .*/q\.sql \(sha256 [0-9a-f]{12}\)$`).MatchString(listed[0].Source) {
		t.Errorf("snapshots = %+v, want 3 with the newest made by the sanitize_query_file", listed)
	}
}

// rows returns the first column of a query's rows in the SQLite file at path.
func rows(t *testing.T, path, q string) []string {
	t.Helper()
	db, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	rs, err := db.Query(q)
	if err != nil {
		t.Fatal(err)
	}
	defer rs.Close()
	var out []string
	for rs.Next() {
		var s string
		rs.Scan(&s)
		out = append(out, s)
	}
	return out
}
