// Command snapshots benchmarks the cloud snapshot catalog: one page of 50 snapshots, as a
// member sees it, in an org of 100,000 snapshots with 200 groups, the member in 10 of them,
// and 5% of the snapshots shared in various ways (org-wide, with groups, with and from
// another org). It measures on SQLite and on PostgreSQL, next to /healthz served by the
// same process in the same run. Run it with `go run ./bench/snapshots` (or `make bench`).
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
	"math/rand/v2"
	"net"
	"os"
	"path/filepath"
	"runtime/pprof"
	"slices"
	"time"

	"github.com/clonit/clonit/bench/internal/loadgen"
	"github.com/clonit/clonit/internal/cloud"
	"github.com/clonit/clonit/internal/cloud/authz"
	"github.com/clonit/clonit/internal/cloud/identity/selftoken"
	"github.com/clonit/clonit/internal/cloud/identity/signing"
	"github.com/clonit/clonit/internal/cloud/server"
	"github.com/clonit/clonit/internal/cloud/store"
	"github.com/clonit/clonit/internal/cloud/store/postgres"
	"github.com/clonit/clonit/internal/cloud/store/sqlite"
	"github.com/clonit/clonit/internal/testutil"
)

// shape is the org the benchmark builds.
type shape struct {
	snapshots, groups, memberGroups int
	sharedPct                       float64
}

func main() {
	var sh shape
	flag.IntVar(&sh.snapshots, "snapshots", 100_000, "snapshots of the org")
	flag.IntVar(&sh.groups, "groups", 200, "groups that snapshots are shared with")
	flag.IntVar(&sh.memberGroups, "member-groups", 10, "groups the measured member is in")
	flag.Float64Var(&sh.sharedPct, "shared", 5, "percentage of snapshots shared in some way")
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
	fmt.Printf("GET /api/v1/orgs/{org}/snapshots (a page of 50, as a member) with %d snapshots, %d groups (member in %d), %.0f%% shared, vs GET /healthz, same server process, load generator: %s, %s per measurement\n\n",
		sh.snapshots, sh.groups, sh.memberGroups, sh.sharedPct, loadgen.Where(), *duration)
	fmt.Printf("%-9s %3s  %-14s %10s %9s %9s\n", "store", "c", "route", "req/s", "p50 ms", "p99 ms")

	dir, err := os.MkdirTemp("", "clonit-bench-")
	if err != nil {
		loadgen.Fail(err)
	}
	defer os.RemoveAll(dir)
	st, err := sqlite.Open(ctx, filepath.Join(dir, "cloud.db"))
	if err != nil {
		loadgen.Fail(err)
	}
	run(ctx, "sqlite", st, sqliteLoader(filepath.Join(dir, "cloud.db")), dir, sh, *duration, conc)
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
	run(ctx, "postgres", pg, postgresLoader(dbURL), dir, sh, *duration, conc)
	pg.Close()
}

// run seeds st, serves it, and measures the routes at each concurrency.
func run(ctx context.Context, name string, st cloud.Store, load loader, dir string, sh shape, d time.Duration, conc []int) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		loadgen.Fail(err)
	}
	cfg := server.Config{Addr: ln.Addr().String(), DataDir: filepath.Join(dir, name), LogFormat: "text", LogLevel: "error"}
	if err := cfg.Validate(); err != nil {
		loadgen.Fail(err)
	}
	start := time.Now()
	member, admin, viewer, visible, err := seed(ctx, st, load, cfg.PublicURL, sh)
	if err != nil {
		loadgen.Fail(fmt.Errorf("%s: seed: %w", name, err))
	}
	fmt.Printf("%-9s seeded in %s; the member sees %d snapshots\n", name, time.Since(start).Round(time.Second), visible)
	srv, err := server.New(ctx, cfg, st, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		loadgen.Fail(err)
	}
	sctx, stop := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() { done <- srv.Serve(sctx, ln) }()
	defer func() { stop(); <-done }()

	base := cfg.PublicURL
	list := base + "/api/v1/orgs/bench/snapshots?limit=50"
	for _, c := range conc {
		health := loadgen.Measure(base+"/healthz", "", c, d)
		report(name, c, "healthz", health, health)
		report(name, c, "member page", loadgen.Measure(list, member, c, d), health)
		report(name, c, "member shared", loadgen.Measure(list+"&shared=true", member, c, d), health)
		report(name, c, "admin page", loadgen.Measure(list, admin, c, d), health)
	}
	// The query alone, in process: what the store spends of a member's page.
	q := loadgen.Func(func() error {
		_, err := st.VisibleSnapshots(ctx, viewer, cloud.SnapshotFilter{Limit: 51})
		return err
	}, d)
	fmt.Printf("%-9s %3d  %-14s %10.0f %9.2f %9.2f   (the store's query only, no HTTP)\n", name, 1, "member query", q.RPS, loadgen.MS(q.P50), loadgen.MS(q.P99))
}

// report prints one measurement and its ratio to /healthz.
func report(store string, c int, route string, r, health loadgen.Result) {
	fmt.Printf("%-9s %3d  %-14s %10.0f %9.2f %9.2f", store, c, route, r.RPS, loadgen.MS(r.P50), loadgen.MS(r.P99))
	if route != "healthz" {
		fmt.Printf("   ratio: %.1fx fewer req/s, p99 %.1fx", health.RPS/r.RPS, float64(r.P99)/float64(health.P99))
	}
	fmt.Println()
}

// seed builds the org "bench" (and "partner", which shares some of its snapshots with it)
// and returns tokens of the measured member and of an admin, the member as a viewer of the
// catalog, and how many snapshots the member sees.
func seed(ctx context.Context, st cloud.Store, load loader, issuer string, sh shape) (string, string, cloud.Viewer, int, error) {
	r := rand.New(rand.NewPCG(1, 2))
	groups := make([]string, sh.groups)
	for i := range groups {
		groups[i] = fmt.Sprintf("group-%03d", i)
	}
	mine := groups[:sh.memberGroups]
	user := func(sub string, gs []string) (cloud.User, error) {
		return st.UpsertUser(ctx, cloud.User{Issuer: issuer, Subject: sub, Email: sub + "@example.com", Name: sub, Groups: gs})
	}
	owner, err := user("owner", nil)
	if err != nil {
		return "", "", cloud.Viewer{}, 0, err
	}
	org := cloud.Org{Slug: "bench", Name: "Bench"}
	partner := cloud.Org{Slug: "partner", Name: "Partner"}
	for _, o := range []*cloud.Org{&org, &partner} {
		if err := st.CreateOrg(ctx, o, owner.ID); err != nil {
			return "", "", cloud.Viewer{}, 0, err
		}
	}
	member, err := user("member", mine)
	if err != nil {
		return "", "", cloud.Viewer{}, 0, err
	}
	admin, err := user("admin", nil)
	if err != nil {
		return "", "", cloud.Viewer{}, 0, err
	}
	if err := st.AddMember(ctx, org.ID, member.ID, authz.Member); err != nil {
		return "", "", cloud.Viewer{}, 0, err
	}
	if err := st.AddMember(ctx, org.ID, admin.ID, authz.Admin); err != nil {
		return "", "", cloud.Viewer{}, 0, err
	}
	visible := 0
	var c catalog
	t0 := time.Now().Add(-time.Duration(sh.snapshots) * time.Second).UTC().Truncate(time.Microsecond)
	for i := range sh.snapshots {
		target := org
		if i%20 == 7 { // a few of the snapshots are the partner's
			target = partner
		}
		s := snapRow{id: store.NewID(), org: target.ID, target: fmt.Sprintf("db%02d", i%40), name: fmt.Sprintf("snap-%06d", i),
			size: int64(1_000_000 + i), sha: fmt.Sprintf("%064x", i), pushedBy: owner.ID, created: t0.Add(time.Duration(i) * time.Second)}
		if r.Float64()*100 < sh.sharedPct && share(r, &s, &c, target, org, partner, groups, mine) {
			visible++
		}
		c.snaps = append(c.snaps, s)
	}
	if err := load(ctx, c); err != nil {
		return "", "", cloud.Viewer{}, 0, err
	}
	key, err := signing.Load(ctx, st)
	if err != nil {
		return "", "", cloud.Viewer{}, 0, err
	}
	tokens, err := selftoken.New(key, selftoken.Config{SelfIssuer: issuer})
	if err != nil {
		return "", "", cloud.Viewer{}, 0, err
	}
	mt, err := tokens.Issue(selftoken.Identity{Subject: "member", Email: "member@example.com", Name: "member", Groups: mine}, time.Hour)
	if err != nil {
		return "", "", cloud.Viewer{}, 0, err
	}
	at, err := tokens.Issue(selftoken.Identity{Subject: "admin", Email: "admin@example.com", Name: "admin"}, time.Hour)
	return mt, at, cloud.Viewer{OrgID: org.ID, Groups: mine}, visible, err
}

// share shares s in one of the ways snapshots are shared, adding the rows to c, and
// reports whether that makes it visible to the member of org.
func share(r *rand.Rand, s *snapRow, c *catalog, owner, org, partner cloud.Org, groups, mine []string) bool {
	if owner.ID == partner.ID { // the partner shares it with the org
		c.orgs = append(c.orgs, orgRow{snap: s.id, to: org.ID, created: s.created})
		return true
	}
	switch r.IntN(4) {
	case 0: // org-wide
		s.sharedOrg = true
		return true
	case 1: // with the partner
		c.orgs = append(c.orgs, orgRow{snap: s.id, to: partner.ID, created: s.created})
		return false
	default: // with one or two distinct groups
		seen := false
		first := groups[r.IntN(len(groups))]
		pick := []string{first}
		if g := groups[r.IntN(len(groups))]; r.IntN(2) == 0 && g != first {
			pick = append(pick, g)
		}
		for _, g := range pick {
			c.groups = append(c.groups, groupRow{snap: s.id, group: g, org: owner.ID, created: s.created})
			seen = seen || slices.Contains(mine, g)
		}
		return seen
	}
}
