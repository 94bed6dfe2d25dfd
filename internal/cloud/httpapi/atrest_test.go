package httpapi_test

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/clonit/clonit/internal/cloud"
	"github.com/clonit/clonit/internal/cloud/authz"
	"github.com/clonit/clonit/internal/cloud/store/postgres"
	"github.com/clonit/clonit/internal/cloud/store/sqlite"
	"github.com/clonit/clonit/internal/testutil"
)

// TestNoPlainTextCredentialsAtRest stores a target with passwords and a storage profile
// with keys through the API, reveals and updates them, and then reads the whole database
// as an attacker with a copy would: every byte of the SQLite files, and a pg_dump of the
// PostgreSQL database. No password and no storage key may appear; their sealed form must.
func TestNoPlainTextCredentialsAtRest(t *testing.T) {
	secrets := []string{targetPassword, dstPassword, accessKey, secretKey, "rotated-PLAIN-pw"}
	fill := func(t *testing.T, st cloud.Store) {
		e := newEnv(t, st)
		e.org("acme", "olga", map[string]authz.Role{"mia": authz.Member})
		e.run(t, []step{
			{"create the profile", "POST", "/api/v1/orgs/acme/storage-profiles", "mia", teamProfile, 201, maskedProfile},
			{"create the target", "POST", "/api/v1/orgs/acme/targets", "mia", shopTarget, 201, maskedShop},
			{"reveal it", "POST", "/api/v1/orgs/acme/targets/shop/reveal", "mia", nil, 200, revealedShop},
		})
		rotated := map[string]any{"db_type": "postgres", "src_url": "postgres://app:rotated-PLAIN-pw@db.internal:5432/shop",
			"dst_url": "postgres://localhost/shop_dev?password=****", "storage_profile": "team-s3"}
		if status, body := e.do("PUT", "/api/v1/orgs/acme/targets/shop", e.token("mia"), rotated); status != 200 {
			t.Fatalf("rotate the password: %d %s", status, body)
		}
	}
	check := func(t *testing.T, what string, data []byte) {
		t.Helper()
		if len(data) == 0 {
			t.Fatalf("%s is empty", what)
		}
		for _, s := range secrets {
			if bytes.Contains(data, []byte(s)) {
				t.Errorf("%s holds %q in plain text", what, s)
			}
		}
		if !bytes.Contains(data, []byte("postgres://app:$aes$")) {
			t.Errorf("%s holds no sealed password: did the target reach it?", what)
		}
	}

	t.Run("sqlite", func(t *testing.T) {
		dir := t.TempDir()
		st, err := sqlite.Open(context.Background(), filepath.Join(dir, "cloud.db"))
		if err != nil {
			t.Fatal(err)
		}
		fill(t, st)
		var all []byte
		entries, _ := os.ReadDir(dir)
		for _, en := range entries {
			b, err := os.ReadFile(filepath.Join(dir, en.Name()))
			if err != nil {
				t.Fatal(err)
			}
			all = append(all, b...)
		}
		check(t, "the SQLite files (database and WAL)", all)
		st.Close()
	})

	t.Run("postgres", func(t *testing.T) {
		url := testutil.NewPostgresDB(t)
		st, err := postgres.Open(context.Background(), url)
		if err != nil {
			t.Fatal(err)
		}
		defer st.Close()
		fill(t, st)
		var dump, stderr bytes.Buffer
		cmd := exec.Command("pg_dump", "--no-owner", url)
		cmd.Stdout, cmd.Stderr = &dump, &stderr
		if err := cmd.Run(); err != nil {
			t.Fatalf("pg_dump: %v\n%s", err, stderr.String())
		}
		if !strings.Contains(dump.String(), "org_targets") {
			t.Fatalf("the dump has no org_targets table")
		}
		check(t, "the pg_dump of the database", dump.Bytes())
	})
}
