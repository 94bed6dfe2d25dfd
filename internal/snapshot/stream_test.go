package snapshot

import (
	"bytes"
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/clonit/clonit/internal/errs"
)

func TestStream(t *testing.T) {
	boom := errors.New("connection reset")
	tests := []struct {
		name    string
		setup   func(t *testing.T, dir string)
		consume func(r io.Reader) error
		want    string
		is      error
	}{
		{
			name:    "consumer fails at once",
			consume: func(io.Reader) error { return boom },
			want:    "connection reset",
			is:      boom,
		},
		{
			name: "consumer fails after 1 MiB",
			consume: func(r io.Reader) error {
				if _, err := io.CopyN(io.Discard, r, 1<<20); err != nil {
					return err
				}
				return boom
			},
			want: "connection reset",
			is:   boom,
		},
		{
			name: "consumer stops early without an error",
			consume: func(r io.Reader) error {
				_, err := io.CopyN(io.Discard, r, 1000)
				return err
			},
			want: "archive shop-20260101T120000: the archive's consumer stopped reading",
			is:   errConsumerStopped,
		},
		{
			name: "a file cannot be read",
			setup: func(t *testing.T, dir string) {
				if err := os.Symlink("toc.dat", filepath.Join(dir, "link.dat")); err != nil {
					t.Fatal(err)
				}
			},
			consume: func(r io.Reader) error { _, err := io.Copy(io.Discard, r); return err },
			want:    "archive shop-20260101T120000: snapshot file link.dat is not a regular file (links and special files cannot be archived)",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := makeDir(t, testFiles)
			if tt.setup != nil {
				tt.setup(t, dir)
			}
			_, _, _, err := Stream(context.Background(), dir, testMeta, tt.consume)
			if err == nil || err.Error() != tt.want {
				t.Fatalf("Stream error = %v, want %q", err, tt.want)
			}
			if tt.is != nil && !errors.Is(err, tt.is) {
				t.Fatalf("Stream error %v is not %v", err, tt.is)
			}
		})
	}
}

func TestWriteKnown(t *testing.T) {
	tests := []struct {
		name    string
		change  func(t *testing.T, dir string)
		want    string // the error, or "" for the same bytes as the first pass
		differs bool   // no error, but other bytes (a file changed in place)
	}{
		{name: "nothing changed"},
		{
			name:   "a file was added",
			change: func(t *testing.T, dir string) { rewrite(t, filepath.Join(dir, "zzz.dat"), "new") },
			want:   "the snapshot's files changed while it was being pushed: push again",
		},
		{
			name:   "a file was removed",
			change: func(t *testing.T, dir string) { os.Remove(filepath.Join(dir, "toc.dat")) },
			want:   "the snapshot's files changed while it was being pushed: push again",
		},
		{
			name:   "a file was resized",
			change: func(t *testing.T, dir string) { rewrite(t, filepath.Join(dir, "blobs", "0001.dat"), "shorter") },
			want:   "the snapshot's files changed while it was being pushed: push again",
		},
		{
			name: "a file changed in place",
			change: func(t *testing.T, dir string) {
				rewrite(t, filepath.Join(dir, "toc.dat"), strings.Repeat("x", len(testFiles["toc.dat"])))
			},
			differs: true,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := makeDir(t, testFiles)
			m, sum, size, err := Sum(context.Background(), dir, testMeta)
			if err != nil {
				t.Fatal(err)
			}
			if tt.change != nil {
				tt.change(t, dir)
			}
			var buf bytes.Buffer
			n, err := StreamKnown(context.Background(), dir, m, func(r io.Reader) error { _, err := io.Copy(&buf, r); return err })
			if tt.want != "" {
				if err == nil || err.Error() != "archive shop-20260101T120000: "+tt.want || !errors.Is(err, errs.ErrConflict) {
					t.Fatalf("StreamKnown error = %v, want %q", err, tt.want)
				}
				return
			}
			if err != nil || n != size || n != int64(buf.Len()) {
				t.Fatalf("StreamKnown = %d, %v; want %d bytes", n, err, size)
			}
			if same := sha(buf.Bytes()) == sum; same == tt.differs {
				t.Fatalf("second pass SHA-256 equal to the first: %v, want %v", same, !tt.differs)
			}
		})
	}
}

// rewrite replaces the file at p with s.
func rewrite(t *testing.T, p, s string) {
	t.Helper()
	if err := os.WriteFile(p, []byte(s), 0o600); err != nil {
		t.Fatal(err)
	}
}
