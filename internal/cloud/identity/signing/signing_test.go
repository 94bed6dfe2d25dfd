package signing_test

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/clonit/clonit/internal/cloud/identity/signing"
	"github.com/clonit/clonit/internal/cloud/store/sqlite"
)

func TestKeyPersistsAcrossRestarts(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "clonit-cloud.db")
	load := func() *signing.Key {
		db, err := sqlite.Open(ctx, path)
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		k, err := signing.Load(ctx, db)
		if err != nil {
			t.Fatal(err)
		}
		return k
	}
	first, second := load(), load()
	if first.ID() != second.ID() || first.ID() == "" {
		t.Fatalf("key ids %q and %q: the key was not kept", first.ID(), second.ID())
	}
	tok, err := first.Sign(map[string]string{"sub": "ada"})
	if err != nil {
		t.Fatal(err)
	}
	payload, err := second.Verify(tok)
	if err != nil || string(payload) != `{"sub":"ada"}` {
		t.Fatalf("Verify = %q, %v", payload, err)
	}

	other, err := signing.Load(ctx, mustOpen(t))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := other.Verify(tok); err == nil {
		t.Fatal("a key of another database verified the token")
	}
}

func mustOpen(t *testing.T) *sqlite.DB {
	db, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "other.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}
