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
	"net/http"
	"os"
	"path/filepath"
	"runtime/pprof"
	"slices"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"

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
	if *loadURL != "" {
		runChild()
		return
	}
	if *cpuProfile != "" {
		f, err := os.Create(*cpuProfile)
		if err != nil {
			fail(err)
		}
		if err := pprof.StartCPUProfile(f); err != nil {
			fail(err)
		}
		defer pprof.StopCPUProfile()
	}
	var conc []int
	for _, s := range splitComma(*workers) {
		var n int
		if _, err := fmt.Sscan(s, &n); err != nil || n < 1 {
			fail(fmt.Errorf("-c: %q is not a positive number", s))
		}
		conc = append(conc, n)
	}
	ctx := context.Background()
	fmt.Printf("GET /api/v1/orgs/{org}/members with %d members vs GET /healthz, same server process, load generator: %s, %s per measurement\n\n", *members, *client, *duration)
	fmt.Printf("%-9s %3s  %-8s %10s %9s %9s\n", "store", "c", "route", "req/s", "p50 ms", "p99 ms")

	dir, err := os.MkdirTemp("", "clonit-bench-")
	if err != nil {
		fail(err)
	}
	defer os.RemoveAll(dir)
	st, err := sqlite.Open(ctx, filepath.Join(dir, "cloud.db"))
	if err != nil {
		fail(err)
	}
	run(ctx, "sqlite", st, filepath.Join(dir, "sqlite"), *members, *duration, conc)
	st.Close()

	if *pgURL == "" {
		fmt.Println("\npostgres: skipped (give -postgres or set " + testutil.EnvPostgresURL + ")")
		return
	}
	dbURL, drop, err := createDatabase(ctx, *pgURL)
	if err != nil {
		fail(err)
	}
	defer drop()
	pg, err := postgres.Open(ctx, dbURL)
	if err != nil {
		fail(err)
	}
	run(ctx, "postgres", pg, filepath.Join(dir, "postgres"), *members, *duration, conc)
	pg.Close()
}

// run seeds st, serves it (its key file and blobs in dataDir), and measures both routes at each concurrency.
func run(ctx context.Context, name string, st cloud.Store, dataDir string, members int, d time.Duration, conc []int) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		fail(err)
	}
	cfg := server.Config{Addr: ln.Addr().String(), DataDir: dataDir, LogFormat: "text", LogLevel: "error"}
	if err := cfg.Validate(); err != nil {
		fail(err)
	}
	token, err := seed(ctx, st, cfg.PublicURL, members)
	if err != nil {
		fail(fmt.Errorf("%s: seed: %w", name, err))
	}
	srv, err := server.New(ctx, cfg, st, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		fail(err)
	}
	sctx, stop := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() { done <- srv.Serve(sctx, ln) }()
	defer func() { stop(); <-done }()

	base := cfg.PublicURL
	for _, c := range conc {
		health := measure(base+"/healthz", "", c, d)
		me := measure(base+"/api/v1/me", token, c, d)
		list := measure(base+"/api/v1/orgs/bench/members", token, c, d)
		fmt.Printf("%-9s %3d  %-8s %10.0f %9.2f %9.2f\n", name, c, "healthz", health.rps, ms(health.p50), ms(health.p99))
		fmt.Printf("%-9s %3d  %-8s %10.0f %9.2f %9.2f   ratio: %.1fx fewer req/s, p99 %.1fx\n", name, c, "me", me.rps, ms(me.p50), ms(me.p99),
			health.rps/me.rps, float64(me.p99)/float64(health.p99))
		fmt.Printf("%-9s %3d  %-8s %10.0f %9.2f %9.2f   ratio: %.1fx fewer req/s, p99 %.1fx\n", name, c, "members", list.rps, ms(list.p50), ms(list.p99),
			health.rps/list.rps, float64(list.p99)/float64(health.p99))
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

// result is one measurement.
type result struct {
	rps      float64
	p50, p99 time.Duration
}

// load sends GET url from c clients for d (after a short warm-up) and returns the rate
// and latency percentiles. Any answer but 200 aborts the run.
func load(url, token string, c int, d time.Duration) result {
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: c, MaxConnsPerHost: c}}
	one := func() time.Duration {
		req, _ := http.NewRequest("GET", url, nil)
		if token != "" {
			req.Header.Set("Authorization", "Bearer "+token)
		}
		start := time.Now()
		resp, err := client.Do(req)
		if err != nil {
			fail(err)
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			fail(fmt.Errorf("GET %s = %d", url, resp.StatusCode))
		}
		return time.Since(start)
	}
	// The warm-up runs c clients too, so that the measurement finds as many connections
	// open, to the server and from it to the database, with their statements prepared.
	run := func(d time.Duration) ([]time.Duration, time.Duration) {
		var mu sync.Mutex
		var all []time.Duration
		var wg sync.WaitGroup
		start := time.Now()
		end := start.Add(d)
		for range c {
			wg.Add(1)
			go func() {
				defer wg.Done()
				var mine []time.Duration
				for time.Now().Before(end) {
					mine = append(mine, one())
				}
				mu.Lock()
				all = append(all, mine...)
				mu.Unlock()
			}()
		}
		wg.Wait()
		return all, time.Since(start)
	}
	run(d / 5)
	all, took := run(d)
	slices.Sort(all)
	return result{rps: float64(len(all)) / took.Seconds(), p50: pct(all, 50), p99: pct(all, 99)}
}

func pct(sorted []time.Duration, p int) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	return sorted[(len(sorted)-1)*p/100]
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

// createDatabase creates a fresh database on the server at admin and returns its URL and
// a function that drops it.
func createDatabase(ctx context.Context, admin string) (string, func(), error) {
	name := testutil.RandomName("clonit_bench_")
	conn, err := pgx.Connect(ctx, admin)
	if err != nil {
		return "", nil, fmt.Errorf("connect to PostgreSQL at %s: %w", server.RedactURL(admin), err)
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, "CREATE DATABASE "+name); err != nil {
		return "", nil, fmt.Errorf("create the benchmark database: %w", err)
	}
	drop := func() {
		c, err := pgx.Connect(context.Background(), admin)
		if err != nil {
			return
		}
		defer c.Close(context.Background())
		_, _ = c.Exec(context.Background(), "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)")
	}
	return testutil.WithDatabase(admin, name), drop, nil
}

func splitComma(s string) []string {
	var out []string
	start := 0
	for i := 0; i <= len(s); i++ {
		if i == len(s) || s[i] == ',' {
			if i > start {
				out = append(out, s[start:i])
			}
			start = i + 1
		}
	}
	return out
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "error:", err)
	os.Exit(1)
}
