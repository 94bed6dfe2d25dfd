package blobstore

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"strconv"
	"strings"
)

// The local store hashes every object while it writes it and records the SHA-256 on the
// object's file (an extended attribute), so that completing an upload need not read the
// whole object back. The record names the file's size and modification time as they were
// once its bytes were on disk, and counts only while both still hold: the digest is of
// what storage holds, computed by the server from the bytes it wrote, never the
// uploader's word. Where the file system keeps no such attribute, Digest reads the object
// back.

// recordDigest records on the finished, flushed file f the SHA-256 sum of its contents. A
// failure only costs a read of the object later.
func recordDigest(f *os.File, sum []byte) {
	st, err := f.Stat()
	if err != nil {
		return
	}
	v := fmt.Sprintf("%x %d %d", sum, st.Size(), st.ModTime().UnixNano())
	_ = setAttr(f.Name(), []byte(v))
}

// storedDigest returns the size and SHA-256 recorded on the file at path, if it has a
// record that still holds.
func storedDigest(path string) (int64, string, bool) {
	f, err := os.Open(path)
	if err != nil {
		return 0, "", false
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil || !st.Mode().IsRegular() {
		return 0, "", false
	}
	v, err := getAttr(path)
	if err != nil || v == nil {
		return 0, "", false
	}
	if again, err := os.Stat(path); err != nil || !os.SameFile(st, again) {
		return 0, "", false // replaced meanwhile
	}
	fields := strings.Fields(string(v))
	if len(fields) != 3 || len(fields[0]) != 2*sha256.Size {
		return 0, "", false
	}
	if _, err := hex.DecodeString(fields[0]); err != nil {
		return 0, "", false
	}
	size, err1 := strconv.ParseInt(fields[1], 10, 64)
	mtime, err2 := strconv.ParseInt(fields[2], 10, 64)
	if err1 != nil || err2 != nil || size != st.Size() || mtime != st.ModTime().UnixNano() {
		return 0, "", false
	}
	return size, fields[0], true
}
