package snapshot

import (
	"fmt"
	"os"
)

// pendingFlushes bounds the extracted files waiting for their flush (and open).
const pendingFlushes = 16

// flushed is a file whose contents are written and must reach the disk.
type flushed struct {
	f   *os.File
	rel string
}

// flusher flushes extracted files to disk and closes them in a goroutine of its own, so
// that waiting for the disk overlaps with receiving the next files. Every file is flushed
// before wait returns, which is before the snapshot directory is renamed into place:
// docs/snapshot-format.md's guarantee is kept, only its cost moves off the critical path.
type flusher struct {
	files chan flushed
	done  chan struct{}
	err   error // the first failure, read after done is closed
}

// newFlusher starts the flushing goroutine.
func newFlusher() *flusher {
	fl := &flusher{files: make(chan flushed, pendingFlushes), done: make(chan struct{})}
	go fl.run()
	return fl
}

func (fl *flusher) run() {
	defer close(fl.done)
	for p := range fl.files {
		if fl.err == nil {
			if err := p.f.Sync(); err != nil {
				fl.err = fmt.Errorf("extract %s: %w", p.rel, err)
			}
		}
		if err := p.f.Close(); err != nil && fl.err == nil {
			fl.err = fmt.Errorf("extract %s: %w", p.rel, err)
		}
	}
}

// add queues f, whose contents are complete, to be flushed and closed.
func (fl *flusher) add(f *os.File, rel string) { fl.files <- flushed{f, rel} }

// wait flushes and closes every file added and returns the first error. Call it once.
func (fl *flusher) wait() error {
	close(fl.files)
	<-fl.done
	return fl.err
}
