package main

// Where the load generator runs. By default it is a child process of the benchmark (this
// same program, run with -load-url), as a remote client would be: it shares the machine's
// cores with the server but not the server's Go scheduler and garbage collector, so that
// neither side's collections stall the other's goroutines and the server's latency is not
// the client's. -client inprocess runs it as goroutines of the server's process instead.
// Either way /healthz is measured exactly as the routes are, in the same run.

import (
	"flag"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"time"
)

var (
	client  = flag.String("client", "process", "where the load generator runs: process (a child process) or inprocess (goroutines of the server's process)")
	loadURL = flag.String("load-url", "", "run as the load generator's child process against this URL, print its result and exit")
	loadC   = flag.Int("load-c", 1, "the child load generator's concurrent clients")
	loadD   = flag.Duration("load-d", time.Second, "the child load generator's measurement time")
)

// tokenEnv passes the bearer token to the child, out of its command line.
const tokenEnv = "CLONIT_BENCH_TOKEN"

// runChild is the child's main: it measures and prints the result on one line.
func runChild() {
	r := load(*loadURL, os.Getenv(tokenEnv), *loadC, *loadD)
	fmt.Printf("%g %d %d\n", r.rps, r.p50, r.p99)
}

// measure sends GET url from c clients for d (after a short warm-up), in a child process
// or in this one (-client), and returns the rate and latency percentiles.
func measure(url, token string, c int, d time.Duration) result {
	switch *client {
	case "inprocess":
		return load(url, token, c, d)
	case "process":
	default:
		fail(fmt.Errorf("-client: %q is neither process nor inprocess", *client))
	}
	self, err := os.Executable()
	if err != nil {
		fail(err)
	}
	cmd := exec.Command(self, "-load-url", url, "-load-c", strconv.Itoa(c), "-load-d", d.String())
	cmd.Env = append(os.Environ(), tokenEnv+"="+token)
	cmd.Stderr = os.Stderr
	out, err := cmd.Output()
	if err != nil {
		fail(fmt.Errorf("load generator: %w", err))
	}
	var r result
	var p50, p99 int64
	if _, err := fmt.Sscan(string(out), &r.rps, &p50, &p99); err != nil {
		fail(fmt.Errorf("load generator printed %q: %w", out, err))
	}
	r.p50, r.p99 = time.Duration(p50), time.Duration(p99)
	return r
}
