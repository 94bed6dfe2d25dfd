package storageprofile

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"regexp"
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
	return &testEnv{f: f, out: out, err: errb, dir: dir}
}

// run executes cmd under a parent that has the root's global --json flag.
func (e *testEnv) run(cmd *cobra.Command, args ...string) error {
	e.f.IO.JSON = false
	e.out.Reset()
	e.err.Reset()
	parent := &cobra.Command{Use: "clonit", SilenceErrors: true, SilenceUsage: true}
	parent.PersistentFlags().BoolVar(&e.f.IO.JSON, "json", false, "")
	parent.AddCommand(cmd)
	parent.SetOut(e.out)
	parent.SetErr(e.err)
	parent.SetArgs(append([]string{cmd.Name()}, args...))
	return parent.Execute()
}

func TestAddFlags(t *testing.T) {
	tests := []struct {
		name    string
		args    []string
		want    agent.StorageProfile
		force   bool
		wantErr string
	}{
		{"every flag", []string{"--name", "s", "--provider", "s3", "--bucket", "b", "--region", "r", "--access-key", "a", "--secret-key", "k",
			"--account-id", "acct", "--awscli-profile", "p", "--endpoint", "http://e:9000", "--prefix", "x/", "--force"},
			agent.StorageProfile{Name: "s", Provider: "s3", Bucket: "b", Region: "r", AccessKey: "a", SecretKey: "k", AccountID: "acct",
				AWSCLIProfile: "p", Endpoint: "http://e:9000", Prefix: "x/"}, true, ""},
		{"name as argument", []string{"disk", "--provider", "local", "--bucket", "/d"},
			agent.StorageProfile{Name: "disk", Provider: "local", Bucket: "/d"}, false, ""},
		{"same name twice", []string{"disk", "--name", "disk", "--provider", "local"},
			agent.StorageProfile{Name: "disk", Provider: "local"}, false, ""},
		{"no name", []string{"--provider", "s3"}, agent.StorageProfile{}, false, "usage: give the profile a name with --name NAME"},
		{"two names", []string{"a", "--name", "b", "--provider", "s3"}, agent.StorageProfile{}, false,
			`usage: the name is given twice ("a" and --name "b")`},
		{"no provider", []string{"--name", "a"}, agent.StorageProfile{}, false, `required flag(s) "provider" not set`},
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
			if err != nil || got.Profile != tt.want || got.Force != tt.force {
				t.Fatalf("opts = %+v, err = %v\nwant %+v", got, err, tt.want)
			}
		})
	}
}

func TestStorageProfileBehaviour(t *testing.T) {
	e := newTestEnv(t)
	t.Chdir(e.dir)
	steps := []struct {
		name     string
		args     []string
		wantOut  string
		wantErr  string
		wantFail string
		wantCode int
	}{
		{name: "empty list", args: []string{"list"},
			wantErr: "No storage profiles yet; add one with \"clonit storage-profile add --name NAME --provider s3|r2|local\"\n"},
		{name: "empty json", args: []string{"list", "--json"}, wantOut: "[]\n"},
		{name: "add s3", args: []string{"add", "--name", "team", "--provider", "s3", "--bucket", "acme-snaps", "--region", "eu-west-1",
			"--access-key", "AKIAEXAMPLE", "--secret-key", "wJalrXUtnFEMI"}, wantErr: "Added storage profile \"team\"\n"},
		{name: "add r2", args: []string{"add", "--name", "r2", "--provider", "r2", "--bucket", "snaps", "--account-id", "0123abcd", "--prefix", "dev/"},
			wantErr: "Added storage profile \"r2\"\n"},
		{name: "add minio", args: []string{"add", "--name", "minio", "--provider", "s3", "--bucket", "snaps", "--endpoint", "http://127.0.0.1:9000",
			"--awscli-profile", "minio"}, wantErr: "Added storage profile \"minio\"\n"},
		{name: "add local relative", args: []string{"add", "disk", "--provider", "local", "--bucket", "store"},
			wantErr: "Added storage profile \"disk\"\n"},
		{name: "relative directory resolved", args: []string{"list", "--json"}, wantOut: `[
  {
    "name": "disk",
    "provider": "local",
    "bucket": "{dir}/store",
    "created_at": "{created}"
  },
  {
    "name": "minio",
    "provider": "s3",
    "bucket": "snaps",
    "awscli_profile": "minio",
    "endpoint": "http://127.0.0.1:9000",
    "created_at": "{created}"
  },
  {
    "name": "r2",
    "provider": "r2",
    "bucket": "snaps",
    "account_id": "0123abcd",
    "prefix": "dev/",
    "created_at": "{created}"
  },
  {
    "name": "team",
    "provider": "s3",
    "bucket": "acme-snaps",
    "region": "eu-west-1",
    "access_key": "****",
    "secret_key": "****",
    "created_at": "{created}"
  }
]
`},
		{name: "add existing", args: []string{"add", "disk", "--provider", "local", "--bucket", "/x"}, wantCode: cmdutil.ExitConflict,
			wantFail: `storage profile "disk" already exists; replace it with --force, or pick another name`},
		{name: "replace", args: []string{"add", "disk", "--provider", "local", "--bucket", "/srv/store", "--force"},
			wantErr: "Replaced storage profile \"disk\"\n"},
		{name: "r2 without account", args: []string{"add", "--name", "x", "--provider", "r2", "--bucket", "b"}, wantCode: cmdutil.ExitUsage,
			wantFail: `storage profile "x": provider r2 needs the Cloudflare account id (--account-id)`},
		{name: "s3 without bucket", args: []string{"add", "--name", "x", "--provider", "s3"}, wantCode: cmdutil.ExitUsage,
			wantFail: `storage profile "x" needs a bucket`},
		{name: "local without directory", args: []string{"add", "--name", "x", "--provider", "local"}, wantCode: cmdutil.ExitUsage,
			wantFail: `storage profile "x": provider local needs a directory path as its bucket`},
		{name: "unknown provider", args: []string{"add", "--name", "x", "--provider", "gcs", "--bucket", "b"}, wantCode: cmdutil.ExitUsage,
			wantFail: `storage profile "x" has provider "gcs"; use s3, r2 or local`},
		{name: "list", args: []string{"list"}, wantOut: "" +
			"NAME   PROVIDER  BUCKET      REGION     ENDPOINT                                   PREFIX  CREDENTIALS\n" +
			"disk   local     /srv/store                                                                \n" +
			"minio  s3        snaps                  http://127.0.0.1:9000                              awscli profile minio\n" +
			"r2     r2        snaps                  https://0123abcd.r2.cloudflarestorage.com  dev/    environment\n" +
			"team   s3        acme-snaps  eu-west-1                                                     access key\n"},
		{name: "list json masks keys", args: []string{"list", "--json"}, wantOut: `[
  {
    "name": "disk",
    "provider": "local",
    "bucket": "/srv/store",
    "created_at": "{created}"
  },
  {
    "name": "minio",
    "provider": "s3",
    "bucket": "snaps",
    "awscli_profile": "minio",
    "endpoint": "http://127.0.0.1:9000",
    "created_at": "{created}"
  },
  {
    "name": "r2",
    "provider": "r2",
    "bucket": "snaps",
    "account_id": "0123abcd",
    "prefix": "dev/",
    "created_at": "{created}"
  },
  {
    "name": "team",
    "provider": "s3",
    "bucket": "acme-snaps",
    "region": "eu-west-1",
    "access_key": "****",
    "secret_key": "****",
    "created_at": "{created}"
  }
]
`},
		{name: "remove in use", args: []string{"remove", "team"}, wantCode: cmdutil.ExitConflict,
			wantFail: `storage profile "team" is used by target shop; move them first with "clonit targets edit NAME --storage-profile OTHER"`},
		{name: "remove", args: []string{"remove", "r2"}, wantErr: "Removed storage profile \"r2\"\n"},
		{name: "remove unknown", args: []string{"rm", "r2"}, wantCode: cmdutil.ExitNotFound,
			wantFail: `storage profile "r2" not found; see "clonit storage-profile list"`},
		{name: "remove no name", args: []string{"remove"}, wantCode: cmdutil.ExitUsage,
			wantFail: "usage: give one profile name: clonit storage-profile remove NAME"},
	}
	for _, s := range steps {
		t.Run(s.name, func(t *testing.T) {
			if s.name == "remove in use" {
				d, _ := e.f.LocalStore()
				if err := d.PutTarget(context.Background(), agent.Target{Name: "shop", DBType: "postgres", SrcURL: "postgres://h/db", StorageProfile: "team"}); err != nil {
					t.Fatal(err)
				}
			}
			err := e.run(NewCmdStorageProfile(e.f), s.args...)
			repl := strings.NewReplacer("{dir}", e.dir)
			if s.wantFail == "" && err != nil {
				t.Fatalf("err = %v", err)
			}
			if s.wantFail != "" && (err == nil || err.Error() != s.wantFail) {
				t.Fatalf("err = %v\nwant %s", err, s.wantFail)
			}
			if code := cmdutil.ExitCode(err); code != s.wantCode {
				t.Errorf("exit code = %d, want %d", code, s.wantCode)
			}
			got := e.out.String()
			if strings.Contains(s.wantOut, "{created}") {
				got = createdRE.ReplaceAllString(got, `"created_at": "{created}"`)
			}
			if want := repl.Replace(s.wantOut); got != want {
				t.Errorf("stdout:\n%s\nwant:\n%s", got, want)
			}
			if got, want := e.err.String(), repl.Replace(s.wantErr); got != want {
				t.Errorf("stderr:\n%s\nwant:\n%s", got, want)
			}
		})
	}
}

func TestAliasAndNoPlainKeys(t *testing.T) {
	e := newTestEnv(t)
	root := &cobra.Command{Use: "clonit", SilenceErrors: true, SilenceUsage: true}
	root.AddCommand(NewCmdStorageProfile(e.f))
	root.SetOut(e.out)
	root.SetErr(e.err)
	root.SetArgs([]string{"storage-profiles", "add", "--name", "s", "--provider", "s3", "--bucket", "b", "--access-key", "AKIAPLAINTEXT", "--secret-key", "SECRETPLAINTEXT"})
	if err := root.Execute(); err != nil {
		t.Fatal(err)
	}
	e.f.CloseLocalStore()
	files, _ := filepath.Glob(filepath.Join(e.dir, "work", agent.DBFileName+"*"))
	if len(files) == 0 {
		t.Fatal("no database written")
	}
	for _, f := range files {
		data, _ := os.ReadFile(f)
		for _, s := range []string{"AKIAPLAINTEXT", "SECRETPLAINTEXT"} {
			if bytes.Contains(data, []byte(s)) {
				t.Errorf("%s holds the key %s in plain text", f, s)
			}
		}
	}
}

var createdRE = regexp.MustCompile(`"created_at": "[^"]+"`)
