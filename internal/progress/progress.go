// Package progress draws the progress bars of clonit's long commands (build, load, push,
// pull): bytes done out of the total, the rate and the time left. A bar draws only when the
// command's streams allow it (a terminal on stderr and no --quiet); otherwise every method
// does nothing, so commands call them unconditionally.
package progress

import (
	"fmt"
	"io"
	"sync"
	"time"

	"github.com/schollz/progressbar/v3"

	"github.com/clonit/clonit/internal/cmdutil"
)

// Bar is one progress bar of bytes. Its methods are safe for concurrent use; a nil *Bar is
// valid and silent.
type Bar struct {
	mu   sync.Mutex
	pb   *progressbar.ProgressBar
	w    io.Writer
	max  int64
	done bool
}

// New starts a bar on io's stderr when io.ShowProgress() allows it. total is the expected
// number of bytes; -1 when unknown (the bar then shows a spinner with the bytes and rate).
func New(io *cmdutil.IOStreams, description string, total int64) *Bar {
	return NewTo(io.ErrOut, io.ShowProgress(), description, total)
}

// NewTo starts a bar on w when show is true, and a silent one otherwise.
func NewTo(w io.Writer, show bool, description string, total int64) *Bar {
	b := &Bar{w: w, max: total}
	if !show {
		return b
	}
	b.pb = progressbar.NewOptions64(total,
		progressbar.OptionSetWriter(w),
		progressbar.OptionSetDescription(description),
		progressbar.OptionShowBytes(true),
		progressbar.OptionShowTotalBytes(true),
		progressbar.OptionShowCount(),
		progressbar.OptionSetPredictTime(true),
		progressbar.OptionSetElapsedTime(true),
		progressbar.OptionSetWidth(30),
		progressbar.OptionThrottle(100*time.Millisecond),
		progressbar.OptionSpinnerType(14),
		progressbar.OptionSetRenderBlankState(true),
		progressbar.OptionUseIECUnits(true),
	)
	return b
}

// Set moves the bar to done bytes out of total (total <= 0 keeps the current total). Its
// signature is engine.Options.Progress's.
func (b *Bar) Set(done, total int64) {
	if b == nil || b.pb == nil {
		return
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.done {
		return
	}
	if total > 0 && total != b.max {
		b.max = total
		b.pb.ChangeMax64(total)
	}
	_ = b.pb.Set64(done)
}

// SetFunc returns Set when the bar draws and nil when it is silent, for engine.Options.Progress:
// engines measure progress only when asked to.
func (b *Bar) SetFunc() func(done, total int64) {
	if b == nil || b.pb == nil {
		return nil
	}
	return b.Set
}

// Add moves the bar forward by n bytes.
func (b *Bar) Add(n int64) {
	if b == nil || b.pb == nil {
		return
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	if !b.done {
		_ = b.pb.Add64(n)
	}
}

// Reader returns r counting into the bar.
func (b *Bar) Reader(r io.Reader) io.Reader {
	if b == nil || b.pb == nil {
		return r
	}
	return &countReader{r: r, b: b}
}

// Writer returns w counting into the bar.
func (b *Bar) Writer(w io.Writer) io.Writer {
	if b == nil || b.pb == nil {
		return w
	}
	return &countWriter{w: w, b: b}
}

// Finish fills the bar and ends its line. Later calls do nothing.
func (b *Bar) Finish() {
	if b == nil || b.pb == nil {
		return
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.done {
		return
	}
	b.done = true
	if b.max > 0 {
		_ = b.pb.Finish()
	}
	fmt.Fprintln(b.w)
}

// Abort ends the bar where it stands (after a failure) and ends its line. Later calls and a
// Finish after it do nothing.
func (b *Bar) Abort() {
	if b == nil || b.pb == nil {
		return
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.done {
		return
	}
	b.done = true
	_ = b.pb.Exit()
	fmt.Fprintln(b.w)
}

type countReader struct {
	r io.Reader
	b *Bar
}

func (c *countReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.b.Add(int64(n))
	return n, err
}

type countWriter struct {
	w io.Writer
	b *Bar
}

func (c *countWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.b.Add(int64(n))
	return n, err
}
