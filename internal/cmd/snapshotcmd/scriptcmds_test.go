package snapshotcmd_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/credentials"
	"github.com/rogpeppe/go-internal/testscript"

	"github.com/clonit/clonit/internal/engine/enginetest"
	"github.com/clonit/clonit/internal/testutil"
)

// scriptCmds are the script commands that set up and compare databases and storage.
var scriptCmds = map[string]func(ts *testscript.TestScript, neg bool, args []string){
	// newpgdb VAR...: create an empty database for each VAR, dropped when the script ends,
	// and set VAR to its URL.
	"newpgdb": func(ts *testscript.TestScript, neg bool, args []string) {
		admin := ts.Getenv(testutil.EnvPostgresURL)
		for _, v := range args {
			name := testutil.RandomName("clonit_script_")
			ts.Check(pgExec(admin, "CREATE DATABASE "+name))
			ts.Defer(func() { _ = pgExec(admin, "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)") })
			ts.Setenv(v, testutil.WithDatabase(admin, name))
		}
	},
	// newbucket VAR: create a MinIO bucket, emptied and removed when the script ends, and
	// set VAR to its name.
	"newbucket": func(ts *testscript.TestScript, neg bool, args []string) {
		c, err := minioClient(ts)
		ts.Check(err)
		name := strings.ReplaceAll(testutil.RandomName("clonit-script-"), "_", "-")
		ts.Check(c.MakeBucket(context.Background(), name, minio.MakeBucketOptions{}))
		ts.Defer(func() {
			ctx := context.Background()
			for o := range c.ListObjects(ctx, name, minio.ListObjectsOptions{Recursive: true}) {
				_ = c.RemoveObject(ctx, name, o.Key, minio.RemoveObjectOptions{})
			}
			_ = c.RemoveBucket(ctx, name)
		})
		ts.Setenv(args[0], name)
	},
	// pwserver: set PW_URL to a database of a server that demands a password, with the
	// right password, BADPW_URL to the same with a wrong one, and BADPW to that wrong password.
	"pwserver": func(ts *testscript.TestScript, neg bool, args []string) {
		s, err := enginetest.StartPasswordServer()
		ts.Check(err)
		const bad = "Wr0ngPassw0rd"
		ts.Setenv("PW_URL", s.URL)
		ts.Setenv("BADPW_URL", strings.Replace(s.URL, s.Password, bad, 1))
		ts.Setenv("BADPW", bad)
	},
	// pgfixture URL ROWS: fill the database with the fixture, ROWS rows in its large table.
	"pgfixture": func(ts *testscript.TestScript, neg bool, args []string) {
		rows, err := strconv.Atoi(args[1])
		ts.Check(err)
		ts.Check(enginetest.LoadPostgresFixture(context.Background(), args[0], rows))
	},
	// samepg A B: the two databases have the same schema (pg_dump --schema-only) and rows.
	"samepg": func(ts *testscript.TestScript, neg bool, args []string) {
		diff, err := enginetest.SamePostgres(context.Background(), args[0], args[1])
		ts.Check(err)
		if (diff == "") == neg {
			ts.Fatalf("databases: %s", strings.TrimSpace(diff+" (no difference)"))
		}
	},
	// pgrows URL: print an ordered checksum of every table's rows, one table a line.
	"pgrows": func(ts *testscript.TestScript, neg bool, args []string) {
		rows, err := enginetest.PostgresRows(context.Background(), args[0])
		ts.Check(err)
		var lines []string
		for k, v := range rows {
			lines = append(lines, k+" "+v)
		}
		sort.Strings(lines)
		fmt.Fprintln(ts.Stdout(), strings.Join(lines, "\n"))
	},
	// sqlitefixture PATH ROWS: create the SQLite fixture database file.
	"sqlitefixture": func(ts *testscript.TestScript, neg bool, args []string) {
		rows, err := strconv.Atoi(args[1])
		ts.Check(err)
		ts.Check(enginetest.LoadSQLiteFixture(context.Background(), ts.MkAbs(args[0]), rows))
	},
	// samesqlite A B: the two SQLite files have the same schema and rows.
	"samesqlite": func(ts *testscript.TestScript, neg bool, args []string) {
		a, err := enginetest.SQLiteDump(context.Background(), ts.MkAbs(args[0]))
		ts.Check(err)
		b, err := enginetest.SQLiteDump(context.Background(), ts.MkAbs(args[1]))
		ts.Check(err)
		if (a == b) == neg {
			ts.Fatalf("SQLite databases: same=%t\n%s\n%s", a == b, a, b)
		}
	},
	// corrupt GLOB: flip the bits of the byte in the middle of every file GLOB matches.
	"corrupt": func(ts *testscript.TestScript, neg bool, args []string) {
		files, err := filepath.Glob(ts.MkAbs(args[0]))
		ts.Check(err)
		if len(files) == 0 {
			ts.Fatalf("corrupt: no file matches %s", args[0])
		}
		for _, p := range files {
			b, err := os.ReadFile(p)
			ts.Check(err)
			b[len(b)/2] ^= 0xff
			ts.Check(os.WriteFile(p, b, 0o600))
		}
	},
}

// pgExec runs one statement on the database at url.
func pgExec(url, sql string) error {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	c, err := pgx.Connect(ctx, url)
	if err != nil {
		return err
	}
	defer c.Close(ctx)
	_, err = c.Exec(ctx, sql)
	return err
}

// minioClient connects to the test MinIO.
func minioClient(ts *testscript.TestScript) (*minio.Client, error) {
	return minio.New(ts.Getenv(testutil.EnvS3Endpoint), &minio.Options{
		Creds: credentials.NewStaticV4(ts.Getenv(testutil.EnvS3AccessKey), ts.Getenv(testutil.EnvS3SecretKey), ""),
	})
}
