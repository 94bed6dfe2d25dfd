package e2e

import (
	"database/sql"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	_ "modernc.org/sqlite"
)

// TestCloudSnapshotFlow runs issue 6's story with the real binaries: Dan, an admin, builds a
// SQLite target, sanitizes it and pushes the sanitized snapshot with --cloud. Bob, a member,
// does not see it: his listing omits it and his pull answers exactly as for an ID never
// issued. Dan shares it org-wide; Bob sees Yes, pulls it (verified, then registered) and
// loads it. Dan unshares it; Bob no longer sees it.
func TestCloudSnapshotFlow(t *testing.T) {
	c, ada := acmeWithOwner(t)
	c.addUser(t, "dan@example.com", "Dan", "dan password 1", "")
	c.addUser(t, "bob@example.com", "Bob", "bob password 1", "")
	adminCode := strings.TrimSpace(ada.mustRun(t, "cloud", "invites", "create", "--role", "admin").Stdout)
	memberCode := strings.TrimSpace(ada.mustRun(t, "cloud", "invites", "create", "--role", "member").Stdout)
	dan, bob := newAgent(t, c.URL), newAgent(t, c.URL)
	dan.mustRun(t, "config", "init")
	bob.mustRun(t, "config", "init")
	dan.login(t, "dan@example.com", "dan password 1", "--org", "acme", "--join", adminCode)
	bob.login(t, "bob@example.com", "bob password 1", "--org", "acme", "--join", memberCode)

	data := t.TempDir()
	src, query := filepath.Join(data, "crm.db"), filepath.Join(data, "clean.sql")
	makeCustomers(t, src)
	if err := os.WriteFile(query, []byte("UPDATE customers SET name = 'customer ' || id, email = 'customer' || id || '@example.invalid', phone = NULL;\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	dan.mustRun(t, "targets", "add", "crm", "--db-type", "sqlite", "--src-url", src, "--dst-url", filepath.Join(data, "dan-dev.db"),
		"--sanitize-query-file", query)
	bobDev := filepath.Join(t.TempDir(), "bob-dev.db")
	bob.mustRun(t, "targets", "add", "crm", "--db-type", "sqlite", "--src-url", filepath.Join(data, "unused.db"), "--dst-url", bobDev)

	dan.mustRun(t, "build", "crm", "--no-push")
	sanitized := strings.TrimSpace(dan.mustRun(t, "sanitize", "crm").Stdout)
	push := dan.mustRun(t, "push", "crm", "--cloud")
	id := strings.TrimSpace(push.Stdout)
	if !regexp.MustCompile(`^[a-z2-7]{26}$`).MatchString(id) {
		t.Fatalf("push --cloud printed %q, want the new snapshot's ID", push.Stdout)
	}
	wantPushed := "^pushed " + sanitized + ` \(\d+(\.\d)? kB\) to org acme as ` + id +
		"; it is private \\(owners and admins only\\) until shared: `clonit cloud share " + id[:8] + " --org`\n$"
	if !regexp.MustCompile(wantPushed).MatchString(push.Stderr) {
		t.Errorf("push --cloud said:\n%s\nwant it to match %s", push.Stderr, wantPushed)
	}
	row := regexp.MustCompile(`(?m)^` + id[:8] + `  crm  +` + sanitized + `  sanitized  \d+(\.\d)? kB  (Yes|No)  +\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$`)
	listed := func(a *agent, args ...string) string {
		t.Helper()
		out := a.mustRun(t, append([]string{"cloud", "snapshots"}, args...)...).Stdout
		if m := row.FindStringSubmatch(out); m != nil {
			return m[2]
		}
		if strings.Contains(out, id[:8]) {
			t.Fatalf("the listing shows the snapshot in an unexpected row:\n%s", out)
		}
		return ""
	}
	if got := listed(dan); got != "No" {
		t.Fatalf("dan's listing: Shared = %q, want No", got)
	}

	t.Run("private: the member neither lists nor pulls it", func(t *testing.T) {
		if got := listed(bob); got != "" {
			t.Errorf("bob lists the private snapshot (Shared %s)", got)
		}
		if got := listed(bob, "--shared"); got != "" {
			t.Errorf("bob lists the private snapshot with --shared (Shared %s)", got)
		}
		hidden := bob.run(t, "pull", "crm", "--cloud", "--snapshot-id", id)
		never := bob.run(t, "pull", "crm", "--cloud", "--snapshot-id", "aaaaaaaaaaaaaaaaaaaaaaaaaa")
		never.Stderr = strings.ReplaceAll(never.Stderr, "aaaaaaaaaaaaaaaaaaaaaaaaaa", id)
		if hidden.Code != 3 || hidden != never {
			t.Errorf("pull of the private snapshot:\n %+v\nwant what an ID never issued gets (exit 3):\n %+v", hidden, never)
		}
		prefix := bob.run(t, "pull", "crm", "--cloud", "--snapshot-id", id[:8])
		neverPrefix := bob.run(t, "pull", "crm", "--cloud", "--snapshot-id", "aaaaaaaa")
		neverPrefix.Stderr = strings.ReplaceAll(neverPrefix.Stderr, "aaaaaaaa", id[:8])
		if prefix != neverPrefix {
			t.Errorf("pull of a prefix of the private snapshot:\n %+v\nwant:\n %+v", prefix, neverPrefix)
		}
		if _, err := os.Stat(filepath.Join(bob.home, ".clonit", "crm", sanitized)); !os.IsNotExist(err) {
			t.Errorf("the refused pull left %s behind (%v)", sanitized, err)
		}
	})

	share := dan.mustRun(t, "cloud", "share", id[:8], "--org")
	if want := "Shared snapshot " + id[:8] + " with the whole org acme. It is now shared with the whole org.\n"; share.Stderr != want {
		t.Errorf("share said %q, want %q", share.Stderr, want)
	}

	t.Run("shared: the member sees Yes, pulls and loads it", func(t *testing.T) {
		if got := listed(bob); got != "Yes" {
			t.Fatalf("bob's listing after the share: Shared = %q, want Yes", got)
		}
		if got := listed(bob, "--shared"); got != "Yes" {
			t.Fatalf("bob's --shared listing after the share: Shared = %q, want Yes", got)
		}
		pull := bob.mustRun(t, "pull", "crm", "--cloud", "--snapshot-id", id[:6])
		if pull.Stdout != sanitized+"\n" {
			t.Errorf("pull printed %q, want %q", pull.Stdout, sanitized+"\n")
		}
		local := bob.mustRun(t, "snapshots", "crm").Stdout
		if !regexp.MustCompile(`(?m)^0\s+` + sanitized + `\s+sanitized\s`).MatchString(local) {
			t.Errorf("bob's local snapshots do not list the pulled one first:\n%s", local)
		}
		bob.mustRun(t, "load", "crm")
		if got := emails(t, bobDev); got != "customer1@example.invalid,customer2@example.invalid,customer3@example.invalid" {
			t.Errorf("bob's loaded database holds emails %q, want the sanitized ones", got)
		}
		again := bob.mustRun(t, "pull", "crm", "--cloud", "--snapshot-id", id)
		if again.Stdout != sanitized+"\n" || again.Stderr != sanitized+" is already on this machine\n" {
			t.Errorf("a second pull: %+v", again)
		}
	})

	unshare := dan.mustRun(t, "cloud", "unshare", id, "--org")
	if want := "Stopped sharing snapshot " + id[:8] + " with the whole org acme. It is now shared with nobody (owners and admins only).\n"; unshare.Stderr != want {
		t.Errorf("unshare said %q, want %q", unshare.Stderr, want)
	}
	t.Run("unshared: the member no longer sees it", func(t *testing.T) {
		if got := listed(bob); got != "" {
			t.Errorf("bob still lists the snapshot after the unshare (Shared %s)", got)
		}
		if r := bob.run(t, "cloud", "snapshot", "show", id); r.Code != 3 {
			t.Errorf("bob's show after the unshare: %+v", r)
		}
		if got := listed(dan); got != "No" {
			t.Errorf("dan's listing after the unshare: Shared = %q, want No", got)
		}
	})
}

// makeCustomers writes a small SQLite database with personal data in it.
func makeCustomers(t *testing.T, path string) {
	t.Helper()
	db, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	for _, q := range []string{
		`CREATE TABLE customers (id INTEGER PRIMARY KEY, name TEXT, email TEXT, phone TEXT)`,
		`INSERT INTO customers (name, email, phone) VALUES ('Ada', 'ada@lovelace.example', '+44 20 7946 0018'),
			('Grace', 'grace@hopper.example', '+1 202 555 0143'), ('Alan', 'alan@turing.example', '+44 161 496 0752')`,
	} {
		if _, err := db.Exec(q); err != nil {
			t.Fatal(err)
		}
	}
}

// emails returns the customers' emails of the SQLite database at path, in id order.
func emails(t *testing.T, path string) string {
	t.Helper()
	db, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var got string
	if err := db.QueryRow(`SELECT group_concat(email, ',') FROM (SELECT email FROM customers ORDER BY id)`).Scan(&got); err != nil {
		t.Fatal(err)
	}
	return got
}
