package main

// The measuring helpers, as in bench/members.

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"slices"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/clonit/clonit/internal/cloud/server"
	"github.com/clonit/clonit/internal/testutil"
)

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

// measureFunc calls f for d (after a short warm-up) and returns the rate and latency
// percentiles. An error aborts the run.
func measureFunc(f func() error, d time.Duration) result {
	one := func() time.Duration {
		start := time.Now()
		if err := f(); err != nil {
			fail(err)
		}
		return time.Since(start)
	}
	for warm := time.Now().Add(d / 5); time.Now().Before(warm); {
		one()
	}
	var all []time.Duration
	start := time.Now()
	for end := start.Add(d); time.Now().Before(end); {
		all = append(all, one())
	}
	took := time.Since(start)
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
