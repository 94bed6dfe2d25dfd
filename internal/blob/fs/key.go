package fs

import (
	"strings"

	"github.com/clonit/clonit/internal/blob"
	"github.com/clonit/clonit/internal/errs"
)

// checkKey enforces the key rules of the blob.Store contract, plus the one reserved name
// of this store (its directory of unfinished writes).
func checkKey(key string) error {
	if err := blob.CheckKey(key); err != nil {
		return err
	}
	if key == tmpDir || strings.HasPrefix(key, tmpDir+"/") {
		return errs.Invalid("invalid object key %q: %s is reserved for unfinished writes", key, tmpDir)
	}
	return nil
}
