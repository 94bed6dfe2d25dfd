package blobstore

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"syscall"
)

// RecordedDigest returns the size and SHA-256 that the local store s recorded while writing
// the object at key, if that record still holds; recordable says whether the file system
// of dir keeps the record at all (user extended attributes), so that a test can tell a
// record that was never written from one a file system cannot hold.
func RecordedDigest(s Store, dir, key string) (size int64, sum string, ok, recordable bool) {
	probe := filepath.Join(dir, ".xattr-probe")
	if err := os.WriteFile(probe, nil, 0o600); err == nil {
		err = setAttr(probe, []byte("x"))
		recordable = !errors.Is(err, syscall.ENOTSUP) && !errors.Is(err, errors.ErrUnsupported)
		_ = os.Remove(probe)
	}
	size, sum, ok = s.(digester).storedDigest(context.Background(), key)
	return size, sum, ok, recordable
}
