package enginetest

import (
	"fmt"
	"net"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
)

// PasswordServer is a throwaway PostgreSQL cluster that demands passwords (scram-sha-256),
// for tests of refused credentials; the shared test server trusts loopback connections.
type PasswordServer struct {
	// URL is postgres://postgres:<Password>@127.0.0.1:<port>/postgres.
	URL      string
	Password string
	Port     int
	dir      string
	bin      string
}

var (
	pwOnce sync.Once
	pwSrv  *PasswordServer
	pwErr  error
)

// StartPasswordServer starts the process-wide PasswordServer once (initdb and pg_ctl from a
// local PostgreSQL install; as root they run as the postgres user). Stop it with Stop, from
// TestMain, when the tests are done.
func StartPasswordServer() (*PasswordServer, error) {
	pwOnce.Do(func() { pwSrv, pwErr = startPasswordServer() })
	return pwSrv, pwErr
}

// NeedPasswordServer returns the process-wide PasswordServer, skipping the test when no
// local PostgreSQL install can start one (failing under CLONIT_TEST_REQUIRE_SERVICES).
func NeedPasswordServer(t testing.TB) *PasswordServer {
	t.Helper()
	s, err := StartPasswordServer()
	if err != nil {
		if os.Getenv("CLONIT_TEST_REQUIRE_SERVICES") != "" {
			t.Fatalf("start a password-protected PostgreSQL: %v", err)
		}
		t.Skipf("cannot start a password-protected PostgreSQL: %v", err)
	}
	return s
}

func startPasswordServer() (*PasswordServer, error) {
	bins, _ := filepath.Glob("/usr/lib/postgresql/*/bin/initdb")
	sort.Strings(bins)
	if len(bins) == 0 {
		return nil, fmt.Errorf("no initdb under /usr/lib/postgresql")
	}
	s := &PasswordServer{Password: "s3cret-pw-" + strconv.Itoa(os.Getpid()), bin: filepath.Dir(bins[len(bins)-1])}
	dir, err := os.MkdirTemp("", "clonit-pwpg-")
	if err != nil {
		return nil, err
	}
	s.dir = dir
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	s.Port = ln.Addr().(*net.TCPAddr).Port
	ln.Close()
	pwfile := filepath.Join(dir, "pw")
	if err := os.WriteFile(pwfile, []byte(s.Password+"\n"), 0o600); err != nil {
		return nil, err
	}
	if os.Geteuid() == 0 {
		u, err := user.Lookup("postgres")
		if err != nil {
			return nil, fmt.Errorf("running as root needs a postgres user: %w", err)
		}
		uid, _ := strconv.Atoi(u.Uid)
		gid, _ := strconv.Atoi(u.Gid)
		for _, p := range []string{dir, pwfile} {
			if err := os.Chown(p, uid, gid); err != nil {
				return nil, err
			}
		}
	}
	data := filepath.Join(dir, "data")
	if out, err := s.run("initdb", "-D", data, "-U", "postgres", "--auth=scram-sha-256", "--pwfile="+pwfile, "--no-sync"); err != nil {
		s.Stop()
		return nil, fmt.Errorf("initdb: %v: %s", err, out)
	}
	opts := fmt.Sprintf("-p %d -k %s -c listen_addresses=127.0.0.1 -c fsync=off", s.Port, dir)
	if out, err := s.run("pg_ctl", "start", "-w", "-D", data, "-l", filepath.Join(dir, "log"), "-o", opts); err != nil {
		s.Stop()
		return nil, fmt.Errorf("pg_ctl start: %v: %s", err, out)
	}
	s.URL = fmt.Sprintf("postgres://postgres:%s@127.0.0.1:%d/postgres?sslmode=disable", s.Password, s.Port)
	return s, nil
}

// run runs a server binary, as the postgres user when this process is root.
func (s *PasswordServer) run(name string, args ...string) (string, error) {
	bin := filepath.Join(s.bin, name)
	var cmd *exec.Cmd
	if os.Geteuid() == 0 {
		cmd = exec.Command("runuser", append([]string{"-u", "postgres", "--", bin}, args...)...)
	} else {
		cmd = exec.Command(bin, args...)
	}
	cmd.Dir = s.dir
	out, err := cmd.CombinedOutput()
	return strings.TrimSpace(string(out)), err
}

// Stop stops the cluster and removes its files.
func (s *PasswordServer) Stop() {
	if s == nil {
		return
	}
	_, _ = s.run("pg_ctl", "stop", "-m", "immediate", "-D", filepath.Join(s.dir, "data"))
	_ = os.RemoveAll(s.dir)
}

// StopPasswordServer stops the process-wide PasswordServer if one was started.
func StopPasswordServer() {
	if pwSrv != nil {
		pwSrv.Stop()
	}
}
