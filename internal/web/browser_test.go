package web

import (
	"context"
	"database/sql"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/clonit/clonit/internal/agent"
	"github.com/clonit/clonit/internal/cmdutil"
	"github.com/clonit/clonit/internal/testutil"
)

// chromiumPath is where ensure-chromium.sh installs Chromium.
const chromiumPath = "/usr/bin/chromium"

// envUpdateScreenshots, when set, makes the browser tests rewrite docs/screenshots.
const envUpdateScreenshots = "CLONIT_UPDATE_SCREENSHOTS"

// newBrowser starts a headless Chromium with a fresh profile and returns a tab. It skips
// the test when Chromium is missing, or fails it under CLONIT_TEST_REQUIRE_SERVICES.
func newBrowser(t *testing.T) context.Context {
	t.Helper()
	if _, err := os.Stat(chromiumPath); err != nil {
		if os.Getenv(testutil.EnvRequireServices) != "" {
			t.Fatalf("Chromium is missing at %s: run scripts/ensure-chromium.sh (make services)", chromiumPath)
		}
		t.Skipf("Chromium is missing at %s: run scripts/ensure-chromium.sh", chromiumPath)
	}
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(),
		chromedp.ExecPath(chromiumPath),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("no-proxy-server", true),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(1280, 860),
	)
	ctx, cancelTab := chromedp.NewContext(actx)
	t.Cleanup(func() {
		cancelTab()
		cancelAlloc()
	})
	if err := chromedp.Do(ctx, chromedp.Navigate("about:blank")); err != nil {
		t.Fatalf("start Chromium: %v", err)
	}
	return ctx
}

// ui is a running `clonit serve` of one agent.
type ui struct {
	url string
	srv *Server
	f   *cmdutil.Factory
}

// startUI serves the web UI of an agent whose config reaches cloudURL with token.
func startUI(t *testing.T, cloudURL, token string) *ui {
	t.Helper()
	return startUIConfig(t, fmt.Sprintf("cloud:\n  url: %s\n  token: %s\n", cloudURL, token))
}

// startUIConfig serves the web UI of an agent whose config ends with the YAML extra.
func startUIConfig(t *testing.T, extra string) *ui {
	t.Helper()
	f := testFactory(t, extra)
	srv, err := New(Options{Factory: f})
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ctx, ln) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("serve: %v", err)
		}
	})
	return &ui{url: "http://" + ln.Addr().String(), srv: srv, f: f}
}

// seedLocal makes a local storage profile and SQLite targets "notes" (with rows to copy)
// and "ledger" (for a job the test drives itself). It returns the notes destination file.
func (u *ui) seedLocal(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	src := filepath.Join(dir, "notes.db")
	db, err := sql.Open("sqlite", src)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	for _, q := range []string{
		"CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT NOT NULL)",
		"WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i+1 FROM n WHERE i < 2000) INSERT INTO notes (body) SELECT 'note ' || i FROM n",
	} {
		if _, err := db.Exec(q); err != nil {
			t.Fatal(err)
		}
	}
	local, err := u.f.LocalStore()
	if err != nil {
		t.Fatal(err)
	}
	ctx := t.Context()
	dst := filepath.Join(dir, "notes-dev.db")
	for _, err := range []error{
		local.PutStorageProfile(ctx, agent.StorageProfile{Name: "team-disk", Provider: "local", Bucket: filepath.Join(dir, "storage")}),
		local.PutTarget(ctx, agent.Target{Name: "notes", DBType: "sqlite", SrcURL: src, DstURL: dst, StorageProfile: "team-disk"}),
		local.PutTarget(ctx, agent.Target{Name: "ledger", DBType: "sqlite", SrcURL: filepath.Join(dir, "ledger.db")}),
	} {
		if err != nil {
			t.Fatal(err)
		}
	}
	return dst
}

// do runs browser steps, failing the test on error.
func do(t *testing.T, ctx context.Context, steps ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	tctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	if err := chromedp.Do(tctx, steps...); err != nil {
		t.Fatal(err)
	}
}

// eval evaluates a JavaScript expression in the page (awaiting a promise).
func eval[T any](t *testing.T, ctx context.Context, js string) T {
	t.Helper()
	tctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	v, err := chromedp.Run(tctx, chromedp.Evaluate[T](js, chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatalf("evaluate %s: %v", js, err)
	}
	return v
}

// waitFor evaluates the JavaScript condition js until it holds, across page loads.
func waitFor(t *testing.T, ctx context.Context, js string) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		tctx, cancel := context.WithTimeout(ctx, 5*time.Second)
		ok, err := chromedp.Run(tctx, chromedp.Evaluate[bool]("!!("+js+")"))
		cancel()
		if err == nil && ok {
			return
		}
		if time.Now().After(deadline) {
			text, _ := chromedp.Run(ctx, chromedp.Evaluate[string]("document.body ? document.body.innerText : ''"))
			t.Fatalf("timed out waiting for %s (last error %v); the page says:\n%s", js, err, text)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// text returns the trimmed text of the first element matching the CSS selector.
func text(t *testing.T, ctx context.Context, css string) string {
	t.Helper()
	return eval[string](t, ctx, fmt.Sprintf("(document.querySelector(%q)?.innerText ?? '<none>').trim().replace(/\\s+/g, ' ')", css))
}

// screenshot takes a full-page screenshot on every run, so that the pages the README shows
// are rendered by each test run. With CLONIT_UPDATE_SCREENSHOTS set it saves the picture as
// docs/screenshots/name.png; without, it leaves the tree alone but fails when docs/ has no
// picture of that name, so a new page cannot miss its screenshot.
func screenshot(t *testing.T, ctx context.Context, name string) {
	t.Helper()
	png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		t.Fatalf("screenshot %s: %v", name, err)
	}
	if len(png) == 0 {
		t.Fatalf("screenshot %s: empty picture", name)
	}
	path := filepath.Join("..", "..", "docs", "screenshots", name+".png")
	if os.Getenv(envUpdateScreenshots) == "" {
		if _, err := os.Stat(path); err != nil {
			t.Errorf("docs/screenshots has no %s.png: run `make screenshots` and commit it", name)
		}
		return
	}
	if err := os.WriteFile(path, png, 0o644); err != nil {
		t.Fatal(err)
	}
}

// status sends a request to the UI outside the browser and returns its status and body.
func status(t *testing.T, req *http.Request) (int, string) {
	t.Helper()
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, strings.TrimSpace(string(b))
}
