package snapshot

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"path/filepath"
	"testing"
)

// benchFiles is a snapshot directory shaped like pg_dump -Fd's: a few large table files
// and many small ones, 64 MiB in all.
func benchFiles() map[string][]byte {
	files := map[string][]byte{"toc.dat": randomBytes(64 << 10)}
	for i := range 3 {
		files[fmt.Sprintf("30%02d.dat.gz", i)] = randomBytes(20 << 20)
	}
	for i := range 40 {
		files[fmt.Sprintf("31%02d.dat.gz", i)] = randomBytes(100 << 10)
	}
	return files
}

func benchArchive(b *testing.B) (string, []byte) {
	b.Helper()
	dir := makeDir(b, benchFiles())
	var buf bytes.Buffer
	if _, _, err := Write(context.Background(), &buf, dir, testMeta); err != nil {
		b.Fatal(err)
	}
	return dir, buf.Bytes()
}

// BenchmarkExtract measures a pull's CPU side: the whole-object hash, the files' hashes,
// writing and flushing them.
func BenchmarkExtract(b *testing.B) {
	_, arc := benchArchive(b)
	sum := sha(arc)
	parent := b.TempDir()
	b.SetBytes(int64(len(arc)))
	b.ResetTimer()
	for i := range b.N {
		dest := filepath.Join(parent, fmt.Sprint(i))
		if _, err := ExtractChecked(context.Background(), bytes.NewReader(arc), dest, sum); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkStream measures a push's CPU side: reading the files, hashing each and the
// whole archive.
func BenchmarkStream(b *testing.B) {
	dir, arc := benchArchive(b)
	b.SetBytes(int64(len(arc)))
	b.ResetTimer()
	for range b.N {
		if _, _, _, err := Stream(context.Background(), dir, testMeta, func(r io.Reader) error {
			_, err := io.Copy(io.Discard, r)
			return err
		}); err != nil {
			b.Fatal(err)
		}
	}
}
