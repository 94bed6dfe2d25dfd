package config

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/spf13/cobra"

	"github.com/clonit/clonit/internal/cmdutil"
	"github.com/clonit/clonit/internal/errs"
)

type testEnv struct {
	f        *cmdutil.Factory
	out, err *bytes.Buffer
	dir      string
	path     string
}

func newTestEnv(t *testing.T) *testEnv {
	t.Helper()
	dir := t.TempDir()
	out, errb := &bytes.Buffer{}, &bytes.Buffer{}
	f := cmdutil.NewFactory(&cmdutil.IOStreams{In: strings.NewReader(""), Out: out, ErrOut: errb})
	f.ConfigPath = filepath.Join(dir, "config.yaml")
	return &testEnv{f: f, out: out, err: errb, dir: dir, path: f.ConfigPath}
}

// run executes cmd under a parent that has the root's global --json flag.
func (e *testEnv) run(cmd *cobra.Command, args ...string) error {
	parent := &cobra.Command{Use: "clonit", SilenceErrors: true, SilenceUsage: true}
	parent.PersistentFlags().BoolVar(&e.f.IO.JSON, "json", false, "")
	parent.AddCommand(cmd)
	parent.SetOut(e.out)
	parent.SetErr(e.err)
	parent.SetArgs(append([]string{cmd.Name()}, args...))
	return parent.Execute()
}

func (e *testEnv) write(t *testing.T, content string) {
	t.Helper()
	if err := os.WriteFile(e.path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
}

func TestInitFlags(t *testing.T) {
	tests := []struct {
		name    string
		args    []string
		want    InitOptions
		wantErr string
	}{
		{"default", nil, InitOptions{}, ""},
		{"force", []string{"--force"}, InitOptions{Force: true}, ""},
		{"extra argument", []string{"x"}, InitOptions{}, `unknown command "x" for "clonit init"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newTestEnv(t)
			var got *InitOptions
			err := e.run(NewCmdInit(e.f, func(o *InitOptions) error { got = o; return nil }), tt.args...)
			if tt.wantErr != "" {
				if err == nil || err.Error() != tt.wantErr {
					t.Fatalf("err = %v, want %q", err, tt.wantErr)
				}
				return
			}
			if err != nil || got.Force != tt.want.Force {
				t.Fatalf("opts = %+v, err = %v", got, err)
			}
		})
	}
}

func TestInit(t *testing.T) {
	e := newTestEnv(t)
	if err := e.run(NewCmdInit(e.f, nil)); err != nil {
		t.Fatal(err)
	}
	if e.out.String() != "" || e.err.String() != "Wrote "+e.path+" with a new secret_key\n" {
		t.Fatalf("stdout %q, stderr %q", e.out, e.err)
	}
	fi, err := os.Stat(e.path)
	if err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("mode = %v, %v; want 0600", fi.Mode().Perm(), err)
	}
	first, _ := os.ReadFile(e.path)
	key := regexp.MustCompile(`(?m)^secret_key: ([0-9a-f]{32})$`).FindSubmatch(first)
	if key == nil {
		t.Fatalf("no 16-byte hex secret_key in\n%s", first)
	}
	if !strings.Contains(string(first), "working_directory: ~/.clonit\n") || !strings.Contains(string(first), "auto_push: true\n") {
		t.Errorf("config lacks the defaults:\n%s", first)
	}

	e.err.Reset()
	err = e.run(NewCmdInit(e.f, nil))
	want := e.path + " already exists; keep it, or replace it with `clonit config init --force` (secrets stored under its secret_key become unreadable)"
	if !errors.Is(err, errs.ErrConflict) || err.Error() != want {
		t.Fatalf("second init: err = %v", err)
	}
	if now, _ := os.ReadFile(e.path); !bytes.Equal(now, first) {
		t.Fatal("a refused init changed the file")
	}

	if err := e.run(NewCmdInit(e.f, nil), "--force"); err != nil {
		t.Fatal(err)
	}
	wantErr := "warning: replaced " + e.path + "; secrets stored under the old secret_key can no longer be read\nWrote " + e.path + " with a new secret_key\n"
	if e.err.String() != wantErr {
		t.Errorf("stderr = %q, want %q", e.err, wantErr)
	}
	second, _ := os.ReadFile(e.path)
	if bytes.Contains(second, key[1]) {
		t.Error("--force kept the old secret_key")
	}
}

func TestShow(t *testing.T) {
	const file = "secret_key: 00112233445566778899aabbccddeeff\nworking_directory: /data/clonit\ndefaults:\n  auto_push: true\n  dump_jobs: 4\ncloud:\n  url: https://cloud.example.com\n  api_key: clonit_abcdef\n"
	tests := []struct {
		name    string
		file    string
		env     map[string]string
		args    []string
		wantOut string
		wantErr string
	}{
		{
			name: "yaml masks secrets",
			file: file,
			wantOut: "# {path}\nsecret_key: '****'\nworking_directory: /data/clonit\ndefaults:\n    auto_push: true\n    dump_jobs: 4\n    restore_jobs: 0\n" +
				"cloud:\n    url: https://cloud.example.com\n    api_key: '****'\n    agent_id: \"\"\n",
		},
		{
			name: "environment overrides",
			file: file,
			env:  map[string]string{"CLONIT_DEFAULTS__AUTO_PUSH": "false", "CLONIT_CLOUD__TOKEN": "tok"},
			args: []string{"--json"},
			wantOut: `{
  "path": "{path}",
  "secret_key": "****",
  "working_directory": "/data/clonit",
  "defaults": {
    "auto_push": false,
    "dump_jobs": 4,
    "restore_jobs": 0
  },
  "cloud": {
    "url": "https://cloud.example.com",
    "api_key": "****",
    "token": "****",
    "agent_id": ""
  }
}
`,
		},
		{
			name:    "no secret key",
			file:    "working_directory: /w\n",
			wantOut: "# {path}\nsecret_key: \"\"\nworking_directory: /w\ndefaults:\n    auto_push: true\n    dump_jobs: 0\n    restore_jobs: 0\ncloud:\n    url: \"\"\n    api_key: \"\"\n    agent_id: \"\"\n",
			wantErr: "warning: the config has no secret_key; secrets cannot be stored until you add one (`clonit config init --force` writes a new config)\n",
		},
		{
			name:    "missing file",
			env:     map[string]string{"CLONIT_WORKING_DIRECTORY": "/w"},
			wantOut: "# {path}\nsecret_key: \"\"\nworking_directory: /w\ndefaults:\n    auto_push: true\n    dump_jobs: 0\n    restore_jobs: 0\ncloud:\n    url: \"\"\n    api_key: \"\"\n    agent_id: \"\"\n",
			wantErr: "{path} does not exist; these are the defaults (create it with `clonit config init`)\n",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newTestEnv(t)
			for k, v := range tt.env {
				t.Setenv(k, v)
			}
			if tt.file != "" {
				e.write(t, tt.file)
			}
			if err := e.run(NewCmdShow(e.f, nil), tt.args...); err != nil {
				t.Fatal(err)
			}
			if want := strings.ReplaceAll(tt.wantOut, "{path}", e.path); e.out.String() != want {
				t.Errorf("stdout:\n%s\nwant:\n%s", e.out, want)
			}
			if want := strings.ReplaceAll(tt.wantErr, "{path}", e.path); e.err.String() != want {
				t.Errorf("stderr = %q, want %q", e.err, want)
			}
		})
	}
}

func TestEditorChoice(t *testing.T) {
	tests := []struct {
		name, visual, editor, want string
	}{
		{"visual first", "code --wait", "nano", "code --wait"},
		{"then editor", "", "nano", "nano"},
		{"then vi", "", "", "vi"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env := map[string]string{"VISUAL": tt.visual, "EDITOR": tt.editor}
			if got := editor(func(k string) string { return env[k] }); got != tt.want {
				t.Errorf("editor = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestEdit(t *testing.T) {
	const orig = "secret_key: 00112233445566778899aabbccddeeff\nworking_directory: /w\n"
	tests := []struct {
		name     string
		noFile   bool
		script   string // shell run as the editor; $1 is the file
		wantFile string
		wantErr  string // error message; {path} and {edit} are replaced
		wantLog  string // stderr
	}{
		{
			name:     "valid change",
			script:   `printf 'defaults:\n  dump_jobs: 8\n' >> "$1"`,
			wantFile: orig + "defaults:\n  dump_jobs: 8\n",
			wantLog:  "Saved {path}\n",
		},
		{
			name:     "no change",
			script:   `true`,
			wantFile: orig,
			wantLog:  "No changes to {path}\n",
		},
		{
			name:     "key changed",
			script:   `sed -i 's/^secret_key: .*/secret_key: ffeeddccbbaa99887766554433221100/' "$1"`,
			wantFile: "secret_key: ffeeddccbbaa99887766554433221100\nworking_directory: /w\n",
			wantLog:  "warning: secret_key changed; secrets stored under the old key can no longer be read\nSaved {path}\n",
		},
		{
			name:     "invalid yaml",
			script:   `printf 'defaults: [\n' >> "$1"`,
			wantFile: orig,
			wantErr:  "the edited config is not valid (yaml: line 3: did not find expected node content); {path} is unchanged and your edit is in {edit}",
		},
		{
			name:     "unknown key",
			script:   `printf 'defaults:\n  autopush: false\n' >> "$1"`,
			wantFile: orig,
			wantErr:  "the edited config is not valid (yaml: unmarshal errors:\n  line 4: field autopush not found in type agent.Defaults); {path} is unchanged and your edit is in {edit}",
		},
		{
			name:     "bad secret key",
			script:   `sed -i 's/^secret_key: .*/secret_key: abc/' "$1"`,
			wantFile: orig,
			wantErr:  "the edited config is not valid (secret_key must be 32 or 64 hex digits (16 or 32 bytes); fix it with `clonit config edit`); {path} is unchanged and your edit is in {edit}",
		},
		{
			name:     "editor fails",
			script:   `exit 3`,
			wantFile: orig,
			wantErr:  `the editor "sh {script}" failed; set $VISUAL or $EDITOR to a working editor`,
		},
		{
			name:    "no config",
			noFile:  true,
			script:  `true`,
			wantErr: "there is no config at {path}; create one with `clonit config init`",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newTestEnv(t)
			if !tt.noFile {
				e.write(t, orig)
			}
			script := filepath.Join(t.TempDir(), "ed.sh")
			os.WriteFile(script, []byte(tt.script+"\n"), 0o700)
			t.Setenv("VISUAL", "")
			t.Setenv("EDITOR", "sh "+script)
			err := e.run(NewCmdEdit(e.f, nil))
			edits, _ := filepath.Glob(filepath.Join(e.dir, ".config-edit-*"))
			repl := strings.NewReplacer("{path}", e.path, "{script}", script, "{edit}", strings.Join(edits, ","))
			if tt.wantErr != "" {
				if err == nil || errs.Public(err, err.Error()) != repl.Replace(tt.wantErr) {
					t.Fatalf("err = %v\nwant %s", err, repl.Replace(tt.wantErr))
				}
			} else if err != nil {
				t.Fatal(err)
			}
			if tt.wantErr == "" || strings.Contains(tt.wantErr, "editor") {
				if len(edits) != 0 {
					t.Errorf("left edit copies %v", edits)
				}
			}
			if got := e.err.String(); got != repl.Replace(tt.wantLog) {
				t.Errorf("stderr = %q, want %q", got, repl.Replace(tt.wantLog))
			}
			if tt.noFile {
				return
			}
			got, _ := os.ReadFile(e.path)
			if string(got) != tt.wantFile {
				t.Errorf("file =\n%s\nwant\n%s", got, tt.wantFile)
			}
			if fi, _ := os.Stat(e.path); fi.Mode().Perm() != 0o600 {
				t.Errorf("mode = %v", fi.Mode().Perm())
			}
		})
	}
}
