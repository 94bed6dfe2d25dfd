package e2e

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestCloudPushAgain pushes a snapshot to the cloud a second time, which announces the
// size and SHA-256 that the first push recorded and sends the archive in one pass; then,
// once a file of the snapshot has changed in place, a third time: the archive no longer
// matches what that push announces, so its upload is aborted and the push starts over,
// and the cloud ends up with the new bytes, which another machine pulls, verifies and loads.
func TestCloudPushAgain(t *testing.T) {
	c, ada := acmeWithOwner(t)
	c.addUser(t, "dan@example.com", "Dan", "dan password 1", "")
	adminCode := strings.TrimSpace(ada.mustRun(t, "cloud", "invites", "create", "--role", "admin").Stdout)
	dan, eve := newAgent(t, c.URL), newAgent(t, c.URL)
	dan.mustRun(t, "config", "init")
	eve.mustRun(t, "config", "init")
	dan.login(t, "dan@example.com", "dan password 1", "--org", "acme", "--join", adminCode)
	eve.login(t, "ada@example.com", "ada password 1", "--org", "acme")

	data := t.TempDir()
	src := filepath.Join(data, "crm.db")
	makeCustomers(t, src)
	dan.mustRun(t, "targets", "add", "crm", "--db-type", "sqlite", "--src-url", src, "--dst-url", filepath.Join(data, "dan-dev.db"))
	eveDev := filepath.Join(t.TempDir(), "eve-dev.db")
	eve.mustRun(t, "targets", "add", "crm", "--db-type", "sqlite", "--src-url", filepath.Join(data, "unused.db"), "--dst-url", eveDev)
	name := strings.TrimSpace(dan.mustRun(t, "build", "crm", "--no-push").Stdout)

	type pushed struct {
		ID     string `json:"id"`
		Size   int64  `json:"size"`
		SHA256 string `json:"sha256"`
	}
	push := func() pushed {
		t.Helper()
		var p pushed
		out := dan.mustRun(t, "push", "crm", "--cloud", "--json").Stdout
		if err := json.Unmarshal([]byte(out), &p); err != nil || p.ID == "" || len(p.SHA256) != 64 {
			t.Fatalf("push --cloud --json printed %q (%v)", out, err)
		}
		return p
	}
	first, second := push(), push()
	if second.ID == first.ID || second.SHA256 != first.SHA256 || second.Size != first.Size {
		t.Fatalf("the second push gave %+v, want a new snapshot with the same bytes as %+v", second, first)
	}

	// Change a file of the snapshot in place, keeping its size: the archive's size stays,
	// its SHA-256 does not.
	dir := filepath.Join(dan.home, ".clonit", "crm", name)
	var file string
	_ = filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() && filepath.Base(p) != "info.json" && file == "" {
			file = p
		}
		return nil
	})
	b, err := os.ReadFile(file)
	if err != nil || len(b) == 0 {
		t.Fatalf("read a file of the snapshot: %v", err)
	}
	b[len(b)-1] ^= 0xff
	if err := os.WriteFile(file, b, 0o600); err != nil {
		t.Fatal(err)
	}
	third := push()
	if third.SHA256 == first.SHA256 || third.Size != first.Size {
		t.Fatalf("the push after the change gave %+v, want the same size as %+v with another SHA-256", third, first)
	}
	dan.mustRun(t, "cloud", "share", third.ID[:8], "--org")
	pull := eve.mustRun(t, "pull", "crm", "--cloud", "--snapshot-id", third.ID)
	if pull.Stdout != name+"\n" {
		t.Errorf("pull printed %q, want %q", pull.Stdout, name+"\n")
	}
	got, err := os.ReadFile(filepath.Join(eve.home, ".clonit", "crm", name, strings.TrimPrefix(file, dir+string(filepath.Separator))))
	if err != nil || string(got) != string(b) {
		t.Errorf("the pulled file holds %d bytes (%v), want the changed ones", len(got), err)
	}
}
