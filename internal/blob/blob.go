// Package blob is the storage contract every snapshot store honours: a flat namespace of
// immutable objects addressed by slash-separated keys. Implementations: fs (a local
// directory) and s3 (any S3-compatible service). blobtest holds the conformance suite that
// both must pass.
package blob

import (
	"context"
	"errors"
	"io"
	"time"
)

// ErrNotExist is returned (wrapped) by Open and Stat for a key that holds no object.
var ErrNotExist = errors.New("object does not exist")

// Info describes a stored object.
type Info struct {
	Key     string
	Size    int64
	ModTime time.Time
}

// Store is a blob store. The contract, checked by blobtest:
//   - Put writes the whole object from r or nothing: until Put returns nil, readers see the
//     previous object or ErrNotExist, never a partial one. A failed or cancelled Put leaves
//     no object and no parts behind. Put of an existing key replaces it. size is the exact
//     length when known, or -1 (the store then streams in parts of bounded memory).
//   - Open returns a reader of the whole object; Stat its Info. Both return an error that
//     errors.Is(err, ErrNotExist) for a missing key.
//   - Delete removes the object; deleting a missing key is not an error (idempotent).
//   - List returns the objects whose keys start with prefix, sorted by key.
//   - Keys are non-empty, relative, slash-separated and contain no empty, "." or ".."
//     elements; other keys are refused with errs.ErrInvalid. A key is never also a
//     directory of other keys ("a" and "a/b"): a store may refuse the second with
//     errs.ErrConflict, since a local directory cannot hold both.
//   - All methods are safe for concurrent use.
type Store interface {
	Put(ctx context.Context, key string, r io.Reader, size int64) error
	Open(ctx context.Context, key string) (io.ReadCloser, error)
	Stat(ctx context.Context, key string) (Info, error)
	Delete(ctx context.Context, key string) error
	List(ctx context.Context, prefix string) ([]Info, error)
}
