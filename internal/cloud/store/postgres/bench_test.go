package postgres_test

import (
	"context"
	"testing"

	"github.com/clonit/clonit/internal/cloud/store/postgres"
	"github.com/clonit/clonit/internal/cloud/store/storetest"
	"github.com/clonit/clonit/internal/testutil"
)

// BenchmarkMembers measures the members list of a 1,000-member org, the store's share of
// bench/members: go test -run '^$' -bench Members ./internal/cloud/store/postgres
func BenchmarkMembers(b *testing.B) {
	db, err := postgres.Open(context.Background(), testutil.NewPostgresDB(b))
	if err != nil {
		b.Fatalf("Open: %v", err)
	}
	defer db.Close()
	storetest.BenchMembers(b, db)
}
