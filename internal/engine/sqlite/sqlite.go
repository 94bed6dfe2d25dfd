// Package sqlite is the SQLite engine. It needs no external tool: a dump is a consistent copy
// taken with VACUUM INTO (a read transaction, so writers of the source go on undisturbed), and
// a restore writes the copy to a temporary file beside the destination and renames it into
// place, so readers see the old database or the new one, never a mix.
package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"

	_ "modernc.org/sqlite" // registers the "sqlite" database/sql driver

	"github.com/clonit/clonit/internal/engine"
	"github.com/clonit/clonit/internal/errs"
)

// Name is the db_type of SQLite targets.
const Name = "sqlite"

// FileName is the database file inside a snapshot directory.
const FileName = "database.sqlite"

// busyTimeout is how long a statement waits for a writer's lock before giving up.
const busyTimeout = 30 * time.Second

// Engine is the SQLite engine. The zero value is ready to use.
type Engine struct{}

// New returns the SQLite engine.
func New() *Engine { return &Engine{} }

// Name returns "sqlite".
func (*Engine) Name() string { return Name }

// Path returns the file path of a SQLite target URL: sqlite:///abs/path.db, sqlite:rel.db,
// file:path.db, or a bare path. Any ?query is dropped.
func Path(u string) (string, error) {
	p := u
	for _, prefix := range []string{"sqlite://", "sqlite3://", "sqlite:", "sqlite3:", "file://", "file:"} {
		if strings.HasPrefix(p, prefix) {
			p = strings.TrimPrefix(p, prefix)
			break
		}
	}
	if i := strings.IndexByte(p, '?'); i >= 0 {
		p = p[:i]
	}
	if unescaped, err := url.PathUnescape(p); err == nil {
		p = unescaped
	}
	if p == "" {
		return "", errs.Invalid("%q names no SQLite file; use sqlite:///path/to/file.db", u)
	}
	return filepath.Abs(p)
}

// open opens the database file at path with a busy timeout.
func open(path string) (*sql.DB, error) {
	dsn := "file:" + (&url.URL{Path: path}).EscapedPath() +
		fmt.Sprintf("?_pragma=busy_timeout(%d)", busyTimeout.Milliseconds())
	db, err := sql.Open("sqlite", dsn)
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	db.SetMaxOpenConns(1)
	return db, nil
}

// openExisting opens the SQLite database at the target URL u, which must exist.
func openExisting(u string) (*sql.DB, string, error) {
	path, err := Path(u)
	if err != nil {
		return nil, "", err
	}
	st, err := os.Stat(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil, "", errs.NotFound("SQLite database %s does not exist; check the target's src_url", path)
	}
	if err != nil {
		return nil, "", errs.Wrap(errs.ErrUnavailable, err, "cannot read SQLite database %s", path)
	}
	if st.IsDir() {
		return nil, "", errs.Invalid("%s is a directory, not a SQLite database", path)
	}
	db, err := open(path)
	if err != nil {
		return nil, "", err
	}
	return db, path, nil
}

// Check opens the database at u and reads SQLite's version and the database's size.
func (e *Engine) Check(ctx context.Context, u string) (engine.Info, error) {
	db, path, err := openExisting(u)
	if err != nil {
		return engine.Info{}, err
	}
	defer db.Close()
	return describe(ctx, db, path)
}

// describe reads the library version and the database size.
func describe(ctx context.Context, db *sql.DB, path string) (engine.Info, error) {
	info := engine.Info{Engine: Name}
	var pages, pageSize int64
	err := db.QueryRowContext(ctx, "SELECT sqlite_version(), (SELECT page_count FROM pragma_page_count), (SELECT page_size FROM pragma_page_size)").
		Scan(&info.ServerVersion, &pages, &pageSize)
	if err != nil {
		return engine.Info{}, errs.Wrap(errs.ErrInvalid, err, "%s is not a readable SQLite database", path)
	}
	info.DataSize = pages * pageSize
	return info, nil
}

// Dump writes a consistent copy of the database at src to dir/database.sqlite.
func (e *Engine) Dump(ctx context.Context, src, dir string, opts engine.Options) (engine.Info, error) {
	db, path, err := openExisting(src)
	if err != nil {
		return engine.Info{}, err
	}
	defer db.Close()
	info, err := describe(ctx, db, path)
	if err != nil {
		return engine.Info{}, err
	}
	if err := os.Mkdir(dir, 0o700); err != nil {
		return engine.Info{}, fmt.Errorf("create snapshot directory: %w", err)
	}
	out := filepath.Join(dir, FileName)
	stop := watchSize(out, info.DataSize, opts.Progress)
	_, err = db.ExecContext(ctx, "VACUUM INTO ?", out)
	stop(err == nil)
	if err != nil {
		return engine.Info{}, fmt.Errorf("copy %s: %w", path, err)
	}
	if err := syncFile(out); err != nil {
		return engine.Info{}, err
	}
	return info, nil
}

// watchSize reports the growing size of the file at path against total until the returned
// stop is called; stop(true) reports completion.
func watchSize(path string, total int64, report func(done, total int64)) (stop func(done bool)) {
	if report == nil {
		return func(bool) {}
	}
	report(0, total)
	quit := make(chan struct{})
	finished := make(chan struct{})
	go func() {
		defer close(finished)
		t := time.NewTicker(200 * time.Millisecond)
		defer t.Stop()
		for {
			select {
			case <-quit:
				return
			case <-t.C:
				if st, err := os.Stat(path); err == nil {
					report(min(st.Size(), total), max(total, st.Size()))
				}
			}
		}
	}()
	return func(done bool) {
		close(quit)
		<-finished
		if done {
			if st, err := os.Stat(path); err == nil {
				report(st.Size(), st.Size())
			}
		}
	}
}

// syncFile flushes the file at path to stable storage.
func syncFile(path string) error {
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	if err != nil {
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return fmt.Errorf("sync %s: %w", path, err)
	}
	return f.Close()
}
