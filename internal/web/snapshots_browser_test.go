package web

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/clonit/clonit/internal/agent"
	"github.com/clonit/clonit/internal/api"
	"github.com/clonit/clonit/internal/apiclient"
	"github.com/clonit/clonit/internal/cloud/authz"
)

// TestBrowserSnapshots drives the cloud snapshot catalog, sharing, API keys and agents in
// headless Chromium: an admin's agent builds, sanitizes and pushes snapshots from its UI
// and shares them; a viewer's UI offers none of the controls.
func TestBrowserSnapshots(t *testing.T) {
	ctx := newBrowser(t)
	cl := startCloud(t)
	ownerTok := cl.person(t, "olivia@example.com", "Olivia Owner", "leads")
	adminTok := cl.person(t, "ada@example.com", "Ada Admin", "eng,data")
	viewerTok := cl.person(t, "vera@example.com", "Vera Viewer", "support")
	partnerTok := cl.person(t, "pat@example.com", "Pat Partner", "")
	cl.createOrg(t, ownerTok, "acme", "Acme Data")
	cl.createOrg(t, partnerTok, "partner", "Partner Co")
	cl.join(t, "acme", adminTok, authz.Admin)
	cl.join(t, "acme", viewerTok, authz.Viewer)

	admin := startUIConfig(t, fmt.Sprintf("cloud:\n  url: %s\n  token: %s\n  org: acme\n", cl.URL, adminTok))
	viewer := startUI(t, cl.URL, viewerTok)
	admin.seedPeople(t)

	var original, sanitized string
	t.Run("build, sanitize and push to the cloud from the target page", func(t *testing.T) {
		do(t, ctx, chromedp.Navigate(admin.url+"/targets/people"), chromedp.WaitVisible(chromedp.ID("build")))
		do(t, ctx, chromedp.Click(chromedp.ID("build")))
		waitFor(t, ctx, `document.querySelector("#jobs .state")?.innerText.trim() === "succeeded"`)
		do(t, ctx, chromedp.Click(chromedp.CSS(`#snapshots .sanitize-form button`)))
		waitFor(t, ctx, `document.querySelector("#jobs tbody tr td")?.innerText === "sanitize" && document.querySelector("#jobs .state")?.innerText.trim() === "succeeded"`)
		if got := eval[[]string](t, ctx, `[...document.querySelectorAll("#snapshots tbody tr td:nth-child(3)")].map(td => td.innerText)`); strings.Join(got, "|") != "sanitized (passed)|snapshot" {
			t.Fatalf("snapshot types after sanitize: %q", got)
		}
		if n := eval[int](t, ctx, `document.querySelectorAll("#snapshots .sanitize-form").length`); n != 1 {
			t.Errorf("%d Sanitize buttons, want one (for the original only)", n)
		}
		for i := range 2 {
			do(t, ctx, chromedp.Click(chromedp.CSS(`#snapshots .cloud-push-form button`)))
			waitFor(t, ctx, fmt.Sprintf(`document.querySelectorAll("#jobs tbody tr").length === %d && document.querySelector("#jobs .state")?.innerText.trim() === "succeeded"`, 3+i))
		}
		if n := eval[int](t, ctx, `document.querySelectorAll("#snapshots .cloud-push-form").length`); n != 0 {
			t.Errorf("Push to cloud is still offered for %d pushed snapshots", n)
		}
		screenshot(t, ctx, "target-sanitized")
		list, err := cl.client(t, adminTok).AllSnapshots(t.Context(), "acme", false)
		if err != nil {
			t.Fatal(err)
		}
		for _, s := range list {
			if s.Type == api.SnapshotTypeSanitized {
				sanitized = s.ID
			} else {
				original = s.ID
			}
		}
		if len(list) != 2 || sanitized == "" || original == "" {
			t.Fatalf("the cloud holds %+v, want the original and the sanitized snapshot", list)
		}
	})

	t.Run("as an admin, Share flips the Shared column and the snapshot appears in the Shared tab", func(t *testing.T) {
		do(t, ctx, chromedp.Navigate(admin.url+"/cloud/acme"), chromedp.WaitVisible(chromedp.CSS(".org-card")))
		do(t, ctx, chromedp.Click(chromedp.CSS(`nav a[href="/cloud/acme/snapshots"]`)), chromedp.WaitVisible(chromedp.ID("cloud-snapshots")))
		if got := text(t, ctx, "nav[aria-label=Cloud]"); got != "CLOUD Acme Data admin Dashboard Snapshots Members Agents Invites API keys Settings Audit" {
			t.Errorf("admin's cloud sidebar = %q", got)
		}
		// Newest first: the original was pushed after the sanitized snapshot.
		if got := sharedColumn(t, ctx); got != "snapshot Share|sanitized Share" {
			t.Fatalf("Shared column before sharing = %q", got)
		}
		screenshot(t, ctx, "snapshots")
		// The page must not reload: the marker survives only an in-place update.
		eval[bool](t, ctx, "window.marker = true")
		row := fmt.Sprintf(`#cloud-snapshots tr[data-id="%s"]`, sanitized)
		do(t, ctx, chromedp.Click(chromedp.CSS(row+" td.shared button")))
		waitFor(t, ctx, fmt.Sprintf(`document.querySelector('%s').dataset.shared === "true"`, row))
		if got := sharedColumn(t, ctx); got != "snapshot Share|sanitized Shared" {
			t.Errorf("Shared column after sharing = %q", got)
		}
		if !eval[bool](t, ctx, "window.marker === true") {
			t.Errorf("the page reloaded instead of flipping the row in place")
		}
		do(t, ctx, chromedp.Click(chromedp.ID("tab-shared")), chromedp.WaitVisible(chromedp.ID("cloud-snapshots")))
		if got := eval[[]string](t, ctx, `[...document.querySelectorAll("#cloud-snapshots tbody tr")].map(r => r.dataset.id)`); len(got) != 1 || got[0] != sanitized {
			t.Errorf("the Shared tab lists %q, want only %s", got, sanitized)
		}
		screenshot(t, ctx, "snapshots-shared")
	})

	t.Run("clicking Shared unshares", func(t *testing.T) {
		do(t, ctx, chromedp.Navigate(admin.url+"/cloud/acme/snapshots?tab=shared"), chromedp.WaitVisible(chromedp.ID("cloud-snapshots")))
		do(t, ctx, chromedp.Click(chromedp.CSS(`#cloud-snapshots td.shared button.shared-on`)))
		waitFor(t, ctx, `document.querySelector("#cloud-snapshots tbody tr").dataset.shared === "false"`)
		if got := sharedColumn(t, ctx); got != "sanitized Share" {
			t.Errorf("Shared column after unsharing = %q", got)
		}
		s, err := cl.client(t, adminTok).Snapshot(t.Context(), "acme", sanitized)
		if err != nil || s.Shared {
			t.Errorf("after unsharing the cloud says shared=%v (%v)", s.Shared, err)
		}
		do(t, ctx, chromedp.Navigate(admin.url+"/cloud/acme/snapshots?tab=shared"), chromedp.WaitVisible(chromedp.CSS("main .empty")))
		if got := text(t, ctx, "main .empty"); got != "No snapshot is shared with the whole org yet." {
			t.Errorf("empty Shared tab = %q", got)
		}
	})

	t.Run("a group share and a share with another org are listed and removed in the detail view", func(t *testing.T) {
		do(t, ctx, chromedp.Navigate(admin.url+"/cloud/acme/snapshots"), chromedp.WaitVisible(chromedp.ID("cloud-snapshots")))
		do(t, ctx, chromedp.Click(chromedp.CSS(fmt.Sprintf(`a[href="/cloud/acme/snapshots/%s"]`, original))), chromedp.WaitVisible(chromedp.ID("shares")))
		if got := eval[string](t, ctx, `[...document.querySelectorAll("#known-groups option")].map(o => o.value).join(",")`); got != "data,eng,leads,support" {
			t.Errorf("groups offered = %q", got)
		}
		do(t, ctx,
			chromedp.SetValue(chromedp.CSS(`#group-share-form input[name=group]`), "eng"),
			chromedp.Click(chromedp.CSS(`#group-share-form button`)),
			chromedp.WaitVisible(chromedp.CSS(".flash")),
		)
		if got := text(t, ctx, ".flash"); got != "Shared with the group." {
			t.Errorf("flash = %q", got)
		}
		if got := text(t, ctx, "#group-shares tbody"); got != "eng Remove" {
			t.Errorf("group shares = %q", got)
		}
		do(t, ctx,
			chromedp.SetValue(chromedp.CSS(`#org-share-form input[name=to_org]`), "partner"),
			chromedp.Click(chromedp.CSS(`#org-share-form button`)),
			chromedp.WaitVisible(chromedp.ID("org-shares")),
		)
		if got := text(t, ctx, "#org-shares tbody"); got != "partner Remove" {
			t.Errorf("org shares = %q", got)
		}
		screenshot(t, ctx, "snapshot")
		partner, err := cl.client(t, partnerTok).AllSnapshots(t.Context(), "partner", false)
		if err != nil || len(partner) != 1 || partner[0].ID != original || !partner[0].Foreign {
			t.Errorf("the partner org sees %+v (%v), want the shared snapshot", partner, err)
		}

		do(t, ctx, chromedp.Click(chromedp.CSS(`#group-shares tr[data-group="eng"] button`)), chromedp.WaitVisible(chromedp.ID("no-group-shares")))
		if got := text(t, ctx, ".flash"); got != "Group share removed." {
			t.Errorf("flash = %q", got)
		}
		do(t, ctx, chromedp.Click(chromedp.CSS(`#org-shares tr[data-org="partner"] button`)), chromedp.WaitVisible(chromedp.ID("no-org-shares")))
		s, err := cl.client(t, adminTok).Snapshot(t.Context(), "acme", original)
		if err != nil || s.Shares == nil || len(s.Shares.Groups) != 0 || len(s.Shares.Orgs) != 0 || s.Shares.Org {
			t.Errorf("after the removals the shares are %+v (%v)", s.Shares, err)
		}
	})

	t.Run("admin creates an API key, sees its secret once, and revokes it", func(t *testing.T) {
		do(t, ctx, chromedp.Navigate(admin.url+"/cloud/acme/keys"), chromedp.WaitVisible(chromedp.ID("key-form")))
		do(t, ctx,
			chromedp.SetValue(chromedp.CSS(`#key-form input[name=name]`), "nightly-ci"),
			chromedp.SetValue(chromedp.CSS(`#key-form select[name=permissions]`), "pull"),
			chromedp.SetValue(chromedp.CSS(`#key-form select[name=expires]`), "30d"),
			chromedp.Click(chromedp.CSS(`#key-form button`)),
			chromedp.WaitVisible(chromedp.ID("secret")),
		)
		secret := text(t, ctx, "#secret")
		if !strings.HasPrefix(secret, "clonit_") {
			t.Fatalf("secret = %q", secret)
		}
		if got := text(t, ctx, `#keys tr[data-name="nightly-ci"]`); !strings.HasPrefix(got, "nightly-ci "+secret[:11]+"… org pull ada@example.com") {
			t.Errorf("key row = %q", got)
		}
		screenshot(t, ctx, "keys")
		// The key works, with its pull permission only.
		kc, err := apiclient.New(cl.URL, apiclient.APIKey(secret))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := kc.AllSnapshots(t.Context(), "acme", false); err != nil {
			t.Errorf("the new key cannot list snapshots: %v", err)
		}
		do(t, ctx, chromedp.Navigate(admin.url+"/cloud/acme/keys"), chromedp.WaitVisible(chromedp.ID("keys")))
		if n := eval[int](t, ctx, `document.querySelectorAll("#secret").length`); n != 0 {
			t.Errorf("the secret is shown again")
		}
		eval[bool](t, ctx, "window.confirm = () => true, true")
		do(t, ctx, chromedp.Click(chromedp.CSS(`#keys tr[data-name="nightly-ci"] button`)), chromedp.WaitVisible(chromedp.CSS(".flash")))
		if got := text(t, ctx, ".flash"); got != "API key revoked." {
			t.Errorf("flash = %q", got)
		}
		if _, err := kc.AllSnapshots(t.Context(), "acme", false); err == nil {
			t.Errorf("the revoked key still works")
		}
	})

	t.Run("agents are listed with their members and removed", func(t *testing.T) {
		for tok, name := range map[string]string{adminTok: "ada-laptop", viewerTok: "vera-desktop"} {
			if _, err := cl.client(t, tok).RegisterAgent(t.Context(), "acme", api.RegisterAgentRequest{Name: name, Hostname: name + ".lan", Version: "1.2.3"}); err != nil {
				t.Fatal(err)
			}
		}
		do(t, ctx, chromedp.Navigate(admin.url+"/cloud/acme/members"), chromedp.WaitVisible(chromedp.ID("members")))
		if got := text(t, ctx, `tr[data-email="vera@example.com"] td.agents`); got != "vera-desktop" {
			t.Errorf("Vera's agents = %q", got)
		}
		if got := text(t, ctx, `tr[data-email="olivia@example.com"] td.agents`); got != "-" {
			t.Errorf("Olivia's agents = %q", got)
		}
		do(t, ctx, chromedp.Navigate(admin.url+"/cloud/acme/agents"), chromedp.WaitVisible(chromedp.ID("agents")))
		rows := eval[[]string](t, ctx, `[...document.querySelectorAll("#agents tbody tr")].map(r => [...r.cells].slice(0, 4).map(c => c.innerText).join(" / "))`)
		if got := strings.Join(rows, "\n"); got != "ada-laptop / ada-laptop.lan / 1.2.3 / ada@example.com\nvera-desktop / vera-desktop.lan / 1.2.3 / vera@example.com" {
			t.Errorf("agents:\n%s", got)
		}
		screenshot(t, ctx, "agents")
		eval[bool](t, ctx, "window.confirm = () => true, true")
		do(t, ctx, chromedp.Click(chromedp.CSS(`#agents tr[data-name="vera-desktop"] button`)), chromedp.WaitVisible(chromedp.CSS(".flash")))
		if got := text(t, ctx, "#agents tbody"); !strings.HasPrefix(got, "ada-laptop") || strings.Contains(got, "vera-desktop") {
			t.Errorf("after the removal: %q", got)
		}
	})

	t.Run("as a viewer, no Share button, no role controls and no key creation are offered", func(t *testing.T) {
		if _, err := cl.client(t, adminTok).ShareSnapshot(t.Context(), "acme", sanitized, apiclient.ShareTarget{Org: true}); err != nil {
			t.Fatal(err)
		}
		do(t, ctx, chromedp.Navigate(viewer.url+"/cloud/acme/snapshots"), chromedp.WaitVisible(chromedp.ID("cloud-snapshots")))
		if got := sharedColumn(t, ctx); got != "sanitized Shared" {
			t.Errorf("the viewer's catalog = %q, want the shared snapshot only", got)
		}
		if n := eval[int](t, ctx, `document.querySelectorAll("main form, main button").length`); n != 0 {
			t.Errorf("the viewer is offered %d controls in the catalog", n)
		}
		if got := text(t, ctx, "nav[aria-label=Cloud]"); got != "CLOUD Acme Data viewer Dashboard Snapshots Members Agents Settings" {
			t.Errorf("viewer's cloud sidebar = %q", got)
		}
		do(t, ctx, chromedp.Navigate(viewer.url+"/cloud/acme/snapshots/"+sanitized), chromedp.WaitVisible(chromedp.ID("shares")))
		if n := eval[int](t, ctx, `document.querySelectorAll("main form, main button").length`); n != 0 {
			t.Errorf("the viewer is offered %d controls on the snapshot page", n)
		}
		do(t, ctx, chromedp.Navigate(viewer.url+"/cloud/acme/members"), chromedp.WaitVisible(chromedp.ID("members")))
		if n := eval[int](t, ctx, `document.querySelectorAll("#members form, #members select, #members button").length`); n != 0 {
			t.Errorf("the viewer is offered %d role controls", n)
		}
		do(t, ctx, chromedp.Navigate(viewer.url+"/cloud/acme/agents"), chromedp.WaitVisible(chromedp.ID("agents")))
		if n := eval[int](t, ctx, `document.querySelectorAll("#agents form, #agents button").length`); n != 0 {
			t.Errorf("the viewer is offered %d agent removals", n)
		}
		do(t, ctx, chromedp.Navigate(viewer.url+"/cloud/acme/keys"), chromedp.WaitVisible(chromedp.ID("error-message")))
		if n := eval[int](t, ctx, `document.querySelectorAll("#key-form").length`); n != 0 {
			t.Errorf("the viewer is offered key creation")
		}
		if got := text(t, ctx, "#error-message"); !strings.HasPrefix(got, "your role in acme is viewer") {
			t.Errorf("the viewer's keys page says %q", got)
		}
		// Forged requests with a valid CSRF token still meet the cloud's refusal.
		got := eval[string](t, ctx, fmt.Sprintf(`fetch("/cloud/acme/snapshots/%s/unshare", {method: "POST",
			headers: {"Accept": "application/json", "Content-Type": "application/x-www-form-urlencoded", "X-CSRF-Token": document.querySelector("meta[name=csrf-token]").content},
			body: "scope=org"}).then(async r => r.status + " " + (await r.json()).error)`, sanitized))
		if got != "403 your role in acme is viewer, which cannot unshare snapshots: ask an admin or owner of the organization" {
			t.Errorf("forged unshare = %q", got)
		}
		got = eval[string](t, ctx, `fetch("/cloud/acme/keys", {method: "POST",
			headers: {"Content-Type": "application/x-www-form-urlencoded"},
			body: "name=x&permissions=read&expires=&csrf=" + document.querySelector("meta[name=csrf-token]").content}).then(r => String(r.status))`)
		if got != "403" {
			t.Errorf("forged key creation = %q", got)
		}
	})

	t.Run("a share change without the CSRF token is refused", func(t *testing.T) {
		do(t, ctx, chromedp.Navigate(admin.url+"/cloud/acme/snapshots"), chromedp.WaitVisible(chromedp.ID("cloud-snapshots")))
		got := eval[string](t, ctx, fmt.Sprintf(`fetch("/cloud/acme/snapshots/%s/share", {method: "POST",
			headers: {"Accept": "application/json", "Content-Type": "application/x-www-form-urlencoded"}, body: "scope=org"})
			.then(async r => r.status + " " + (await r.text()).trim())`, original))
		if got != "403 missing or wrong CSRF token: reload the page and try again" {
			t.Errorf("share without a token = %q", got)
		}
		s, err := cl.client(t, adminTok).Snapshot(t.Context(), "acme", original)
		if err != nil || s.Shared {
			t.Errorf("the refused share went through: shared=%v (%v)", s.Shared, err)
		}
	})
}

// sharedColumn returns each row of the catalog as its type and its Shared column.
func sharedColumn(t *testing.T, ctx context.Context) string {
	t.Helper()
	return eval[string](t, ctx, `[...document.querySelectorAll("#cloud-snapshots tbody tr")]
		.map(r => r.cells[3].innerText.trim() + " " + r.querySelector("td.shared").innerText.trim()).join("|")`)
}

// seedPeople makes a SQLite target "people" whose emails its sanitize query file replaces.
func (u *ui) seedPeople(t *testing.T) {
	t.Helper()
	dir := t.TempDir()
	src := filepath.Join(dir, "people.db")
	db, err := sql.Open("sqlite", src)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	for _, q := range []string{
		"CREATE TABLE people (id INTEGER PRIMARY KEY, email TEXT NOT NULL)",
		"WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i+1 FROM n WHERE i < 300) INSERT INTO people (email) SELECT 'person' || i || '@mailbox.org' FROM n",
	} {
		if _, err := db.Exec(q); err != nil {
			t.Fatal(err)
		}
	}
	query := filepath.Join(dir, "sanitize.sql")
	if err := os.WriteFile(query, []byte("UPDATE people SET email = 'user' || id || '@example.invalid';\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	local, err := u.f.LocalStore()
	if err != nil {
		t.Fatal(err)
	}
	if err := local.PutTarget(t.Context(), agent.Target{Name: "people", DBType: "sqlite", SrcURL: src,
		DstURL: filepath.Join(dir, "people-dev.db"), SanitizeQueryFile: query}); err != nil {
		t.Fatal(err)
	}
}
