// Package snapshot is the archive format of docs/snapshot-format.md: it streams a snapshot
// directory into one tar object with a manifest of per-file SHA-256 sums, and extracts and
// verifies such an object. It does no storage I/O of its own and imports nothing of the
// project but errs.
package snapshot

import (
	"fmt"
	"time"

	"github.com/clonit/clonit/internal/errs"
)

// Format identifies a clonit snapshot archive in its header and manifest.
const Format = "clonit-snapshot"

// Version is the newest archive format version this package writes and reads.
const Version = 1

// Compression values of Meta.Compression.
const (
	CompressionNone = "none"
	CompressionZstd = "zstd"
)

// Entry names of the archive.
const (
	HeaderName   = "clonit-snapshot.json"
	ManifestName = "clonit-manifest.json"
	dataDir      = "data/"
)

// Meta describes a snapshot. Everything here travels in the archive's header and manifest.
type Meta struct {
	Name          string    `json:"name"`
	Target        string    `json:"target"`
	Type          string    `json:"type"`
	Engine        string    `json:"engine"`
	ServerVersion string    `json:"server_version,omitempty"`
	Created       time.Time `json:"created"`
	Source        string    `json:"source,omitempty"`
	// Compression is how Write compresses the archive: "" or CompressionNone (the default,
	// since pg_dump's output is already compressed) or CompressionZstd.
	Compression string `json:"compression"`
}

// File is one file of a snapshot: its slash-separated path relative to the snapshot
// directory, its size and the lowercase hex SHA-256 of its contents.
type File struct {
	Path   string `json:"path"`
	Size   int64  `json:"size"`
	SHA256 string `json:"sha256"`
}

// Manifest is the archive's table of contents: the format version, the snapshot's Meta and
// its files in archive order. The header entry is the same object without Files.
type Manifest struct {
	Format  string `json:"format"`
	Version int    `json:"version"`
	Meta
	Files []File `json:"files,omitempty"`
}

// Size returns the total size of the manifest's files.
func (m Manifest) Size() int64 {
	var n int64
	for _, f := range m.Files {
		n += f.Size
	}
	return n
}

// validate checks the fields a writer must fill in and normalises the compression.
func (m *Meta) validate() error {
	if m.Compression == "" {
		m.Compression = CompressionNone
	}
	switch {
	case m.Name == "":
		return errs.Invalid("snapshot metadata has no name")
	case m.Target == "":
		return errs.Invalid("snapshot %s has no target", m.Name)
	case m.Type == "":
		return errs.Invalid("snapshot %s has no type", m.Name)
	case m.Engine == "":
		return errs.Invalid("snapshot %s has no engine", m.Name)
	case m.Created.IsZero():
		return errs.Invalid("snapshot %s has no creation time", m.Name)
	case m.Compression != CompressionNone && m.Compression != CompressionZstd:
		return errs.Invalid("unknown archive compression %q: use %q or %q", m.Compression, CompressionNone, CompressionZstd)
	}
	return nil
}

// checkHeader refuses a header of another format or of a version this reader does not know.
func checkHeader(h Manifest) error {
	if h.Format != Format {
		return corrupt("it is not a clonit snapshot archive (format %q)", h.Format)
	}
	if h.Version > Version {
		return errs.E(errs.ErrInvalid, "the snapshot archive has format version %d but this clonit reads versions up to %d: upgrade clonit to use it", h.Version, Version)
	}
	if h.Version < 1 {
		return corrupt("invalid format version %d", h.Version)
	}
	if h.Compression != CompressionNone && h.Compression != CompressionZstd {
		return corrupt("unknown compression %q", h.Compression)
	}
	return nil
}

// sameMeta reports whether the header and the manifest describe the same snapshot.
func sameMeta(h, m Manifest) bool {
	return h.Format == m.Format && h.Version == m.Version &&
		h.Name == m.Name && h.Target == m.Target && h.Type == m.Type &&
		h.Engine == m.Engine && h.ServerVersion == m.ServerVersion &&
		h.Created.Equal(m.Created) && h.Source == m.Source && h.Compression == m.Compression
}

// corrupt returns an error of kind errs.ErrInvalid saying the archive is damaged.
func corrupt(format string, args ...any) error {
	return errs.Invalid("snapshot archive is corrupt: %s; push the snapshot again", fmt.Sprintf(format, args...))
}
