package postgres

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"time"
)

// stderrKeep is how much of a tool's stderr is kept for the error message.
const stderrKeep = 16 << 10

// runTool runs bin with args, passing d's password through the environment and stdin as
// the tool's input. A failure returns the last lines the tool printed, scrubbed of the
// password. Cancelling ctx interrupts the tool (as Ctrl-C would) and waits for it to exit.
func runTool(ctx context.Context, bin string, args []string, d dsn, stdin io.Reader) error {
	cmd := exec.CommandContext(ctx, bin, args...)
	cmd.Env = append(os.Environ(), d.env()...)
	cmd.Stdin = stdin
	tail := &tailBuffer{max: stderrKeep}
	cmd.Stderr = tail
	cmd.Stdout = io.Discard
	cmd.Cancel = func() error { return cmd.Process.Signal(os.Interrupt) }
	cmd.WaitDelay = 10 * time.Second
	err := cmd.Run()
	if err == nil {
		return nil
	}
	if ctx.Err() != nil {
		return ctx.Err()
	}
	name := filepath.Base(bin)
	msg := lastLines(tail.String(), 3)
	if d.password != "" {
		msg = strings.ReplaceAll(msg, d.password, "xxxxx")
	}
	var ee *exec.ExitError
	if msg == "" || !errors.As(err, &ee) {
		return fmt.Errorf("%s failed: %w", name, err)
	}
	return fmt.Errorf("%s failed: %s", name, msg)
}

// lastLines returns the last n non-empty lines of s, joined by "; ".
func lastLines(s string, n int) string {
	var lines []string
	for _, l := range strings.Split(s, "\n") {
		if l = strings.TrimSpace(l); l != "" {
			lines = append(lines, l)
		}
	}
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "; ")
}

// tailBuffer keeps the last max bytes written to it.
type tailBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
	max int
}

func (t *tailBuffer) Write(p []byte) (int, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.buf.Write(p)
	if over := t.buf.Len() - t.max; over > 0 {
		t.buf.Next(over)
	}
	return len(p), nil
}

func (t *tailBuffer) String() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.buf.String()
}
