// Package blobstore is Clonit Cloud's managed storage of snapshot objects: a blob.Store
// that also hands out short-lived presigned URLs, so that agents move the bytes directly
// to and from storage while the cloud only keeps the catalog. Two implementations pass the
// one suite in blobstoretest:
//
//   - Local, the embedded default: objects in a directory of the cloud's data directory,
//     and URLs that the server signs itself (HMAC-SHA256 bound to one object, one method
//     and an expiry) and serves under MountPath.
//   - S3, for production: any S3-compatible bucket, with its own presigned URLs, including
//     presigned parts of multipart uploads.
package blobstore

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"time"

	"github.com/clonit/clonit/internal/blob"
	"github.com/clonit/clonit/internal/errs"
)

// Store is managed storage. On top of blob.Store:
//   - PresignPut and PresignGet return a URL that allows one method on one object until
//     expiry, to anyone who holds it and with no other credential.
//   - A multipart upload collects parts numbered from 1, each PUT to its own presigned URL;
//     CompleteMultipart assembles parts 1..parts, in order, into the object, from what
//     storage holds (never from the client's word); a missing part is an error of kind
//     errs.ErrInvalid. AbortMultipart drops the parts; aborting an unknown upload is not an
//     error. Neither completes nor aborts an upload of another key.
//   - Until CompleteMultipart returns nil the object does not exist.
type Store interface {
	blob.Store
	PresignPut(ctx context.Context, key string, expiry time.Duration) (string, error)
	PresignGet(ctx context.Context, key string, expiry time.Duration) (string, error)
	CreateMultipart(ctx context.Context, key string) (uploadID string, err error)
	PresignPart(ctx context.Context, key, uploadID string, number int, expiry time.Duration) (string, error)
	CompleteMultipart(ctx context.Context, key, uploadID string, parts int) error
	AbortMultipart(ctx context.Context, key, uploadID string) error
}

// Part limits of S3's multipart uploads, which the local store keeps too so that both
// behave alike: parts of at least MinPartSize (but the last), at most MaxParts parts.
const (
	MinPartSize = 5 << 20
	MaxParts    = 10000
)

// DefaultPartSize is the part size of multipart uploads unless told otherwise: objects up
// to this size go in one PUT.
const DefaultPartSize = 64 << 20

// Range is one part of a planned multipart upload.
type Range struct {
	Number int // from 1
	Offset int64
	Size   int64
}

// Plan splits an object of size bytes into parts of partSize (grown when the object would
// need more than MaxParts). It returns nil when the object fits in one PUT.
func Plan(size, partSize int64) []Range {
	partSize = max(partSize, MinPartSize)
	if size <= partSize {
		return nil
	}
	if n := (size + partSize - 1) / partSize; n > MaxParts {
		partSize = (size + MaxParts - 1) / MaxParts
	}
	var out []Range
	for off, n := int64(0), 1; off < size; off, n = off+partSize, n+1 {
		out = append(out, Range{Number: n, Offset: off, Size: min(partSize, size-off)})
	}
	return out
}

// Digest returns the size and lowercase hex SHA-256 of the object at key: what storage
// actually holds, whatever the uploader claimed. It reads the object back, unless the store
// computed the digest itself while it wrote the object and the object is still as it was
// then (the local store does, digest.go).
func Digest(ctx context.Context, s blob.Store, key string) (int64, string, error) {
	if d, ok := s.(digester); ok {
		if n, sum, ok := d.storedDigest(ctx, key); ok {
			return n, sum, nil
		}
	}
	rc, err := s.Open(ctx, key)
	if err != nil {
		return 0, "", err
	}
	defer rc.Close()
	h := sha256.New()
	n, err := io.CopyBuffer(h, ctxReader{ctx, rc}, make([]byte, 1<<20))
	if err != nil {
		return 0, "", errs.Wrap(errs.ErrUnavailable, err, "cannot read the uploaded object back from storage: try again")
	}
	return n, hex.EncodeToString(h.Sum(nil)), nil
}

// digester is a store that may know the digest of an object without reading it.
type digester interface {
	storedDigest(ctx context.Context, key string) (int64, string, bool)
}

// ctxReader stops reading once ctx ends.
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

// checkPart rejects a part number outside 1..MaxParts.
func checkPart(number int) error {
	if number < 1 || number > MaxParts {
		return errs.Invalid("part number %d is outside 1..%d", number, MaxParts)
	}
	return nil
}

// errMissingPart reports a multipart upload completed without one of its parts.
func errMissingPart(number, parts int) error {
	return errs.Invalid("part %d of %d was never uploaded: upload every part, then complete", number, parts)
}

// checkExpiry rejects an expiry that is not a positive duration of at most a week (the
// longest S3 allows for a presigned URL).
func checkExpiry(d time.Duration) error {
	if d <= 0 || d > 7*24*time.Hour {
		return fmt.Errorf("presigned URL expiry %v is outside (0, 7 days]", d)
	}
	return nil
}
