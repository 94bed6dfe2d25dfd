package sanitize_test

import (
	"bufio"
	"context"
	"net"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/clonit/clonit/internal/engine/postgres"
	"github.com/clonit/clonit/internal/sanitize/sanitizetest"
	"github.com/clonit/clonit/internal/testutil"
)

var clusterRE = regexp.MustCompile(`(?m)^debug: throwaway PostgreSQL \S+ on 127\.0\.0\.1:(\d+) in (\S+)$`)

// TestSanitizeEphemeralLeavesNothing runs sanitize --ephemeral to success, into a failing
// query, and into an interrupt (SIGINT to the clonit process while the query runs), and
// checks each time that no server process, listening port or directory is left.
func TestSanitizeEphemeralLeavesNothing(t *testing.T) {
	if os.Getenv(testutil.EnvPostgresURL) == "" && os.Getenv(testutil.EnvRequireServices) == "" {
		t.Skip("PostgreSQL is not configured")
	}
	cases := []struct {
		name      string
		query     string
		interrupt bool
		wantCode  int
		wantErr   string // a line stderr must have
	}{
		{name: "success", query: "", wantCode: 0, wantErr: "sanitized "},
		{name: "failing query", query: "UPDATE users SET nope = 1;\n", wantCode: 2,
			wantErr: `  sanitize query v1:1: ERROR:  column "nope" of relation "users" does not exist`},
		{name: "interrupt", query: "SELECT pg_sleep(120);\n", interrupt: true, wantCode: 130, wantErr: "error: cancelled"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			src := testutil.NewPostgresDB(t)
			if err := sanitizetest.Load(context.Background(), src); err != nil {
				t.Fatal(err)
			}
			c := newClonit(t)
			c.ok("targets", "add", "shop", "--src-url", src)
			c.ok("build", "shop")
			query := filepath.Join(c.home, "q.sql")
			if tc.query == "" {
				c.ok("analyze", "shop", "--sql", query)
			} else if err := os.WriteFile(query, []byte(tc.query), 0o600); err != nil {
				t.Fatal(err)
			}
			c.ok("sanitize-query", "add", "shop", query)

			cmd := c.command("sanitize", "shop", "--ephemeral", "--debug")
			stderr, err := cmd.StderrPipe()
			if err != nil {
				t.Fatal(err)
			}
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			var lines []string
			sc := bufio.NewScanner(stderr)
			for sc.Scan() {
				lines = append(lines, sc.Text())
				if tc.interrupt && strings.Contains(sc.Text(), "running sanitize query v1") {
					time.Sleep(300 * time.Millisecond) // let psql start the query
					cmd.Process.Signal(os.Interrupt)
				}
			}
			cmd.Wait()
			out := strings.Join(lines, "\n")
			if code := cmd.ProcessState.ExitCode(); code != tc.wantCode {
				t.Errorf("exit %d, want %d\n%s", code, tc.wantCode, out)
			}
			if !strings.Contains(out, tc.wantErr) {
				t.Errorf("stderr has no %q:\n%s", tc.wantErr, out)
			}
			m := clusterRE.FindStringSubmatch(out)
			if m == nil {
				t.Fatalf("no throwaway cluster was reported:\n%s", out)
			}
			port, dir := m[1], m[2]
			if !strings.HasPrefix(dir, c.tmp) {
				t.Errorf("the cluster's directory %s is not in TMPDIR %s", dir, c.tmp)
			}
			if _, err := os.Stat(dir); !os.IsNotExist(err) {
				t.Errorf("the cluster's directory %s is still there", dir)
			}
			if left, _ := os.ReadDir(c.tmp); len(left) > 0 {
				t.Errorf("TMPDIR still holds %v", left)
			}
			if conn, err := net.DialTimeout("tcp", "127.0.0.1:"+port, time.Second); err == nil {
				conn.Close()
				t.Errorf("port %s still accepts connections", port)
			}
			if pids := processesMentioning(dir); len(pids) > 0 {
				t.Errorf("processes of the cluster are still running: %v", pids)
			}
		})
	}
}

// processesMentioning returns the running processes whose command line mentions s.
func processesMentioning(s string) []string {
	procs, _ := filepath.Glob("/proc/[0-9]*/cmdline")
	var out []string
	for _, p := range procs {
		b, err := os.ReadFile(p)
		if err != nil || !strings.Contains(string(b), s) {
			continue
		}
		pid := filepath.Base(filepath.Dir(p))
		var n int
		for _, c := range pid {
			n = n*10 + int(c-'0')
		}
		if postgres.Running(n) {
			out = append(out, pid+" "+strings.ReplaceAll(string(b), "\x00", " "))
		}
	}
	return out
}
