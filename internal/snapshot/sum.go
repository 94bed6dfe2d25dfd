package snapshot

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"hash"
	"io"
	"path"
	"strings"

	"github.com/clonit/clonit/internal/errs"
)

// ArchiveKey returns the store key of a snapshot's archive object.
func ArchiveKey(target, name string) string { return target + "/" + name + ".tar" }

// SumKey returns the store key of the checksum object that goes with archiveKey.
func SumKey(archiveKey string) string { return archiveKey + ".sha256" }

// FormatSum returns the content of the checksum object of the archive stored at archiveKey:
// one line in the format of sha256sum, so that `sha256sum -c` can check a downloaded copy.
func FormatSum(sha256Hex, archiveKey string) []byte {
	return []byte(sha256Hex + "  " + path.Base(archiveKey) + "\n")
}

// ParseSum returns the SHA-256 written in a checksum object.
func ParseSum(b []byte) (string, error) {
	fields := strings.Fields(string(b))
	if len(fields) != 2 || !isSHA256(fields[0]) {
		return "", corrupt("the checksum object is not a SHA-256 line")
	}
	return fields[0], nil
}

// isSHA256 reports whether s is 64 lowercase hex digits.
func isSHA256(s string) bool {
	if len(s) != 2*sha256.Size {
		return false
	}
	for _, c := range s {
		if (c < '0' || c > '9') && (c < 'a' || c > 'f') {
			return false
		}
	}
	return true
}

// SumReader passes reads through while computing the SHA-256 and length of what was read.
type SumReader struct {
	r io.Reader
	h hash.Hash
	n int64
}

// NewSumReader returns a SumReader reading from r.
func NewSumReader(r io.Reader) *SumReader { return &SumReader{r: r, h: sha256.New()} }

// Read reads from the underlying reader and hashes what it returns.
func (s *SumReader) Read(p []byte) (int, error) {
	n, err := s.r.Read(p)
	s.h.Write(p[:n])
	s.n += int64(n)
	return n, err
}

// Sum returns the lowercase hex SHA-256 of the bytes read so far.
func (s *SumReader) Sum() string { return hex.EncodeToString(s.h.Sum(nil)) }

// Size returns the number of bytes read so far.
func (s *SumReader) Size() int64 { return s.n }

// SumWriter passes writes through while computing the SHA-256 and length of what was written.
type SumWriter struct {
	w io.Writer
	h hash.Hash
	n int64
}

// NewSumWriter returns a SumWriter writing to w.
func NewSumWriter(w io.Writer) *SumWriter { return &SumWriter{w: w, h: sha256.New()} }

// Write writes p to the underlying writer and hashes what it accepted.
func (s *SumWriter) Write(p []byte) (int, error) {
	n, err := s.w.Write(p)
	s.h.Write(p[:n])
	s.n += int64(n)
	return n, err
}

// Sum returns the lowercase hex SHA-256 of the bytes written so far.
func (s *SumWriter) Sum() string { return hex.EncodeToString(s.h.Sum(nil)) }

// Size returns the number of bytes written so far.
func (s *SumWriter) Size() int64 { return s.n }

// ctxReader fails reads once ctx is done, so that long copies stop on cancellation.
type ctxReader struct {
	ctx context.Context
	r   io.Reader
}

func (c ctxReader) Read(p []byte) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, err
	}
	return c.r.Read(p)
}

// ctxWriter fails writes once ctx is done.
type ctxWriter struct {
	ctx context.Context
	w   io.Writer
}

func (c ctxWriter) Write(p []byte) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, err
	}
	return c.w.Write(p)
}

// checkSHA256 returns an error unless want is empty or a valid SHA-256.
func checkSHA256(want string) error {
	if want != "" && !isSHA256(want) {
		return errs.Invalid("expected archive checksum %q is not a SHA-256 in hex", want)
	}
	return nil
}
