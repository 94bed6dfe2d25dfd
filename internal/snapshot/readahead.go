package snapshot

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"hash"
	"io"
)

// Read-ahead of the archive's source: how many chunks of what size may be read ahead of
// the extraction (4 MiB in all).
const (
	readAheadChunks    = 4
	readAheadChunkSize = 1 << 20
)

// chunk is a piece of the source and the error that ended it, if any.
type chunk struct {
	b   []byte
	err error
}

// readAhead reads its source in a goroutine of its own, a few chunks ahead of its consumer,
// and hashes the whole stream there: receiving and hashing the archive overlap with
// checking, hashing and writing its files. It has one consumer.
type readAhead struct {
	full chan chunk
	free chan []byte
	stop chan struct{}

	cur  []byte // the unread rest of the chunk being read
	held []byte // the buffer of that chunk, to give back
	err  error  // the error that ended the stream, once reached

	// Written by the reading goroutine before it sends the chunk that ends the stream.
	h hash.Hash
	n int64
}

// newReadAhead starts reading r. Close stops the reading goroutine at its next chunk.
func newReadAhead(r io.Reader) *readAhead {
	ra := &readAhead{
		full: make(chan chunk, readAheadChunks),
		free: make(chan []byte, readAheadChunks),
		stop: make(chan struct{}),
		h:    sha256.New(),
	}
	for range readAheadChunks {
		ra.free <- make([]byte, readAheadChunkSize)
	}
	go ra.run(r)
	return ra
}

// run fills free buffers from r and queues them, until r ends or fails or Close is called.
func (ra *readAhead) run(r io.Reader) {
	for {
		var buf []byte
		select {
		case buf = <-ra.free:
		case <-ra.stop:
			return
		}
		n, err := fill(r, buf)
		ra.h.Write(buf[:n])
		ra.n += int64(n)
		select {
		case ra.full <- chunk{buf[:n], err}:
		case <-ra.stop:
			return
		}
		if err != nil {
			return
		}
	}
}

// fill reads from r until buf is full or r returns an error (io.EOF at its end).
func fill(r io.Reader, buf []byte) (int, error) {
	n := 0
	for n < len(buf) {
		m, err := r.Read(buf[n:])
		n += m
		if err != nil {
			return n, err
		}
	}
	return n, nil
}

// Read reads from the chunks read ahead.
func (ra *readAhead) Read(p []byte) (int, error) {
	if len(p) == 0 {
		return 0, nil
	}
	for len(ra.cur) == 0 {
		if ra.err != nil {
			return 0, ra.err
		}
		if ra.held != nil {
			ra.free <- ra.held // never blocks: free has room for every buffer
			ra.held = nil
		}
		c := <-ra.full
		ra.held, ra.cur, ra.err = c.b[:cap(c.b)], c.b, c.err
	}
	n := copy(p, ra.cur)
	ra.cur = ra.cur[n:]
	return n, nil
}

// Sum returns the SHA-256 of the whole stream and its length. It is valid only once Read
// has returned io.EOF.
func (ra *readAhead) Sum() (string, int64, error) {
	if !errors.Is(ra.err, io.EOF) || len(ra.cur) != 0 {
		return "", 0, errors.New("the archive was not read to its end")
	}
	return hex.EncodeToString(ra.h.Sum(nil)), ra.n, nil
}

// Close stops the reading goroutine once its current read returns. It does not wait.
func (ra *readAhead) Close() {
	close(ra.stop)
}
