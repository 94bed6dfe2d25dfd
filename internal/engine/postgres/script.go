package postgres

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strings"
	"time"

	"github.com/clonit/clonit/internal/engine"
	"github.com/clonit/clonit/internal/errs"
)

// RunScript runs the SQL file in the existing database at dst with psql, in one transaction
// that stops at the first error (--single-transaction, ON_ERROR_STOP): every statement or
// none. It refuses when dst is opts.Source. A failing statement gives an errs.ErrInvalid
// error with psql's report: the line (in name, which stands for file in messages), the
// database's error and the statement.
func (e *Engine) RunScript(ctx context.Context, file, name, dst string, opts engine.Options) error {
	d, err := parseURL(dst)
	if err != nil {
		return err
	}
	if opts.Source != "" {
		if s, err := parseURL(opts.Source); err == nil && sameDatabase(s, d) {
			return errs.Invalid("%s is the target's source database; clonit never writes to a source: set another sanitize_dst_url with `clonit targets edit`", d.redacted)
		}
	}
	conn, err := connect(ctx, d)
	if err != nil {
		return err
	}
	ver, major, err := serverVersion(ctx, conn)
	conn.Close(context.WithoutCancel(ctx))
	if err != nil {
		return classify(err, d)
	}
	t, err := findTools(ctx, major, ver, "psql")
	if err != nil {
		return err
	}
	args := []string{"--no-psqlrc", "--quiet", "--set=ON_ERROR_STOP=1", "--single-transaction", "--echo-errors",
		"--no-password", "--file=" + file, "--dbname=" + d.noPass}
	cmd := exec.CommandContext(ctx, t.path("psql"), args...)
	cmd.Env = append(os.Environ(), d.env()...)
	tail := &tailBuffer{max: stderrKeep}
	cmd.Stderr = tail
	cmd.Stdout = io.Discard
	cmd.Cancel = func() error { return cmd.Process.Signal(os.Interrupt) }
	cmd.WaitDelay = 10 * time.Second
	err = cmd.Run()
	if err == nil {
		return nil
	}
	if ctx.Err() != nil {
		return ctx.Err()
	}
	msg := strings.TrimSpace(tail.String())
	if d.password != "" {
		msg = strings.ReplaceAll(msg, d.password, "xxxxx")
	}
	msg = strings.ReplaceAll(msg, "psql:"+file+":", name+":")
	var ee *exec.ExitError
	if msg == "" || !errors.As(err, &ee) {
		return fmt.Errorf("run %s in %s: psql failed: %w", name, d.redacted, err)
	}
	if ee.ExitCode() == 3 { // an SQL error: the script's fault
		return errs.E(errs.ErrInvalid, "%s failed in %s and was rolled back:\n%s", name, d.redacted, indentTail(msg, 40))
	}
	return errs.E(errs.ErrUnavailable, "psql could not run %s in %s: %s", name, d.redacted, lastLines(msg, 3))
}

// indentTail returns the last n non-empty lines of s, each indented by two spaces.
func indentTail(s string, n int) string {
	var lines []string
	for _, l := range strings.Split(s, "\n") {
		if strings.TrimSpace(l) != "" {
			lines = append(lines, "  "+strings.TrimRight(l, " \t\r"))
		}
	}
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}
