package sqlite_test

import (
	"context"
	"database/sql"
	"errors"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/clonit/clonit/internal/cloud"
	"github.com/clonit/clonit/internal/cloud/store/sqlite"
	"github.com/clonit/clonit/internal/cloud/store/storetest"
	"github.com/clonit/clonit/internal/errs"
)

// open opens the database at path and closes it when the test ends.
func open(t *testing.T, path string) *sqlite.DB {
	t.Helper()
	db, err := sqlite.Open(context.Background(), path)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func TestStore(t *testing.T) {
	storetest.Run(t, func(t *testing.T) cloud.Store {
		return open(t, filepath.Join(t.TempDir(), "cloud.db"))
	})
}

// TestOwnerRaceAcrossConnections runs the owner race over two handles on one file, as two
// processes would: only SQLite's IMMEDIATE lock serializes them.
func TestOwnerRaceAcrossConnections(t *testing.T) {
	path := filepath.Join(t.TempDir(), "cloud.db")
	storetest.OwnerRace(t, open(t, path), open(t, path))
}

// TestOpenConcurrently opens one new file from several goroutines at once: every Open
// succeeds and each migration is applied once.
func TestOpenConcurrently(t *testing.T) {
	path := filepath.Join(t.TempDir(), "sub", "cloud.db")
	const n = 4
	var wg sync.WaitGroup
	errc := make(chan error, n)
	for range n {
		wg.Go(func() {
			db, err := sqlite.Open(context.Background(), path)
			if err == nil {
				err = db.Close()
			}
			errc <- err
		})
	}
	wg.Wait()
	close(errc)
	for err := range errc {
		if err != nil {
			t.Errorf("Open: %v", err)
		}
	}
	raw, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	var versions, applied int
	if err := raw.QueryRow(`SELECT count(*), count(DISTINCT version) FROM schema_migrations`).Scan(&applied, &versions); err != nil {
		t.Fatal(err)
	}
	files, _ := filepath.Glob("migrations/*.sql")
	if applied != len(files) || versions != len(files) {
		t.Errorf("schema_migrations has %d rows (%d versions), want %d", applied, versions, len(files))
	}
	if fi, err := os.Stat(path); err != nil || fi.Mode().Perm() != 0o600 {
		t.Errorf("database file mode = %v, %v; want 0600", fi.Mode().Perm(), err)
	}
}

// TestReopenKeepsData closes and reopens a database: the data is there and no migration
// runs twice.
func TestReopenKeepsData(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "cloud.db")
	db, err := sqlite.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	u, err := db.UpsertUser(ctx, cloud.User{Issuer: "https://issuer.test", Subject: "ada", Email: "ada@example.com"})
	if err != nil {
		t.Fatal(err)
	}
	db.Close()
	got, err := open(t, path).UserByID(ctx, u.ID)
	if err != nil || got.Email != "ada@example.com" {
		t.Errorf("after reopen: %+v, %v", got, err)
	}
}

func TestOpenErrors(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "file")
	if err := os.WriteFile(file, []byte("x"), 0o600); err != nil {
		t.Fatal(err)
	}
	notDB := filepath.Join(dir, "not-a-db")
	if err := os.WriteFile(notDB, []byte("this is not a SQLite database, just some text that is long enough"), 0o600); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name string
		path string
		kind error
		msg  string
	}{
		{"directory is a file", filepath.Join(file, "cloud.db"), errs.ErrUnavailable,
			"cannot create the directory of the database " + filepath.Join(file, "cloud.db") + ": check the data directory"},
		{"not a database", notDB, errs.ErrUnavailable,
			"cannot use the database " + notDB + ": check the data directory"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			db, err := sqlite.Open(context.Background(), tc.path)
			if err == nil {
				db.Close()
				t.Fatalf("Open succeeded")
			}
			if !errors.Is(err, tc.kind) || errs.Public(err, "") != tc.msg {
				t.Errorf("Open = %v (public %q), want %v %q", err, errs.Public(err, ""), tc.kind, tc.msg)
			}
		})
	}
}

// TestRacesAcrossConnections race join code redemptions, rate limit counts and sign-in state over two
// handles on one file, as two processes would.
func TestRacesAcrossConnections(t *testing.T) {
	path := filepath.Join(t.TempDir(), "cloud.db")
	a, b := open(t, path), open(t, path)
	storetest.JoinCodeRace(t, a, b)
	storetest.RateLimitRace(t, a, b)
	storetest.OAuthStateRace(t, a, b)
}
