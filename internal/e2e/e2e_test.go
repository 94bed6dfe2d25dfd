// Package e2e runs the real clonit and clonit-cloud binaries against each other: the cloud
// as a subprocess on a free loopback port, the agent as subprocesses with a throwaway home.
package e2e

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"
)

// bin holds the binaries TestMain builds.
var bin string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "clonit-e2e-bin-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	build := exec.Command("go", "build", "-o", dir+string(os.PathSeparator),
		"github.com/clonit/clonit/cmd/clonit", "github.com/clonit/clonit/cmd/clonit-cloud")
	build.Stdout, build.Stderr = os.Stderr, os.Stderr
	if err := build.Run(); err != nil {
		fmt.Fprintln(os.Stderr, "build the binaries:", err)
		os.RemoveAll(dir)
		os.Exit(1)
	}
	bin = dir
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// baseEnv is the process environment without any CLONIT_ variable of the developer's.
func baseEnv() []string {
	var out []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "CLONIT_") && !strings.HasPrefix(kv, "XDG_") && !strings.HasPrefix(kv, "HOME=") {
			out = append(out, kv)
		}
	}
	return out
}

// freeAddr returns a loopback address with a port that was free a moment ago.
func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

// cloud is a running clonit-cloud serve.
type cloud struct {
	URL     string
	DataDir string
	log     bytes.Buffer
}

// startCloud runs `clonit-cloud serve` with extra flags on a free port and waits until
// /readyz answers 200. It is stopped with SIGTERM when the test ends.
func startCloud(t *testing.T, extra ...string) *cloud {
	t.Helper()
	c := &cloud{DataDir: t.TempDir()}
	addr := freeAddr(t)
	c.URL = "http://" + addr
	args := append([]string{"serve", "--addr", addr, "--data-dir", c.DataDir, "--log-format", "text"}, extra...)
	cmd := exec.Command(filepath.Join(bin, "clonit-cloud"), args...)
	cmd.Env = append(baseEnv(), "HOME="+t.TempDir())
	cmd.Stdout, cmd.Stderr = &c.log, &c.log
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	t.Cleanup(func() {
		cmd.Process.Signal(syscall.SIGTERM)
		select {
		case <-exited:
		case <-time.After(10 * time.Second):
			cmd.Process.Kill()
			<-exited
			t.Errorf("clonit-cloud did not stop within 10 s of SIGTERM")
		}
		if t.Failed() {
			t.Logf("clonit-cloud log:\n%s", c.log.String())
		}
	})
	deadline := time.Now().Add(20 * time.Second)
	for {
		select {
		case err := <-exited:
			exited <- err
			t.Fatalf("clonit-cloud serve exited early (%v):\n%s", err, c.log.String())
		default:
		}
		resp, err := http.Get(c.URL + "/readyz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return c
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("clonit-cloud not ready after 20 s:\n%s", c.log.String())
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// operator runs a clonit-cloud operator command against c's data directory with stdin and
// returns its stdout; it fails the test on a non-zero exit.
func (c *cloud) operator(t *testing.T, stdin string, args ...string) string {
	t.Helper()
	args = append(args, "--data-dir", c.DataDir)
	cmd := exec.Command(filepath.Join(bin, "clonit-cloud"), args...)
	cmd.Env = append(baseEnv(), "HOME="+t.TempDir())
	cmd.Stdin = strings.NewReader(stdin)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("clonit-cloud %s: %v\n%s", strings.Join(args, " "), err, stderr.String())
	}
	return stdout.String()
}

// agent is a clonit user: a home directory and the environment clonit runs with.
type agent struct {
	home string
	env  []string
}

// newAgent returns a user whose config points at cloudURL, plus any extra variables.
func newAgent(t *testing.T, cloudURL string, extra ...string) *agent {
	home := t.TempDir()
	env := append(baseEnv(), "HOME="+home, "XDG_CONFIG_HOME="+filepath.Join(home, ".config"), "CLONIT_CLOUD__URL="+cloudURL)
	return &agent{home: home, env: append(env, extra...)}
}

// result is what a clonit run printed and how it ended.
type result struct {
	Stdout, Stderr string
	Code           int
}

// run runs clonit with args to completion.
func (a *agent) run(t *testing.T, args ...string) result {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, filepath.Join(bin, "clonit"), args...)
	cmd.Env = a.env
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	r := result{Stdout: stdout.String(), Stderr: stderr.String()}
	var exit *exec.ExitError
	switch {
	case errors.As(err, &exit):
		r.Code = exit.ExitCode()
	case err != nil:
		t.Fatalf("run clonit %s: %v", strings.Join(args, " "), err)
	}
	return r
}

// mustRun runs clonit and fails the test unless it exits 0.
func (a *agent) mustRun(t *testing.T, args ...string) result {
	t.Helper()
	r := a.run(t, args...)
	if r.Code != 0 {
		t.Fatalf("clonit %s exited %d:\nstdout: %s\nstderr: %s", strings.Join(args, " "), r.Code, r.Stdout, r.Stderr)
	}
	return r
}

var signInPrompt = regexp.MustCompile(`open (\S+) in a browser and enter the code (\S+)`)

// login runs `clonit login --no-browser` with extra flags, completes the device verification
// form over HTTP as email/password, and returns login's stderr once it has exited 0.
func (a *agent) login(t *testing.T, email, password string, extra ...string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, filepath.Join(bin, "clonit"), append([]string{"login", "--no-browser"}, extra...)...)
	cmd.Env = a.env
	var stdout bytes.Buffer
	cmd.Stdout = &stdout
	pipe, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	var stderr bytes.Buffer
	lines := bufio.NewReader(io.TeeReader(pipe, &stderr))
	var verifyURL, userCode string
	for verifyURL == "" {
		line, err := lines.ReadString('\n')
		if m := signInPrompt.FindStringSubmatch(line); m != nil {
			verifyURL, userCode = m[1], m[2]
		}
		if err != nil {
			cmd.Wait()
			t.Fatalf("clonit login printed no sign-in URL:\n%s", stderr.String())
		}
	}
	completeDeviceForm(t, verifyURL, userCode, email, password)
	io.Copy(io.Discard, lines)
	if err := cmd.Wait(); err != nil {
		t.Fatalf("clonit login: %v\nstderr:\n%s", err, stderr.String())
	}
	if stdout.Len() != 0 {
		t.Errorf("clonit login wrote to stdout: %q", stdout.String())
	}
	return stderr.String()
}

// completeDeviceForm posts the device verification form as a person would.
func completeDeviceForm(t *testing.T, verifyURL, userCode, email, password string) {
	t.Helper()
	form := url.Values{"user_code": {userCode}, "email": {email}, "password": {password}}
	resp, err := http.PostForm(verifyURL, form)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK || !bytes.Contains(body, []byte(`id="done"`)) {
		t.Fatalf("device form answered %s:\n%s", resp.Status, body)
	}
}

// addUser creates a local account of the built-in provider with an operator command.
func (c *cloud) addUser(t *testing.T, email, name, password, groups string) {
	t.Helper()
	c.operator(t, password+"\n", "users", "add", "--email", email, "--name", name, "--password-stdin", "--groups", groups)
}
