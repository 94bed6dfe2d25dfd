package fs_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/clonit/clonit/internal/blob"
	"github.com/clonit/clonit/internal/blob/blobtest"
	"github.com/clonit/clonit/internal/blob/fs"
	"github.com/clonit/clonit/internal/errs"
)

func TestConformance(t *testing.T) {
	blobtest.Run(t, func(t *testing.T) blob.Store {
		s, err := fs.New(filepath.Join(t.TempDir(), "store"))
		if err != nil {
			t.Fatal(err)
		}
		return s
	})
}

func TestReservedKey(t *testing.T) {
	s, err := fs.New(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	err = s.Put(context.Background(), ".clonit-tmp/x", nil, 0)
	want := `invalid object key ".clonit-tmp/x": .clonit-tmp is reserved for unfinished writes`
	if err == nil || err.Error() != want || !errors.Is(err, errs.ErrInvalid) {
		t.Fatalf("Put error = %v, want %q", err, want)
	}
}

func TestMissingObjectMessage(t *testing.T) {
	dir := t.TempDir()
	s, err := fs.New(dir)
	if err != nil {
		t.Fatal(err)
	}
	_, err = s.Stat(context.Background(), "shop/x.tar")
	want := "no object shop/x.tar in directory " + dir + ": object does not exist"
	if err == nil || err.Error() != want || !errors.Is(err, errs.ErrNotFound) || !errors.Is(err, blob.ErrNotExist) {
		t.Fatalf("Stat error = %v, want %q (not found)", err, want)
	}
}

func TestNoTemporaryFilesLeft(t *testing.T) {
	dir := t.TempDir()
	s, err := fs.New(dir)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := s.Put(ctx, "a/b", errorsReader{}, -1); err == nil {
		t.Fatal("Put with a cancelled context succeeded")
	}
	if err := s.Put(context.Background(), "a/b", errorsReader{}, -1); err == nil {
		t.Fatal("Put from a failing reader succeeded")
	}
	left, err := os.ReadDir(filepath.Join(dir, ".clonit-tmp"))
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		t.Fatal(err)
	}
	if len(left) != 0 {
		t.Fatalf("temporary files left behind: %v", left)
	}
}

type errorsReader struct{}

func (errorsReader) Read([]byte) (int, error) { return 0, errors.New("broken source") }

func TestKeyUnderAnObject(t *testing.T) {
	s, err := fs.New(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if err := s.Put(ctx, "a/b", strings.NewReader("x"), 1); err != nil {
		t.Fatal(err)
	}
	tests := []struct{ key, want string }{
		{"a/b/c", "cannot store a/b/c: a part of the key is an object"},
		{"a", "cannot store a: other objects have keys under it"},
	}
	for _, tt := range tests {
		t.Run(tt.key, func(t *testing.T) {
			err := s.Put(ctx, tt.key, strings.NewReader("y"), 1)
			if err == nil || err.Error() != tt.want || !errors.Is(err, errs.ErrConflict) {
				t.Fatalf("Put error = %v, want %q (conflict)", err, tt.want)
			}
		})
	}
}
