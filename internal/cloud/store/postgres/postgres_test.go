package postgres_test

import (
	"context"
	"errors"
	"net/url"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/clonit/clonit/internal/cloud"
	"github.com/clonit/clonit/internal/cloud/store/postgres"
	"github.com/clonit/clonit/internal/cloud/store/storetest"
	"github.com/clonit/clonit/internal/errs"
	"github.com/clonit/clonit/internal/testutil"
)

// open opens the database at url and closes it when the test ends.
func open(t *testing.T, dbURL string) *postgres.DB {
	t.Helper()
	db, err := postgres.Open(context.Background(), dbURL)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func TestStore(t *testing.T) {
	storetest.Run(t, func(t *testing.T) cloud.Store {
		return open(t, testutil.NewPostgresDB(t))
	})
}

// TestOwnerRaceAcrossPools runs the owner race over two pools on one database, as two
// processes would: only the org's row lock serializes them.
func TestOwnerRaceAcrossPools(t *testing.T) {
	dbURL := testutil.NewPostgresDB(t)
	storetest.OwnerRace(t, open(t, dbURL), open(t, dbURL))
}

// TestOpenConcurrently opens one fresh database from several goroutines at once, as
// processes starting together would: every Open succeeds and each migration is applied once.
func TestOpenConcurrently(t *testing.T) {
	dbURL := testutil.NewPostgresDB(t)
	const n = 4
	var wg sync.WaitGroup
	errc := make(chan error, n)
	for range n {
		wg.Go(func() {
			db, err := postgres.Open(context.Background(), dbURL)
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
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, dbURL)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	var rows, versions int
	if err := conn.QueryRow(ctx, `SELECT count(*), count(DISTINCT version) FROM schema_migrations`).Scan(&rows, &versions); err != nil {
		t.Fatal(err)
	}
	files, _ := filepath.Glob("migrations/*.sql")
	if rows != len(files) || versions != len(files) {
		t.Errorf("schema_migrations has %d rows (%d versions), want %d", rows, versions, len(files))
	}
}

// TestOpenErrors checks that a database that cannot be used gives a clear error that names
// where it looked and never shows the password.
func TestOpenErrors(t *testing.T) {
	const password = "s3cr3t-Pa55word"
	admin := testutil.PostgresAdminURL(t)
	u, err := url.Parse(admin)
	if err != nil {
		t.Fatal(err)
	}
	port := u.Port()
	if port == "" {
		port = "5432"
	}
	server := u.Hostname() + ":" + port
	cases := []struct {
		name string
		url  string
		kind error
		msg  string
	}{
		{"unreachable port", "postgres://clonit:" + password + "@127.0.0.1:1/clonit?sslmode=disable", errs.ErrUnavailable,
			"cannot connect to PostgreSQL at 127.0.0.1:1/clonit (connection refused): check the database URL and that the server is running"},
		{"missing database", testutil.WithDatabase(admin, "clonit_no_such_db"), errs.ErrUnavailable,
			`cannot connect to PostgreSQL at ` + server + `/clonit_no_such_db (database "clonit_no_such_db" does not exist): check the database URL and that the server is running`},
		{"malformed URL", "postgres://clonit:" + password + "@127.0.0.1:notaport/clonit", errs.ErrInvalid,
			"the database URL is not a valid PostgreSQL URL: use postgres://user:password@host:port/database"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			db, err := postgres.Open(context.Background(), tc.url)
			if err == nil {
				db.Close()
				t.Fatalf("Open succeeded")
			}
			if !errors.Is(err, tc.kind) || errs.Public(err, "") != tc.msg {
				t.Errorf("Open = %v\npublic %q\nwant %v %q", err, errs.Public(err, ""), tc.kind, tc.msg)
			}
			if strings.Contains(err.Error(), password) {
				t.Errorf("the error shows the password: %v", err)
			}
		})
	}
}

// TestRacesAcrossPools race join code redemptions, rate limit counts and sign-in state over two pools on
// one database, as two processes would.
func TestRacesAcrossPools(t *testing.T) {
	dbURL := testutil.NewPostgresDB(t)
	a, b := open(t, dbURL), open(t, dbURL)
	storetest.JoinCodeRace(t, a, b)
	storetest.RateLimitRace(t, a, b)
	storetest.OAuthStateRace(t, a, b)
}
