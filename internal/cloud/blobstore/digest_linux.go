package blobstore

import (
	"errors"
	"syscall"
)

// digestAttr is the extended attribute in which the local store keeps the SHA-256 it
// computed while writing an object.
const digestAttr = "user.clonit.digest"

// setAttr sets the digest attribute of the file at path. It fails where the file system
// has no user attributes; the digest is then computed by reading the object back.
func setAttr(path string, value []byte) error {
	return syscall.Setxattr(path, digestAttr, value, 0)
}

// getAttr returns the digest attribute of the file at path, or nil when it has none.
func getAttr(path string) ([]byte, error) {
	buf := make([]byte, 256)
	n, err := syscall.Getxattr(path, digestAttr, buf)
	if errors.Is(err, syscall.ENODATA) || errors.Is(err, syscall.ENOTSUP) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return buf[:n], nil
}
