package analyze

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"

	"github.com/clonit/clonit/internal/agent"
	"github.com/clonit/clonit/internal/cmd/snapshotcmd"
	"github.com/clonit/clonit/internal/cmdutil"
	"github.com/clonit/clonit/internal/sanitize"
)

func TestFlags(t *testing.T) {
	cases := []struct {
		name    string
		args    []string
		want    Options
		wantErr string
	}{
		{name: "defaults", args: []string{"shop"}, want: Options{Target: "shop", Sample: 1000}},
		{name: "all flags", args: []string{"shop", "--sample", "20", "--sql", "q.sql", "--salt", "ab12"},
			want: Options{Target: "shop", Sample: 20, SQLFile: "q.sql", Salt: "ab12"}},
		{name: "no target", args: nil, wantErr: "usage: expected `clonit analyze TARGET [--json] [--sql FILE] [--sample N]`"},
		{name: "zero sample", args: []string{"shop", "--sample", "0"}, wantErr: "usage: --sample must be 1 or more"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			f := cmdutil.NewFactory(&cmdutil.IOStreams{In: &bytes.Buffer{}, Out: &bytes.Buffer{}, ErrOut: &bytes.Buffer{}})
			var got *Options
			cmd := NewCmdAnalyze(f, func(o *Options) error { got = o; return nil })
			cmd.SetArgs(tc.args)
			cmd.SetOut(&bytes.Buffer{})
			cmd.SetErr(&bytes.Buffer{})
			err := cmd.Execute()
			if tc.wantErr != "" {
				if err == nil || err.Error() != tc.wantErr {
					t.Fatalf("error = %v, want %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			got.Env = nil
			if *got != tc.want {
				t.Errorf("options = %+v, want %+v", *got, tc.want)
			}
		})
	}
}

// newEnv returns an Env over a local database with the SQLite target "notes".
func newEnv(t *testing.T, out, errOut *bytes.Buffer, json bool) *snapshotcmd.Env {
	t.Helper()
	dir := t.TempDir()
	src := filepath.Join(dir, "notes.db")
	db, err := sql.Open("sqlite", src)
	if err != nil {
		t.Fatal(err)
	}
	_, err = db.Exec(`CREATE TABLE people (id INTEGER PRIMARY KEY, email TEXT UNIQUE, city TEXT);
		INSERT INTO people VALUES (1, 'ann@corp.io', 'Leeds'), (2, 'bob@mail.com', 'Utrecht');`)
	db.Close()
	if err != nil {
		t.Fatal(err)
	}
	local, err := agent.OpenDB(context.Background(), filepath.Join(dir, agent.DBFileName), "00112233445566778899aabbccddeeff")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { local.Close() })
	if err := local.PutTarget(context.Background(), agent.Target{Name: "notes", DBType: agent.DBSQLite, SrcURL: src}); err != nil {
		t.Fatal(err)
	}
	return &snapshotcmd.Env{
		IO:     &cmdutil.IOStreams{Out: out, ErrOut: errOut, JSON: json},
		Config: func() (*agent.Config, error) { return &agent.Config{WorkingDirectory: dir}, nil },
		Local:  func() (agent.LocalStore, error) { return local, nil },
	}
}

func TestRun(t *testing.T) {
	cases := []struct {
		name       string
		opts       Options
		json       bool
		wantOut    string
		wantErrOut string
		wantErr    string
	}{
		{
			name: "report",
			opts: Options{Target: "notes", Sample: 10},
			wantOut: "" +
				"SCHEMA  TABLE   COLUMN  TYPE     SENSITIVE  CATEGORY  CONFIDENCE  REASON                                                                  HINT\n" +
				"main    people  id      INTEGER  no                   0.95        no sensitive pattern in the name or in 2 sampled values                 \n" +
				"main    people  email   TEXT     yes        email     0.95        the name matches \"email\" and 2 of 2 sampled values fit email addresses  replace with user_<hash>@example.invalid (keyed hash: unique values and joins kept)\n" +
				"main    people  city    TEXT     no                   0.95        no sensitive pattern in the name or in 2 sampled values                 \n",
		},
		{
			name: "query on stdout",
			opts: Options{Target: "notes", Sample: 10, SQLFile: "-", Salt: "ab12"},
			wantOut: "-- Sanitize query for target notes, written by `clonit analyze --sql` (1 of 3 columns flagged).\n" +
				"-- Every replacement is derived from a hash of the original value keyed with a salt, so\n" +
				"-- the same value always gets the same replacement: unique constraints and foreign keys hold.\n" +
				"-- Anyone with this file can test guesses against the sanitized data: keep it private.\n" +
				"-- Run it in one transaction (clonit sanitize does).\n" +
				"-- clonit_hash() and clonit_hash_int() are functions clonit registers when it runs this query.\n" +
				"PRAGMA defer_foreign_keys = ON;\n\n" +
				"-- main.people.email: email (confidence 0.95)\n" +
				"UPDATE \"people\" SET\n" +
				"    \"email\" = 'user_' || substr(clonit_hash('ab12' || \"email\"), 1, 16) || '@example.invalid';\n\n",
		},
		{name: "unknown target", opts: Options{Target: "nope", Sample: 10}, wantErr: "target \"nope\" not found; see \"clonit targets list\""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var out, errOut bytes.Buffer
			tc.opts.Env = newEnv(t, &out, &errOut, tc.json)
			err := run(context.Background(), &tc.opts)
			if tc.wantErr != "" {
				if err == nil || err.Error() != tc.wantErr {
					t.Fatalf("error = %v, want %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got := out.String(); got != tc.wantOut {
				t.Errorf("stdout:\n%s\nwant:\n%s", got, tc.wantOut)
			}
			if !strings.HasPrefix(errOut.String(), "analyzed 3 columns of 1 tables in ") {
				t.Errorf("stderr = %q", errOut.String())
			}
		})
	}
}

func TestRunJSON(t *testing.T) {
	var out, errOut bytes.Buffer
	opts := Options{Target: "notes", Sample: 10, Env: newEnv(t, &out, &errOut, true)}
	if err := run(context.Background(), &opts); err != nil {
		t.Fatal(err)
	}
	var r sanitize.Report
	if err := json.Unmarshal(out.Bytes(), &r); err != nil {
		t.Fatal(err)
	}
	if r.SampleSize != 10 || len(r.Findings) != 3 || !r.Findings[1].Sensitive || r.Findings[1].Category != sanitize.Email {
		t.Errorf("JSON report = %+v", r)
	}
	if strings.Contains(out.String(), "ann@corp.io") {
		t.Error("the JSON report quotes a sampled value")
	}
}
