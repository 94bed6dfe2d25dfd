package postgres

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	"net/url"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/clonit/clonit/internal/errs"
)

// ephemeralUser is the superuser of a throwaway cluster.
const ephemeralUser = "clonit"

// Cluster is a throwaway PostgreSQL server that clonit starts for one command (sanitize
// --ephemeral) and removes afterwards: its own temporary directory (data, Unix socket, log),
// a free loopback port, and a random password. Stop removes every trace of it.
type Cluster struct {
	// URL connects to the database named at start as the cluster's superuser.
	URL string
	// Dir is the temporary directory that holds everything of the cluster.
	Dir string
	// Port is the loopback TCP port the server listens on.
	Port int
	// Version is the server's version ("15.4").
	Version string

	bin  string
	cred *syscall.Credential // set when clonit runs as root: the server runs as postgres
}

// StartCluster starts a throwaway cluster with the server binaries of major version major
// (or the oldest newer one installed), and returns it with URL naming database (which the
// caller creates, for example with Restore). The caller must Stop it, also on failure.
// When the binaries are missing, the error names the package to install.
func StartCluster(ctx context.Context, major int, database string) (c *Cluster, err error) {
	bin, version, err := findServer(ctx, major)
	if err != nil {
		return nil, err
	}
	dir, err := os.MkdirTemp("", "clonit-pg-")
	if err != nil {
		return nil, fmt.Errorf("create a directory for the throwaway PostgreSQL: %w", err)
	}
	c = &Cluster{Dir: dir, Version: version, bin: bin}
	defer func() {
		if err != nil {
			c.Stop()
		}
	}()
	if os.Geteuid() == 0 {
		// initdb refuses to run as root: the cluster belongs to the postgres user.
		if c.cred, err = postgresCredential(); err != nil {
			return c, err
		}
		if err := os.Chown(dir, int(c.cred.Uid), int(c.cred.Gid)); err != nil {
			return c, fmt.Errorf("give %s to the postgres user: %w", dir, err)
		}
	}
	if err := os.Chmod(dir, 0o700); err != nil {
		return c, err
	}
	password := randomHex(16)
	if err := c.initdb(ctx, password); err != nil {
		return c, err
	}
	for attempt := 0; ; attempt++ {
		if c.Port, err = freePort(); err != nil {
			return c, err
		}
		err = c.start(ctx)
		if err == nil || attempt == 2 || !strings.Contains(err.Error(), "could not bind") {
			break
		}
	}
	if err != nil {
		return c, err
	}
	u := url.URL{Scheme: "postgres", User: url.UserPassword(ephemeralUser, password),
		Host: net.JoinHostPort("127.0.0.1", strconv.Itoa(c.Port)), Path: "/" + database, RawQuery: "sslmode=disable"}
	c.URL = u.String()
	return c, nil
}

// Stop stops the server at once (pg_ctl stop -m immediate; the data is thrown away anyway)
// and removes the cluster's directory. It is safe to call more than once and works after
// the context of the command has been cancelled.
func (c *Cluster) Stop() error {
	var errList []error
	data := filepath.Join(c.Dir, "data")
	if pid := postmasterPID(data); pid > 0 {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		out, err := c.command(ctx, "pg_ctl", "stop", "-D", data, "-m", "immediate", "-w", "-t", "20").CombinedOutput()
		cancel()
		// pg_ctl returns when the server has removed its pid file, a moment before the
		// process ends: wait for that, and kill it if it lingers.
		if !waitGone(pid, 10*time.Second) {
			if kerr := syscall.Kill(pid, syscall.SIGKILL); kerr != nil && !errors.Is(kerr, syscall.ESRCH) {
				errList = append(errList, fmt.Errorf("stop the throwaway PostgreSQL (pg_ctl stop: %v: %s); kill %d: %w",
					err, strings.TrimSpace(string(out)), pid, kerr))
			}
			waitGone(pid, 5*time.Second)
		}
	}
	if c.Dir != "" {
		if err := os.RemoveAll(c.Dir); err != nil {
			errList = append(errList, fmt.Errorf("remove %s: %w", c.Dir, err))
		}
	}
	return errors.Join(errList...)
}

// postmasterPID returns the server's process id from its pid file, 0 when there is none.
func postmasterPID(data string) int {
	b, err := os.ReadFile(filepath.Join(data, "postmaster.pid"))
	if err != nil {
		return 0
	}
	pid, err := strconv.Atoi(strings.TrimSpace(strings.SplitN(string(b), "\n", 2)[0]))
	if err != nil || pid <= 1 {
		return 0
	}
	return pid
}

// waitGone waits up to d for process pid to end, and reports whether it has. A zombie (an
// ended process its parent has not reaped yet) counts as ended.
func waitGone(pid int, d time.Duration) bool {
	deadline := time.Now().Add(d)
	for {
		if !Running(pid) {
			return true
		}
		if time.Now().After(deadline) {
			return false
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// Running reports whether process pid exists and has not ended (zombies have ended).
func Running(pid int) bool {
	if err := syscall.Kill(pid, 0); errors.Is(err, syscall.ESRCH) {
		return false
	}
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return !errors.Is(err, os.ErrNotExist)
	}
	// The state follows the command name in parentheses: "1234 (postgres) S ...".
	if i := strings.LastIndexByte(string(b), ')'); i >= 0 && i+2 < len(b) {
		return b[i+2] != 'Z' && b[i+2] != 'X'
	}
	return true
}

// initdb creates the cluster's data directory with a password-protected superuser.
func (c *Cluster) initdb(ctx context.Context, password string) error {
	pwfile := filepath.Join(c.Dir, "pwfile")
	if err := os.WriteFile(pwfile, []byte(password+"\n"), 0o600); err != nil {
		return err
	}
	defer os.Remove(pwfile)
	if c.cred != nil {
		if err := os.Chown(pwfile, int(c.cred.Uid), int(c.cred.Gid)); err != nil {
			return err
		}
	}
	out, err := c.command(ctx, "initdb", "-D", filepath.Join(c.Dir, "data"), "-U", ephemeralUser, "--pwfile="+pwfile,
		"--auth=scram-sha-256", "--encoding=UTF8", "--locale=C", "--no-sync").CombinedOutput()
	if err != nil {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		return fmt.Errorf("initdb of the throwaway PostgreSQL failed: %s", lastLines(string(out), 3))
	}
	return nil
}

// start starts the server on c.Port, listening on loopback and on a socket in c.Dir only.
// Durability is off: the cluster lives for one command.
func (c *Cluster) start(ctx context.Context) error {
	opts := strings.Join([]string{
		"-c port=" + strconv.Itoa(c.Port), "-c listen_addresses=127.0.0.1", "-c unix_socket_directories=" + c.Dir,
		"-c fsync=off", "-c synchronous_commit=off", "-c full_page_writes=off", "-c max_wal_size=4GB",
		"-c autovacuum=off", "-c logging_collector=off", "-c wal_level=minimal", "-c max_wal_senders=0",
	}, " ")
	logFile := filepath.Join(c.Dir, "server.log")
	out, err := c.command(ctx, "pg_ctl", "start", "-D", filepath.Join(c.Dir, "data"), "-w", "-t", "60", "-l", logFile, "-o", opts).CombinedOutput()
	if err != nil {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		log, _ := os.ReadFile(logFile)
		return fmt.Errorf("the throwaway PostgreSQL did not start: %s", lastLines(string(out)+"\n"+string(log), 3))
	}
	return nil
}

// command prepares one of the server's tools, run as the cluster's owner in its own process
// group, so that a Ctrl-C meant for clonit does not reach the server: clonit stops it.
func (c *Cluster) command(ctx context.Context, tool string, args ...string) *exec.Cmd {
	cmd := exec.CommandContext(ctx, filepath.Join(c.bin, tool), args...)
	cmd.Env = append(os.Environ(), "LC_MESSAGES=C")
	cmd.Dir = c.Dir
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Credential: c.cred}
	cmd.WaitDelay = 5 * time.Second
	return cmd
}

// postgresCredential returns the uid and gid of the postgres OS user.
func postgresCredential() (*syscall.Credential, error) {
	u, err := user.Lookup("postgres")
	if err != nil {
		return nil, errs.E(errs.ErrUnavailable,
			"clonit runs as root and initdb refuses to; create a \"postgres\" OS user (the PostgreSQL server package does) or run clonit as another user")
	}
	uid, _ := strconv.Atoi(u.Uid)
	gid, _ := strconv.Atoi(u.Gid)
	return &syscall.Credential{Uid: uint32(uid), Gid: uint32(gid)}, nil
}

// server is one installed set of server binaries.
type server struct {
	dir     string
	major   int
	version string
}

// findServer finds the directory of initdb, pg_ctl and postgres of major version major, else
// of the oldest newer version installed (a newer server restores an older dump).
func findServer(ctx context.Context, major int) (string, string, error) {
	dirs := binDirs()
	if p, err := exec.LookPath("pg_ctl"); err == nil {
		if real, err := filepath.EvalSymlinks(p); err == nil {
			p = real
		}
		dirs = append([]string{filepath.Dir(p)}, dirs...)
	}
	var found []server
	for _, d := range dirs {
		if !(tools{dir: d}).hasAll([]string{"initdb", "pg_ctl", "postgres"}) {
			continue
		}
		if m, v, err := toolVersion(ctx, filepath.Join(d, "postgres")); err == nil {
			found = append(found, server{dir: d, major: m, version: v})
		}
	}
	sort.SliceStable(found, func(i, j int) bool { return found[i].major < found[j].major })
	for _, s := range found {
		if s.major >= major {
			return s.dir, s.version, nil
		}
	}
	want := "the PostgreSQL server"
	pkg := "postgresql"
	if major > 0 {
		want = fmt.Sprintf("the PostgreSQL %d server", major)
		pkg = fmt.Sprintf("postgresql-%d", major)
	}
	have := ""
	if len(found) > 0 {
		have = fmt.Sprintf(" (found only PostgreSQL %s, which cannot restore a dump of a newer server)", found[len(found)-1].version)
	}
	return "", "", errs.E(errs.ErrUnavailable,
		"--ephemeral needs %s (initdb, pg_ctl, postgres), which is not installed%s; looked %s. Install it, e.g. `apt install %s`, or set the target's sanitize_dst_url and run without --ephemeral",
		want, have, searched(), pkg)
}

// freePort returns a TCP port that is free on loopback now.
func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, fmt.Errorf("find a free port: %w", err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

func randomHex(n int) string {
	b := make([]byte, n)
	rand.Read(b)
	return hex.EncodeToString(b)
}
