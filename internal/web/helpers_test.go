package web

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/clonit/clonit/internal/cmdutil"
)

// testFactory returns a factory over a fresh config in a temp directory, with extra YAML
// appended (e.g. a cloud section).
func testFactory(t *testing.T, extra string) *cmdutil.Factory {
	t.Helper()
	dir := t.TempDir()
	cfg := filepath.Join(dir, "config.yaml")
	body := "secret_key: 00112233445566778899aabbccddeeff\nworking_directory: " + filepath.Join(dir, "work") + "\ndefaults:\n  auto_push: true\n" + extra
	if err := os.WriteFile(cfg, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	f := cmdutil.NewFactory(&cmdutil.IOStreams{Out: os.Stdout, ErrOut: os.Stderr})
	f.ConfigPath = cfg
	f.CredentialsPath = filepath.Join(dir, "credentials.json")
	t.Cleanup(func() { f.CloseLocalStore() })
	return f
}

// newTestServer returns a server over f whose Host check allows port.
func newTestServer(t *testing.T, f *cmdutil.Factory, port int) *Server {
	t.Helper()
	s, err := New(Options{Factory: f})
	if err != nil {
		t.Fatal(err)
	}
	s.SetPort(port)
	t.Cleanup(s.jobs.Stop)
	return s
}
