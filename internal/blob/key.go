package blob

import (
	"strings"

	"github.com/clonit/clonit/internal/errs"
)

// CheckKey enforces the key rules of the Store contract, so that every backend refuses the
// same keys with the same errs.ErrInvalid message: a key is non-empty, relative,
// slash-separated, and holds no NUL byte and no empty, "." or ".." element.
func CheckKey(key string) error {
	bad := key == "" || strings.HasPrefix(key, "/") || strings.ContainsRune(key, 0)
	if !bad {
		for el := range strings.SplitSeq(key, "/") {
			if el == "" || el == "." || el == ".." {
				bad = true
				break
			}
		}
	}
	if bad {
		return errs.Invalid("invalid object key %q: a key is a relative, slash-separated path with no empty, \".\" or \"..\" elements", key)
	}
	return nil
}
