package postgres

import (
	"context"
	"errors"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/clonit/clonit/internal/engine"
	"github.com/clonit/clonit/internal/errs"
	"github.com/clonit/clonit/internal/testutil"
)

// needServer skips the test when no PostgreSQL server binaries are installed, or fails it
// when the test services are required.
func needServer(t *testing.T) {
	t.Helper()
	if _, _, err := findServer(context.Background(), 0); err != nil {
		if os.Getenv("CLONIT_TEST_REQUIRE_SERVICES") != "" {
			t.Fatal(err)
		}
		t.Skip(err)
	}
}

// gone checks that nothing of a stopped cluster is left: no directory, no process, no port.
func gone(t *testing.T, dir string, pid, port int) {
	t.Helper()
	if _, err := os.Stat(dir); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("the cluster's directory %s is still there (%v)", dir, err)
	}
	if Running(pid) {
		t.Errorf("the server process %d is still running", pid)
	}
	if c, err := net.Dial("tcp", net.JoinHostPort("127.0.0.1", strconv.Itoa(port))); err == nil {
		c.Close()
		t.Errorf("port %d still accepts connections", port)
	}
}

func TestClusterStartStop(t *testing.T) {
	needServer(t)
	ctx := context.Background()
	c, err := StartCluster(ctx, 0, "scratch")
	if err != nil {
		t.Fatal(err)
	}
	pid := postmasterPID(filepath.Join(c.Dir, "data"))
	// The URL's database does not exist yet: Restore creates it. The server answers on the
	// maintenance database, with the password, on loopback only.
	d, err := parseURL(c.URL)
	if err != nil {
		t.Fatal(err)
	}
	conn, err := connect(ctx, d.withDatabase("postgres"))
	if err != nil {
		c.Stop()
		t.Fatal(err)
	}
	var listen string
	err = conn.QueryRow(ctx, "SELECT current_setting('listen_addresses')").Scan(&listen)
	conn.Close(ctx)
	if err != nil || listen != "127.0.0.1" {
		t.Errorf("listen_addresses = %q, %v; want 127.0.0.1", listen, err)
	}
	noPass := strings.Replace(c.URL, ":"+mustPassword(t, c.URL)+"@", "@", 1)
	if _, err := pgx.Connect(ctx, noPass); err == nil {
		t.Error("the cluster accepted a connection without the password")
	}
	if err := c.Stop(); err != nil {
		t.Fatal(err)
	}
	gone(t, c.Dir, pid, c.Port)
	if err := c.Stop(); err != nil {
		t.Errorf("a second Stop failed: %v", err)
	}
}

func mustPassword(t *testing.T, u string) string {
	d, err := parseURL(u)
	if err != nil {
		t.Fatal(err)
	}
	return d.password
}

func TestClusterRestoresADump(t *testing.T) {
	needServer(t)
	ctx := context.Background()
	src := testutil.NewPostgresDB(t)
	conn, err := pgx.Connect(ctx, src)
	if err != nil {
		t.Fatal(err)
	}
	_, err = conn.Exec(ctx, "CREATE TABLE t (id int PRIMARY KEY, v text); INSERT INTO t SELECT g, 'row ' || g FROM generate_series(1, 100) g")
	conn.Close(ctx)
	if err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(t.TempDir(), "dump")
	e := New()
	if _, err := e.Dump(ctx, src, dir, engine.Options{}); err != nil {
		t.Fatal(err)
	}
	c, err := StartCluster(ctx, 0, "restored")
	if err != nil {
		t.Fatal(err)
	}
	defer c.Stop()
	if err := e.Restore(ctx, dir, c.URL, engine.Options{}); err != nil {
		t.Fatal(err)
	}
	conn, err = pgx.Connect(ctx, c.URL)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	var n int
	if err := conn.QueryRow(ctx, "SELECT count(*) FROM t").Scan(&n); err != nil || n != 100 {
		t.Errorf("restored %d rows (%v), want 100", n, err)
	}
}

func TestClusterCancelledStart(t *testing.T) {
	needServer(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	before, _ := filepath.Glob(filepath.Join(os.TempDir(), "clonit-pg-*"))
	c, err := StartCluster(ctx, 0, "x")
	if err == nil {
		c.Stop()
		t.Fatal("StartCluster with a cancelled context succeeded")
	}
	after, _ := filepath.Glob(filepath.Join(os.TempDir(), "clonit-pg-*"))
	if len(after) > len(before) {
		t.Errorf("a cancelled start left directories behind: %q (before: %q)", after, before)
	}
}

func TestClusterMissingServer(t *testing.T) {
	t.Setenv(EnvBinDirs, "")
	t.Setenv("PATH", t.TempDir())
	_, err := StartCluster(context.Background(), 16, "x")
	want := "--ephemeral needs the PostgreSQL 16 server (initdb, pg_ctl, postgres), which is not installed; looked on PATH. " +
		"Install it, e.g. `apt install postgresql-16`, or set the target's sanitize_dst_url and run without --ephemeral"
	if err == nil || err.Error() != want {
		t.Fatalf("StartCluster error = %v\nwant %s", err, want)
	}
	if !errors.Is(err, errs.ErrUnavailable) {
		t.Errorf("kind = %v, want ErrUnavailable", errs.KindOf(err))
	}
}

func TestClusterTooOldServer(t *testing.T) {
	needServer(t)
	_, v, _ := findServer(context.Background(), 0)
	_, err := StartCluster(context.Background(), 99, "x")
	want := "--ephemeral needs the PostgreSQL 99 server (initdb, pg_ctl, postgres), which is not installed (found only PostgreSQL " + v +
		", which cannot restore a dump of a newer server); looked "
	if err == nil || !strings.HasPrefix(err.Error(), want) || !strings.Contains(err.Error(), "`apt install postgresql-99`") {
		t.Fatalf("StartCluster error = %v\nwant it to start with %s and name postgresql-99", err, want)
	}
}
