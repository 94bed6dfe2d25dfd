package sqlite

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/clonit/clonit/internal/engine"
	"github.com/clonit/clonit/internal/errs"
)

// Restore replaces the database file at dst with the copy in dir, atomically.
func (e *Engine) Restore(ctx context.Context, dir, dst string, opts engine.Options) error {
	src := filepath.Join(dir, FileName)
	in, err := os.Open(src)
	if err != nil {
		return fmt.Errorf("open snapshot: %w", err)
	}
	defer in.Close()
	st, err := in.Stat()
	if err != nil {
		return fmt.Errorf("open snapshot: %w", err)
	}
	return replace(dst, opts.Source, func(tmp *os.File) error {
		if opts.Progress != nil {
			opts.Progress(0, st.Size())
		}
		r := &countingReader{ctx: ctx, r: in, total: st.Size(), report: opts.Progress}
		if _, err := io.Copy(tmp, r); err != nil {
			return fmt.Errorf("copy snapshot: %w", err)
		}
		return nil
	})
}

// LoadSQL replaces the database file at dst with a new database made by running file.
func (e *Engine) LoadSQL(ctx context.Context, file, dst string, opts engine.Options) error {
	script, err := os.ReadFile(file)
	if errors.Is(err, os.ErrNotExist) {
		return errs.NotFound("SQL file %s does not exist", file)
	}
	if err != nil {
		return fmt.Errorf("read %s: %w", file, err)
	}
	return replace(dst, opts.Source, func(tmp *os.File) error {
		if opts.Progress != nil {
			opts.Progress(0, int64(len(script)))
		}
		db, err := open(tmp.Name())
		if err != nil {
			return err
		}
		defer db.Close()
		if _, err := db.ExecContext(ctx, string(script)); err != nil {
			return errs.Wrap(errs.ErrInvalid, err, "%s failed to run; nothing was changed", file)
		}
		if err := db.Close(); err != nil {
			return fmt.Errorf("close new database: %w", err)
		}
		if opts.Progress != nil {
			opts.Progress(int64(len(script)), int64(len(script)))
		}
		return nil
	})
}

// replace builds a new database file beside dst with fill, then renames it over dst. The
// stale journal files of the old database go first so they are never applied to the new
// one. On failure dst is untouched and the temporary file is removed.
func replace(dst, source string, fill func(tmp *os.File) error) error {
	path, err := Path(dst)
	if err != nil {
		return err
	}
	if source != "" {
		if sp, err := Path(source); err == nil && samePath(sp, path) {
			return errs.Invalid("dst_url %s is the target's source database; clonit never writes to a source: set another dst_url with `clonit targets edit`", path)
		}
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return fmt.Errorf("create directory of %s: %w", path, err)
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".clonit-*")
	if err != nil {
		return fmt.Errorf("create temporary file beside %s: %w", path, err)
	}
	defer os.Remove(tmp.Name())
	if err := fill(tmp); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return fmt.Errorf("sync %s: %w", tmp.Name(), err)
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	for _, suffix := range []string{"-wal", "-shm", "-journal"} {
		if err := os.Remove(path + suffix); err != nil && !errors.Is(err, os.ErrNotExist) {
			return fmt.Errorf("remove %s: %w", path+suffix, err)
		}
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("replace %s: %w", path, err)
	}
	return nil
}

// samePath reports whether a and b are the same file (or the same path, when either is
// missing).
func samePath(a, b string) bool {
	sa, errA := os.Stat(a)
	sb, errB := os.Stat(b)
	if errA == nil && errB == nil {
		return os.SameFile(sa, sb)
	}
	return filepath.Clean(a) == filepath.Clean(b)
}

// countingReader reports the bytes read through it (when report is set) and stops when ctx is done.
type countingReader struct {
	ctx    context.Context
	r      io.Reader
	n      int64
	total  int64
	report func(done, total int64)
}

func (c *countingReader) Read(p []byte) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, err
	}
	n, err := c.r.Read(p)
	c.n += int64(n)
	if c.report != nil {
		c.report(c.n, max(c.total, c.n))
	}
	return n, err
}
