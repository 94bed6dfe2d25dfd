package snapshot

import (
	"archive/tar"
	"bufio"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"hash"
	"io"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/klauspost/compress/zstd"

	"github.com/clonit/clonit/internal/errs"
)

// copyBufSize is the buffer used to copy file contents in both directions.
const copyBufSize = 1 << 20

// Write streams the snapshot directory dir to w as an archive (docs/snapshot-format.md),
// reading every file once and hashing each. It returns the manifest it wrote and the number
// of bytes written to w. It does not hash the archive as a whole: the caller does, where it
// costs least (NewSumReader at the other end of a pipe puts that hash on another core; Sum
// does this). Memory use does not depend on the size of the files. Only regular files and
// directories may be in dir: anything else is refused.
func Write(ctx context.Context, w io.Writer, dir string, meta Meta) (Manifest, int64, error) {
	return write(ctx, w, dir, meta, nil)
}

// WriteKnown writes the archive of the snapshot directory dir again, with the manifest m
// that Write, Stream or Sum returned for it, without hashing the files: the same bytes, as
// long as no file changed since. A file added, removed or resized is an error; a file
// changed in place is not noticed here, so the caller must compare the archive's SHA-256
// with the first one, or have the receiver do so (the cloud checks every upload).
func WriteKnown(ctx context.Context, w io.Writer, dir string, m Manifest) (int64, error) {
	known := m.Files
	if known == nil {
		known = []File{}
	}
	_, n, err := write(ctx, w, dir, m.Meta, known)
	return n, err
}

// write is Write, or WriteKnown when known is not nil.
func write(ctx context.Context, w io.Writer, dir string, meta Meta, known []File) (Manifest, int64, error) {
	if err := meta.validate(); err != nil {
		return Manifest{}, 0, err
	}
	m := Manifest{Format: Format, Version: Version, Meta: meta}
	m.Created = m.Created.UTC()

	cw := &countWriter{w: ctxWriter{ctx, w}}
	bw := bufio.NewWriterSize(cw, 256<<10)
	var out io.Writer = bw
	var enc *zstd.Encoder
	if m.Compression == CompressionZstd {
		var err error
		enc, err = zstd.NewWriter(bw, zstd.WithEncoderConcurrency(1), zstd.WithWindowSize(8<<20))
		if err != nil {
			return Manifest{}, 0, fmt.Errorf("start zstd: %w", err)
		}
		out = enc
	}
	aw := &archiveWriter{tw: tar.NewWriter(out), m: &m, buf: make([]byte, copyBufSize), known: known}

	if err := aw.writeJSON(HeaderName, m); err != nil {
		return Manifest{}, 0, err
	}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return fmt.Errorf("read snapshot directory: %w", err)
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		if d.IsDir() {
			return nil
		}
		rel, err := filepath.Rel(dir, p)
		if err != nil {
			return err
		}
		rel = filepath.ToSlash(rel)
		if !d.Type().IsRegular() {
			return errs.Invalid("snapshot file %s is not a regular file (links and special files cannot be archived)", rel)
		}
		return aw.writeFile(ctx, p, rel)
	})
	if err != nil {
		return Manifest{}, 0, err
	}
	if known != nil && len(m.Files) != len(known) {
		return Manifest{}, 0, changed()
	}
	if err := aw.writeJSON(ManifestName, m); err != nil {
		return Manifest{}, 0, err
	}
	if err := aw.tw.Close(); err != nil {
		return Manifest{}, 0, fmt.Errorf("finish archive: %w", err)
	}
	if enc != nil {
		if err := enc.Close(); err != nil {
			return Manifest{}, 0, fmt.Errorf("finish zstd: %w", err)
		}
	}
	if err := bw.Flush(); err != nil {
		return Manifest{}, 0, fmt.Errorf("write archive: %w", err)
	}
	return m, cw.n, nil
}

// countWriter counts the bytes its writer accepted.
type countWriter struct {
	w io.Writer
	n int64
}

func (c *countWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += int64(n)
	return n, err
}

// archiveWriter writes entries of one archive and records files in its manifest.
type archiveWriter struct {
	tw  *tar.Writer
	m   *Manifest
	buf []byte
	// known, when not nil, are the files as a first pass found them: they are written
	// without hashing and must come again in the same order with the same sizes.
	known []File
}

// changed is the error of WriteKnown when the directory is not as the first pass found it.
func changed() error {
	return errs.Conflict("the snapshot's files changed while it was being pushed: push again")
}

// header returns a tar header for a regular file entry with the archive's fixed attributes.
func (a *archiveWriter) header(name string, size int64) *tar.Header {
	return &tar.Header{
		Typeflag: tar.TypeReg,
		Name:     name,
		Size:     size,
		Mode:     0o644,
		ModTime:  a.m.Created,
	}
}

// writeJSON writes v as the entry name.
func (a *archiveWriter) writeJSON(name string, v any) error {
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return fmt.Errorf("encode %s: %w", name, err)
	}
	b = append(b, '\n')
	if err := a.tw.WriteHeader(a.header(name, int64(len(b)))); err != nil {
		return fmt.Errorf("write %s: %w", name, err)
	}
	if _, err := a.tw.Write(b); err != nil {
		return fmt.Errorf("write %s: %w", name, err)
	}
	return nil
}

// writeFile writes the file at p as data/rel, hashing it on the way.
func (a *archiveWriter) writeFile(ctx context.Context, p, rel string) error {
	f, err := os.Open(p)
	if err != nil {
		return fmt.Errorf("open snapshot file: %w", err)
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return fmt.Errorf("stat snapshot file: %w", err)
	}
	if !st.Mode().IsRegular() {
		return errs.Invalid("snapshot file %s is not a regular file (links and special files cannot be archived)", rel)
	}
	if a.known != nil {
		if i := len(a.m.Files); i >= len(a.known) || a.known[i].Path != rel || a.known[i].Size != st.Size() {
			return changed()
		}
	}
	if err := a.tw.WriteHeader(a.header(dataDir+rel, st.Size())); err != nil {
		return fmt.Errorf("write archive entry %s: %w", rel, err)
	}
	var h hash.Hash
	dst := io.Writer(a.tw)
	if a.known == nil {
		h = sha256.New()
		dst = io.MultiWriter(a.tw, h)
	}
	n, err := io.CopyBuffer(dst, io.LimitReader(ctxReader{ctx, f}, st.Size()), a.buf)
	if err != nil {
		return fmt.Errorf("archive %s: %w", rel, err)
	}
	if n != st.Size() {
		return fmt.Errorf("archive %s: %w", rel, errors.New("the file shrank while it was being archived"))
	}
	if h == nil {
		a.m.Files = append(a.m.Files, a.known[len(a.m.Files)])
		return nil
	}
	a.m.Files = append(a.m.Files, File{Path: rel, Size: n, SHA256: hex.EncodeToString(h.Sum(nil))})
	return nil
}
