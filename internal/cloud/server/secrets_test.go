package server

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/clonit/clonit/internal/cloud"
	"github.com/clonit/clonit/internal/cloud/store/postgres"
	"github.com/clonit/clonit/internal/cloud/store/sqlite"
	"github.com/clonit/clonit/internal/testutil"
)

// TestSecretsKeyStaysOutOfTheDatabase shows, on both stores, that the sealing key lives in
// a file and never in the database, that servers sharing the key file agree, and that a
// server with another key (a second machine without the shared file, a lost file) is
// refused before it seals anything the others could not open.
func TestSecretsKeyStaysOutOfTheDatabase(t *testing.T) {
	ctx := context.Background()
	stores := map[string]func(t *testing.T) cloud.Store{
		"sqlite": func(t *testing.T) cloud.Store {
			st, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "cloud.db"))
			if err != nil {
				t.Fatal(err)
			}
			return st
		},
		"postgres": func(t *testing.T) cloud.Store {
			st, err := postgres.Open(ctx, testutil.NewPostgresDB(t))
			if err != nil {
				t.Fatal(err)
			}
			return st
		},
	}
	for name, open := range stores {
		t.Run(name, func(t *testing.T) {
			st := open(t)
			defer st.Close()
			first, other := t.TempDir(), t.TempDir()
			key, err := secretsKey(ctx, Config{DataDir: first}, st)
			if err != nil {
				t.Fatal(err)
			}
			file := filepath.Join(first, SecretsKeyFile)
			if fi, err := os.Stat(file); err != nil || fi.Mode().Perm() != 0o600 {
				t.Fatalf("key file: %v %v", fi, err)
			}
			again, err := secretsKey(ctx, Config{DataDir: first}, st)
			if err != nil || !bytes.Equal(again, key) {
				t.Fatalf("the same data directory gives another key or fails: %v", err)
			}
			shared, err := secretsKey(ctx, Config{DataDir: other, SecretsKeyFile: file}, st)
			if err != nil || !bytes.Equal(shared, key) {
				t.Fatalf("a server given the shared key file: %v", err)
			}
			if check, err := st.Secret(ctx, keyCheckSecret, nil); err != nil || bytes.Contains(check, key) {
				t.Fatalf("the database holds the key or no check: %v", err)
			}

			_, err = secretsKey(ctx, Config{DataDir: other}, st)
			if err == nil || !strings.Contains(err.Error(), "is not the one this database's credentials were sealed with") {
				t.Fatalf("a server with its own new key: %v", err)
			}
			if err := os.Remove(file); err != nil {
				t.Fatal(err)
			}
			if _, err := secretsKey(ctx, Config{DataDir: first}, st); err == nil {
				t.Fatal("a lost key file was silently replaced")
			}
		})
	}
}
