// Package fs is a blob.Store in a local directory: one file per object, written to a
// temporary file, flushed and renamed into place so that readers never see a partial object.
package fs

import (
	"context"
	"errors"
	"fmt"
	"io"
	iofs "io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"syscall"

	"github.com/clonit/clonit/internal/blob"
	"github.com/clonit/clonit/internal/errs"
)

// tmpDir is the directory under the root where unfinished writes live until their rename.
const tmpDir = ".clonit-tmp"

// Store is a blob.Store rooted at a local directory.
type Store struct {
	root string
}

var _ blob.Store = (*Store)(nil)

// New returns a Store rooted at dir, creating the directory (mode 0700) when missing.
func New(dir string) (*Store, error) {
	if dir == "" {
		return nil, errs.Invalid("the local storage directory is empty: set the storage profile's bucket to a directory")
	}
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, fmt.Errorf("resolve storage directory: %w", err)
	}
	if err := os.MkdirAll(abs, 0o700); err != nil {
		return nil, errs.Wrap(errs.ErrUnavailable, err, "cannot create the storage directory %s", abs)
	}
	return &Store{root: abs}, nil
}

// Root returns the absolute path of the store's directory.
func (s *Store) Root() string { return s.root }

// path returns the file of key.
func (s *Store) path(key string) string { return filepath.Join(s.root, filepath.FromSlash(key)) }

// notExist returns the error of a missing key.
func (s *Store) notExist(key string) error {
	return errs.Wrap(errs.ErrNotFound, blob.ErrNotExist, "no object %s in directory %s", key, s.root)
}

// isNotExist reports whether err says a path, or one of its parents, is missing.
func isNotExist(err error) bool {
	return errors.Is(err, iofs.ErrNotExist) || errors.Is(err, syscall.ENOTDIR)
}

// Put writes the object from r to a temporary file, flushes it and renames it to key.
func (s *Store) Put(ctx context.Context, key string, r io.Reader, size int64) error {
	return s.PutFlushed(ctx, key, r, size, nil)
}

// PutFlushed is Put with flushed, when not nil, called on the temporary file once its data
// is on disk and before it takes the key's place, so that what it records there comes with
// the object (the cloud's store notes the object's digest that way).
func (s *Store) PutFlushed(ctx context.Context, key string, r io.Reader, size int64, flushed func(*os.File)) (err error) {
	if err := checkKey(key); err != nil {
		return err
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	f, err := s.TempFile()
	if err != nil {
		return fmt.Errorf("put %s: %w", key, err)
	}
	defer func() {
		if err != nil {
			_ = f.Close()
			_ = os.Remove(f.Name())
		}
	}()
	if _, err := CopyExact(ctx, f, r, size); err != nil {
		return fmt.Errorf("put %s: %w", key, err)
	}
	if err := f.Sync(); err != nil {
		return fmt.Errorf("put %s: %w", key, err)
	}
	if flushed != nil {
		flushed(f)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("put %s: %w", key, err)
	}
	return s.PutFile(ctx, key, f.Name())
}

// TempFile creates an empty file in the store's directory of unfinished writes: on the
// same file system as the objects, so that PutFile can rename it into place.
func (s *Store) TempFile() (*os.File, error) {
	tmp := filepath.Join(s.root, tmpDir)
	if err := os.MkdirAll(tmp, 0o700); err != nil {
		return nil, err
	}
	return os.CreateTemp(tmp, "put-*")
}

// PutFile makes the finished file at path, which the caller has flushed to disk and which
// must be on the store's file system (TempFile), the object at key, replacing any: one
// rename, so readers see the old object or the new one, never part of it. On failure the
// file stays at path, for the caller to remove.
func (s *Store) PutFile(ctx context.Context, key, path string) error {
	if err := checkKey(key); err != nil {
		return err
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	final := s.path(key)
	if err := s.rename(path, final); err != nil {
		if errors.Is(err, syscall.ENOTDIR) {
			return errs.Conflict("cannot store %s: a part of the key is an object", key)
		}
		if errors.Is(err, syscall.EEXIST) || errors.Is(err, syscall.EISDIR) || errors.Is(err, syscall.ENOTEMPTY) {
			return errs.Conflict("cannot store %s: other objects have keys under it", key)
		}
		return fmt.Errorf("put %s: %w", key, err)
	}
	return syncDir(filepath.Dir(final))
}

// Path returns the file that holds, or would hold, the object at key.
func (s *Store) Path(key string) (string, error) {
	if err := checkKey(key); err != nil {
		return "", err
	}
	return s.path(key), nil
}

// rename moves the finished file into place, creating its parent directories. It retries
// when a concurrent Delete removes a parent directory between the two steps.
func (s *Store) rename(from, to string) error {
	var err error
	for range 5 {
		if err = os.MkdirAll(filepath.Dir(to), 0o700); err != nil {
			return err
		}
		if err = os.Rename(from, to); err == nil || !errors.Is(err, iofs.ErrNotExist) {
			return err
		}
	}
	return err
}

// CopyExact copies r to w until ctx is done and returns how many bytes it copied; when
// size is not -1, r must hold exactly size bytes.
func CopyExact(ctx context.Context, w io.Writer, r io.Reader, size int64) (int64, error) {
	r = ctxReader{ctx, r}
	buf := make([]byte, 1<<20)
	if size < 0 {
		return io.CopyBuffer(w, r, buf)
	}
	n, err := io.CopyBuffer(w, io.LimitReader(r, size), buf)
	if err != nil {
		return n, err
	}
	if n != size {
		return n, fmt.Errorf("the reader ended after %d of %d bytes", n, size)
	}
	if m, _ := r.Read(buf[:1]); m > 0 {
		return n, fmt.Errorf("the reader holds more than the %d bytes announced", size)
	}
	return n, nil
}

// Open returns the object's file.
func (s *Store) Open(ctx context.Context, key string) (io.ReadCloser, error) {
	if err := checkKey(key); err != nil {
		return nil, err
	}
	f, err := os.Open(s.path(key))
	if isNotExist(err) {
		return nil, s.notExist(key)
	}
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", key, err)
	}
	if st, err := f.Stat(); err != nil || !st.Mode().IsRegular() {
		_ = f.Close()
		return nil, s.notExist(key)
	}
	return f, nil
}

// Stat returns the object's size and modification time.
func (s *Store) Stat(ctx context.Context, key string) (blob.Info, error) {
	if err := checkKey(key); err != nil {
		return blob.Info{}, err
	}
	st, err := os.Stat(s.path(key))
	if isNotExist(err) || (err == nil && !st.Mode().IsRegular()) {
		return blob.Info{}, s.notExist(key)
	}
	if err != nil {
		return blob.Info{}, fmt.Errorf("stat %s: %w", key, err)
	}
	return blob.Info{Key: key, Size: st.Size(), ModTime: st.ModTime()}, nil
}

// Delete removes the object and the directories it leaves empty. A missing key is not an error.
func (s *Store) Delete(ctx context.Context, key string) error {
	if err := checkKey(key); err != nil {
		return err
	}
	p := s.path(key)
	st, err := os.Lstat(p)
	if isNotExist(err) || (err == nil && st.IsDir()) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("delete %s: %w", key, err)
	}
	if err := os.Remove(p); err != nil && !isNotExist(err) {
		return fmt.Errorf("delete %s: %w", key, err)
	}
	for dir := filepath.Dir(p); dir != s.root && strings.HasPrefix(dir, s.root); dir = filepath.Dir(dir) {
		if os.Remove(dir) != nil {
			break // not empty, or already gone
		}
	}
	return syncDir(filepath.Dir(p))
}

// List returns the objects whose keys start with prefix, sorted by key.
func (s *Store) List(ctx context.Context, prefix string) ([]blob.Info, error) {
	start := s.root
	if i := strings.LastIndex(prefix, "/"); i >= 0 {
		dir := prefix[:i]
		if checkKey(dir) != nil {
			return nil, nil // no valid key lies under an invalid directory
		}
		start = s.path(dir)
	}
	var out []blob.Info
	err := filepath.WalkDir(start, func(p string, d iofs.DirEntry, err error) error {
		if err != nil {
			if isNotExist(err) {
				return nil
			}
			return err
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		rel, _ := filepath.Rel(s.root, p)
		key := filepath.ToSlash(rel)
		if d.IsDir() {
			if key == tmpDir {
				return filepath.SkipDir
			}
			return nil
		}
		if !d.Type().IsRegular() || !strings.HasPrefix(key, prefix) {
			return nil
		}
		info, err := d.Info()
		if isNotExist(err) {
			return nil // deleted while listing
		}
		if err != nil {
			return err
		}
		out = append(out, blob.Info{Key: key, Size: info.Size(), ModTime: info.ModTime()})
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("list %q: %w", prefix, err)
	}
	slices.SortFunc(out, func(a, b blob.Info) int { return strings.Compare(a.Key, b.Key) })
	return out, nil
}

// syncDir flushes a directory's entries to disk.
func syncDir(dir string) error {
	f, err := os.Open(dir)
	if err != nil {
		if isNotExist(err) {
			return nil
		}
		return fmt.Errorf("sync %s: %w", dir, err)
	}
	defer f.Close()
	if err := f.Sync(); err != nil {
		return fmt.Errorf("sync %s: %w", dir, err)
	}
	return nil
}

// ctxReader fails reads once ctx is done, so that a cancelled Put stops copying.
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
