package snapshot

import (
	"archive/tar"
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/klauspost/compress/zstd"

	"github.com/clonit/clonit/internal/errs"
)

// Limits on the JSON entries, so that a hostile archive cannot exhaust memory.
const (
	maxHeaderSize   = 1 << 20
	maxManifestSize = 256 << 20
)

// zstdMagic starts every zstd frame.
var zstdMagic = []byte{0x28, 0xb5, 0x2f, 0xfd}

// Extract reads an archive from r into the new directory destDir and returns its manifest.
// It extracts into a temporary directory beside destDir, checks every file's size and
// SHA-256 against the manifest, and renames the directory into place only when every check
// has passed; on any error nothing is left behind. destDir must not exist.
func Extract(ctx context.Context, r io.Reader, destDir string) (Manifest, error) {
	return ExtractChecked(ctx, r, destDir, "")
}

// ExtractChecked is Extract that also requires the SHA-256 of the whole stream read from r
// to be wantSHA256 (from the archive's checksum object), unless wantSHA256 is empty.
func ExtractChecked(ctx context.Context, r io.Reader, destDir, wantSHA256 string) (Manifest, error) {
	if err := checkSHA256(wantSHA256); err != nil {
		return Manifest{}, err
	}
	destDir = filepath.Clean(destDir)
	if _, err := os.Lstat(destDir); err == nil {
		return Manifest{}, errs.Conflict("snapshot directory %s already exists: remove it first", destDir)
	} else if !errors.Is(err, os.ErrNotExist) {
		return Manifest{}, fmt.Errorf("check snapshot directory: %w", err)
	}
	parent := filepath.Dir(destDir)
	if err := os.MkdirAll(parent, 0o700); err != nil {
		return Manifest{}, fmt.Errorf("create snapshot parent directory: %w", err)
	}
	tmp, err := os.MkdirTemp(parent, "."+filepath.Base(destDir)+".tmp-")
	if err != nil {
		return Manifest{}, fmt.Errorf("create temporary snapshot directory: %w", err)
	}
	ok := false
	defer func() {
		if !ok {
			_ = os.RemoveAll(tmp)
		}
	}()

	ra := newReadAhead(sourceReader{ctxReader{ctx, r}})
	defer ra.Close()
	fl := newFlusher()
	m, err := extractTo(ra, tmp, fl)
	if ferr := fl.wait(); err == nil {
		err = ferr
	}
	if err != nil {
		if ctx.Err() != nil {
			return Manifest{}, fmt.Errorf("extract snapshot: %w", ctx.Err())
		}
		return Manifest{}, err
	}
	sum, _, err := ra.Sum()
	if err != nil {
		return Manifest{}, err
	}
	if wantSHA256 != "" && sum != wantSHA256 {
		return Manifest{}, corrupt("the archive's SHA-256 is %s but its checksum object says %s", sum, wantSHA256)
	}
	if err := syncTree(tmp); err != nil {
		return Manifest{}, err
	}
	if err := os.Rename(tmp, destDir); err != nil {
		return Manifest{}, fmt.Errorf("move snapshot into place: %w", err)
	}
	ok = true
	// Best effort: the snapshot is in place; a failure here only weakens durability.
	_ = syncDir(parent)
	return m, nil
}

// extractTo reads the whole archive from r, writes its files under dir, handing each to fl
// to be flushed, and verifies them.
func extractTo(r io.Reader, dir string, fl *flusher) (Manifest, error) {
	br := bufio.NewReaderSize(r, 256<<10)
	magic, err := br.Peek(len(zstdMagic))
	if err != nil && !errors.Is(err, io.EOF) {
		return Manifest{}, truncated(err, "the start")
	}
	compression := CompressionNone
	var src io.Reader = br
	if bytes.Equal(magic, zstdMagic) {
		compression = CompressionZstd
		dec, err := zstd.NewReader(br, zstd.WithDecoderConcurrency(1), zstd.WithDecoderMaxWindow(64<<20))
		if err != nil {
			return Manifest{}, fmt.Errorf("start zstd: %w", err)
		}
		defer dec.Close()
		src = dec
	}
	tr := tar.NewReader(src)

	var h Manifest
	if err := nextJSON(tr, HeaderName, maxHeaderSize, &h); err != nil {
		return Manifest{}, err
	}
	if err := checkHeader(h); err != nil {
		return Manifest{}, err
	}
	if h.Compression != compression {
		return Manifest{}, corrupt("the header says compression %q but the object is %q", h.Compression, compression)
	}

	got, m, err := extractFiles(tr, dir, fl)
	if err != nil {
		return Manifest{}, err
	}
	if _, err := tr.Next(); !errors.Is(err, io.EOF) {
		return Manifest{}, corrupt("there is data after the manifest")
	}
	if err := drainZeros(src); err != nil {
		return Manifest{}, err
	}
	if compression == CompressionZstd {
		if err := drainZeros(br); err != nil {
			return Manifest{}, err
		}
	}
	if !sameMeta(h, m) {
		return Manifest{}, corrupt("the header and the manifest describe different snapshots")
	}
	if err := verifyFiles(m.Files, got); err != nil {
		return Manifest{}, err
	}
	return m, nil
}

// extractFiles writes the data entries into dir until the manifest entry, which it decodes.
// It returns the files as they were actually read.
func extractFiles(tr *tar.Reader, dir string, fl *flusher) ([]File, Manifest, error) {
	var got []File
	seen := map[string]bool{}
	buf := make([]byte, copyBufSize)
	for {
		hdr, err := tr.Next()
		if errors.Is(err, io.EOF) {
			return nil, Manifest{}, corrupt("the archive is truncated: it ends before its manifest")
		}
		if err != nil {
			return nil, Manifest{}, truncated(err, lastPath(got))
		}
		if hdr.Name == ManifestName {
			var m Manifest
			if err := decodeJSON(tr, hdr, maxManifestSize, &m); err != nil {
				return nil, Manifest{}, err
			}
			return got, m, nil
		}
		rel, err := checkEntry(hdr)
		if err != nil {
			return nil, Manifest{}, err
		}
		if seen[rel] {
			return nil, Manifest{}, corrupt("file %s appears twice", rel)
		}
		seen[rel] = true
		f, err := writeFile(tr, filepath.Join(dir, filepath.FromSlash(rel)), rel, buf, fl)
		if err != nil {
			return nil, Manifest{}, err
		}
		if f.Size != hdr.Size {
			return nil, Manifest{}, corrupt("the archive is truncated: file %s is cut short", rel)
		}
		got = append(got, f)
	}
}

// writeFile copies one entry's contents to p, hashing it, and hands the file to fl to be
// flushed to disk and closed.
func writeFile(r io.Reader, p, rel string, buf []byte, fl *flusher) (File, error) {
	if err := os.MkdirAll(filepath.Dir(p), 0o700); err != nil {
		return File{}, fmt.Errorf("extract %s: %w", rel, err)
	}
	out, err := os.OpenFile(p, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return File{}, fmt.Errorf("extract %s: %w", rel, err)
	}
	sw := NewSumWriter(destWriter{&writebackWriter{f: out}})
	n, err := io.CopyBuffer(sw, r, buf)
	if err != nil {
		out.Close()
		var de destError
		if errors.As(err, &de) {
			return File{}, fmt.Errorf("extract %s: %w", rel, de.err)
		}
		return File{}, truncated(err, rel)
	}
	fl.add(out, rel)
	return File{Path: rel, Size: n, SHA256: sw.Sum()}, nil
}

// writebackChunk is how many bytes of an extracted file are written before the kernel is
// asked to start writing them to disk.
const writebackChunk = 8 << 20

// writebackWriter writes to f and starts the disk's writeback of every writebackChunk
// bytes as they are written, so that the data reaches the disk while the network delivers
// the rest, and the flush of the finished file has little left to wait for.
type writebackWriter struct {
	f       *os.File
	off     int64 // bytes written
	started int64 // bytes whose writeback has been started
}

func (w *writebackWriter) Write(p []byte) (int, error) {
	n, err := w.f.Write(p)
	w.off += int64(n)
	if w.off-w.started >= writebackChunk {
		startWriteback(w.f, w.started, w.off-w.started)
		w.started = w.off
	}
	return n, err
}

// verifyFiles requires the manifest to list exactly the files that were read, in order,
// with the sizes and checksums that were computed.
func verifyFiles(want, got []File) error {
	for i, w := range want {
		if i >= len(got) {
			return corrupt("file %s of the manifest is missing from the archive", w.Path)
		}
		g := got[i]
		switch {
		case g.Path != w.Path:
			return corrupt("file %s is not where the manifest lists %s", g.Path, w.Path)
		case g.Size != w.Size:
			return corrupt("file %s has %d bytes but the manifest says %d", g.Path, g.Size, w.Size)
		case g.SHA256 != w.SHA256:
			return corrupt("file %s has SHA-256 %s but the manifest says %s", g.Path, g.SHA256, w.SHA256)
		}
	}
	if len(got) > len(want) {
		return corrupt("file %s is not in the manifest", got[len(want)].Path)
	}
	return nil
}

// nextJSON reads the next entry, which must be name, and decodes it into v.
func nextJSON(tr *tar.Reader, name string, limit int64, v any) error {
	hdr, err := tr.Next()
	if errors.Is(err, io.EOF) {
		return corrupt("the archive is empty or truncated")
	}
	var se sourceError
	if errors.As(err, &se) {
		return truncated(err, "the start")
	}
	if err != nil {
		return corrupt("it is not a tar stream (%v)", err)
	}
	if hdr.Name != name {
		return corrupt("the first entry is %q, not %s", hdr.Name, name)
	}
	return decodeJSON(tr, hdr, limit, v)
}

// decodeJSON decodes the JSON contents of entry hdr into v.
func decodeJSON(r io.Reader, hdr *tar.Header, limit int64, v any) error {
	if hdr.Typeflag != tar.TypeReg || hdr.Size > limit {
		return corrupt("entry %s is not a plausible JSON file", hdr.Name)
	}
	b, err := io.ReadAll(r)
	if err != nil {
		return truncated(err, hdr.Name)
	}
	if int64(len(b)) != hdr.Size {
		return corrupt("the archive is truncated: %s is cut short", hdr.Name)
	}
	if err := json.Unmarshal(b, v); err != nil {
		return corrupt("%s is not valid JSON (%v)", hdr.Name, err)
	}
	return nil
}

// drainZeros reads r to its end and requires nothing but zero bytes (tar padding).
func drainZeros(r io.Reader) error {
	buf := make([]byte, 32<<10)
	for {
		n, err := r.Read(buf)
		for _, c := range buf[:n] {
			if c != 0 {
				return corrupt("there is data after the end of the archive")
			}
		}
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return truncated(err, "the manifest")
		}
	}
}

// truncated turns an error met while decoding the archive into a corruption error, unless
// it came from the source itself (a cancellation, a network failure), which it returns as is.
func truncated(err error, where string) error {
	var se sourceError
	if errors.As(err, &se) {
		return fmt.Errorf("read archive: %w", se.err)
	}
	if errors.Is(err, io.ErrUnexpectedEOF) {
		return corrupt("the archive is truncated in %s", where)
	}
	return corrupt("unreadable data near %s (%v)", where, err)
}

// sourceError marks an error returned by the archive's source, as opposed to one found in
// its contents.
type sourceError struct{ err error }

func (e sourceError) Error() string { return e.err.Error() }
func (e sourceError) Unwrap() error { return e.err }

// sourceReader wraps every error of r but io.EOF in a sourceError.
type sourceReader struct{ r io.Reader }

func (s sourceReader) Read(p []byte) (int, error) {
	n, err := s.r.Read(p)
	if err != nil && err != io.EOF {
		err = sourceError{err}
	}
	return n, err
}

// destError marks an error of writing an extracted file (a full disk), as opposed to one
// of the archive.
type destError struct{ err error }

func (e destError) Error() string { return e.err.Error() }
func (e destError) Unwrap() error { return e.err }

// destWriter writes an extracted file and wraps every error in a destError.
type destWriter struct{ w io.Writer }

func (d destWriter) Write(p []byte) (int, error) {
	n, err := d.w.Write(p)
	if err != nil {
		err = destError{err}
	}
	return n, err
}

// lastPath returns the path of the last file read, for error messages.
func lastPath(files []File) string {
	if len(files) == 0 {
		return HeaderName
	}
	return files[len(files)-1].Path
}

// syncTree flushes the entries of directory dir and of every directory below it.
func syncTree(dir string) error {
	return filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err != nil || !d.IsDir() {
			return err
		}
		return syncDir(p)
	})
}

// syncDir flushes the entries of directory dir.
func syncDir(dir string) error {
	f, err := os.Open(dir)
	if err != nil {
		return fmt.Errorf("sync snapshot directory: %w", err)
	}
	defer f.Close()
	if err := f.Sync(); err != nil {
		return fmt.Errorf("sync snapshot directory: %w", err)
	}
	return nil
}
