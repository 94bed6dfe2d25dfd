package snapshot

import (
	"context"
	"errors"
	"fmt"
	"io"
)

// errConsumerStopped tells the archive writer that the consumer gave up reading.
var errConsumerStopped = errors.New("the archive's consumer stopped reading")

// Stream writes the archive of the snapshot directory dir (Write) in its own goroutine and
// hands it to consume through a pipe, hashing it in consume's goroutine: the files' hashes
// and the archive's hash are computed on two cores. consume must read the archive to its
// end or return an error. Stream returns the manifest and the SHA-256 and size of the
// archive; on error, consume's error when it failed first, else the writer's.
func Stream(ctx context.Context, dir string, meta Meta, consume func(r io.Reader) error) (Manifest, string, int64, error) {
	var sr *SumReader
	m, n, err := pipe(meta.Name, func(w io.Writer) (Manifest, int64, error) {
		return Write(ctx, w, dir, meta)
	}, func(r io.Reader) error {
		sr = NewSumReader(r)
		return consume(sr)
	})
	if err != nil {
		return Manifest{}, "", 0, err
	}
	if sr.Size() != n {
		return Manifest{}, "", 0, fmt.Errorf("archive %s: %w", meta.Name, errConsumerStopped)
	}
	return m, sr.Sum(), n, nil
}

// StreamSum is Stream for a consumer that must know the archive's SHA-256 and size before
// it returns, to decide whether to keep what it sent: once it has read sr to its end,
// sr.Sum and sr.Size are the archive's.
func StreamSum(ctx context.Context, dir string, meta Meta, consume func(sr *SumReader) error) (Manifest, string, int64, error) {
	return Stream(ctx, dir, meta, func(r io.Reader) error { return consume(r.(*SumReader)) })
}

// StreamKnown is Stream with WriteKnown: it hashes nothing and returns the archive's size.
// consume must read exactly that many bytes or return an error.
func StreamKnown(ctx context.Context, dir string, m Manifest, consume func(r io.Reader) error) (int64, error) {
	_, n, err := pipe(m.Name, func(w io.Writer) (Manifest, int64, error) {
		n, err := WriteKnown(ctx, w, dir, m)
		return m, n, err
	}, consume)
	return n, err
}

// pipe runs write in its own goroutine and consume in this one, joined by a pipe.
func pipe(name string, write func(w io.Writer) (Manifest, int64, error), consume func(r io.Reader) error) (Manifest, int64, error) {
	pr, pw := io.Pipe()
	type result struct {
		m   Manifest
		n   int64
		err error
	}
	written := make(chan result, 1)
	go func() {
		m, n, err := write(pw)
		pw.CloseWithError(err) // nil: the reader sees EOF
		written <- result{m, n, err}
	}()
	cerr := consume(pr)
	pr.CloseWithError(errConsumerStopped) // unblocks the writer if consume stopped early
	w := <-written
	switch {
	case w.err != nil && !errors.Is(w.err, errConsumerStopped):
		return Manifest{}, 0, fmt.Errorf("archive %s: %w", name, w.err)
	case cerr != nil:
		return Manifest{}, 0, cerr
	case w.err != nil:
		return Manifest{}, 0, fmt.Errorf("archive %s: %w", name, errConsumerStopped)
	}
	return w.m, w.n, nil
}

// Sum returns the manifest, SHA-256 and size of the archive that Write would write for the
// snapshot directory dir, without storing it. Write is deterministic: writing the same
// directory with the same meta again gives these very bytes, unless a file changed.
func Sum(ctx context.Context, dir string, meta Meta) (Manifest, string, int64, error) {
	return Stream(ctx, dir, meta, func(r io.Reader) error {
		buf := make([]byte, copyBufSize)
		for {
			_, err := r.Read(buf)
			if errors.Is(err, io.EOF) {
				return nil
			}
			if err != nil {
				return err
			}
		}
	})
}
