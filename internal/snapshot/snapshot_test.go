package snapshot

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"math/rand/v2"
	"os"
	"path/filepath"
	"reflect"
	"testing"
	"time"

	"github.com/clonit/clonit/internal/errs"
)

var testMeta = Meta{
	Name:          "shop-20260101T120000",
	Target:        "shop",
	Type:          "snapshot",
	Engine:        "postgres",
	ServerVersion: "17.2",
	Created:       time.Date(2026, 1, 1, 12, 0, 0, 0, time.UTC),
}

// testFiles is the content of the snapshot directory the tests archive.
var testFiles = map[string][]byte{
	"toc.dat":          []byte("table of contents: TOCMARK"),
	"3001.dat.gz":      randomBytes(3<<20 + 17),
	"empty.dat":        {},
	"blobs/0001.dat":   []byte("nested file"),
	"blobs/z/last.dat": []byte("deeper"),
}

func randomBytes(n int) []byte {
	b := make([]byte, n)
	r := rand.NewChaCha8([32]byte{1})
	_, _ = r.Read(b)
	return b
}

func sha(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}

// makeDir writes files into a new directory and returns its path.
func makeDir(t testing.TB, files map[string][]byte) string {
	t.Helper()
	dir := t.TempDir()
	for p, b := range files {
		full := filepath.Join(dir, filepath.FromSlash(p))
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(full, b, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// readDir returns every regular file under dir by slash path.
func readDir(t *testing.T, dir string) map[string][]byte {
	t.Helper()
	out := map[string][]byte{}
	err := filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		b, err := os.ReadFile(p)
		out[filepath.ToSlash(rel)] = b
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// archive writes testFiles as an archive with meta and returns its bytes and manifest.
func archive(t *testing.T, meta Meta) ([]byte, Manifest) {
	t.Helper()
	var buf bytes.Buffer
	dir := makeDir(t, testFiles)
	m, size, err := Write(context.Background(), &buf, dir, meta)
	if err != nil {
		t.Fatalf("Write: %v", err)
	}
	if size != int64(buf.Len()) {
		t.Fatalf("Write returned size %d, want %d", size, buf.Len())
	}
	// Write is deterministic: Sum and Stream see the very same bytes.
	sm, sum, size, err := Sum(context.Background(), dir, meta)
	if err != nil || sum != sha(buf.Bytes()) || size != int64(buf.Len()) || !reflect.DeepEqual(sm, m) {
		t.Fatalf("Sum = %s, %d, %v; want %s, %d and Write's manifest", sum, size, err, sha(buf.Bytes()), buf.Len())
	}
	return buf.Bytes(), m
}

func TestRoundTrip(t *testing.T) {
	for _, compression := range []string{"", CompressionNone, CompressionZstd} {
		t.Run("compression="+compression, func(t *testing.T) {
			meta := testMeta
			meta.Compression = compression
			data, written := archive(t, meta)

			wantFiles := []File{
				{Path: "3001.dat.gz", Size: int64(len(testFiles["3001.dat.gz"])), SHA256: sha(testFiles["3001.dat.gz"])},
				{Path: "blobs/0001.dat", Size: 11, SHA256: sha(testFiles["blobs/0001.dat"])},
				{Path: "blobs/z/last.dat", Size: 6, SHA256: sha(testFiles["blobs/z/last.dat"])},
				{Path: "empty.dat", Size: 0, SHA256: sha(nil)},
				{Path: "toc.dat", Size: 26, SHA256: sha(testFiles["toc.dat"])},
			}
			wantMeta := testMeta
			wantMeta.Compression = CompressionNone
			if compression == CompressionZstd {
				wantMeta.Compression = CompressionZstd
			}
			want := Manifest{Format: Format, Version: 1, Meta: wantMeta, Files: wantFiles}
			if !reflect.DeepEqual(written, want) {
				t.Fatalf("Write manifest:\n got %+v\nwant %+v", written, want)
			}

			dest := filepath.Join(t.TempDir(), "snapshots", meta.Name)
			got, err := ExtractChecked(context.Background(), bytes.NewReader(data), dest, sha(data))
			if err != nil {
				t.Fatalf("ExtractChecked: %v", err)
			}
			if !got.Created.Equal(want.Created) {
				t.Fatalf("created %v, want %v", got.Created, want.Created)
			}
			got.Created = want.Created
			if !reflect.DeepEqual(got, want) {
				t.Fatalf("Extract manifest:\n got %+v\nwant %+v", got, want)
			}
			if files := readDir(t, dest); !reflect.DeepEqual(files, testFiles) {
				t.Fatalf("extracted files differ from the source")
			}
			if got.Size() != int64(3<<20+17+26+11+6) {
				t.Fatalf("Size() = %d", got.Size())
			}
			again, _ := archive(t, meta)
			if !bytes.Equal(again, data) {
				t.Fatalf("two archives of the same directory differ")
			}
		})
	}
}

func TestWriteRefuses(t *testing.T) {
	tests := []struct {
		name  string
		setup func(t *testing.T, dir string) Meta
		want  string
	}{
		{
			name: "symlink",
			setup: func(t *testing.T, dir string) Meta {
				if err := os.Symlink("/etc/passwd", filepath.Join(dir, "link")); err != nil {
					t.Fatal(err)
				}
				return testMeta
			},
			want: "snapshot file link is not a regular file (links and special files cannot be archived)",
		},
		{
			name: "no name",
			setup: func(t *testing.T, dir string) Meta {
				m := testMeta
				m.Name = ""
				return m
			},
			want: "snapshot metadata has no name",
		},
		{
			name: "unknown compression",
			setup: func(t *testing.T, dir string) Meta {
				m := testMeta
				m.Compression = "lz4"
				return m
			},
			want: `unknown archive compression "lz4": use "none" or "zstd"`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := makeDir(t, map[string][]byte{"toc.dat": []byte("x")})
			meta := tt.setup(t, dir)
			_, _, err := Write(context.Background(), &bytes.Buffer{}, dir, meta)
			if err == nil || err.Error() != tt.want {
				t.Fatalf("Write error = %v, want %q", err, tt.want)
			}
			if !errors.Is(err, errs.ErrInvalid) {
				t.Fatalf("error kind = %v, want ErrInvalid", errs.KindOf(err))
			}
		})
	}
}

func TestWriteCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, _, err := Write(ctx, &bytes.Buffer{}, makeDir(t, testFiles), testMeta)
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("Write error = %v, want context.Canceled", err)
	}
}

func TestSumObject(t *testing.T) {
	sum := sha([]byte("x"))
	key := ArchiveKey("shop", "shop-20260101T120000")
	if key != "shop/shop-20260101T120000.tar" || SumKey(key) != "shop/shop-20260101T120000.tar.sha256" {
		t.Fatalf("keys = %s, %s", key, SumKey(key))
	}
	line := FormatSum(sum, key)
	if string(line) != sum+"  shop-20260101T120000.tar\n" {
		t.Fatalf("FormatSum = %q", line)
	}
	if got, err := ParseSum(line); err != nil || got != sum {
		t.Fatalf("ParseSum = %q, %v", got, err)
	}
	_, err := ParseSum([]byte("not a checksum\n"))
	want := "snapshot archive is corrupt: the checksum object is not a SHA-256 line; push the snapshot again"
	if err == nil || err.Error() != want {
		t.Fatalf("ParseSum error = %v, want %q", err, want)
	}
}
