package snapshotcmd_test

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/rogpeppe/go-internal/testscript"

	"github.com/clonit/clonit/internal/cmd/root"
	"github.com/clonit/clonit/internal/engine/enginetest"
	"github.com/clonit/clonit/internal/testutil"
)

// TestMain lets the test binary act, inside the scripts, as clonit and as clonit-exit, which
// runs clonit and then checks its exit code: `exec clonit-exit 3 build nope` passes when
// clonit exits with 3 (printing clonit's output as is) and fails otherwise.
func TestMain(m *testing.M) {
	testscript.Main(stopServers{m}, map[string]func(){
		"clonit": func() { os.Exit(root.Main(os.Args[1:])) },
		"clonit-exit": func() {
			want, err := strconv.Atoi(os.Args[1])
			if err != nil {
				fmt.Fprintln(os.Stderr, "usage: clonit-exit CODE ARGS...")
				os.Exit(2)
			}
			if got := root.Main(os.Args[2:]); got != want {
				fmt.Fprintf(os.Stderr, "clonit-exit: clonit exited with %d, want %d\n", got, want)
				os.Exit(1)
			}
			os.Exit(0)
		},
	})
}

// stopServers stops the password-protected PostgreSQL the scripts may have started.
type stopServers struct{ m *testing.M }

func (s stopServers) Run() int {
	defer enginetest.StopPasswordServer()
	return s.m.Run()
}

// TestSnapshotScripts runs the snapshot workflow scripts in testdata/script/snapshots at the
// repository root against the real clonit command, PostgreSQL and MinIO. Each script gets
// its own HOME, TZ=UTC, the CLONIT_TEST_* variables, CLONIT_BIN (the directory holding only
// clonit and clonit-exit, for scripts that empty PATH) and the commands of scriptCmds.
func TestSnapshotScripts(t *testing.T) {
	bin, err := exec.LookPath("clonit")
	if err != nil {
		t.Fatal(err)
	}
	testscript.Run(t, testscript.Params{
		Dir:                 filepath.Join("..", "..", "..", "testdata", "script", "snapshots"),
		RequireExplicitExec: true,
		Cmds:                scriptCmds,
		Condition:           condition,
		Setup: func(env *testscript.Env) error {
			home := filepath.Join(env.WorkDir, "home")
			env.Setenv("HOME", home)
			env.Setenv("XDG_CONFIG_HOME", filepath.Join(home, ".config"))
			env.Setenv("TZ", "UTC")
			env.Setenv("CLONIT_BIN", filepath.Dir(bin))
			for _, kv := range os.Environ() {
				if k, v, ok := strings.Cut(kv, "="); ok && strings.HasPrefix(k, "CLONIT_TEST_") {
					env.Setenv(k, v)
				}
			}
			return os.MkdirAll(home, 0o700)
		},
	})
}

// condition answers [postgres], [minio] and [pwserver]: whether the service is there. With
// CLONIT_TEST_REQUIRE_SERVICES set, a missing service is an error rather than false.
func condition(cond string) (bool, error) {
	var ok bool
	var what string
	switch cond {
	case "postgres":
		ok, what = os.Getenv(testutil.EnvPostgresURL) != "", testutil.EnvPostgresURL
	case "minio":
		ok, what = os.Getenv(testutil.EnvS3Endpoint) != "", testutil.EnvS3Endpoint
	case "pwserver":
		_, err := enginetest.StartPasswordServer()
		ok, what = err == nil, fmt.Sprintf("a password-protected PostgreSQL (%v)", err)
	default:
		return false, fmt.Errorf("unknown condition %q", cond)
	}
	if !ok && os.Getenv(testutil.EnvRequireServices) != "" {
		return false, fmt.Errorf("%s is not available; run the tests with `make test`", what)
	}
	return ok, nil
}
