package cli

import (
	"bytes"
	"context"
	"net"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/clonit/clonit/internal/cmdutil"
)

// syncBuffer is a bytes.Buffer safe for the server's logger and the test to share.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// runServeCmd runs `clonit-cloud serve args` with env and returns the exit code, the error
// text as main prints it, and stderr.
func runServeCmd(ctx context.Context, env map[string]string, args ...string) (int, string, string) {
	var out bytes.Buffer
	errOut := &syncBuffer{}
	io := &cmdutil.IOStreams{In: strings.NewReader(""), Out: &out, ErrOut: errOut}
	root := NewCmdRoot(io)
	for _, c := range root.Commands() {
		if c.Name() == "serve" {
			root.RemoveCommand(c)
		}
	}
	root.AddCommand(newCmdServe(io, func(k string) string { return env[k] }))
	root.SetArgs(append([]string{"serve"}, args...))
	err := root.ExecuteContext(ctx)
	msg := ""
	if err != nil {
		msg = err.Error()
	}
	return cmdutil.ExitCode(err), msg, errOut.String()
}

func TestServeRefusesBadStart(t *testing.T) {
	const password = "s3cret-pw"
	tests := []struct {
		name string
		args []string
		env  map[string]string
		code int
		want string // the start of the error message
	}{
		{"unreachable database", []string{"--database-url", "postgres://clonit:" + password + "@127.0.0.1:1/clonit?connect_timeout=5"}, nil,
			cmdutil.ExitUnavailable, "cannot connect to PostgreSQL at 127.0.0.1:1/clonit (connection refused): check the database URL and that the server is running"},
		{"unreachable database from the environment", nil, map[string]string{"CLONIT_CLOUD_DATABASE_URL": "postgres://clonit:" + password + "@127.0.0.1:1/clonit"},
			cmdutil.ExitUnavailable, "cannot connect to PostgreSQL at 127.0.0.1:1/clonit (connection refused)"},
		{"not a PostgreSQL URL", []string{"--database-url", "mysql://root:" + password + "@db/clonit"}, nil,
			cmdutil.ExitUsage, "unsupported --database-url: use postgres://user:password@host:port/database, or leave it empty for the embedded SQLite"},
		{"bad log format", []string{"--log-format", "xml", "--data-dir", t.TempDir()}, nil,
			cmdutil.ExitUsage, `invalid --log-format "xml": use json or text`},
		{"unknown flag", []string{"--port", "80"}, nil, cmdutil.ExitUsage, "usage: unknown flag: --port"},
		{"address in use", []string{"--addr", busyAddr(t), "--data-dir", t.TempDir()}, nil,
			cmdutil.ExitUnavailable, "cannot listen on "},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, msg, stderr := runServeCmd(context.Background(), tt.env, tt.args...)
			if code != tt.code || !strings.HasPrefix(msg, tt.want) {
				t.Errorf("exit %d, error %q\nwant exit %d, error starting %q", code, msg, tt.code, tt.want)
			}
			if strings.Contains(msg+stderr, password) {
				t.Errorf("the password leaked: %s %s", msg, stderr)
			}
		})
	}
}

// busyAddr returns an address a listener holds for the rest of the test.
func busyAddr(t *testing.T) string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	return ln.Addr().String()
}

// TestServeStopsGracefully serves the embedded defaults, answers /healthz, logs JSON, and
// exits 0 when told to stop (as on SIGTERM, which cancels the command's context).
func TestServeStopsGracefully(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	type outcome struct {
		code        int
		msg, stderr string
	}
	done := make(chan outcome, 1)
	go func() {
		code, msg, stderr := runServeCmd(ctx, map[string]string{"CLONIT_CLOUD_DATA_DIR": t.TempDir()}, "--addr", addr)
		done <- outcome{code, msg, stderr}
	}()
	var up bool
	for i := 0; i < 100 && !up; i++ {
		resp, err := http.Get("http://" + addr + "/healthz")
		if err == nil {
			resp.Body.Close()
			up = resp.StatusCode == 200
		} else {
			time.Sleep(50 * time.Millisecond)
		}
	}
	if !up {
		cancel()
		o := <-done
		t.Fatalf("the server did not come up: exit %d %s\n%s", o.code, o.msg, o.stderr)
	}
	cancel()
	o := <-done
	if o.code != 0 || o.msg != "" {
		t.Fatalf("exit %d %q after stop, want 0", o.code, o.msg)
	}
	for _, want := range []string{`"msg":"clonit-cloud serving"`, `"msg":"shutting down: finishing requests in flight"`, `"msg":"stopped"`} {
		if !strings.Contains(o.stderr, want) {
			t.Errorf("stderr lacks %s:\n%s", want, o.stderr)
		}
	}
}
