package e2e

import (
	"database/sql"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	_ "modernc.org/sqlite"
)

// The password of the shared PostgreSQL target and the secret key of the shared S3
// storage profile: they must reach members' machines through the audited reveal calls
// and nothing else.
const (
	billingPassword = "hunter2-billing-pw"
	teamS3Secret    = "team-s3-secret-key-5c1e"
)

// TestSharedTargets runs issue 8's story with the real binaries: Mia (a member) shares her
// targets and storage profile with `clonit cloud sync`; Olga (the owner), on another
// machine with its own config, syncs them down and builds from the shared SQLite target; Vic
// (a viewer) sees them with the password masked, syncs them down without credentials,
// is told how to provide the missing password, and cannot change the org's; a conflict is
// listed and nothing is overwritten until --prefer settles it.
func TestSharedTargets(t *testing.T) {
	c := startCloud(t)
	for _, u := range []struct{ email, name string }{{"olga@example.com", "Olga"}, {"mia@example.com", "Mia"}, {"vic@example.com", "Vic"}} {
		c.addUser(t, u.email, u.name, "pw of "+u.email, "")
	}
	olga, mia, vic := newAgent(t, c.URL), newAgent(t, c.URL), newAgent(t, c.URL)
	for _, a := range []*agent{olga, mia, vic} {
		a.mustRun(t, "config", "init")
	}
	olga.login(t, "olga@example.com", "pw of olga@example.com")
	olga.mustRun(t, "cloud", "org", "create", "--name", "Acme", "--slug", "acme")
	memberCode := strings.TrimSpace(olga.mustRun(t, "cloud", "invites", "create", "--role", "member").Stdout)
	viewerCode := strings.TrimSpace(olga.mustRun(t, "cloud", "invites", "create", "--role", "viewer").Stdout)
	mia.login(t, "mia@example.com", "pw of mia@example.com", "--org", "acme", "--join", memberCode)
	vic.login(t, "vic@example.com", "pw of vic@example.com", "--org", "acme", "--join", viewerCode)

	data, shared := t.TempDir(), t.TempDir()
	shop := filepath.Join(data, "shop.db")
	makeSQLite(t, shop)
	mia.mustRun(t, "storage-profile", "add", "--name", "team-local", "--provider", "local", "--bucket", shared)
	mia.mustRun(t, "storage-profile", "add", "--name", "team-s3", "--provider", "s3", "--bucket", "acme-snapshots", "--region", "eu-west-1",
		"--access-key", "AKIATEAMS3", "--secret-key", teamS3Secret)
	mia.mustRun(t, "targets", "add", "shop", "--db-type", "sqlite", "--src-url", shop, "--storage-profile", "team-local")
	mia.mustRun(t, "targets", "add", "billing", "--src-url", "postgres://app:"+billingPassword+"@db.internal:5432/billing",
		"--dst-url", "postgres://localhost/billing_dev")
	mia.mustRun(t, "targets", "add", "scratch", "--db-type", "sqlite", "--src-url", filepath.Join(data, "scratch.db"), "--local-only")

	upTable := func(result string) string {
		return "KIND             NAME        RESULT" + strings.Repeat(" ", len(result)-6) + "  DETAIL\n" +
			"storage profile  team-local  " + result + "  -\n" +
			"storage profile  team-s3     " + result + "  -\n" +
			"target           billing     " + result + "  -\n" +
			"target           scratch     skipped" + strings.Repeat(" ", len(result)-7) + "  local_only: it never leaves this machine\n" +
			"target           shop        " + result + "  -\n"
	}
	checkResult(t, "mia's dry run", mia.run(t, "cloud", "sync", "--dry-run"), result{Stdout: upTable("would copy up"),
		Stderr: "Dry run against acme: 4 copied up, 1 skipped; nothing was changed.\n"})
	checkResult(t, "the org after the dry run", mia.run(t, "cloud", "targets", "list"),
		result{Stderr: "acme shares no targets yet: share yours with `clonit cloud sync`\n"})
	checkResult(t, "mia's sync", mia.run(t, "cloud", "sync"), result{Stdout: upTable("copied up"),
		Stderr: "Synced with acme: 4 copied up, 1 skipped.\n"})
	skipped := "KIND    NAME     RESULT   DETAIL\ntarget  scratch  skipped  local_only: it never leaves this machine\n"
	checkResult(t, "mia's second sync", mia.run(t, "cloud", "sync"), result{Stdout: skipped, Stderr: "Synced with acme: 1 skipped.\n"})

	t.Run("the owner's machine syncs down and builds", func(t *testing.T) {
		checkResult(t, "olga's sync", olga.run(t, "cloud", "sync", "--pull"), result{
			Stdout: "KIND             NAME        RESULT       DETAIL\n" +
				"storage profile  team-local  copied down  -\n" +
				"storage profile  team-s3     copied down  -\n" +
				"target           billing     copied down  -\n" +
				"target           shop        copied down  -\n",
			Stderr: "Synced with acme: 4 copied down.\n"})
		build := olga.mustRun(t, "build", "shop")
		name := strings.TrimSpace(build.Stdout)
		if !regexp.MustCompile(`^shop-\d{8}T\d{6}$`).MatchString(name) {
			t.Fatalf("build printed %q", build.Stdout)
		}
		if !strings.Contains(build.Stderr, `pushed `+name+` to storage profile "team-local"`) {
			t.Errorf("build did not push through the synced profile:\n%s", build.Stderr)
		}
		if entries, err := os.ReadDir(shared); err != nil || len(entries) == 0 {
			t.Errorf("the shared storage directory holds nothing after the build: %v", err)
		}
		// The password came down: both sides hold the same one, so there is nothing to do.
		checkResult(t, "olga's second sync", olga.run(t, "cloud", "sync"), result{Stderr: "Everything is in sync with acme.\n"})
	})

	t.Run("a viewer sees the password masked and cannot change or reveal it", func(t *testing.T) {
		show := vic.mustRun(t, "cloud", "targets", "show", "billing")
		for _, line := range []string{"src_url:             postgres://app:****@db.internal:5432/billing\n",
			"dst_url:             postgres://localhost/billing_dev\n", "cloud_snapshots:     0\n"} {
			if !strings.Contains(show.Stdout, line) {
				t.Errorf("cloud targets show lacks %q:\n%s", line, show.Stdout)
			}
		}
		checkResult(t, "vic's sync", vic.run(t, "cloud", "sync", "--pull"), result{
			Stdout: "KIND             NAME        RESULT       DETAIL\n" +
				"storage profile  team-local  copied down  -\n" +
				"storage profile  team-s3     copied down  without its secret key: provide it with CLONIT_STORAGE_PROFILES__TEAM_S3__SECRET_KEY\n" +
				"target           billing     copied down  without passwords: provide them with CLONIT_TARGETS__BILLING__SRC_URL_PASSWORD\n" +
				"target           shop        copied down  -\n",
			Stderr: "warning: your role in acme is viewer, which cannot reveal the credentials of targets and storage profiles (viewers see them masked): ask an admin or owner of the organization\n" +
				"continuing without credentials: what is copied down keeps them empty\n" +
				"Synced with acme: 4 copied down.\n"})
		checkResult(t, "vic's build of the target without its password", vic.run(t, "build", "billing"), result{Code: 2,
			Stderr: "error: target \"billing\" has no password in its src_url: it was synced from the cloud without credentials.\n" +
				"Provide it in one of these ways:\n" +
				"  - export CLONIT_TARGETS__BILLING__SRC_URL_PASSWORD=PASSWORD\n" +
				"  - clonit targets edit billing --src-url 'postgres://app:PASSWORD@db.internal:5432/billing'\n" +
				"  - clonit cloud sync --pull, signed in as a member of the org, to fetch it\n"})
		vic.mustRun(t, "build", "shop")

		vic.mustRun(t, "targets", "edit", "billing", "--dump-jobs", "8")
		r := vic.run(t, "cloud", "sync", "--push", "--prefer", "local")
		checkResult(t, "vic's attempt to change the org's target", r, result{Code: 4,
			Stdout: "KIND    NAME     RESULT  DETAIL\n" +
				"target  billing  failed  your role in acme is viewer, which cannot create, change or delete the org's targets: ask an admin or owner of the organization\n",
			Stderr: "Synced with acme: 1 failed.\n" +
				"error: 1 of the changes failed (see the table): nothing else was affected\n"})
		if got := cloudDumpJobs(t, mia, "billing"); got != 0 {
			t.Errorf("the viewer changed the org's target: dump_jobs = %d", got)
		}
	})

	t.Run("a conflict is listed and left alone until --prefer", func(t *testing.T) {
		mia.mustRun(t, "targets", "edit", "billing", "--dump-jobs", "5")
		conflict := "KIND    NAME     RESULT    DETAIL\ntarget  billing  conflict  differs in dump_jobs\n" +
			"target  scratch  skipped   local_only: it never leaves this machine\n"
		checkResult(t, "mia's sync with a conflict", mia.run(t, "cloud", "sync"), result{Stdout: conflict,
			Stderr: "Synced with acme: 1 conflict, 1 skipped.\nConflicts were left alone: run again with --prefer local or --prefer cloud to settle them.\n"})
		if got := cloudDumpJobs(t, mia, "billing"); got != 0 {
			t.Errorf("the conflict overwrote the org's target: dump_jobs = %d", got)
		}
		if show := mia.mustRun(t, "targets", "show", "billing").Stdout; !strings.Contains(show, "dump_jobs:           5\n") {
			t.Errorf("the conflict overwrote mia's target:\n%s", show)
		}
		checkResult(t, "mia prefers the org's", mia.run(t, "cloud", "sync", "--prefer", "cloud"), result{
			Stdout: "KIND    NAME     RESULT       DETAIL\ntarget  billing  copied down  replaced the local settings (--prefer cloud)\n" +
				"target  scratch  skipped      local_only: it never leaves this machine\n",
			Stderr: "Synced with acme: 1 copied down, 1 skipped.\n"})
		checkResult(t, "mia's sync after settling", mia.run(t, "cloud", "sync"), result{Stdout: skipped, Stderr: "Synced with acme: 1 skipped.\n"})
	})

	t.Run("the audit log records the reveals", func(t *testing.T) {
		audit := olga.mustRun(t, "cloud", "audit", "--limit", "100").Stdout
		for _, want := range []string{"target.create", "target.reveal", "storage_profile.create"} {
			if !strings.Contains(audit, want) {
				t.Errorf("audit log lacks %s:\n%s", want, audit)
			}
		}
		if strings.Contains(audit, billingPassword) {
			t.Errorf("audit log shows the password:\n%s", audit)
		}
	})

	// While the cloud runs, its SQLite database spans clonit-cloud.db and its -wal and -shm
	// files: none of them, nor any other file of the data directory, holds a secret.
	read := map[string]bool{}
	err := filepath.WalkDir(c.DataDir, func(path string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		read[d.Name()] = true
		for _, secret := range []string{billingPassword, teamS3Secret} {
			if strings.Contains(string(b), secret) {
				t.Errorf("%s holds the secret %q in plain text", path, secret)
			}
		}
		return nil
	})
	if err != nil {
		t.Errorf("read the cloud's data directory: %v", err)
	}
	for _, name := range []string{"clonit-cloud.db", "clonit-cloud.db-wal"} {
		if !read[name] {
			t.Errorf("the cloud's data directory has no %s to check (it holds %v)", name, read)
		}
	}
	if st, err := os.Stat(filepath.Join(c.DataDir, "secrets.key")); err != nil || st.Mode().Perm() != 0o600 {
		t.Errorf("the secrets key file: %v, %v; want mode 0600", st, err)
	}
}

// cloudDumpJobs returns the dump_jobs of the org's target name, as
// `clonit cloud targets show --json` prints it.
func cloudDumpJobs(t *testing.T, a *agent, name string) int {
	t.Helper()
	var v struct {
		DumpJobs int `json:"dump_jobs"`
	}
	if err := json.Unmarshal([]byte(a.mustRun(t, "cloud", "targets", "show", name, "--json").Stdout), &v); err != nil {
		t.Fatal(err)
	}
	return v.DumpJobs
}

// makeSQLite writes a small SQLite database at path.
func makeSQLite(t *testing.T, path string) {
	t.Helper()
	db, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	for _, q := range []string{`CREATE TABLE orders (id INTEGER PRIMARY KEY, total INTEGER)`, `INSERT INTO orders (total) VALUES (10), (20)`} {
		if _, err := db.Exec(q); err != nil {
			t.Fatal(err)
		}
	}
}
