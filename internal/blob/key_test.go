package blob_test

import (
	"errors"
	"testing"

	"github.com/clonit/clonit/internal/blob"
	"github.com/clonit/clonit/internal/errs"
)

func TestCheckKey(t *testing.T) {
	cases := []struct {
		name string
		key  string
		ok   bool
	}{
		{"plain", "a", true},
		{"nested", "team/db/snap-1.clonit", true},
		{"dots inside names", "a..b/.c", true},
		{"empty", "", false},
		{"absolute", "/a", false},
		{"trailing slash", "a/", false},
		{"double slash", "a//b", false},
		{"dot element", "a/./b", false},
		{"dotdot element", "../a", false},
		{"nul byte", "a\x00b", false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			err := blob.CheckKey(tc.key)
			if tc.ok {
				if err != nil {
					t.Fatalf("CheckKey(%q) = %v, want nil", tc.key, err)
				}
				return
			}
			if !errors.Is(err, errs.ErrInvalid) {
				t.Fatalf("CheckKey(%q) = %v, want an errs.ErrInvalid error", tc.key, err)
			}
		})
	}
}
