// Package scripts tests the shell scripts of the repository: the `make run` demo and the
// sample database it bundles.
package scripts

import (
	"bufio"
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/clonit/clonit/internal/api"
)

// TestDemo runs `make run`'s script up to the point where it would start the web UI
// (CLONIT_DEMO_NO_SERVE=1), then starts its cloud again and checks what the demo left:
// the org, its two members and agents, the two cloud snapshots and who sees them, and a
// sanitized snapshot with no real email address left.
func TestDemo(t *testing.T) {
	t.Parallel()
	for _, tool := range []string{"sh", "curl"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("the demo needs %s", tool)
		}
	}
	bin := buildBinaries(t)
	dir := filepath.Join(t.TempDir(), "demo")
	cloudAddr := freeAddr(t)
	out, err := runDemo(t, bin, dir, cloudAddr)
	if err != nil {
		t.Fatalf("demo.sh: %v\n%s", err, out)
	}
	for _, want := range []string{
		"Signed in as owner@demo.example (no org yet: create one with `clonit cloud org create --name NAME --slug SLUG`)\n",
		"Created org demo-shop (Demo Shop); you are its owner.\n",
		"Signed in as dev@demo.example (org demo-shop, role member)\n",
		"stored version 1 of the sanitize query of \"shop\"; it is the active one\n",
		"verification passed\n",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("the demo did not say %q; it said:\n%s", want, out)
		}
	}
	m := regexp.MustCompile(`Cloud snapshots: ([a-z0-9]{26}) \(the original, private\) and ([a-z0-9]{26}) \(sanitized, shared with the org\)\.\n$`).FindStringSubmatch(out)
	if m == nil {
		t.Fatalf("the demo did not end with its snapshots:\n%s", out)
	}
	original, sanitized := m[1], m[2]

	startCloud(t, bin, filepath.Join(dir, "cloud"), cloudAddr)
	clonit := func(who string, args ...string) string {
		t.Helper()
		cmd := exec.Command(filepath.Join(bin, "clonit"), args...)
		cmd.Env = append(cleanEnv(), "XDG_CONFIG_HOME="+filepath.Join(dir, who))
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		b, err := cmd.Output()
		if err != nil {
			t.Fatalf("clonit %s as %s: %v\n%s", strings.Join(args, " "), who, err, stderr.String())
		}
		return string(b)
	}
	sees := func(who string) []string {
		var list []api.CloudSnapshot
		if err := json.Unmarshal([]byte(clonit(who, "cloud", "snapshots", "--json")), &list); err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, s := range list {
			got = append(got, s.ID+" "+s.Type+" shared="+map[bool]string{true: "yes", false: "no"}[s.Shared])
		}
		return got
	}
	tests := []struct {
		name string
		got  func() []string
		want []string
	}{
		{"the owner sees both snapshots", func() []string { return sees("owner") },
			[]string{sanitized + " sanitized shared=yes", original + " snapshot shared=no"}},
		{"the developer sees the shared one", func() []string { return sees("dev") },
			[]string{sanitized + " sanitized shared=yes"}},
		{"members", func() []string {
			var list []api.Member
			if err := json.Unmarshal([]byte(clonit("owner", "cloud", "members", "list", "--json")), &list); err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, m := range list {
				got = append(got, m.User.Email+" "+m.Role+" "+strings.Join(m.User.Groups, ","))
			}
			return got
		}, []string{"owner@demo.example owner data,leads", "dev@demo.example member eng"}},
		{"agents", func() []string {
			return fields(clonit("owner", "cloud", "agents", "list"), 1)
		}, []string{"NAME", "dev-workstation", "owner-laptop"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.got(); !slices.Equal(got, tt.want) {
				t.Errorf("got\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(tt.want, "\n"))
			}
		})
	}

	t.Run("the sanitized snapshot keeps the rows and drops the emails", func(t *testing.T) {
		clonit("owner", "load", "shop", "0")
		db, err := sql.Open("sqlite", "file:"+filepath.Join(dir, "data", "shop-dev.db")+"?mode=ro")
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		var rows, real int
		if err := db.QueryRow(`SELECT count(*), count(*) FILTER (WHERE email NOT LIKE '%@example.invalid') FROM customers`).Scan(&rows, &real); err != nil {
			t.Fatal(err)
		}
		if rows != 200 || real != 0 {
			t.Errorf("the loaded sanitized snapshot has %d customers, %d with a real email; want 200 and 0", rows, real)
		}
	})
}

// TestDemoServes runs the whole demo as `make run` does: once it says Clonit is running,
// the web UI shows the org's snapshots as the owner, and SIGTERM stops both servers.
func TestDemoServes(t *testing.T) {
	t.Parallel()
	for _, tool := range []string{"sh", "curl"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("the demo needs %s", tool)
		}
	}
	bin := buildBinaries(t)
	cloudAddr, uiAddr := freeAddr(t), freeAddr(t)
	cmd := exec.Command("sh", "demo.sh")
	cmd.Env = append(os.Environ(), "CLONIT_DEMO_BIN="+bin, "CLONIT_DEMO_DIR="+filepath.Join(t.TempDir(), "demo"),
		"CLONIT_DEMO_CLOUD_ADDR="+cloudAddr, "CLONIT_DEMO_UI_ADDR="+uiAddr)
	pr, pw := io.Pipe()
	cmd.Stdout, cmd.Stderr = pw, pw
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() {
		err := cmd.Wait()
		pw.Close()
		done <- err
	}()
	t.Cleanup(func() {
		_ = cmd.Process.Signal(syscall.SIGTERM)
		<-done
	})
	var out strings.Builder
	lines := bufio.NewScanner(pr)
	for lines.Scan() {
		out.WriteString(lines.Text() + "\n")
		if lines.Text() == "Press Ctrl-C to stop both servers." {
			break
		}
	}
	go func() { _, _ = io.Copy(io.Discard, pr) }()
	if !strings.Contains(out.String(), "  Open http://"+uiAddr+"/cloud/demo-shop/snapshots\n") {
		t.Fatalf("the demo did not say where to open the UI:\n%s", out.String())
	}
	ids := regexp.MustCompile(`original \(([a-z0-9]{26}), private to owners and admins\)\s+and its sanitized copy \(([a-z0-9]{26}), shared`).FindStringSubmatch(out.String())
	if ids == nil {
		t.Fatalf("the demo did not name its snapshots:\n%s", out.String())
	}
	resp, err := http.Get("http://" + uiAddr + "/cloud/demo-shop/snapshots")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	for _, want := range []string{`data-id="` + ids[1] + `" data-shared="false"`, `data-id="` + ids[2] + `" data-shared="true"`} {
		if resp.StatusCode != http.StatusOK || !strings.Contains(string(body), want) {
			t.Errorf("the UI's snapshots page (%s) lacks %s", resp.Status, want)
		}
	}

	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	if err := <-done; err != nil {
		t.Errorf("the demo ended with %v after SIGTERM", err)
	}
	done <- nil
	for _, addr := range []string{cloudAddr, uiAddr} {
		if c, err := net.DialTimeout("tcp", addr, time.Second); err == nil {
			c.Close()
			t.Errorf("%s still answers after the demo stopped", addr)
		}
	}
}

// TestDemoKeepsOtherDirectories checks that the demo never removes a directory it did not
// make.
func TestDemoKeepsOtherDirectories(t *testing.T) {
	if _, err := exec.LookPath("curl"); err != nil {
		t.Skip("the demo needs curl")
	}
	dir := t.TempDir()
	bin := filepath.Join(dir, "bin")
	for _, b := range []string{"clonit", "clonit-cloud"} {
		if err := os.MkdirAll(bin, 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(bin, b), []byte("#!/bin/sh\nexit 9\n"), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	mine := filepath.Join(dir, "mine")
	if err := os.MkdirAll(mine, 0o755); err != nil {
		t.Fatal(err)
	}
	out, err := runDemo(t, bin, mine, "127.0.0.1:1")
	if want := "error: " + mine + " exists and was not made by the demo; move it away or set CLONIT_DEMO_DIR\n"; err == nil || out != want {
		t.Errorf("demo.sh over a foreign directory: %v\n%s\nwant:\n%s", err, out, want)
	}
	if _, err := os.Stat(mine); err != nil {
		t.Errorf("the directory is gone: %v", err)
	}
}

// runDemo runs demo.sh with the binaries of bin and its state in dir, stopping after the
// setup, and returns its stdout and stderr together.
func runDemo(t *testing.T, bin, dir, cloudAddr string) (string, error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), 3*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, "sh", "demo.sh")
	cmd.Env = append(os.Environ(), "CLONIT_DEMO_BIN="+bin, "CLONIT_DEMO_DIR="+dir, "CLONIT_DEMO_NO_SERVE=1",
		"CLONIT_DEMO_CLOUD_ADDR="+cloudAddr, "CLONIT_CLOUD__TOKEN=must-be-ignored")
	out, err := cmd.CombinedOutput()
	return string(out), err
}

// built holds the binaries the demo tests share, built once.
var built struct {
	once sync.Once
	dir  string
	err  error
}

// TestMain removes the shared binaries after the tests.
func TestMain(m *testing.M) {
	code := m.Run()
	if built.dir != "" {
		os.RemoveAll(built.dir)
	}
	os.Exit(code)
}

// buildBinaries builds clonit and clonit-cloud once into a temporary directory.
func buildBinaries(t *testing.T) string {
	t.Helper()
	built.once.Do(func() {
		if built.dir, built.err = os.MkdirTemp("", "clonit-demo-bin-"); built.err != nil {
			return
		}
		cmd := exec.Command("go", "build", "-o", built.dir+string(filepath.Separator), "./cmd/...")
		cmd.Dir = ".."
		if out, err := cmd.CombinedOutput(); err != nil {
			built.err = fmt.Errorf("go build: %v\n%s", err, out)
		}
	})
	if built.err != nil {
		t.Fatal(built.err)
	}
	return built.dir
}

// freeAddr returns a loopback address with a port free at the time of the call.
func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

// startCloud serves the demo's cloud data directory again until the test ends.
func startCloud(t *testing.T, bin, dataDir, addr string) {
	t.Helper()
	cmd := exec.Command(filepath.Join(bin, "clonit-cloud"), "serve", "--addr", addr, "--public-url", "http://"+addr, "--data-dir", dataDir)
	cmd.Env = cleanEnv()
	var log bytes.Buffer
	cmd.Stdout, cmd.Stderr = &log, &log
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = cmd.Process.Signal(os.Interrupt)
		_ = cmd.Wait()
	})
	for deadline := time.Now().Add(20 * time.Second); ; {
		resp, err := http.Get("http://" + addr + "/healthz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("the demo's cloud did not start again: %v\n%s", err, log.String())
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// cleanEnv is the environment without the CLONIT_ settings of the caller.
func cleanEnv() []string {
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "CLONIT_") {
			env = append(env, kv)
		}
	}
	return env
}

// fields returns the columns cols (0-based) of each line of a table.
func fields(table string, cols ...int) []string {
	var out []string
	for _, line := range strings.Split(strings.TrimSpace(table), "\n") {
		f := strings.Fields(line)
		var picked []string
		for _, c := range cols {
			if c < len(f) {
				picked = append(picked, f[c])
			}
		}
		out = append(out, strings.Join(picked, " "))
	}
	return out
}
