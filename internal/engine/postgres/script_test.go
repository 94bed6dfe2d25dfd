package postgres

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/clonit/clonit/internal/engine"
	"github.com/clonit/clonit/internal/errs"
	"github.com/clonit/clonit/internal/testutil"
)

func TestRunScript(t *testing.T) {
	ctx := context.Background()
	cases := []struct {
		name    string
		script  string
		wantErr string
		want    string // the rows of t afterwards
	}{
		{name: "all statements", script: "UPDATE t SET v = upper(v);\nDELETE FROM t WHERE id = 2;\n", want: "1:A"},
		{
			name:   "failing statement rolls everything back",
			script: "UPDATE t SET v = upper(v);\n-- then\nUPDATE t\n  SET nope = 1;\n",
			wantErr: "query v2 failed in DB and was rolled back:\n" +
				"  query v2:4: ERROR:  column \"nope\" of relation \"t\" does not exist\n" +
				"  LINE 2:   SET nope = 1;\n" +
				"                ^\n" +
				"  query v2:4: STATEMENT:  UPDATE t\n" +
				"    SET nope = 1;",
			want: "1:a,2:b",
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			url := testutil.NewPostgresDB(t)
			conn, err := pgx.Connect(ctx, url)
			if err != nil {
				t.Fatal(err)
			}
			defer conn.Close(ctx)
			if _, err := conn.Exec(ctx, "CREATE TABLE t (id int PRIMARY KEY, v text); INSERT INTO t VALUES (1, 'a'), (2, 'b')"); err != nil {
				t.Fatal(err)
			}
			file := filepath.Join(t.TempDir(), "q.sql")
			os.WriteFile(file, []byte(tc.script), 0o600)
			err = New().RunScript(ctx, file, "query v2", url, engine.Options{})
			if tc.wantErr == "" && err != nil {
				t.Fatal(err)
			}
			if tc.wantErr != "" {
				want := strings.Replace(tc.wantErr, "DB", engine.Redact(url), 1)
				if err == nil || err.Error() != want || !errors.Is(err, errs.ErrInvalid) {
					t.Fatalf("RunScript error:\n%v\nwant (ErrInvalid):\n%s", err, want)
				}
			}
			var got string
			if err := conn.QueryRow(ctx, "SELECT string_agg(id || ':' || v, ',' ORDER BY id) FROM t").Scan(&got); err != nil {
				t.Fatal(err)
			}
			if got != tc.want {
				t.Errorf("rows after the script: %s, want %s", got, tc.want)
			}
		})
	}
}

func TestRunScriptRefusesTheSource(t *testing.T) {
	url := testutil.NewPostgresDB(t)
	err := New().RunScript(context.Background(), "/nonexistent.sql", "q", url, engine.Options{Source: url})
	want := engine.Redact(url) + " is the target's source database; clonit never writes to a source: set another sanitize_dst_url with `clonit targets edit`"
	if err == nil || err.Error() != want {
		t.Fatalf("RunScript error = %v, want %q", err, want)
	}
}
