package targets

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/spf13/cobra"

	"github.com/clonit/clonit/internal/agent"
	"github.com/clonit/clonit/internal/cmdutil"
)

func TestMain(m *testing.M) {
	time.Local = time.UTC
	os.Exit(m.Run())
}

type testEnv struct {
	f        *cmdutil.Factory
	out, err *bytes.Buffer
	dir      string
	now      time.Time // what the factory's clock says
}

// base is the time test clocks start at.
var base = time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)

// newTestEnv returns a factory over a fresh config and working directory, with a clock that
// reads e.now.
func newTestEnv(t *testing.T) *testEnv {
	t.Helper()
	dir := t.TempDir()
	cfg := "secret_key: 00112233445566778899aabbccddeeff\nworking_directory: " + filepath.Join(dir, "work") + "\n"
	if err := os.WriteFile(filepath.Join(dir, "config.yaml"), []byte(cfg), 0o600); err != nil {
		t.Fatal(err)
	}
	out, errb := &bytes.Buffer{}, &bytes.Buffer{}
	f := cmdutil.NewFactory(&cmdutil.IOStreams{In: strings.NewReader(""), Out: out, ErrOut: errb})
	f.ConfigPath = filepath.Join(dir, "config.yaml")
	e := &testEnv{f: f, out: out, err: errb, dir: dir, now: base}
	f.Now = func() time.Time { return e.now }
	t.Cleanup(func() { f.CloseLocalStore() })
	return e
}

// run executes cmd under a parent that has the root's global --json flag.
func (e *testEnv) run(cmd *cobra.Command, args ...string) error {
	e.f.IO.JSON = false
	parent := &cobra.Command{Use: "clonit", SilenceErrors: true, SilenceUsage: true}
	parent.PersistentFlags().BoolVar(&e.f.IO.JSON, "json", false, "")
	parent.AddCommand(cmd)
	parent.SetOut(e.out)
	parent.SetErr(e.err)
	parent.SetArgs(append([]string{cmd.Name()}, args...))
	return parent.Execute()
}

func (e *testEnv) store(t *testing.T) *agent.DB {
	t.Helper()
	d, err := e.f.LocalStore()
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func TestAddFlags(t *testing.T) {
	tests := []struct {
		name    string
		args    []string
		want    agent.Target
		wantErr string
	}{
		{"minimal", []string{"shop", "--src-url", "postgres://a@h/db"},
			agent.Target{Name: "shop", DBType: "postgres", SrcURL: "postgres://a@h/db"}, ""},
		{"every flag", []string{"notes", "--db-type", "sqlite", "--src-url", "n.db", "--dst-url", "d.db", "--storage-profile", "p",
			"--dump-jobs", "2", "--restore-jobs", "3", "--sanitize-dst-url", "s.db", "--sanitize-query-file", "q.sql", "--local-only"},
			agent.Target{Name: "notes", DBType: "sqlite", SrcURL: "n.db", DstURL: "d.db", StorageProfile: "p", DumpJobs: 2,
				RestoreJobs: 3, SanitizeDstURL: "s.db", SanitizeQueryFile: "q.sql", LocalOnly: true}, ""},
		{"no name", []string{"--src-url", "x"}, agent.Target{}, "usage: give one target name: clonit targets add NAME --src-url URL"},
		{"no source", []string{"shop"}, agent.Target{}, `required flag(s) "src-url" not set`},
		{"bad jobs", []string{"shop", "--src-url", "x", "--dump-jobs", "many"}, agent.Target{},
			`invalid argument "many" for "--dump-jobs" flag: strconv.ParseInt: parsing "many": invalid syntax`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newTestEnv(t)
			var got *AddOptions
			err := e.run(NewCmdAdd(e.f, func(o *AddOptions) error { got = o; return nil }), tt.args...)
			if tt.wantErr != "" {
				if err == nil || err.Error() != tt.wantErr {
					t.Fatalf("err = %v, want %q", err, tt.wantErr)
				}
				return
			}
			if err != nil || !reflect.DeepEqual(got.Target, tt.want) {
				t.Fatalf("target = %+v, err = %v\nwant %+v", got.Target, err, tt.want)
			}
		})
	}
}

func TestEditFlags(t *testing.T) {
	tests := []struct {
		name        string
		args        []string
		wantChanged []string
		wantValues  agent.Target
		wantErr     string
	}{
		{"one field", []string{"shop", "--dst-url", "postgres://h/x"}, []string{"dst-url"},
			agent.Target{DBType: "postgres", DstURL: "postgres://h/x"}, ""},
		{"clear profile", []string{"shop", "--storage-profile", "", "--restore-jobs", "0"}, []string{"storage-profile", "restore-jobs"},
			agent.Target{DBType: "postgres"}, ""},
		{"nothing", []string{"shop"}, nil, agent.Target{},
			"usage: nothing to change; give the settings to change as flags, e.g. --dst-url URL (see `clonit targets edit --help`)"},
		{"two names", []string{"a", "b", "--dump-jobs", "1"}, nil, agent.Target{}, "usage: give one target name: clonit targets edit NAME --FIELD VALUE..."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newTestEnv(t)
			var got *EditOptions
			err := e.run(NewCmdEdit(e.f, func(o *EditOptions) error { got = o; return nil }), tt.args...)
			if tt.wantErr != "" {
				if err == nil || err.Error() != tt.wantErr {
					t.Fatalf("err = %v, want %q", err, tt.wantErr)
				}
				return
			}
			if err != nil || !reflect.DeepEqual(got.Changed, tt.wantChanged) || got.Values != tt.wantValues {
				t.Fatalf("changed = %v, values = %+v, err = %v", got.Changed, got.Values, err)
			}
		})
	}
}

func TestRemoveFlags(t *testing.T) {
	for _, tt := range []struct {
		args []string
		yes  bool
	}{{[]string{"shop"}, false}, {[]string{"shop", "--yes"}, true}, {[]string{"-y", "shop"}, true}} {
		e := newTestEnv(t)
		var got *RemoveOptions
		if err := e.run(NewCmdRemove(e.f, func(o *RemoveOptions) error { got = o; return nil }), tt.args...); err != nil {
			t.Fatal(err)
		}
		if got.Name != "shop" || got.Yes != tt.yes {
			t.Errorf("%v: opts = %+v", tt.args, got)
		}
	}
}

// step is one command of a behaviour scenario and what it must print.
type step struct {
	name     string
	args     []string // under `clonit targets`
	stdin    string
	prompt   bool          // the user is at a terminal
	width    int           // the --width flag
	at       time.Duration // the clock, after base
	wantOut  string
	wantErr  string // stderr
	wantFail string // the error's message; "" = success
	wantCode int
}

func runSteps(t *testing.T, e *testEnv, steps []step) {
	t.Helper()
	for _, s := range steps {
		t.Run(s.name, func(t *testing.T) {
			e.out.Reset()
			e.err.Reset()
			e.f.IO.In = strings.NewReader(s.stdin)
			e.f.IO.Width = s.width
			e.now = base.Add(s.at)
			cmd := NewCmdTargets(e.f)
			if s.prompt {
				for _, c := range cmd.Commands() {
					if c.Name() == "remove" {
						c.RunE = func(c *cobra.Command, args []string) error {
							opts := &RemoveOptions{IO: e.f.IO, Store: e.f.LocalStore, Name: args[0], CanPrompt: func() bool { return true }}
							return removeRun(c.Context(), opts)
						}
					}
				}
			}
			err := e.run(cmd, s.args...)
			repl := strings.NewReplacer("{dir}", e.dir)
			if s.wantFail == "" && err != nil {
				t.Fatalf("err = %v", err)
			}
			if s.wantFail != "" && (err == nil || err.Error() != repl.Replace(s.wantFail)) {
				t.Fatalf("err = %v\nwant %s", err, repl.Replace(s.wantFail))
			}
			if code := cmdutil.ExitCode(err); code != s.wantCode {
				t.Errorf("exit code = %d, want %d", code, s.wantCode)
			}
			if got, want := e.out.String(), repl.Replace(s.wantOut); got != want {
				t.Errorf("stdout:\n%s\nwant:\n%s", got, want)
			}
			if got, want := e.err.String(), repl.Replace(s.wantErr); got != want {
				t.Errorf("stderr:\n%s\nwant:\n%s", got, want)
			}
		})
	}
}

func TestTargetsBehaviour(t *testing.T) {
	e := newTestEnv(t)
	ctx := context.Background()
	if err := e.store(t).PutStorageProfile(ctx, agent.StorageProfile{Name: "team", Provider: "local", Bucket: "/srv/snaps"}); err != nil {
		t.Fatal(err)
	}
	runSteps(t, e, []step{
		{name: "empty list", args: []string{"list"},
			wantErr: "No targets yet; add one with \"clonit targets add NAME --src-url URL\"\n"},
		{name: "empty json", args: []string{"list", "--json"}, wantOut: "[]\n"},
		{name: "add postgres", args: []string{"add", "shop", "--src-url", "postgres://app:Sup3rS3cret@prod.example.com/shop",
			"--dst-url", "postgres://dev:devpw@localhost/shop_dev", "--storage-profile", "team", "--dump-jobs", "4"},
			wantErr: "Added target \"shop\"\n"},
		{name: "add sqlite", at: time.Minute, args: []string{"add", "notes", "--db-type", "sqlite", "--src-url", "/data/notes.db", "--dst-url", "sqlite:///tmp/notes.db"},
			wantErr: "Added target \"notes\"\n"},
		{name: "add twice", args: []string{"add", "shop", "--src-url", "postgres://h/db"}, wantCode: cmdutil.ExitConflict,
			wantFail: `target "shop" already exists; change it with "clonit targets edit shop" or remove it first`},
		{name: "unknown profile", args: []string{"add", "blog", "--src-url", "postgres://h/blog", "--storage-profile", "nope"},
			wantCode: cmdutil.ExitNotFound, wantFail: `storage profile "nope" not found; see "clonit storage-profile list"`},
		{name: "bad name", args: []string{"add", "my.shop", "--src-url", "postgres://h/db"}, wantCode: cmdutil.ExitUsage,
			wantFail: `invalid target name "my.shop": use 1 to 64 letters, digits, '_' or '-'`},
		{name: "bad type", args: []string{"add", "blog", "--db-type", "mysql", "--src-url", "mysql://h/db"}, wantCode: cmdutil.ExitUsage,
			wantFail: `target "blog" has db_type "mysql"; use postgres or sqlite`},
		{name: "bad scheme", args: []string{"add", "blog", "--src-url", "http://u:hunter2@h/db"}, wantCode: cmdutil.ExitUsage,
			wantFail: `target "blog": src_url must be a postgres:// or postgresql:// URL`},
		{name: "list masks passwords", args: []string{"list"}, wantOut: "" +
			"NAME   TYPE      SOURCE                                     DESTINATION                             STORAGE\n" +
			"notes  sqlite    /data/notes.db                             sqlite:///tmp/notes.db                  \n" +
			"shop   postgres  postgres://app:****@prod.example.com/shop  postgres://dev:****@localhost/shop_dev  team\n"},
		{name: "list fits the width", args: []string{"list"}, width: 80, wantOut: "" +
			"NAME   TYPE      SOURCE                      DESTINATION                 STORAGE\n" +
			"notes  sqlite    /data/notes.db              sqlite:///tmp/notes.db      \n" +
			"shop   postgres  postgres://app:****@prod.…  postgres://dev:****@local…  team\n"},
		{name: "show", args: []string{"show", "shop"}, wantOut: "" +
			"name:                shop\n" +
			"db_type:             postgres\n" +
			"src_url:             postgres://app:****@prod.example.com/shop\n" +
			"dst_url:             postgres://dev:****@localhost/shop_dev\n" +
			"storage_profile:     team\n" +
			"dump_jobs:           4\n" +
			"restore_jobs:        0\n" +
			"sanitize_dst_url:\n" +
			"sanitize_query_file:\n" +
			"local_only:          false\n" +
			"created:             2025-03-01 12:00:00\n" +
			"updated:             2025-03-01 12:00:00\n"},
		{name: "show json", args: []string{"show", "notes", "--json"}, wantOut: `{
  "name": "notes",
  "db_type": "sqlite",
  "src_url": "/data/notes.db",
  "dst_url": "sqlite:///tmp/notes.db",
  "created_at": "2025-03-01T12:01:00Z",
  "updated_at": "2025-03-01T12:01:00Z"
}
`},
		{name: "show unknown", args: []string{"show", "nope"}, wantCode: cmdutil.ExitNotFound,
			wantFail: `target "nope" not found; see "clonit targets list"`},
		{name: "edit some fields", at: time.Hour, args: []string{"edit", "shop", "--restore-jobs", "2", "--storage-profile", "", "--sanitize-query-file", "/q/clean.sql"},
			wantErr: "Updated target \"shop\"\n"},
		{name: "edit same values", args: []string{"edit", "shop", "--restore-jobs", "2"}, wantErr: "Target \"shop\" unchanged\n"},
		{name: "edit to the source", args: []string{"edit", "shop", "--dst-url", "postgres://other@prod.example.com:5432/shop"},
			wantCode: cmdutil.ExitUsage,
			wantFail: `target "shop": dst_url is the same database as src_url; clonit drops and recreates dst_url, so it must be another database`},
		{name: "edit unknown", args: []string{"edit", "nope", "--dump-jobs", "1"}, wantCode: cmdutil.ExitNotFound,
			wantFail: `target "nope" not found; see "clonit targets list"`},
		{name: "list json after edit", args: []string{"list", "--json"}, wantOut: `[
  {
    "name": "notes",
    "db_type": "sqlite",
    "src_url": "/data/notes.db",
    "dst_url": "sqlite:///tmp/notes.db",
    "created_at": "2025-03-01T12:01:00Z",
    "updated_at": "2025-03-01T12:01:00Z"
  },
  {
    "name": "shop",
    "db_type": "postgres",
    "src_url": "postgres://app:****@prod.example.com/shop",
    "dst_url": "postgres://dev:****@localhost/shop_dev",
    "dump_jobs": 4,
    "restore_jobs": 2,
    "sanitize_query_file": "/q/clean.sql",
    "created_at": "2025-03-01T12:00:00Z",
    "updated_at": "2025-03-01T13:00:00Z"
  }
]
`},
		{name: "remove off a terminal", args: []string{"remove", "shop"}, wantCode: cmdutil.ExitUsage,
			wantFail: `usage: refusing to remove target "shop" without confirmation; run it again with --yes`},
		{name: "remove declined", args: []string{"remove", "shop"}, prompt: true, stdin: "n\n", wantCode: cmdutil.ExitCancelled,
			wantErr:  `Remove target "shop" and its 0 snapshot record(s)? Files on disk and in storage stay. [y/N] `,
			wantFail: `cancelled: target "shop" kept`},
		{name: "remove confirmed", args: []string{"remove", "shop"}, prompt: true, stdin: "y\n",
			wantErr: "Remove target \"shop\" and its 0 snapshot record(s)? Files on disk and in storage stay. [y/N] Removed target \"shop\"\n"},
		{name: "remove with yes", args: []string{"rm", "notes", "--yes"}, wantErr: "Removed target \"notes\"\n"},
		{name: "remove unknown", args: []string{"remove", "notes", "--yes"}, wantCode: cmdutil.ExitNotFound,
			wantFail: `target "notes" not found; see "clonit targets list"`},
	})
}

func TestAddResolvesRelativePaths(t *testing.T) {
	e := newTestEnv(t)
	t.Chdir(e.dir)
	runSteps(t, e, []step{
		{name: "add", args: []string{"add", "notes", "--db-type", "sqlite", "--src-url", "data/notes.db", "--dst-url", "sqlite://dev.db",
			"--sanitize-query-file", "clean.sql"}, wantErr: "Added target \"notes\"\n"},
		{name: "show", args: []string{"show", "notes"}, wantOut: "" +
			"name:                notes\n" +
			"db_type:             sqlite\n" +
			"src_url:             {dir}/data/notes.db\n" +
			"dst_url:             sqlite://{dir}/dev.db\n" +
			"storage_profile:\n" +
			"dump_jobs:           0\n" +
			"restore_jobs:        0\n" +
			"sanitize_dst_url:\n" +
			"sanitize_query_file: {dir}/clean.sql\n" +
			"local_only:          false\n" +
			"created:             2025-03-01 12:00:00\n" +
			"updated:             2025-03-01 12:00:00\n"},
	})
}

func TestPasswordsNeverStoredOrPrinted(t *testing.T) {
	e := newTestEnv(t)
	secrets := []string{"Sup3rS3cret", "devpw"}
	var printed bytes.Buffer
	for _, args := range [][]string{
		{"add", "shop", "--src-url", "postgres://app:Sup3rS3cret@prod/shop", "--dst-url", "postgres://dev:devpw@localhost/shop_dev"},
		{"list"}, {"list", "--json"}, {"show", "shop"}, {"show", "shop", "--json"},
		{"edit", "shop", "--dst-url", "postgres://dev:devpw@localhost/other"},
		{"add", "shop", "--src-url", "postgres://app:Sup3rS3cret@prod/shop"},
	} {
		e.out.Reset()
		e.err.Reset()
		err := e.run(NewCmdTargets(e.f), args...)
		printed.Write(e.out.Bytes())
		printed.Write(e.err.Bytes())
		if err != nil {
			printed.WriteString(err.Error())
		}
	}
	e.f.CloseLocalStore()
	files, _ := filepath.Glob(filepath.Join(e.dir, "work", agent.DBFileName+"*"))
	if len(files) == 0 {
		t.Fatal("no database was written")
	}
	for _, s := range secrets {
		if strings.Contains(printed.String(), s) {
			t.Errorf("output contains the password %q:\n%s", s, printed.String())
		}
		for _, f := range files {
			data, _ := os.ReadFile(f)
			if bytes.Contains(data, []byte(s)) {
				t.Errorf("%s contains the password %q", f, s)
			}
		}
	}
}
