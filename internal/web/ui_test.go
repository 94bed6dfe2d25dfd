package web

import (
	"context"
	"database/sql"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/clonit/clonit/internal/cloud/authz"
)

// TestBrowser drives the web UI in headless Chromium against a real Clonit Cloud: an
// owner's agent and a viewer's agent each run their own UI.
func TestBrowser(t *testing.T) {
	ctx := newBrowser(t)
	cl := startCloud(t)
	ownerTok := cl.person(t, "olivia@example.com", "Olivia Owner", "eng,leads")
	bobTok := cl.person(t, "bob@example.com", "Bob Builder", "eng")
	viewerTok := cl.person(t, "vera@example.com", "Vera Viewer", "support")
	cl.createOrg(t, ownerTok, "acme", "Acme Data")
	cl.join(t, "acme", bobTok, authz.Member)
	cl.join(t, "acme", viewerTok, authz.Viewer)

	owner := startUI(t, cl.URL, ownerTok)
	viewer := startUI(t, cl.URL, viewerTok)
	dst := owner.seedLocal(t)

	t.Run("build, push and load a SQLite target", func(t *testing.T) {
		do(t, ctx, chromedp.Navigate(owner.url+"/"))
		if got := text(t, ctx, "main table tbody"); !strings.HasPrefix(got, "ledger sqlite") || !strings.Contains(got, "notes sqlite") {
			t.Fatalf("targets page lists %q", got)
		}
		screenshot(t, ctx, "targets")
		do(t, ctx, chromedp.Click(chromedp.CSS(`a[href="/targets/notes"]`)), chromedp.WaitVisible(chromedp.ID("build")))
		if got := text(t, ctx, "main .empty"); got != "No snapshots yet: build one." {
			t.Fatalf("before the build: %q", got)
		}
		do(t, ctx, chromedp.Click(chromedp.ID("build")))
		waitFor(t, ctx, `document.querySelector("#jobs .state")?.innerText.trim() === "succeeded"`)
		if got := text(t, ctx, "#jobs tbody tr td"); got != "build" {
			t.Errorf("job kind = %q", got)
		}
		if got := text(t, ctx, "#snapshots tbody tr td:nth-child(6)"); got != "both" {
			t.Errorf("the new snapshot is %q, want both (built and auto-pushed)", got)
		}
		// The job's progress came through the engine and the storage it used.
		jobs := owner.srv.Jobs().Recent("notes")
		if v := jobs[0]; v.Stage != "upload" || v.Done <= 0 || v.Done != v.Total || v.Percent != 100 {
			t.Errorf("build job progress = %s %d/%d %d%%", v.Stage, v.Done, v.Total, v.Percent)
		}
		screenshot(t, ctx, "target")

		// Load replaces the destination with the snapshot (the page asks to confirm first).
		eval[bool](t, ctx, "window.confirm = () => true, true")
		do(t, ctx, chromedp.Click(chromedp.CSS(`#snapshots form[action$="/load"] button`)))
		waitFor(t, ctx, `document.querySelector("#jobs tbody tr td")?.innerText === "load" && document.querySelector("#jobs .state")?.innerText.trim() === "succeeded"`)
		db, err := sql.Open("sqlite", dst)
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		var n int
		if err := db.QueryRow("SELECT count(*) FROM notes").Scan(&n); err != nil || n != 2000 {
			t.Errorf("destination has %d notes (%v), want 2000", n, err)
		}
	})

	t.Run("a running job shows live progress", func(t *testing.T) {
		step := make(chan struct{})
		_, err := owner.srv.Jobs().Start("build", "ledger", func(_ context.Context, j *Job) error {
			fmt.Fprintln(j, "dumping ledger")
			j.Progress("dump", 512, 2048)
			<-step
			j.Progress("dump", 1536, 2048)
			<-step
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		do(t, ctx, chromedp.Navigate(owner.url+"/targets/ledger"), chromedp.WaitVisible(chromedp.ID("job")))
		if got := text(t, ctx, "#job h2"); got != "build in progress" {
			t.Errorf("job panel title = %q", got)
		}
		if got := eval[bool](t, ctx, `document.getElementById("build").disabled`); !got {
			t.Errorf("Build is offered while a build runs")
		}
		waitFor(t, ctx, `document.getElementById("job-progress").value === 25 && document.getElementById("job-log").innerText === "dumping ledger"`)
		step <- struct{}{}
		waitFor(t, ctx, `document.getElementById("job-progress").value === 75 && document.getElementById("job-status").innerText.startsWith("dump 1.5 KiB of 2.0 KiB")`)
		screenshot(t, ctx, "job-progress")
		step <- struct{}{}
		waitFor(t, ctx, `!document.getElementById("job") && document.querySelector("#jobs .state")?.innerText.trim() === "succeeded"`)
	})

	t.Run("storage profiles", func(t *testing.T) {
		do(t, ctx, chromedp.Navigate(owner.url+"/storage-profiles"))
		if got := text(t, ctx, "main table tbody tr td:nth-child(2)"); got != "local" {
			t.Errorf("provider = %q", got)
		}
		screenshot(t, ctx, "storage-profiles")
	})

	t.Run("owner edits the org profile", func(t *testing.T) {
		do(t, ctx, chromedp.Navigate(owner.url+"/cloud"), chromedp.WaitVisible(chromedp.CSS(".org-card")))
		if got := text(t, ctx, "nav[aria-label=Cloud]"); got != "CLOUD Acme Data owner Dashboard Snapshots Members Agents Invites API keys Settings Audit" {
			t.Errorf("owner's cloud sidebar = %q", got)
		}
		do(t, ctx, chromedp.Click(chromedp.CSS(`nav a[href="/cloud/acme/settings"]`)), chromedp.WaitVisible(chromedp.ID("profile-form")))
		do(t, ctx,
			chromedp.SetValue(chromedp.CSS(`input[name=website]`), "https://acme.example"),
			chromedp.SetValue(chromedp.CSS(`input[name=location]`), "Lisbon"),
			chromedp.SetValue(chromedp.CSS(`input[name=sector]`), "Logistics"),
			chromedp.SetValue(chromedp.CSS(`textarea[name=description]`), "Route planning for regional carriers."),
			chromedp.Click(chromedp.CSS(`#profile-form button[type=submit]`)),
			chromedp.WaitVisible(chromedp.CSS(".flash")),
		)
		if got := text(t, ctx, ".flash"); got != "Profile saved." {
			t.Errorf("flash = %q", got)
		}
		screenshot(t, ctx, "settings")
	})

	t.Run("owner changes a member's role", func(t *testing.T) {
		do(t, ctx, chromedp.Navigate(owner.url+"/cloud/acme/members"), chromedp.WaitVisible(chromedp.ID("members")))
		rows := eval[[]string](t, ctx, `[...document.querySelectorAll("#members tbody tr")].map(r => r.innerText.replace(/\s+/g, " ").trim())`)
		want := []string{
			"Olivia Owner (you) olivia@example.com owner eng, leads - " + today(),
			"Bob Builder bob@example.com member eng - " + today() + " New role for bob@example.com owner admin viewer Change role Remove",
			"Vera Viewer vera@example.com viewer support - " + today() + " New role for vera@example.com owner admin member Change role Remove",
		}
		if strings.Join(rows, "\n") != strings.Join(want, "\n") {
			t.Fatalf("members rows:\n%s\nwant:\n%s", strings.Join(rows, "\n"), strings.Join(want, "\n"))
		}
		do(t, ctx,
			chromedp.SetValue(chromedp.CSS(`tr[data-email="bob@example.com"] select[name=role]`), "admin"),
			chromedp.Click(chromedp.CSS(`tr[data-email="bob@example.com"] .role-form button`)),
			chromedp.WaitVisible(chromedp.CSS(".flash")),
		)
		if got := text(t, ctx, ".flash"); got != "Role changed." {
			t.Errorf("flash = %q", got)
		}
		if got := text(t, ctx, `tr[data-email="bob@example.com"] td.role`); got != "admin" {
			t.Errorf("Bob's role = %q, want admin", got)
		}
		screenshot(t, ctx, "members")

		do(t, ctx, chromedp.Navigate(owner.url+"/cloud/acme"), chromedp.WaitVisible(chromedp.ID("leadership")))
		if got := text(t, ctx, "#leadership tbody"); got != "Olivia Owner olivia@example.com owner Bob Builder bob@example.com admin" {
			t.Errorf("leadership = %q", got)
		}
		if got := text(t, ctx, ".org-card dl"); !strings.Contains(got, "Location Lisbon") || !strings.Contains(got, "Website https://acme.example") {
			t.Errorf("org card = %q", got)
		}
		screenshot(t, ctx, "dashboard")

		do(t, ctx, chromedp.Navigate(owner.url+"/cloud/acme/audit"), chromedp.WaitVisible(chromedp.ID("audit")))
		if got := text(t, ctx, "#audit tbody tr"); !strings.Contains(got, "olivia@example.com") {
			t.Errorf("newest audit event = %q", got)
		}
		screenshot(t, ctx, "audit")
	})

	t.Run("owner creates, downloads and revokes join codes", func(t *testing.T) {
		do(t, ctx, chromedp.Navigate(owner.url+"/cloud/acme/invites"), chromedp.WaitVisible(chromedp.ID("invite-form")))
		if got := eval[string](t, ctx, `[...document.querySelectorAll("#invite-form select[name=role] option")].map(o => o.value).join(",")`); got != "admin,member,viewer" {
			t.Errorf("owner may create codes for %q", got)
		}
		do(t, ctx,
			chromedp.SetValue(chromedp.CSS(`#invite-form input[name=count]`), "3"),
			chromedp.Click(chromedp.CSS(`#invite-form button[name=show]`)),
			chromedp.WaitVisible(chromedp.ID("created")),
		)
		codes := eval[[]string](t, ctx, `[...document.querySelectorAll("#created li code")].map(c => c.innerText)`)
		if len(codes) != 3 || !codePattern.MatchString(codes[0]) {
			t.Fatalf("created codes = %q", codes)
		}
		screenshot(t, ctx, "invites")
		got := eval[string](t, ctx, `fetch("/cloud/acme/invites", {method: "POST",
			headers: {"Content-Type": "application/x-www-form-urlencoded"},
			body: "role=viewer&count=2&download=1&csrf=" + document.querySelector("meta[name=csrf-token]").content})
			.then(async r => r.headers.get("Content-Disposition") + "|" + (await r.text()).trim().split("\n").filter(l => /^[0-9]{4}-[0-9]{4}$/.test(l)).length)`)
		if got != `attachment; filename="acme-viewer-join-codes.txt"|2` {
			t.Errorf("downloaded codes = %q", got)
		}
		do(t, ctx, chromedp.Navigate(owner.url+"/cloud/acme/invites"), chromedp.WaitVisible(chromedp.ID("invites")))
		if n := eval[int](t, ctx, `document.querySelectorAll("#invites tbody tr").length`); n != 5 {
			t.Fatalf("%d live codes, want 5", n)
		}
		do(t, ctx, chromedp.Click(chromedp.CSS(`#invites tbody tr button`)), chromedp.WaitVisible(chromedp.CSS(".flash")))
		if got := text(t, ctx, ".flash"); got != "Join code revoked." {
			t.Errorf("flash = %q", got)
		}
		if n := eval[int](t, ctx, `document.querySelectorAll("#invites tbody tr").length`); n != 4 {
			t.Errorf("%d live codes after a revocation, want 4", n)
		}
	})

	t.Run("viewer is offered no controls and the cloud refuses them anyway", func(t *testing.T) {
		do(t, ctx, chromedp.Navigate(viewer.url+"/cloud/acme/members"), chromedp.WaitVisible(chromedp.ID("members")))
		if n := eval[int](t, ctx, `document.querySelectorAll("#members form, #members select, #members button").length`); n != 0 {
			t.Errorf("the viewer is offered %d controls", n)
		}
		if got := text(t, ctx, "#members thead"); got != "NAME EMAIL ROLE GROUPS AGENTS JOINED" {
			t.Errorf("viewer's members header = %q", got)
		}
		if got := text(t, ctx, "nav[aria-label=Cloud]"); got != "CLOUD Acme Data viewer Dashboard Snapshots Members Agents Settings" {
			t.Errorf("viewer's cloud sidebar = %q", got)
		}
		do(t, ctx, chromedp.Navigate(viewer.url+"/cloud/acme/settings"), chromedp.WaitVisible(chromedp.CSS("main .card")))
		if got := eval[string](t, ctx, `[...document.querySelectorAll("main form")].map(f => f.id).join(",")`); got != "leave-form" {
			t.Errorf("the viewer is offered the forms %q in settings, want only leave-form", got)
		}
		do(t, ctx, chromedp.Navigate(viewer.url+"/cloud/acme/invites"), chromedp.WaitVisible(chromedp.ID("error-message")))
		if got := text(t, ctx, "#error-message"); !strings.HasPrefix(got, "your role in acme is viewer") {
			t.Errorf("viewer's invites page says %q", got)
		}

		// A forged request with a valid token still meets the cloud's refusal.
		bob := memberID(t, cl, bobTok)
		got := eval[string](t, ctx, fmt.Sprintf(`fetch("/cloud/acme/members/%s/role", {method: "POST",
			headers: {"Content-Type": "application/x-www-form-urlencoded"},
			body: "role=viewer&csrf=" + document.querySelector("meta[name=csrf-token]").content})
			.then(async r => r.status + " " + new DOMParser().parseFromString(await r.text(), "text/html").getElementById("error-message").innerText)`, bob))
		if got != "403 your role in acme is viewer, which cannot change members' roles: ask an admin or owner of the organization" {
			t.Errorf("forged role change = %q", got)
		}
	})

	t.Run("transfer ownership checks the typed confirmation", func(t *testing.T) {
		do(t, ctx, chromedp.Navigate(owner.url+"/cloud/acme/settings"), chromedp.WaitVisible(chromedp.ID("transfer-form")))
		if got := eval[string](t, ctx, `[...document.querySelectorAll("#transfer-form select[name=to] option")].map(o => o.value).join(",")`); got != "bob@example.com" {
			t.Fatalf("transfer is offered to %q, want the admin only", got)
		}
		do(t, ctx,
			chromedp.SetValue(chromedp.CSS(`#transfer-form input[name=confirm_org]`), "acme-typo"),
			chromedp.SetValue(chromedp.CSS(`#transfer-form input[name=confirm_member]`), "bob@example.com"),
			chromedp.Click(chromedp.CSS(`#transfer-form button`)),
			chromedp.WaitVisible(chromedp.ID("error-message")),
		)
		if got := text(t, ctx, "#error-message"); got != `the organization slug you typed to confirm ("acme-typo") is not this organization's: type its slug exactly` {
			t.Errorf("wrong confirmation: %q", got)
		}
		do(t, ctx, chromedp.Navigate(owner.url+"/cloud/acme/settings"), chromedp.WaitVisible(chromedp.ID("transfer-form")),
			chromedp.SetValue(chromedp.CSS(`#transfer-form input[name=confirm_org]`), "acme"),
			chromedp.SetValue(chromedp.CSS(`#transfer-form input[name=confirm_member]`), "bob@example.com"),
			chromedp.Click(chromedp.CSS(`#transfer-form button`)),
			chromedp.WaitVisible(chromedp.CSS(".flash")),
		)
		if got := text(t, ctx, ".flash"); got != "Ownership transferred: you are now an admin." {
			t.Errorf("flash = %q", got)
		}
		if got := text(t, ctx, "nav[aria-label=Cloud] .org"); got != "Acme Data admin" {
			t.Errorf("after the transfer the sidebar says %q", got)
		}
		if n := eval[int](t, ctx, `document.querySelectorAll("#transfer-form").length`); n != 0 {
			t.Errorf("an admin is offered the transfer")
		}
	})

	t.Run("a state change without the CSRF token is refused", func(t *testing.T) {
		do(t, ctx, chromedp.Navigate(owner.url+"/targets/notes"))
		got := eval[string](t, ctx, `fetch("/targets/notes/build", {method: "POST"}).then(async r => r.status + " " + (await r.text()).trim())`)
		if got != "403 missing or wrong CSRF token: reload the page and try again" {
			t.Errorf("POST without a token = %q", got)
		}
		got = eval[string](t, ctx, `fetch("/cloud/acme/members/x/remove", {method: "POST",
			headers: {"Content-Type": "application/x-www-form-urlencoded"}, body: "csrf=forged"}).then(r => String(r.status))`)
		if got != "403" {
			t.Errorf("POST with a forged token = %q", got)
		}
		if n := len(owner.srv.Jobs().Recent("notes")); n != 2 {
			t.Errorf("notes has %d jobs, want the build and the load only", n)
		}
	})

	t.Run("a request for another host is refused", func(t *testing.T) {
		u, _ := url.Parse(owner.url)
		for _, host := range []string{"attacker.example:" + u.Port(), "127.0.0.1:1", "localhost"} {
			req, _ := http.NewRequest("GET", owner.url+"/targets", nil)
			req.Host = host
			code, body := status(t, req)
			if code != http.StatusForbidden || body != "clonit serve answers only at its loopback address (http://127.0.0.1:PORT or http://localhost:PORT)" {
				t.Errorf("Host %s: %d %s", host, code, body)
			}
		}
		req, _ := http.NewRequest("GET", strings.Replace(owner.url, "127.0.0.1", "localhost", 1)+"/targets", nil)
		if code, _ := status(t, req); code != http.StatusOK {
			t.Errorf("Host localhost:PORT: %d", code)
		}
	})

	t.Run("a viewer leaves the org", func(t *testing.T) {
		do(t, ctx, chromedp.Navigate(viewer.url+"/cloud/acme/settings"), chromedp.WaitVisible(chromedp.ID("leave-form")))
		eval[bool](t, ctx, "window.confirm = () => true, true")
		do(t, ctx, chromedp.Click(chromedp.CSS(`#leave-form button`)), chromedp.WaitVisible(chromedp.CSS(".flash")))
		if got := text(t, ctx, "main"); got != "Clonit Cloud You left the org. You are not in any org yet: create one with `clonit cloud org create --name NAME --slug SLUG`." {
			t.Errorf("after leaving: %q", got)
		}
	})
}

// codePattern is how a join code looks.
var codePattern = regexp.MustCompile(`^[0-9]{4}-[0-9]{4}$`)

// memberID returns the user id of the person of token.
func memberID(t *testing.T, cl *testCloud, token string) string {
	t.Helper()
	me, err := cl.client(t, token).Me(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	return me.User.ID
}

// today is the join date the members page shows for people who joined during the test.
func today() string { return time.Now().Format("2006-01-02") }
