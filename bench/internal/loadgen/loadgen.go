// Package loadgen is what the cloud benchmarks (bench/members, bench/snapshots) share: an
// HTTP load generator that reports the rate and latency percentiles of one route, run in a
// child process or in the benchmark's own, and the fresh PostgreSQL database each run uses.
//
// By default the load generator is a child process of the benchmark (the same program, run
// with -load-url), as a remote client would be: it shares the machine's cores with the
// server but not the server's Go scheduler and garbage collector, so that neither side's
// collections stall the other's goroutines and the server's latency is not the client's.
// -client inprocess runs it as goroutines of the server's process instead. Either way
// /healthz is measured exactly as the routes are, in the same run.
package loadgen

import (
	"context"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/clonit/clonit/internal/cloud/server"
	"github.com/clonit/clonit/internal/testutil"
)

var (
	client  = flag.String("client", "process", "where the load generator runs: process (a child process) or inprocess (goroutines of the server's process)")
	loadURL = flag.String("load-url", "", "run as the load generator's child process against this URL, print its result and exit")
	loadC   = flag.Int("load-c", 1, "the child load generator's concurrent clients")
	loadD   = flag.Duration("load-d", time.Second, "the child load generator's measurement time")
)

// tokenEnv passes the bearer token to the child, out of its command line.
const tokenEnv = "CLONIT_BENCH_TOKEN"

// Where says where the load generator runs (the -client flag).
func Where() string { return *client }

// Result is one measurement.
type Result struct {
	RPS      float64
	P50, P99 time.Duration
}

// Child runs the child load generator's part when this process is one (after flag.Parse):
// it measures, prints the result on one line and exits.
func Child() {
	if *loadURL == "" {
		return
	}
	r := Load(*loadURL, os.Getenv(tokenEnv), *loadC, *loadD)
	fmt.Printf("%g %d %d\n", r.RPS, r.P50, r.P99)
	os.Exit(0)
}

// Measure sends GET url from c clients for d (after a short warm-up), in a child process
// or in this one (-client), and returns the rate and latency percentiles.
func Measure(url, token string, c int, d time.Duration) Result {
	switch *client {
	case "inprocess":
		return Load(url, token, c, d)
	case "process":
	default:
		Fail(fmt.Errorf("-client: %q is neither process nor inprocess", *client))
	}
	self, err := os.Executable()
	if err != nil {
		Fail(err)
	}
	cmd := exec.Command(self, "-load-url", url, "-load-c", strconv.Itoa(c), "-load-d", d.String())
	cmd.Env = append(os.Environ(), tokenEnv+"="+token)
	cmd.Stderr = os.Stderr
	out, err := cmd.Output()
	if err != nil {
		Fail(fmt.Errorf("load generator: %w", err))
	}
	var r Result
	var p50, p99 int64
	if _, err := fmt.Sscan(string(out), &r.RPS, &p50, &p99); err != nil {
		Fail(fmt.Errorf("load generator printed %q: %w", out, err))
	}
	r.P50, r.P99 = time.Duration(p50), time.Duration(p99)
	return r
}

// Load sends GET url from c clients of this process for d (after a warm-up of d/5 with as
// many clients, so that the measurement finds as many connections open, to the server and
// from it to the database, with their statements prepared). Any answer but 200 aborts.
func Load(url, token string, c int, d time.Duration) Result {
	hc := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: c, MaxConnsPerHost: c}}
	one := func() error {
		req, _ := http.NewRequest("GET", url, nil)
		if token != "" {
			req.Header.Set("Authorization", "Bearer "+token)
		}
		resp, err := hc.Do(req)
		if err != nil {
			return err
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			return fmt.Errorf("GET %s = %d", url, resp.StatusCode)
		}
		return nil
	}
	run(one, c, d/5)
	return run(one, c, d)
}

// Func calls f from one goroutine for d (after a warm-up of d/5) and returns the rate and
// latency percentiles. An error aborts the run.
func Func(f func() error, d time.Duration) Result {
	run(f, 1, d/5)
	return run(f, 1, d)
}

// run calls f from c goroutines for d and measures each call.
func run(f func() error, c int, d time.Duration) Result {
	var mu sync.Mutex
	var all []time.Duration
	var wg sync.WaitGroup
	start := time.Now()
	end := start.Add(d)
	for range c {
		wg.Go(func() {
			var mine []time.Duration
			for time.Now().Before(end) {
				t := time.Now()
				if err := f(); err != nil {
					Fail(err)
				}
				mine = append(mine, time.Since(t))
			}
			mu.Lock()
			all = append(all, mine...)
			mu.Unlock()
		})
	}
	wg.Wait()
	took := time.Since(start)
	slices.Sort(all)
	return Result{RPS: float64(len(all)) / took.Seconds(), P50: pct(all, 50), P99: pct(all, 99)}
}

func pct(sorted []time.Duration, p int) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	return sorted[(len(sorted)-1)*p/100]
}

// MS is d in milliseconds.
func MS(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

// Concurrency parses a comma-separated list of client counts (the -c flag).
func Concurrency(s string) []int {
	var out []int
	for _, f := range strings.Split(s, ",") {
		if f = strings.TrimSpace(f); f == "" {
			continue
		}
		n, err := strconv.Atoi(f)
		if err != nil || n < 1 {
			Fail(fmt.Errorf("-c: %q is not a positive number", f))
		}
		out = append(out, n)
	}
	return out
}

// CreateDatabase creates a fresh database on the server at admin and returns its URL and
// a function that drops it.
func CreateDatabase(ctx context.Context, admin string) (string, func(), error) {
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

// Fail prints err and exits.
func Fail(err error) {
	fmt.Fprintln(os.Stderr, "error:", err)
	os.Exit(1)
}
