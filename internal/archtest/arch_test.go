// Package archtest enforces the layering of docs/ARCHITECTURE.md: which packages may import
// which. It reads the real import graph with `go list -deps`, so transitive imports count.
package archtest

import (
	"encoding/json"
	"io"
	"os/exec"
	"strings"
	"testing"
)

const module = "github.com/clonit/clonit/"

type pkg struct {
	ImportPath string
	Deps       []string
}

func listPackages(t *testing.T) []pkg {
	t.Helper()
	cmd := exec.Command("go", "list", "-deps=false", "-json", "github.com/clonit/clonit/...")
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	dec := json.NewDecoder(strings.NewReader(string(out)))
	var pkgs []pkg
	for {
		var p pkg
		if err := dec.Decode(&p); err == io.EOF {
			break
		} else if err != nil {
			t.Fatalf("decode go list output: %v", err)
		}
		pkgs = append(pkgs, p)
	}
	return pkgs
}

func own(deps []string) []string {
	var out []string
	for _, d := range deps {
		if strings.HasPrefix(d, module) {
			out = append(out, strings.TrimPrefix(d, module))
		}
	}
	return out
}

func under(path, prefix string) bool { return path == prefix || strings.HasPrefix(path, prefix+"/") }

// agentSide are the packages of the clonit binary (CLI, web UI, local state, engines, storage).
var agentSide = []string{"internal/cmd", "internal/apiclient", "internal/web", "internal/agent", "internal/engine", "internal/blob", "internal/snapshot", "internal/sanitize", "internal/progress", "cmd/clonit"}

// cloudInternals are the cloud's stores, handlers and server: never linked into the agent.
var cloudInternals = []string{"internal/cloud/store", "internal/cloud/httpapi", "internal/cloud/server", "internal/cloud/identity", "internal/cloud/cli",
	"internal/cloud/blobstore", "internal/cloud/joincode", "internal/cloud/secretbox"}

// leaves may import nothing of the project except the packages listed.
var leaves = map[string][]string{
	"internal/errs":        nil,
	"internal/version":     nil,
	"internal/api":         nil,
	"internal/cloud/authz": nil,
	"internal/snapshot":    {"internal/errs"},
	"internal/sanitize":    {"internal/errs"},
	"internal/secreturl":   nil,
}

func TestLayering(t *testing.T) {
	for _, p := range listPackages(t) {
		path := strings.TrimPrefix(p.ImportPath, module)
		deps := own(p.Deps)
		for _, a := range agentSide {
			if !under(path, a) {
				continue
			}
			for _, d := range deps {
				for _, c := range cloudInternals {
					if under(d, c) {
						t.Errorf("%s imports %s: the agent reaches the cloud only through internal/apiclient", path, d)
					}
				}
			}
		}
		if allowed, ok := leaves[path]; ok {
			for _, d := range deps {
				okDep := false
				for _, a := range allowed {
					okDep = okDep || d == a
				}
				if !okDep {
					t.Errorf("%s imports %s: it must import nothing of the project but %v", path, d, allowed)
				}
			}
		}
	}
}
