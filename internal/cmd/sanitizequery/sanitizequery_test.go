package sanitizequery_test

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/clonit/clonit/internal/agent"
	"github.com/clonit/clonit/internal/cmd/sanitizequery"
	"github.com/clonit/clonit/internal/cmdutil"
)

func TestFlags(t *testing.T) {
	cases := []struct {
		name    string
		args    []string
		verb    string
		want    sanitizequery.Options
		wantErr string
	}{
		{name: "add", args: []string{"add", "shop", "q.sql"}, verb: "add", want: sanitizequery.Options{Target: "shop", File: "q.sql"}},
		{name: "list", args: []string{"list", "shop"}, verb: "list", want: sanitizequery.Options{Target: "shop"}},
		{name: "show active", args: []string{"show", "shop"}, verb: "show", want: sanitizequery.Options{Target: "shop"}},
		{name: "show version", args: []string{"show", "shop", "3"}, verb: "show", want: sanitizequery.Options{Target: "shop", Version: 3}},
		{name: "activate", args: []string{"activate", "shop", "2"}, verb: "activate", want: sanitizequery.Options{Target: "shop", Version: 2}},
		{name: "add without file", args: []string{"add", "shop"}, wantErr: "usage: expected `clonit sanitize-query add TARGET FILE`"},
		{name: "activate without version", args: []string{"activate", "shop"}, wantErr: "usage: expected `clonit sanitize-query activate TARGET VERSION`"},
		{name: "bad version", args: []string{"show", "shop", "v2"}, wantErr: "usage: \"v2\" is not a version: use a number from `clonit sanitize-query list shop`"},
		{name: "zero version", args: []string{"activate", "shop", "0"}, wantErr: "usage: \"0\" is not a version: use a number from `clonit sanitize-query list shop`"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			f := cmdutil.NewFactory(&cmdutil.IOStreams{In: &bytes.Buffer{}, Out: &bytes.Buffer{}, ErrOut: &bytes.Buffer{}})
			var verb string
			var got *sanitizequery.Options
			cmd := sanitizequery.NewCmdSanitizeQuery(f, func(v string, o *sanitizequery.Options) error { verb, got = v, o; return nil })
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
			got.IO, got.Store = nil, nil
			if verb != tc.verb || got.Target != tc.want.Target || got.Version != tc.want.Version || got.File != tc.want.File {
				t.Errorf("%s %+v, want %s %+v", verb, *got, tc.verb, tc.want)
			}
		})
	}
}

// TestVersions adds, lists, shows and activates queries in a real local database.
func TestVersions(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	db, err := agent.OpenDB(ctx, filepath.Join(dir, agent.DBFileName), "00112233445566778899aabbccddeeff")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	db.SetClock(func() time.Time { return time.Date(2024, 5, 6, 7, 8, 9, 0, time.UTC) })
	if err := db.PutTarget(ctx, agent.Target{Name: "shop", DBType: agent.DBPostgres, SrcURL: "postgres://h/shop"}); err != nil {
		t.Fatal(err)
	}
	v1 := filepath.Join(dir, "v1.sql")
	os.WriteFile(v1, []byte("-- first\nUPDATE users SET email = NULL;\n"), 0o600)
	empty := filepath.Join(dir, "empty.sql")
	os.WriteFile(empty, []byte("\n  \n"), 0o600)

	steps := []struct {
		name       string
		args       []string
		stdin      string
		wantOut    string
		wantErrOut string
		wantErr    string
	}{
		{name: "add a file", args: []string{"add", "shop", v1}, wantOut: "1\n",
			wantErrOut: "stored version 1 of the sanitize query of \"shop\"; it is the active one\n"},
		{name: "add from stdin", args: []string{"add", "shop", "-"}, stdin: "UPDATE users SET phone = NULL;", wantOut: "2\n",
			wantErrOut: "stored version 2 of the sanitize query of \"shop\"; it is the active one\n"},
		{name: "empty file", args: []string{"add", "shop", empty}, wantErr: "the sanitize query " + empty + " is empty"},
		{name: "list", args: []string{"list", "shop"}, wantOut: "" +
			"VERSION  ACTIVE  CREATED              LINES  FIRST LINE\n" +
			"2        yes     2024-05-06 07:08:09  1      UPDATE users SET phone = NULL;\n" +
			"1                2024-05-06 07:08:09  2      -- first\n"},
		{name: "show the active one", args: []string{"show", "shop"}, wantOut: "UPDATE users SET phone = NULL;\n"},
		{name: "activate 1", args: []string{"activate", "shop", "1"}, wantErrOut: "version 1 is now the active sanitize query of \"shop\"\n"},
		{name: "show after activate", args: []string{"show", "shop"}, wantOut: "-- first\nUPDATE users SET email = NULL;\n"},
		{name: "show a version", args: []string{"show", "shop", "2"}, wantOut: "UPDATE users SET phone = NULL;\n"},
		{name: "show a missing version", args: []string{"show", "shop", "7"}, wantErr: "target \"shop\" has no sanitize query version 7; see `clonit sanitize-query list shop`"},
		{name: "activate a missing version", args: []string{"activate", "shop", "9"}, wantErr: "sanitize query version 9 of target \"shop\" not found"},
		{name: "unknown target", args: []string{"list", "nope"}, wantErr: "target \"nope\" not found; see \"clonit targets list\""},
	}
	for _, st := range steps {
		t.Run(st.name, func(t *testing.T) {
			var out, errOut bytes.Buffer
			f := cmdutil.NewFactory(&cmdutil.IOStreams{In: strings.NewReader(st.stdin), Out: &out, ErrOut: &errOut})
			cmd := sanitizequery.NewCmdSanitizeQuery(f, func(verb string, o *sanitizequery.Options) error {
				o.Store = func() (sanitizequery.Store, error) { return db, nil }
				return sanitizequery.Run(ctx, verb, o)
			})
			cmd.SetArgs(st.args)
			cmd.SetOut(&bytes.Buffer{})
			cmd.SetErr(&bytes.Buffer{})
			err := cmd.Execute()
			if st.wantErr != "" {
				if err == nil || err.Error() != st.wantErr {
					t.Fatalf("error = %v, want %q", err, st.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if out.String() != st.wantOut || errOut.String() != st.wantErrOut {
				t.Errorf("stdout %q, stderr %q; want %q, %q", out.String(), errOut.String(), st.wantOut, st.wantErrOut)
			}
		})
	}
}
