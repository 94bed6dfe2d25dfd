package blobstore

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/clonit/clonit/internal/blob"
	"github.com/clonit/clonit/internal/blob/fs"
	"github.com/clonit/clonit/internal/errs"
)

// MountPath is where the server serves the local store's signed URLs.
const MountPath = "/blob/"

// The two kinds of paths under MountPath: whole objects and parts of multipart uploads.
const (
	objectPrefix = MountPath + "o/"
	partPrefix   = MountPath + "p/"
)

// Local is the embedded managed storage: objects in a directory, and URLs signed by the
// server and served by it (ServeHTTP, mounted at MountPath).
type Local struct {
	*fs.Store           // the objects, under dir/objects
	parts     *fs.Store // parts of multipart uploads, under dir/parts
	sign      signer
	base      string // the server's public URL, or "" for URLs relative to it

	mu     sync.Mutex
	chains map[string]*chain // multipart uploads seen by this process, by upload ID (chain.go)
}

var _ Store = (*Local)(nil)

// NewLocal returns the local store in dir, signing URLs with key. baseURL is the server's
// public URL (http://host:port); when empty, URLs are relative to the server and clients
// resolve them against the URL they reach it at.
func NewLocal(dir string, key []byte, baseURL string) (*Local, error) {
	if len(key) < 16 {
		return nil, fmt.Errorf("the URL signing key must have at least 16 bytes")
	}
	objects, err := fs.New(filepath.Join(dir, "objects"))
	if err != nil {
		return nil, err
	}
	parts, err := fs.New(filepath.Join(dir, "parts"))
	if err != nil {
		return nil, err
	}
	return &Local{
		Store:  objects,
		parts:  parts,
		sign:   signer{key: key, now: time.Now},
		base:   strings.TrimSuffix(baseURL, "/"),
		chains: map[string]*chain{},
	}, nil
}

// PresignPut returns a URL that accepts one PUT of the object at key until expiry.
func (l *Local) PresignPut(_ context.Context, key string, expiry time.Duration) (string, error) {
	return l.presign("PUT", objectPrefix, key, expiry)
}

// PresignGet returns a URL that serves the object at key until expiry, with Range support.
func (l *Local) PresignGet(_ context.Context, key string, expiry time.Duration) (string, error) {
	return l.presign("GET", objectPrefix, key, expiry)
}

// presign signs method on prefix+key.
func (l *Local) presign(method, prefix, key string, expiry time.Duration) (string, error) {
	if err := blob.CheckKey(key); err != nil {
		return "", err
	}
	if err := checkExpiry(expiry); err != nil {
		return "", err
	}
	return l.base + l.sign.sign(method, prefix+key, expiry), nil
}

// CreateMultipart starts a multipart upload to key: a marker that binds the upload to key.
func (l *Local) CreateMultipart(ctx context.Context, key string) (string, error) {
	if err := blob.CheckKey(key); err != nil {
		return "", err
	}
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	id := hex.EncodeToString(b)
	if err := l.parts.Put(ctx, markerKey(id), strings.NewReader(key), int64(len(key))); err != nil {
		return "", fmt.Errorf("start multipart upload: %w", err)
	}
	return id, nil
}

// PresignPart returns a URL that accepts one PUT of part number of the upload.
func (l *Local) PresignPart(ctx context.Context, key, uploadID string, number int, expiry time.Duration) (string, error) {
	if err := checkPart(number); err != nil {
		return "", err
	}
	if err := l.checkUpload(ctx, key, uploadID); err != nil {
		return "", err
	}
	return l.presign("PUT", partPrefix, partKey(uploadID, number), expiry)
}

// CompleteMultipart assembles parts 1..parts into the object and drops the upload. When
// the parts came in order this is a rename (chain.go).
func (l *Local) CompleteMultipart(ctx context.Context, key, uploadID string, parts int) error {
	if err := l.checkUpload(ctx, key, uploadID); err != nil {
		return err
	}
	if parts < 1 || parts > MaxParts {
		return errs.Invalid("a multipart upload has 1 to %d parts, not %d", MaxParts, parts)
	}
	c, err := l.claim(uploadID)
	if err != nil {
		return err
	}
	if c == nil {
		return errs.Conflict("a part of multipart upload %s is still being received: complete once every part is sent", uploadID)
	}
	err = l.assemble(ctx, key, uploadID, c, parts)
	l.release(c)
	if err != nil {
		return err
	}
	return l.AbortMultipart(ctx, key, uploadID)
}

// AbortMultipart drops the upload's parts and marker. An unknown upload is not an error.
func (l *Local) AbortMultipart(ctx context.Context, key, uploadID string) error {
	if err := checkUploadID(uploadID); err != nil {
		return err
	}
	if err := l.checkUpload(ctx, key, uploadID); errors.Is(err, errs.ErrNotFound) {
		return nil
	} else if err != nil {
		return err
	}
	infos, err := l.parts.List(ctx, uploadID+"/")
	if err != nil {
		return fmt.Errorf("abort multipart upload: %w", err)
	}
	for _, info := range infos {
		if err := l.parts.Delete(ctx, info.Key); err != nil {
			return fmt.Errorf("abort multipart upload: %w", err)
		}
	}
	for _, k := range []string{dataKey(uploadID), journalKey(uploadID)} {
		if err := l.parts.Delete(ctx, k); err != nil {
			return fmt.Errorf("abort multipart upload: %w", err)
		}
	}
	l.forget(uploadID)
	return l.parts.Delete(ctx, markerKey(uploadID))
}

// putObject stores the object at key from r (size bytes, or -1 when unknown), hashing it
// as it is written and recording the digest on the object (digest.go).
func (l *Local) putObject(ctx context.Context, key string, r io.Reader, size int64) error {
	if err := blob.CheckKey(key); err != nil {
		return err
	}
	h := sha256.New()
	return l.Store.PutFlushed(ctx, key, io.TeeReader(r, h), size, func(f *os.File) { recordDigest(f, h.Sum(nil)) })
}

// storedDigest returns the size and SHA-256 that the store recorded when it wrote the
// object at key, if that record still holds.
func (l *Local) storedDigest(_ context.Context, key string) (int64, string, bool) {
	p, err := l.Store.Path(key)
	if err != nil {
		return 0, "", false
	}
	return storedDigest(p)
}

// checkUpload confirms that the upload exists and is bound to key.
func (l *Local) checkUpload(ctx context.Context, key, uploadID string) error {
	if err := checkUploadID(uploadID); err != nil {
		return err
	}
	rc, err := l.parts.Open(ctx, markerKey(uploadID))
	if errors.Is(err, blob.ErrNotExist) {
		return errs.NotFound("no multipart upload %s", uploadID)
	}
	if err != nil {
		return err
	}
	defer rc.Close()
	b, err := io.ReadAll(io.LimitReader(rc, 4096))
	if err != nil {
		return fmt.Errorf("read multipart upload %s: %w", uploadID, err)
	}
	if string(b) != key {
		return errs.NotFound("no multipart upload %s", uploadID)
	}
	return nil
}

// checkUploadID rejects upload IDs that CreateMultipart cannot have made.
func checkUploadID(id string) error {
	if len(id) != 32 || strings.Trim(id, "0123456789abcdef") != "" {
		return errs.NotFound("no multipart upload %s", id)
	}
	return nil
}

// markerKey is the key of the object that binds an upload to its key.
func markerKey(uploadID string) string { return uploadID + ".key" }

// partKey is the key of part number of an upload.
func partKey(uploadID string, number int) string {
	return uploadID + "/" + strconv.Itoa(number)
}
