package seed

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/spf13/cobra"

	"github.com/clonit/clonit/internal/agent"
	"github.com/clonit/clonit/internal/cmdutil"
)

type testEnv struct {
	f        *cmdutil.Factory
	out, err *bytes.Buffer
	dir      string
}

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
	t.Cleanup(func() { f.CloseLocalStore() })
	t.Chdir(dir)
	return &testEnv{f: f, out: out, err: errb, dir: dir}
}

func (e *testEnv) run(runF func(*Options) error, args ...string) error {
	e.out.Reset()
	e.err.Reset()
	parent := &cobra.Command{Use: "clonit", SilenceErrors: true, SilenceUsage: true}
	parent.AddCommand(NewCmdSeed(e.f, runF))
	parent.SetOut(e.out)
	parent.SetErr(e.err)
	parent.SetArgs(append([]string{"seed"}, args...))
	return parent.Execute()
}

func TestFlags(t *testing.T) {
	tests := []struct {
		name    string
		args    []string
		want    Options
		wantErr string
	}{
		{"default file", nil, Options{File: "clonit-seed.yaml"}, ""},
		{"named file", []string{"team.yaml"}, Options{File: "team.yaml"}, ""},
		{"dry run", []string{"--dry-run", "x.yaml"}, Options{File: "x.yaml", DryRun: true}, ""},
		{"two files", []string{"a.yaml", "b.yaml"}, Options{}, "usage: give at most one seed file"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newTestEnv(t)
			var got *Options
			err := e.run(func(o *Options) error { got = o; return nil }, tt.args...)
			if tt.wantErr != "" {
				if err == nil || err.Error() != tt.wantErr {
					t.Fatalf("err = %v, want %q", err, tt.wantErr)
				}
				return
			}
			if err != nil || got.File != tt.want.File || got.DryRun != tt.want.DryRun {
				t.Fatalf("opts = %+v, err = %v", got, err)
			}
		})
	}
}

const seedV1 = `storage_profiles:
  team:
    provider: s3
    bucket: acme-snaps
    region: eu-west-1
    access_key: AKIASEEDKEY
    secret_key: SeedSecretValue
  disk:
    provider: local
    bucket: store
targets:
  shop:
    src_url: postgres://app:SeedPassw0rd@prod.example.com/shop
    dst_url: postgres://localhost/shop_dev
    storage_profile: team
    dump_jobs: 4
  notes:
    db_type: sqlite
    src_url: data/notes.db
    dst_url: dev/notes.db
    storage_profile: disk
`

func TestSeed(t *testing.T) {
	e := newTestEnv(t)
	seedV2 := strings.Replace(seedV1, "dump_jobs: 4", "dump_jobs: 8", 1)
	steps := []struct {
		name     string
		file     string // written to clonit-seed.yaml before the step, when set
		args     []string
		wantErr  string // stderr
		wantFail string
		wantCode int
	}{
		{name: "missing file", wantCode: cmdutil.ExitNotFound,
			wantFail: "no seed file clonit-seed.yaml; give its path: clonit seed FILE"},
		{name: "dry run", file: seedV1, args: []string{"--dry-run"}, wantErr: "" +
			"storage profile \"disk\": would be added\n" +
			"storage profile \"team\": would be added\n" +
			"target \"notes\": would be added\n" +
			"target \"shop\": would be added\n" +
			"Dry run of clonit-seed.yaml: 4 added, 0 updated, 0 unchanged\n"},
		{name: "first import", wantErr: "" +
			"storage profile \"disk\": added\n" +
			"storage profile \"team\": added\n" +
			"target \"notes\": added\n" +
			"target \"shop\": added\n" +
			"Seeded from clonit-seed.yaml: 4 added, 0 updated, 0 unchanged\n"},
		{name: "second import changes nothing", wantErr: "" +
			"storage profile \"disk\": unchanged\n" +
			"storage profile \"team\": unchanged\n" +
			"target \"notes\": unchanged\n" +
			"target \"shop\": unchanged\n" +
			"Seeded from clonit-seed.yaml: 0 added, 0 updated, 4 unchanged\n"},
		{name: "changed field", file: seedV2, wantErr: "" +
			"storage profile \"disk\": unchanged\n" +
			"storage profile \"team\": unchanged\n" +
			"target \"notes\": unchanged\n" +
			"target \"shop\": updated\n" +
			"Seeded from clonit-seed.yaml: 0 added, 1 updated, 3 unchanged\n"},
		{name: "profile from the store", file: "targets:\n  blog:\n    src_url: postgres://h/blog\n    storage_profile: team\n", args: []string{"--quiet"}},
		{name: "problems are all reported", file: `storage_profiles:
  r2:
    provider: r2
    bucket: b
targets:
  new:
    src_url: postgres://h/new
  bad:
    db_type: mysql
    src_url: mysql://u:SeedPassw0rd@h/db
  orphan:
    src_url: postgres://h/o
    storage_profile: nowhere
`, wantCode: cmdutil.ExitUsage, wantFail: "clonit-seed.yaml: 3 problems, nothing was imported:\n" +
			"  storage profile \"r2\": provider r2 needs the Cloudflare account id (--account-id)\n" +
			"  target \"bad\" has db_type \"mysql\"; use postgres or sqlite\n" +
			"  target \"orphan\": storage profile \"nowhere\" is neither in the file nor stored"},
		{name: "one problem", file: "targets:\n  x:\n    src_url: postgres://h/x\n    dst_url: postgres://h:5432/x\n  y:\n    src_url: postgres://h/y\n",
			wantCode: cmdutil.ExitUsage,
			wantFail: "clonit-seed.yaml: target \"x\": dst_url is the same database as src_url; clonit drops and recreates dst_url, so it must be another database; nothing was imported"},
		{name: "unknown key", file: "storage_profiles:\n  s:\n    provider: s3\n    bukket: b\n", wantCode: cmdutil.ExitUsage,
			wantFail: "clonit-seed.yaml: yaml: unmarshal errors:\n  line 4: field bukket not found in type agent.StorageProfile"},
		{name: "name differs from key", file: "targets:\n  a:\n    name: b\n    src_url: postgres://h/a\n", wantCode: cmdutil.ExitUsage,
			wantFail: `clonit-seed.yaml: target "a" has name "b"; leave name out, the key names it`},
		{name: "empty", file: "# nothing yet\n", wantCode: cmdutil.ExitUsage,
			wantFail: "clonit-seed.yaml has no storage_profiles or targets to import"},
	}
	for _, s := range steps {
		t.Run(s.name, func(t *testing.T) {
			if s.file != "" {
				if err := os.WriteFile(filepath.Join(e.dir, DefaultFile), []byte(s.file), 0o600); err != nil {
					t.Fatal(err)
				}
			}
			e.f.IO.Quiet = len(s.args) > 0 && s.args[0] == "--quiet"
			args := s.args
			if e.f.IO.Quiet {
				args = nil
			}
			err := e.run(nil, args...)
			if s.wantFail == "" && err != nil {
				t.Fatalf("err = %v", err)
			}
			if s.wantFail != "" && (err == nil || err.Error() != s.wantFail) {
				t.Fatalf("err = %v\nwant %s", err, s.wantFail)
			}
			if code := cmdutil.ExitCode(err); code != s.wantCode {
				t.Errorf("exit code = %d, want %d", code, s.wantCode)
			}
			if e.out.String() != "" {
				t.Errorf("stdout = %q, want nothing", e.out)
			}
			if got := e.err.String(); got != s.wantErr {
				t.Errorf("stderr:\n%s\nwant:\n%s", got, s.wantErr)
			}
		})
	}

	// What was imported, with paths resolved against the seed file's directory.
	ctx := context.Background()
	d, _ := e.f.LocalStore()
	ts, _ := d.Targets(ctx)
	var names []string
	for _, tg := range ts {
		names = append(names, tg.Name)
	}
	if got := strings.Join(names, ","); got != "blog,notes,shop" {
		t.Errorf("targets = %s, want blog,notes,shop (nothing from the refused files)", got)
	}
	notes, _ := d.Target(ctx, "notes")
	if notes.SrcURL != filepath.Join(e.dir, "data/notes.db") || notes.DstURL != filepath.Join(e.dir, "dev/notes.db") {
		t.Errorf("notes = %+v", notes)
	}
	shop, _ := d.Target(ctx, "shop")
	if shop.DumpJobs != 8 || shop.SrcURL != "postgres://app:SeedPassw0rd@prod.example.com/shop" || shop.DBType != agent.DBPostgres {
		t.Errorf("shop = %+v", shop)
	}
	disk, _ := d.StorageProfile(ctx, "disk")
	if disk.Bucket != filepath.Join(e.dir, "store") {
		t.Errorf("disk = %+v", disk)
	}
	if ps, _ := d.StorageProfiles(ctx); len(ps) != 2 {
		t.Errorf("profiles = %+v, want disk and team", ps)
	}
	e.f.CloseLocalStore()
	files, _ := filepath.Glob(filepath.Join(e.dir, "work", agent.DBFileName+"*"))
	for _, f := range files {
		data, _ := os.ReadFile(f)
		for _, secret := range []string{"AKIASEEDKEY", "SeedSecretValue", "SeedPassw0rd"} {
			if bytes.Contains(data, []byte(secret)) {
				t.Errorf("%s holds %s in plain text", f, secret)
			}
		}
	}
}

func TestSeedFromOtherDirectory(t *testing.T) {
	e := newTestEnv(t)
	sub := filepath.Join(e.dir, "project")
	os.MkdirAll(sub, 0o700)
	os.WriteFile(filepath.Join(sub, "seed.yaml"), []byte("targets:\n  app:\n    db_type: sqlite\n    src_url: app.db\n"), 0o600)
	if err := e.run(nil, "project/seed.yaml"); err != nil {
		t.Fatal(err)
	}
	if want := "target \"app\": added\nSeeded from project/seed.yaml: 1 added, 0 updated, 0 unchanged\n"; e.err.String() != want {
		t.Errorf("stderr = %q, want %q", e.err, want)
	}
	d, _ := e.f.LocalStore()
	app, _ := d.Target(context.Background(), "app")
	if app.SrcURL != filepath.Join(sub, "app.db") {
		t.Errorf("src_url = %q, want it beside the seed file", app.SrcURL)
	}
}
