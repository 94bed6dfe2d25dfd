package snapshot

import (
	"archive/tar"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/clonit/clonit/internal/errs"
)

// entry is one entry of a hand-made archive.
type entry struct {
	name string
	typ  byte
	body []byte
}

// craft builds a tar stream of entries, as a hostile or broken writer might.
func craft(t *testing.T, entries ...entry) []byte {
	t.Helper()
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	for _, e := range entries {
		typ := e.typ
		if typ == 0 {
			typ = tar.TypeReg
		}
		hdr := &tar.Header{Name: e.name, Typeflag: typ, Mode: 0o644, Size: int64(len(e.body))}
		if typ != tar.TypeReg {
			hdr.Size = 0
			hdr.Linkname = "/etc/passwd"
		}
		if err := tw.WriteHeader(hdr); err != nil {
			t.Fatal(err)
		}
		if _, err := tw.Write(hdr2body(hdr, e.body)); err != nil {
			t.Fatal(err)
		}
	}
	if err := tw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func hdr2body(h *tar.Header, b []byte) []byte {
	if h.Size == 0 {
		return nil
	}
	return b
}

// jsonOf encodes a manifest for a crafted archive.
func jsonOf(t *testing.T, m Manifest) []byte {
	t.Helper()
	b, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestExtractRefuses(t *testing.T) {
	good, m := archive(t, testMeta)
	header := Manifest{Format: Format, Version: Version, Meta: m.Meta}
	evil := []byte("evil")
	evilManifest := header
	evilManifest.Files = []File{{Path: "../evil", Size: 4, SHA256: sha(evil)}}
	future := header
	future.Version = 2
	other := m
	other.Name = "other"

	corruptAt := func(marker string) []byte {
		b := bytes.Clone(good)
		i := bytes.Index(b, []byte(marker))
		if i < 0 {
			t.Fatalf("marker %q not in archive", marker)
		}
		b[i] ^= 0xff
		return b
	}
	tocSHA := sha(testFiles["toc.dat"])
	badToc := bytes.Clone(testFiles["toc.dat"])
	badToc[bytes.Index(badToc, []byte("TOCMARK"))] ^= 0xff
	bigEnd := bytes.Index(good, testFiles["3001.dat.gz"][:4096]) + 1<<20
	zmeta := testMeta
	zmeta.Compression = CompressionZstd
	zgood, _ := archive(t, zmeta)
	zbad := bytes.Clone(zgood)
	zbad[len(zbad)/2] ^= 0xff

	tests := []struct {
		name     string
		data     []byte
		wantSum  string
		wantKind error
		want     string
	}{
		{
			name: "corrupted byte in a file",
			data: corruptAt("TOCMARK"),
			want: "snapshot archive is corrupt: file toc.dat has SHA-256 " + sha(badToc) + " but the manifest says " + tocSHA + "; push the snapshot again",
		},
		{
			name: "corrupted byte in a compressed archive",
			data: zbad,
			want: "snapshot archive is corrupt: unreadable data near 3001.dat.gz (CRC check failed); push the snapshot again",
		},
		{
			name: "compressed archive truncated",
			data: zgood[:len(zgood)-1000],
			want: "snapshot archive is corrupt: the archive is truncated in 3001.dat.gz; push the snapshot again",
		},
		{
			name: "truncated in a file",
			data: good[:bigEnd],
			want: "snapshot archive is corrupt: the archive is truncated in 3001.dat.gz; push the snapshot again",
		},
		{
			name: "truncated before the manifest",
			data: good[:bytes.LastIndex(good, []byte(ManifestName))-100],
			want: "snapshot archive is corrupt: the archive is truncated: it ends before its manifest; push the snapshot again",
		},
		{
			name: "empty stream",
			data: nil,
			want: "snapshot archive is corrupt: the archive is empty or truncated; push the snapshot again",
		},
		{
			name:    "whole-object checksum differs",
			data:    good,
			wantSum: sha([]byte("something else")),
			want:    "snapshot archive is corrupt: the archive's SHA-256 is " + sha(good) + " but its checksum object says " + sha([]byte("something else")) + "; push the snapshot again",
		},
		{
			name: "path traversal",
			data: craft(t, entry{name: HeaderName, body: jsonOf(t, header)}, entry{name: "data/../evil", body: evil},
				entry{name: ManifestName, body: jsonOf(t, evilManifest)}),
			want: `snapshot archive is corrupt: entry "data/../evil" has an unsafe path; push the snapshot again`,
		},
		{
			name: "absolute path",
			data: craft(t, entry{name: HeaderName, body: jsonOf(t, header)}, entry{name: "/etc/evil", body: evil}),
			want: `snapshot archive is corrupt: unexpected entry "/etc/evil"; push the snapshot again`,
		},
		{
			name: "symbolic link",
			data: craft(t, entry{name: HeaderName, body: jsonOf(t, header)}, entry{name: "data/toc.dat", typ: tar.TypeSymlink}),
			want: `snapshot archive is corrupt: entry "data/toc.dat" is not a regular file (links, directories and special files are refused); push the snapshot again`,
		},
		{
			name: "file listed twice",
			data: craft(t, entry{name: HeaderName, body: jsonOf(t, header)}, entry{name: "data/a", body: evil}, entry{name: "data/a", body: evil}),
			want: "snapshot archive is corrupt: file a appears twice; push the snapshot again",
		},
		{
			name: "file missing from the manifest",
			data: craft(t, entry{name: HeaderName, body: jsonOf(t, header)}, entry{name: "data/a", body: evil},
				entry{name: ManifestName, body: jsonOf(t, header)}),
			want: "snapshot archive is corrupt: file a is not in the manifest; push the snapshot again",
		},
		{
			name: "manifest of another snapshot",
			data: craft(t, entry{name: HeaderName, body: jsonOf(t, header)}, entry{name: ManifestName, body: jsonOf(t, other)}),
			want: "snapshot archive is corrupt: the header and the manifest describe different snapshots; push the snapshot again",
		},
		{
			name:     "unknown future version",
			data:     craft(t, entry{name: HeaderName, body: jsonOf(t, future)}, entry{name: "data/a", body: evil}),
			wantKind: errs.ErrInvalid,
			want:     "the snapshot archive has format version 2 but this clonit reads versions up to 1: upgrade clonit to use it",
		},
		{
			name: "not a clonit archive",
			data: craft(t, entry{name: "README", body: []byte("hello")}),
			want: `snapshot archive is corrupt: the first entry is "README", not clonit-snapshot.json; push the snapshot again`,
		},
		{
			name: "not a tar stream",
			data: bytes.Repeat([]byte("garbage!"), 200),
			want: "snapshot archive is corrupt: it is not a tar stream (archive/tar: invalid tar header); push the snapshot again",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			parent := t.TempDir()
			dest := filepath.Join(parent, "snap")
			_, err := ExtractChecked(context.Background(), bytes.NewReader(tt.data), dest, tt.wantSum)
			if err == nil || err.Error() != tt.want {
				t.Fatalf("error = %v\n want %s", err, tt.want)
			}
			if !errors.Is(err, errs.ErrInvalid) {
				t.Fatalf("error kind = %v, want ErrInvalid", errs.KindOf(err))
			}
			assertEmpty(t, parent)
		})
	}
}

// assertEmpty fails unless dir has no entries: a failed extraction leaves nothing behind.
func assertEmpty(t *testing.T, dir string) {
	t.Helper()
	left, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(left) != 0 {
		t.Fatalf("extraction left %v behind", left)
	}
}

func TestExtractDestinationExists(t *testing.T) {
	good, _ := archive(t, testMeta)
	dest := t.TempDir()
	_, err := Extract(context.Background(), bytes.NewReader(good), dest)
	want := "snapshot directory " + dest + " already exists: remove it first"
	if err == nil || err.Error() != want || !errors.Is(err, errs.ErrConflict) {
		t.Fatalf("error = %v, want %q (conflict)", err, want)
	}
}

// cancelAfter cancels its context once n bytes have been read through it.
type cancelAfter struct {
	r      io.Reader
	n      int
	cancel context.CancelFunc
}

func (c *cancelAfter) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n -= n
	if c.n <= 0 {
		c.cancel()
	}
	return n, err
}

// failingReader returns its data, then err.
type failingReader struct {
	r   io.Reader
	err error
}

func (f failingReader) Read(p []byte) (int, error) {
	n, err := f.r.Read(p)
	if err == io.EOF {
		err = f.err
	}
	return n, err
}

func TestExtractSourceFails(t *testing.T) {
	good, _ := archive(t, testMeta)
	parent := t.TempDir()
	boom := errors.New("connection reset by peer")
	_, err := Extract(context.Background(), failingReader{bytes.NewReader(good[:2<<20]), boom}, filepath.Join(parent, "snap"))
	if err == nil || err.Error() != "read archive: connection reset by peer" || !errors.Is(err, boom) {
		t.Fatalf("error = %v, want the source's error", err)
	}
	assertEmpty(t, parent)
}

func TestExtractCancelled(t *testing.T) {
	good, _ := archive(t, testMeta)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	parent := t.TempDir()
	r := &cancelAfter{r: bytes.NewReader(good), n: 1 << 20, cancel: cancel}
	_, err := Extract(ctx, r, filepath.Join(parent, "snap"))
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("error = %v, want context.Canceled", err)
	}
	assertEmpty(t, parent)
}

// TestExtractLargeFile extracts a file that spans several writeback chunks (whose writeback
// starts while the rest is written) and one that ends just past a chunk boundary.
func TestExtractLargeFile(t *testing.T) {
	files := map[string][]byte{
		"big.dat":  randomBytes(2*writebackChunk + 12345),
		"edge.dat": randomBytes(writebackChunk + 1),
	}
	dir := makeDir(t, files)
	var buf bytes.Buffer
	if _, _, err := Write(context.Background(), &buf, dir, testMeta); err != nil {
		t.Fatal(err)
	}
	dest := filepath.Join(t.TempDir(), "snap")
	m, err := ExtractChecked(context.Background(), bytes.NewReader(buf.Bytes()), dest, sha(buf.Bytes()))
	if err != nil {
		t.Fatalf("ExtractChecked: %v", err)
	}
	if len(m.Files) != 2 || m.Files[0].SHA256 != sha(files["big.dat"]) || m.Files[1].SHA256 != sha(files["edge.dat"]) {
		t.Fatalf("manifest files %+v", m.Files)
	}
	if got := readDir(t, dest); !reflect.DeepEqual(got, files) {
		t.Fatalf("extracted files differ from the source")
	}
}
