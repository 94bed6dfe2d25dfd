package root

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rogpeppe/go-internal/testscript"
)

// TestMain lets the test binary act as the clonit binary inside the scripts.
func TestMain(m *testing.M) {
	testscript.Main(m, map[string]func(){
		"clonit": func() { os.Exit(Main(os.Args[1:])) },
	})
}

// TestScript runs the end-to-end CLI scripts in testdata/script at the repository root. Each
// script gets its own HOME (so ~/.config/clonit and ~/.clonit are its own) and the
// CLONIT_TEST_* variables of the test services, when they are set.
func TestScript(t *testing.T) {
	testscript.Run(t, testscript.Params{
		Dir:                 filepath.Join("..", "..", "..", "testdata", "script"),
		RequireExplicitExec: true,
		Setup: func(env *testscript.Env) error {
			home := filepath.Join(env.WorkDir, "home")
			env.Setenv("HOME", home)
			env.Setenv("XDG_CONFIG_HOME", filepath.Join(home, ".config"))
			env.Setenv("TZ", "UTC")
			for _, kv := range os.Environ() {
				if k, v, ok := strings.Cut(kv, "="); ok && strings.HasPrefix(k, "CLONIT_TEST_") {
					env.Setenv(k, v)
				}
			}
			return os.MkdirAll(home, 0o700)
		},
	})
}
