package postgres

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"github.com/clonit/clonit/internal/errs"
)

// EnvBinDirs names the environment variable that lists, with the OS path separator, the
// directories searched for the client tools after PATH. Glob patterns are allowed. When it
// is unset, DefaultBinDirs apply; when it is set but empty, only PATH is searched.
const EnvBinDirs = "CLONIT_PG_BINDIRS"

// DefaultBinDirs are where packagers install versioned PostgreSQL client tools.
var DefaultBinDirs = []string{
	"/usr/lib/postgresql/*/bin", // Debian, Ubuntu
	"/usr/pgsql-*/bin",          // RHEL, Fedora (PGDG)
	"/opt/homebrew/opt/postgresql@*/bin",
	"/usr/local/opt/postgresql@*/bin",
}

// tools is one set of client tools: pg_dump, pg_restore and psql from one directory.
type tools struct {
	dir     string // "" when found through PATH
	major   int
	version string // "15.4"
}

// path returns the full path of the named tool of the set.
func (t tools) path(name string) string {
	if t.dir == "" {
		p, _ := exec.LookPath(name)
		return p
	}
	return filepath.Join(t.dir, name)
}

var versionRE = regexp.MustCompile(`\(PostgreSQL\) (\d+)(?:\.(\d+))?`)

// toolVersion runs "<bin> --version" and parses the major and full version.
func toolVersion(ctx context.Context, bin string) (int, string, error) {
	out, err := exec.CommandContext(ctx, bin, "--version").Output()
	if err != nil {
		return 0, "", fmt.Errorf("run %s --version: %w", bin, err)
	}
	m := versionRE.FindStringSubmatch(string(out))
	if m == nil {
		return 0, "", fmt.Errorf("unrecognized %s --version output %q", bin, strings.TrimSpace(string(out)))
	}
	major, _ := strconv.Atoi(m[1])
	v := m[1]
	if m[2] != "" {
		v += "." + m[2]
	}
	return major, v, nil
}

// binDirs returns the directories to search after PATH.
func binDirs() []string {
	pats := DefaultBinDirs
	if v, ok := os.LookupEnv(EnvBinDirs); ok {
		pats = filepath.SplitList(v)
	}
	var dirs []string
	for _, p := range pats {
		if p == "" {
			continue
		}
		m, _ := filepath.Glob(p)
		dirs = append(dirs, m...)
	}
	return dirs
}

// findTools picks the set of client tools to use against a server of serverMajor: the one on
// PATH when it is new enough, else the oldest versioned install that is. It stops at the
// first that fits, so the usual case costs one --version run. need lists the tools
// that must all be present in the set.
func findTools(ctx context.Context, serverMajor int, serverVersion string, need ...string) (tools, error) {
	var seen []tools
	fits := func(c tools) bool {
		seen = append(seen, c)
		return c.major >= serverMajor && c.hasAll(need)
	}
	if p, err := exec.LookPath(need[0]); err == nil {
		if major, v, err := toolVersion(ctx, p); err == nil {
			if c := (tools{dir: "", major: major, version: v}); fits(c) {
				return c, nil
			}
		}
	}
	dirs := binDirs()
	sort.Slice(dirs, func(i, j int) bool { return dirMajor(dirs[i]) < dirMajor(dirs[j]) })
	for _, d := range dirs {
		if major, v, err := toolVersion(ctx, filepath.Join(d, need[0])); err == nil {
			if c := (tools{dir: d, major: major, version: v}); fits(c) {
				return c, nil
			}
		}
	}
	var newest tools
	for _, c := range seen {
		if c.major > newest.major {
			newest = c
		}
	}
	pkg := fmt.Sprintf("postgresql-client-%d", serverMajor)
	if len(seen) == 0 {
		return tools{}, errs.E(errs.ErrUnavailable,
			"%s is not installed (looked %s); install %s %d or newer, e.g. `apt install %s`",
			need[0], searched(), need[0], serverMajor, pkg)
	}
	if newest.major < serverMajor {
		return tools{}, errs.E(errs.ErrUnavailable,
			"%s %s is older than the server (PostgreSQL %s) and cannot read it; install %s %d or newer, e.g. `apt install %s`, and put it on PATH",
			need[0], newest.version, serverVersion, need[0], serverMajor, pkg)
	}
	return tools{}, errs.E(errs.ErrUnavailable,
		"%s %s was found without %s beside it; install the full client tools, e.g. `apt install %s`",
		need[0], newest.version, strings.Join(need[1:], " and "), pkg)
}

// dirMajor returns the major version a directory's path names (/usr/lib/postgresql/15/bin,
// /usr/pgsql-16/bin, postgresql@17), or 0 when it names none.
func dirMajor(dir string) int {
	m := dirMajorRE.FindStringSubmatch(dir)
	if m == nil {
		return 0
	}
	n, _ := strconv.Atoi(m[1])
	return n
}

var dirMajorRE = regexp.MustCompile(`(?:postgresql/|pgsql-|postgresql@)(\d+)`)

// hasAll reports whether every named tool is in the set.
func (t tools) hasAll(names []string) bool {
	for _, n := range names {
		if t.dir == "" {
			if _, err := exec.LookPath(n); err != nil {
				return false
			}
			continue
		}
		if st, err := os.Stat(filepath.Join(t.dir, n)); err != nil || st.IsDir() {
			return false
		}
	}
	return true
}

// searched says where the tools were looked for, for messages.
func searched() string {
	pats := DefaultBinDirs
	if v, ok := os.LookupEnv(EnvBinDirs); ok {
		pats = filepath.SplitList(v)
	}
	var out []string
	for _, p := range pats {
		if p != "" {
			out = append(out, p)
		}
	}
	if len(out) == 0 {
		return "on PATH"
	}
	return "on PATH and in " + strings.Join(out, ", ")
}
