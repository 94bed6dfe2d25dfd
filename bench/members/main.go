// Command members benchmarks an authenticated GET of the members list of an org with 1,000
// members, on SQLite and on PostgreSQL, next to /healthz served by the same process in the
// same run: the ratio between the two is the cost of authentication, authorization and
// the query. GET /api/v1/me (authentication and one small query) is measured too, to tell
// the cost of signing in apart from that of the list. It is a program, not a test: run it with `go run ./bench/members` (or
// `make bench`).
//
// The PostgreSQL run needs a server where it may create a database: -postgres, or
// CLONIT_TEST_POSTGRES_URL as `make test` sets it; without either it is skipped.
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"runtime/pprof"
	"time"

	"github.com/clonit/clonit/bench/internal/loadgen"
	"github.com/clonit/clonit/internal/cloud"
	"github.com/clonit/clonit/internal/cloud/authz"
	"github.com/clonit/clonit/internal/cloud/identity/selftoken"
	"github.com/clonit/clonit/internal/cloud/identity/signing"
	"github.com/clonit/clonit/internal/cloud/server"
	"github.com/clonit/clonit/internal/cloud/store/postgres"
	"github.com/clonit/clonit/internal/cloud/store/sqlite"
	"github.com/clonit/clonit/internal/testutil"
)

func main() {
	members := flag.Int("members", 1000, "members of the org")
	duration := flag.Duration("d", 5*time.Second, "how long each measurement runs")
	workers := flag.String("c", "1,4", "concurrent clients, comma-separated: one measurement each")
	pgURL := flag.String("postgres", os.Getenv(testutil.EnvPostgresURL), "admin URL of a PostgreSQL server to create the benchmark database on (empty skips PostgreSQL)")
	cpuProfile := flag.String("cpuprofile", "", "write a CPU profile of the whole run to this file")
	flag.Parse()
	loadgen.Child()
	if *cpuProfile != "" {
		f, err := os.Create(*cpuProfile)
		if err != nil {
			loadgen.Fail(err)
		}
		if err := pprof.StartCPUProfile(f); err != nil {
			loadgen.Fail(err)
		}
		defer pprof.StopCPUProfile()
	}
	conc := loadgen.Concurrency(*workers)
	ctx := context.Background()
	fmt.Printf("GET /api/v1/orgs/{org}/members with %d members vs GET /healthz, same server process, load generator: %s, %s per measurement\n\n", *members, loadgen.Where(), *duration)
	fmt.Printf("%-9s %3s  %-8s %10s %9s %9s\n", "store", "c", "route", "req/s", "p50 ms", "p99 ms")

	dir, err := os.MkdirTemp("", "clonit-bench-")
	if err != nil {
		loadgen.Fail(err)
	}
	defer os.RemoveAll(dir)
	st, err := sqlite.Open(ctx, filepath.Join(dir, "cloud.db"))
	if err != nil {
		loadgen.Fail(err)
	}
	run(ctx, "sqlite", st, filepath.Join(dir, "sqlite"), *members, *duration, conc)
	st.Close()

	if *pgURL == "" {
		fmt.Println("\npostgres: skipped (give -postgres or set " + testutil.EnvPostgresURL + ")")
		return
	}
	dbURL, drop, err := loadgen.CreateDatabase(ctx, *pgURL)
	if err != nil {
		loadgen.Fail(err)
	}
	defer drop()
	pg, err := postgres.Open(ctx, dbURL)
	if err != nil {
		loadgen.Fail(err)
	}
	run(ctx, "postgres", pg, filepath.Join(dir, "postgres"), *members, *duration, conc)
	pg.Close()
}

// run seeds st, serves it (its key file and blobs in dataDir), and measures both routes at each concurrency.
func run(ctx context.Context, name string, st cloud.Store, dataDir string, members int, d time.Duration, conc []int) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		loadgen.Fail(err)
	}
	cfg := server.Config{Addr: ln.Addr().String(), DataDir: dataDir, LogFormat: "text", LogLevel: "error"}
	if err := cfg.Validate(); err != nil {
		loadgen.Fail(err)
	}
	token, err := seed(ctx, st, cfg.PublicURL, members)
	if err != nil {
		loadgen.Fail(fmt.Errorf("%s: seed: %w", name, err))
	}
	srv, err := server.New(ctx, cfg, st, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		loadgen.Fail(err)
	}
	sctx, stop := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() { done <- srv.Serve(sctx, ln) }()
	defer func() { stop(); <-done }()

	base := cfg.PublicURL
	for _, c := range conc {
		health := loadgen.Measure(base+"/healthz", "", c, d)
		me := loadgen.Measure(base+"/api/v1/me", token, c, d)
		list := loadgen.Measure(base+"/api/v1/orgs/bench/members", token, c, d)
		fmt.Printf("%-9s %3d  %-8s %10.0f %9.2f %9.2f\n", name, c, "healthz", health.RPS, loadgen.MS(health.P50), loadgen.MS(health.P99))
		fmt.Printf("%-9s %3d  %-8s %10.0f %9.2f %9.2f   ratio: %.1fx fewer req/s, p99 %.1fx\n", name, c, "me", me.RPS, loadgen.MS(me.P50), loadgen.MS(me.P99),
			health.RPS/me.RPS, float64(me.P99)/float64(health.P99))
		fmt.Printf("%-9s %3d  %-8s %10.0f %9.2f %9.2f   ratio: %.1fx fewer req/s, p99 %.1fx\n", name, c, "members", list.RPS, loadgen.MS(list.P50), loadgen.MS(list.P99),
			health.RPS/list.RPS, float64(list.P99)/float64(health.P99))
	}
}

// seed creates the org "bench" with members people and returns a token of its owner.
func seed(ctx context.Context, st cloud.Store, issuer string, members int) (string, error) {
	owner, err := st.UpsertUser(ctx, cloud.User{Issuer: issuer, Subject: "owner", Email: "owner@example.com", Name: "Owner", Groups: []string{"leads"}})
	if err != nil {
		return "", err
	}
	org := cloud.Org{Slug: "bench", Name: "Bench", Plan: "free"}
	if err := st.CreateOrg(ctx, &org, owner.ID); err != nil {
		return "", err
	}
	roles := []authz.Role{authz.Viewer, authz.Member, authz.Member, authz.Member, authz.Admin}
	err = st.InOrgTx(ctx, org.ID, func(tx cloud.Store) error {
		for i := 1; i < members; i++ {
			u, err := tx.UpsertUser(ctx, cloud.User{Issuer: issuer, Subject: fmt.Sprintf("p%04d", i),
				Email: fmt.Sprintf("person%04d@example.com", i), Name: fmt.Sprintf("Person %04d", i),
				Groups: []string{"team-" + fmt.Sprint(i%10), "all"}})
			if err != nil {
				return err
			}
			if err := tx.AddMember(ctx, org.ID, u.ID, roles[i%len(roles)]); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return "", err
	}
	key, err := signing.Load(ctx, st)
	if err != nil {
		return "", err
	}
	tokens, err := selftoken.New(key, selftoken.Config{SelfIssuer: issuer})
	if err != nil {
		return "", err
	}
	return tokens.Issue(selftoken.Identity{Subject: "owner", Email: "owner@example.com", Name: "Owner", Groups: []string{"leads"}}, time.Hour)
}
