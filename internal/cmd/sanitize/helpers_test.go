package sanitize_test

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/clonit/clonit/internal/cmd/root"
)

// envAsClonit makes the test binary run clonit instead of the tests, so the tests can run
// clonit as a real process (and interrupt it).
const envAsClonit = "CLONIT_TEST_RUN_AS_CLONIT"

func TestMain(m *testing.M) {
	if os.Getenv(envAsClonit) == "1" {
		os.Exit(root.Main(os.Args[1:]))
	}
	os.Exit(m.Run())
}

// clonit runs clonit processes with their own HOME (config, working directory) and TMPDIR.
type clonit struct {
	t    *testing.T
	home string
	// tmp is the processes' TMPDIR, readable by the postgres OS user (throwaway clusters
	// live there when clonit runs as root).
	tmp string
}

func newClonit(t *testing.T) *clonit {
	t.Helper()
	tmp, err := os.MkdirTemp("", "clonit-sanitize-test-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(tmp) })
	if err := os.Chmod(tmp, 0o755); err != nil {
		t.Fatal(err)
	}
	c := &clonit{t: t, home: t.TempDir(), tmp: tmp}
	c.ok("config", "init")
	return c
}

// command prepares `clonit args...`.
func (c *clonit) command(args ...string) *exec.Cmd {
	cmd := exec.Command(os.Args[0], args...)
	cmd.Env = append(os.Environ(), envAsClonit+"=1", "HOME="+c.home, "XDG_CONFIG_HOME="+filepath.Join(c.home, ".config"),
		"TMPDIR="+c.tmp, "TZ=UTC")
	return cmd
}

// run runs clonit and returns its stdout, stderr and exit code.
func (c *clonit) run(args ...string) (string, string, int) {
	c.t.Helper()
	cmd := c.command(args...)
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	err := cmd.Run()
	code := 0
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		code = ee.ExitCode()
	} else if err != nil {
		c.t.Fatal(err)
	}
	return out.String(), errOut.String(), code
}

// ok runs clonit, fails the test unless it succeeds, and returns its stdout.
func (c *clonit) ok(args ...string) string {
	c.t.Helper()
	out, errOut, code := c.run(args...)
	if code != 0 {
		c.t.Fatalf("clonit %s: exit %d\n%s", strings.Join(args, " "), code, errOut)
	}
	return out
}
