package snapshot

import (
	"archive/tar"
	"strings"
)

// checkEntry returns the snapshot-relative path of a data entry, or an error when the entry
// is not a regular file under data/ with a safe path (docs/snapshot-format.md, Path safety).
func checkEntry(hdr *tar.Header) (string, error) {
	if hdr.Name == HeaderName {
		return "", corrupt("%s appears twice", HeaderName)
	}
	if hdr.Typeflag != tar.TypeReg && hdr.Typeflag != tar.TypeRegA {
		return "", corrupt("entry %q is not a regular file (links, directories and special files are refused)", hdr.Name)
	}
	rel, ok := strings.CutPrefix(hdr.Name, dataDir)
	if !ok {
		return "", corrupt("unexpected entry %q", hdr.Name)
	}
	if !safePath(rel) {
		return "", corrupt("entry %q has an unsafe path", hdr.Name)
	}
	if hdr.Size < 0 {
		return "", corrupt("entry %q has a negative size", hdr.Name)
	}
	return rel, nil
}

// safePath reports whether p is non-empty, relative and slash-separated, with no empty, "."
// or ".." element, no backslash and no NUL byte.
func safePath(p string) bool {
	if p == "" || strings.ContainsAny(p, "\\\x00") {
		return false
	}
	for _, el := range strings.Split(p, "/") {
		if el == "" || el == "." || el == ".." {
			return false
		}
	}
	return true
}
