package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/clonit/clonit/internal/cloud/store"
)

// TestMemberListPlan checks that the members list and the leadership read only covering
// indexes, in the order they return, with no sort: what keeps them fast in large orgs.
func TestMemberListPlan(t *testing.T) {
	db, err := Open(context.Background(), filepath.Join(t.TempDir(), "cloud.db"))
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	defer db.Close()
	want := []string{
		"SEARCH m USING COVERING INDEX memberships_list (org_id=?)",
		"SEARCH u USING COVERING INDEX users_card (id=?)",
	}
	cases := []struct {
		name  string
		query string
		args  []any
		want  []string
	}{
		{"members", listQuery + listOrder, []any{"o"}, want},
		{"leadership", listQuery + ` AND m.role_rank >= ?` + listOrder, []any{"o", 3}, []string{
			"SEARCH m USING COVERING INDEX memberships_list (org_id=? AND role_rank>?)", want[1]}},
		{"owner count", `SELECT count(*) FROM memberships WHERE org_id = ? AND role_rank = ?`, []any{"o", 4}, []string{
			"SEARCH memberships USING COVERING INDEX memberships_list (org_id=? AND role_rank=?)"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			rows, err := db.read.Query("EXPLAIN QUERY PLAN "+tc.query, tc.args...)
			if err != nil {
				t.Fatalf("EXPLAIN: %v", err)
			}
			defer rows.Close()
			var got []string
			for rows.Next() {
				var id, parent, unused int
				var detail string
				if err := rows.Scan(&id, &parent, &unused, &detail); err != nil {
					t.Fatalf("Scan: %v", err)
				}
				got = append(got, detail)
			}
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("plan = %q, want %q", got, tc.want)
			}
		})
	}
}

func TestDecodeGroups(t *testing.T) {
	cases := []struct {
		name string
		in   string
		want []string
		fast bool // splitGroups reads it without encoding/json
	}{
		{"empty", `[]`, []string{}, true},
		{"one", `["ops"]`, []string{"ops"}, true},
		{"several", `["all","team-1","ünïcode"]`, []string{"all", "team-1", "ünïcode"}, true},
		{"an empty name", `["","a"]`, []string{"", "a"}, true},
		{"a comma inside a name", `["a,b","c"]`, []string{"a,b", "c"}, true},
		{"escaped quote", `["say \"hi\"","b"]`, []string{`say "hi"`, "b"}, false},
		{"escaped angle brackets", `["\u003cb\u003e"]`, []string{"<b>"}, false},
		{"spaces", `[ "a" , "b" ]`, []string{"a", "b"}, false},
		{"null", `null`, []string{}, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := decodeGroups(tc.in)
			if err != nil || !reflect.DeepEqual(got, tc.want) {
				t.Errorf("decodeGroups(%s) = %q, %v; want %q", tc.in, got, err, tc.want)
			}
			if _, fast := splitGroups(tc.in); fast != tc.fast {
				t.Errorf("splitGroups(%s) ok = %v, want %v", tc.in, fast, tc.fast)
			}
		})
	}
	for _, in := range []string{`["a"`, `["a",]`, `["a" "b"]`, `[1]`, `{}`} {
		if got, err := decodeGroups(in); err == nil {
			t.Errorf("decodeGroups(%s) = %q, want an error", in, got)
		}
	}
	for _, groups := range [][]string{{}, {"a"}, {"x", "y,z"}, {`q"uote`, "<&>", "tab\t"}} {
		s, err := encodeGroups(groups)
		if err != nil {
			t.Fatalf("encodeGroups: %v", err)
		}
		if got, err := decodeGroups(s); err != nil || !reflect.DeepEqual(got, groups) {
			t.Errorf("decodeGroups(encodeGroups(%q)) = %q, %v", groups, got, err)
		}
	}
}

// TestMigrateMemberList opens a database whose memberships predate migration 0010: every
// membership keeps its role and date and gains its rank and its user's email_key.
func TestMigrateMemberList(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "cloud.db")
	raw, err := sql.Open("sqlite", dsn(path, false))
	if err != nil {
		t.Fatalf("open: %v", err)
	}
	defer raw.Close()
	migrations, err := store.LoadMigrations(migrationFS, "migrations")
	if err != nil {
		t.Fatalf("LoadMigrations: %v", err)
	}
	exec := func(query string, args ...any) {
		t.Helper()
		if _, err := raw.ExecContext(ctx, query, args...); err != nil {
			t.Fatalf("%.60s: %v", query, err)
		}
	}
	exec(`CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, applied_at INTEGER NOT NULL)`)
	for _, m := range migrations {
		if m.Version < 10 {
			exec(m.SQL)
			exec(`INSERT INTO schema_migrations VALUES (?, 0)`, m.Version)
		}
	}
	exec(`INSERT INTO orgs (id, slug, created_at) VALUES ('o', 'acme', 1)`)
	for i, u := range []struct{ email, role string }{
		{"Zoe@example.com", "viewer"}, {"amy@example.com", "member"}, {"bob@example.com", "owner"}, {"cat@example.com", "admin"},
	} {
		exec(`INSERT INTO users (id, issuer, subject, email, email_key, group_names, created_at, updated_at)
			VALUES (?, 'iss', ?, ?, lower(?), '["g"]', 1, 1)`, fmt.Sprint("u", i), fmt.Sprint(i), u.email, u.email)
		exec(`INSERT INTO memberships (org_id, user_id, role, joined_at) VALUES ('o', ?, ?, ?)`, fmt.Sprint("u", i), u.role, 100+i)
	}
	raw.Close()

	db, err := Open(ctx, path)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	defer db.Close()
	got, err := db.Members(ctx, "o")
	if err != nil {
		t.Fatalf("Members: %v", err)
	}
	var lines []string
	for _, m := range got {
		lines = append(lines, fmt.Sprintf("%s %s %d", m.User.Email, m.Role, m.JoinedAt.UnixMicro()))
	}
	want := []string{"bob@example.com owner 102", "cat@example.com admin 103", "amy@example.com member 101", "Zoe@example.com viewer 100"}
	if !reflect.DeepEqual(lines, want) {
		t.Errorf("Members after migrating = %q, want %q", lines, want)
	}
}
