// Package blobtest is the conformance suite of the blob.Store contract. Every
// implementation runs it from its own tests:
//
//	func TestConformance(t *testing.T) { blobtest.Run(t, func(t *testing.T) blob.Store { ... }) }
package blobtest

import (
	"bytes"
	"context"
	"crypto/sha256"
	"errors"
	"io"
	"math/rand/v2"
	"testing"

	"github.com/clonit/clonit/internal/blob"
	"github.com/clonit/clonit/internal/errs"
)

// LargeSize is the size of the streamed object of unknown length: more than two 16 MiB
// parts, so that S3 stores go through a real multipart upload.
const LargeSize = 40 << 20

// Run checks every clause of the blob.Store contract. newStore must return an empty store,
// distinct for each call (each subtest gets its own).
func Run(t *testing.T, newStore func(t *testing.T) blob.Store) {
	tests := []struct {
		name string
		fn   func(t *testing.T, s blob.Store)
	}{
		{"MissingObject", testMissing},
		{"PutOpenStat", testPutOpenStat},
		{"Overwrite", testOverwrite},
		{"DeleteIsIdempotent", testDelete},
		{"ListPrefixAndOrder", testList},
		{"LargeObjectOfUnknownSize", testLarge},
		{"FailedPutLeavesNothing", testFailedPut},
		{"CancelledPutLeavesNothing", testCancelledPut},
		{"FailedPutKeepsPreviousObject", testFailedOverwrite},
		{"ConcurrentPuts", testConcurrent},
		{"BadKeysRejected", testBadKeys},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { tt.fn(t, newStore(t)) })
	}
}

// put stores data under key with its exact size, failing the test on error.
func put(t *testing.T, s blob.Store, key string, data []byte) {
	t.Helper()
	if err := s.Put(context.Background(), key, bytes.NewReader(data), int64(len(data))); err != nil {
		t.Fatalf("Put(%q): %v", key, err)
	}
}

// read returns the whole object at key, failing the test on error.
func read(t *testing.T, s blob.Store, key string) []byte {
	t.Helper()
	rc, err := s.Open(context.Background(), key)
	if err != nil {
		t.Fatalf("Open(%q): %v", key, err)
	}
	defer rc.Close()
	b, err := io.ReadAll(rc)
	if err != nil {
		t.Fatalf("read %q: %v", key, err)
	}
	return b
}

// assertMissing fails unless Open and Stat of key report blob.ErrNotExist.
func assertMissing(t *testing.T, s blob.Store, key string) {
	t.Helper()
	ctx := context.Background()
	if rc, err := s.Open(ctx, key); !errors.Is(err, blob.ErrNotExist) {
		if err == nil {
			rc.Close()
		}
		t.Fatalf("Open(%q) error = %v, want blob.ErrNotExist", key, err)
	}
	if _, err := s.Stat(ctx, key); !errors.Is(err, blob.ErrNotExist) {
		t.Fatalf("Stat(%q) error = %v, want blob.ErrNotExist", key, err)
	}
}

// keys lists the keys under prefix.
func keys(t *testing.T, s blob.Store, prefix string) []string {
	t.Helper()
	infos, err := s.List(context.Background(), prefix)
	if err != nil {
		t.Fatalf("List(%q): %v", prefix, err)
	}
	out := []string{}
	for _, i := range infos {
		out = append(out, i.Key)
	}
	return out
}

// randomReader returns n pseudo-random bytes from seed, hiding every interface but Read so
// that the store sees a plain stream of unknown length.
func randomReader(seed byte, n int64) io.Reader {
	return struct{ io.Reader }{io.LimitReader(rand.NewChaCha8([32]byte{seed}), n)}
}

// randomSum returns the SHA-256 of randomReader(seed, n).
func randomSum(seed byte, n int64) [32]byte {
	h := sha256.New()
	_, _ = io.Copy(h, randomReader(seed, n))
	return [32]byte(h.Sum(nil))
}

// errReader returns the bytes of r, then err instead of io.EOF.
type errReader struct {
	r   io.Reader
	err error
}

func (e errReader) Read(p []byte) (int, error) {
	n, err := e.r.Read(p)
	if err == io.EOF {
		err = e.err
	}
	return n, err
}

// cancelReader cancels a context once n bytes have been read, then fails like a reader
// whose producer was cancelled.
type cancelReader struct {
	r      io.Reader
	n      int64
	cancel context.CancelFunc
}

func (c *cancelReader) Read(p []byte) (int, error) {
	if c.n <= 0 {
		c.cancel()
		return 0, context.Canceled
	}
	if int64(len(p)) > c.n {
		p = p[:c.n]
	}
	n, err := c.r.Read(p)
	c.n -= int64(n)
	return n, err
}

// isInvalid reports whether err is of kind errs.ErrInvalid.
func isInvalid(err error) bool { return errors.Is(err, errs.ErrInvalid) }
