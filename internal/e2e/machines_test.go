package e2e

import (
	"encoding/json"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	clonitagent "github.com/clonit/clonit/internal/agent"
	"github.com/clonit/clonit/internal/cloud/identity/apikey"
)

// keyHint is the shape of a key's end of message hint the agent adds to a refused key.
const keyHint = " (check cloud.api_key or CLONIT_CLOUD__API_KEY)\n"

// acmeWithOwner starts a cloud with ada, who owns the org acme and is signed in to it.
func acmeWithOwner(t *testing.T) (*cloud, *agent) {
	t.Helper()
	c := startCloud(t)
	c.addUser(t, "ada@example.com", "Ada Lovelace", "ada password 1", "eng")
	ada := newAgent(t, c.URL)
	ada.login(t, "ada@example.com", "ada password 1")
	ada.mustRun(t, "cloud", "org", "create", "--name", "Acme", "--slug", "acme")
	ada.login(t, "ada@example.com", "ada password 1", "--org", "acme") // now with a login key of acme
	return c, ada
}

// TestAPIKeyLifecycle creates keys with the real binaries and uses them from another
// machine's config through CLONIT_CLOUD__API_KEY: a push key reads, registers its machine
// and pushes a snapshot with `clonit push --cloud`, and may not change the org; a pull key
// may not push; once revoked, the push key's next push is refused.
func TestAPIKeyLifecycle(t *testing.T) {
	c, ada := acmeWithOwner(t)

	t.Run("login provisions the machine's key and the next login rotates it", func(t *testing.T) {
		first := readSession(t, ada).APIKey
		if !strings.HasPrefix(first, "clonit_") {
			t.Fatalf("the session holds no login key: %q", first)
		}
		ada.login(t, "ada@example.com", "ada password 1")
		second := readSession(t, ada).APIKey
		if second == first || !strings.HasPrefix(second, "clonit_") {
			t.Fatalf("the second login kept or lost the key: %q then %q", first, second)
		}
		old := newAgent(t, c.URL, "CLONIT_CLOUD__API_KEY="+first)
		r := old.run(t, "cloud", "members", "list")
		if r.Code != 6 || !regexp.MustCompile(`^error: the API key "clonit login on [^"]+" was revoked on `).MatchString(r.Stderr) {
			t.Errorf("the rotated-out login key: %+v", r)
		}
		if r := newAgent(t, c.URL, "CLONIT_CLOUD__API_KEY="+second).run(t, "cloud", "members", "list"); r.Code != 0 {
			t.Errorf("the new login key: %+v", r)
		}
	})

	created := ada.mustRun(t, "cloud", "keys", "create", "--name", "ci", "--permissions", "push")
	key := strings.TrimSpace(created.Stdout)
	if !regexp.MustCompile(`^clonit_[0-9A-Za-z]{38}$`).MatchString(key) ||
		!regexp.MustCompile(`^Created org key "ci" \([a-z2-7]{26}, push\) in org acme, expires never\.\nThis is the only time the key is shown: store it now, as cloud.api_key or CLONIT_CLOUD__API_KEY\.\n$`).MatchString(created.Stderr) {
		t.Fatalf("keys create printed:\nstdout %q\nstderr %q", created.Stdout, created.Stderr)
	}
	// The CI machine has a config of its own, with a small SQLite target built locally.
	ci := newAgent(t, c.URL, "CLONIT_CLOUD__API_KEY="+key)
	ci.mustRun(t, "config", "init")
	data := t.TempDir()
	makeCustomers(t, filepath.Join(data, "crm.db"))
	ci.mustRun(t, "targets", "add", "crm", "--db-type", "sqlite", "--src-url", filepath.Join(data, "crm.db"), "--dst-url", filepath.Join(data, "dev.db"))
	built := strings.TrimSpace(ci.mustRun(t, "build", "crm", "--no-push").Stdout)

	t.Run("the push key pushes with clonit push --cloud", func(t *testing.T) {
		push := ci.mustRun(t, "push", "crm", "--cloud")
		id := strings.TrimSpace(push.Stdout)
		if !regexp.MustCompile(`^[a-z2-7]{26}$`).MatchString(id) || !strings.HasPrefix(push.Stderr, "pushed "+built+" ") {
			t.Fatalf("push --cloud with the key: %+v", push)
		}
		if list := ada.mustRun(t, "cloud", "snapshots").Stdout; !regexp.MustCompile(`(?m)^` + id[:8] + `  crm  +` + built + `  `).MatchString(list) {
			t.Errorf("the owner's listing lacks the pushed snapshot %s:\n%s", id, list)
		}
	})

	t.Run("a pull key may not push", func(t *testing.T) {
		pullKey := strings.TrimSpace(ada.mustRun(t, "cloud", "keys", "create", "--name", "reader", "--permissions", "pull").Stdout)
		reader := newAgent(t, c.URL, "CLONIT_CLOUD__API_KEY="+pullKey)
		reader.mustRun(t, "config", "init")
		reader.mustRun(t, "targets", "add", "crm", "--db-type", "sqlite", "--src-url", filepath.Join(data, "crm.db"), "--dst-url", filepath.Join(data, "reader.db"))
		reader.mustRun(t, "build", "crm", "--no-push")
		checkResult(t, "push --cloud with a pull key", reader.run(t, "push", "crm", "--cloud"), result{Code: 4,
			Stderr: "error: the API key \"reader\" has the pull permission, not push: create a key with `clonit cloud keys create --permissions push`\n"})
	})

	t.Run("the key reads and registers its machine, and changes nothing else", func(t *testing.T) {
		if r := ci.run(t, "cloud", "members", "list"); r.Code != 0 || !strings.Contains(r.Stdout, "ada@example.com") {
			t.Errorf("members list with the key: %+v", r)
		}
		ci.mustRun(t, "cloud", "register", "--name", "ci-runner")
		checkResult(t, "org update with the key", ci.run(t, "cloud", "org", "update", "--description", "mine now"), result{
			Stderr: "error: this API key acts as a member of acme, which cannot update the organization's settings: API keys act with member-level access at most; sign in with `clonit login` to act as yourself\n", Code: 4})
		checkResult(t, "leave with the key", ci.run(t, "cloud", "leave", "--org", "acme", "--yes"), result{
			Stderr: "error: API keys only read, register their machine, and push or pull snapshots: sign in with `clonit login` to make this change\n", Code: 4})
		checkResult(t, "keys create with the key", ci.run(t, "cloud", "keys", "create", "--name", "more"), result{
			Stderr: "error: this API key acts as a member of acme, which cannot create or revoke API keys: API keys act with member-level access at most; sign in with `clonit login` to act as yourself\n", Code: 4})
		if list := ada.mustRun(t, "cloud", "keys", "list"); strings.Contains(list.Stdout, key) || !strings.Contains(list.Stdout, "ci ") {
			t.Errorf("keys list shows the secret or misses the key:\n%s", list.Stdout)
		}
	})

	t.Run("a revoked key fails on the next push", func(t *testing.T) {
		var keys []struct{ ID, Name string }
		if err := json.Unmarshal([]byte(ada.mustRun(t, "cloud", "keys", "list", "--json").Stdout), &keys); err != nil {
			t.Fatal(err)
		}
		for _, k := range keys {
			if k.Name == "ci" {
				ada.mustRun(t, "cloud", "keys", "revoke", k.ID)
			}
		}
		want := regexp.MustCompile(`^error: the API key "ci" was revoked on \d{4}-\d\d-\d\d \d\d:\d\d UTC: create a new one with ` +
			"`clonit cloud keys create`, or sign in with `clonit login`" + regexp.QuoteMeta(keyHint) + `$`)
		if r := ci.run(t, "push", "crm", "--cloud"); r.Code != 6 || r.Stdout != "" || !want.MatchString(r.Stderr) {
			t.Errorf("push with the revoked key: %+v", r)
		}
		if r := ci.run(t, "cloud", "members", "list"); r.Code != 6 || r.Stdout != "" || !want.MatchString(r.Stderr) {
			t.Errorf("call with the revoked key: %+v", r)
		}
	})

	t.Run("an expired key fails likewise", func(t *testing.T) {
		short := strings.TrimSpace(ada.mustRun(t, "cloud", "keys", "create", "--name", "short", "--expires", "1s").Stdout)
		time.Sleep(2100 * time.Millisecond) // let the key's lifetime pass: this waits, it measures nothing
		r := newAgent(t, c.URL, "CLONIT_CLOUD__API_KEY="+short).run(t, "cloud", "members", "list")
		want := regexp.MustCompile(`^error: the API key "short" expired on \d{4}-\d\d-\d\d \d\d:\d\d UTC: create a new one with ` +
			"`clonit cloud keys create`" + regexp.QuoteMeta(keyHint) + `$`)
		if r.Code != 6 || !want.MatchString(r.Stderr) {
			t.Errorf("call with the expired key: %+v", r)
		}
	})

	t.Run("a removed member's per-user key stops working", func(t *testing.T) {
		c.addUser(t, "bob@example.com", "Bob", "bob password 1", "")
		code := strings.TrimSpace(ada.mustRun(t, "cloud", "invites", "create", "--role", "member").Stdout)
		bob := newAgent(t, c.URL)
		bob.login(t, "bob@example.com", "bob password 1", "--org", "acme", "--join", code)
		bobKey := readSession(t, bob).APIKey
		bobCI := newAgent(t, c.URL, "CLONIT_CLOUD__API_KEY="+bobKey)
		if r := bobCI.run(t, "cloud", "members", "list"); r.Code != 0 {
			t.Fatalf("bob's key while he is a member: %+v", r)
		}
		ada.mustRun(t, "cloud", "members", "remove", "bob@example.com", "--yes")
		checkResult(t, "bob's key after his removal", bobCI.run(t, "cloud", "members", "list"), result{
			Stderr: `error: the API key "` + loginKeyName() + `" belongs to a person who is no longer a member of acme: ask an admin of the organization for a new key` + keyHint,
			Code:   6})
	})

	t.Run("malformed, mistyped and unknown keys all get the same 401", func(t *testing.T) {
		typo := []byte(key)
		typo[10] ^= 1
		unknown := apikey.New() // well-formed, with a valid checksum, but never issued
		if err := apikey.Check(unknown); err != nil {
			t.Fatalf("apikey.New made a key that fails its own check: %v", err)
		}
		if err := apikey.Check(string(typo)); err == nil {
			t.Fatalf("the mistyped key %q passes the checksum", typo)
		}
		bad := map[string]string{
			"malformed":      "clonit_not-a-key",
			"wrong checksum": string(typo),
			"unknown":        unknown,
		}
		want := result{Stderr: "error: invalid API key: check the key you set in cloud.api_key or CLONIT_CLOUD__API_KEY, or create a new one with `clonit cloud keys create`" + keyHint, Code: 6}
		var bodies []string
		for _, name := range []string{"malformed", "wrong checksum", "unknown"} {
			k := bad[name]
			checkResult(t, name+" key", newAgent(t, c.URL, "CLONIT_CLOUD__API_KEY="+k, "CLONIT_CLOUD__ORG=acme").run(t, "cloud", "members", "list"), want)
			req, _ := http.NewRequest("GET", c.URL+"/api/v1/orgs/acme/members", nil)
			req.Header.Set("Authorization", "Bearer "+k)
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			b, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			bodies = append(bodies, resp.Status+" "+strings.TrimSpace(string(b)))
		}
		if !strings.HasPrefix(bodies[0], "401 ") || bodies[1] != bodies[0] || bodies[2] != bodies[0] {
			t.Errorf("the answers to malformed, mistyped and unknown keys differ or are not 401:\n%s", strings.Join(bodies, "\n"))
		}
	})
}

// loginKeyName is the name `clonit login` gives the key it provisions on this machine.
func loginKeyName() string {
	host, _ := os.Hostname()
	return "clonit login on " + host
}

// TestAgentRegistry registers machines with the real binaries: register, the refusal to
// register again, --force, status, removal and the removed machine's message.
func TestAgentRegistry(t *testing.T) {
	c, ada := acmeWithOwner(t)
	host, _ := os.Hostname()

	r := ada.mustRun(t, "cloud", "register", "--name", "laptop")
	first := savedAgentID(t, ada)
	cfgPath := filepath.Join(ada.home, ".config", "clonit", "config.yaml")
	checkResult(t, "register", r, result{Stderr: `Registered this machine as agent "laptop" (` + first + `) in org acme; cloud.agent_id is saved in ` + cfgPath + ".\n"})

	checkResult(t, "register again", ada.run(t, "cloud", "register"), result{
		Stderr: "error: this machine is already registered (cloud.agent_id " + first + "): pass --force to register it again, for example after re-imaging it\n", Code: 5})

	ada.mustRun(t, "cloud", "register", "--force")
	second := savedAgentID(t, ada)
	if second == first {
		t.Fatalf("--force kept the agent id %s", first)
	}

	status := ada.mustRun(t, "cloud", "status")
	want := regexp.MustCompile(`^Cloud:     ` + regexp.QuoteMeta(c.URL) + ` \(reachable\)\nOrg:       acme \(owner\)\nIdentity:  ada@example.com \(session\)\nAgent:     ` +
		regexp.QuoteMeta(host) + ` \(` + second + `\), version \S+\nLast seen: \d{4}-\d\d-\d\d \d\d:\d\d:\d\d\n$`)
	if !want.MatchString(status.Stdout) {
		t.Errorf("status:\n%s", status.Stdout)
	}
	list := ada.mustRun(t, "cloud", "agents", "list").Stdout
	if strings.Contains(list, "laptop") || !strings.Contains(list, second) || !strings.Contains(list, "ada@example.com") {
		t.Errorf("agents list after --force:\n%s", list)
	}
	if members := ada.mustRun(t, "cloud", "members", "list").Stdout; !strings.HasSuffix(members, "  "+host+"\n") {
		t.Errorf("members list does not show ada's agent:\n%s", members)
	}

	key := strings.TrimSpace(ada.mustRun(t, "cloud", "keys", "create", "--name", "ci").Stdout)
	ci := newAgent(t, c.URL, "CLONIT_CLOUD__API_KEY="+key)
	ci.mustRun(t, "cloud", "register", "--name", "ci-runner")
	ciID := savedAgentID(t, ci)
	ada.mustRun(t, "cloud", "agents", "remove", ciID)
	removed := ci.run(t, "cloud", "agents", "list")
	wantRemoved := regexp.MustCompile(`^error: this machine's agent "ci-runner" was removed from the organization's registry on \d{4}-\d\d-\d\d \d\d:\d\d UTC by ada@example.com: register it again with ` +
		"`clonit cloud register --force`\n$")
	if removed.Code != 4 || !wantRemoved.MatchString(removed.Stderr) {
		t.Errorf("the removed agent's next call: %+v", removed)
	}
	// Without --name, the machine would take ada's agent's name (both run on this host),
	// which a key may not take over.
	checkResult(t, "register --force over ada's agent", ci.run(t, "cloud", "register", "--force"), result{
		Stderr: `error: the agent "` + host + `" was registered by ada@example.com: choose another --name, or ask an admin or owner to remove it with ` +
			"`clonit cloud agents remove " + second + "`\n", Code: 4})
	ci.mustRun(t, "cloud", "register", "--force", "--name", "ci-runner")
	if r := ci.run(t, "cloud", "agents", "list"); r.Code != 0 || !strings.Contains(r.Stdout, "ci-runner") || !strings.Contains(r.Stdout, "key ci") {
		t.Errorf("agents list after registering again: %+v", r)
	}
}

// savedAgentID reads cloud.agent_id from a's config file.
func savedAgentID(t *testing.T, a *agent) string {
	t.Helper()
	cfg, err := clonitagent.ReadConfigFile(filepath.Join(a.home, ".config", "clonit", "config.yaml"))
	if err != nil || cfg.Cloud.AgentID == "" {
		t.Fatalf("no cloud.agent_id saved: %+v, %v", cfg, err)
	}
	if cfg.Cloud.APIKey != "" {
		t.Errorf("register saved the API key of the environment into the config file")
	}
	return cfg.Cloud.AgentID
}
