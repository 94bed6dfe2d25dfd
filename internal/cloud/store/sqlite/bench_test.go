package sqlite_test

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/clonit/clonit/internal/cloud/store/sqlite"
	"github.com/clonit/clonit/internal/cloud/store/storetest"
)

// BenchmarkMembers measures the members list of a 1,000-member org, the store's share of
// bench/members: go test -run '^$' -bench Members ./internal/cloud/store/sqlite
func BenchmarkMembers(b *testing.B) {
	db, err := sqlite.Open(context.Background(), filepath.Join(b.TempDir(), "cloud.db"))
	if err != nil {
		b.Fatalf("Open: %v", err)
	}
	defer db.Close()
	storetest.BenchMembers(b, db)
}
