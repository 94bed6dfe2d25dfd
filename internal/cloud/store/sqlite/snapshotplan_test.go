package sqlite

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/clonit/clonit/internal/cloud"
	"github.com/clonit/clonit/internal/cloud/store"
)

// TestSnapshotPagePlan checks that a page of the catalog is one merge of ordered index
// ranges that SQLite neither sorts nor collects in a temporary B-tree (save the final sort
// of the page itself): what keeps a page as cheap in 100,000 snapshots as in 100.
func TestSnapshotPagePlan(t *testing.T) {
	db, err := Open(context.Background(), filepath.Join(t.TempDir(), "cloud.db"))
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	defer db.Close()
	after := &cloud.SnapshotCursor{ID: "s", CreatedAt: store.Now()}
	cases := []struct {
		name   string
		viewer cloud.Viewer
		filter cloud.SnapshotFilter
		arms   int
	}{
		{"member in groups", cloud.Viewer{OrgID: "o", Groups: []string{"a", "b", "c"}}, cloud.SnapshotFilter{Limit: 50}, 5},
		{"member, next page", cloud.Viewer{OrgID: "o", Groups: []string{"a"}}, cloud.SnapshotFilter{Limit: 50, After: after}, 3},
		{"member, shared only", cloud.Viewer{OrgID: "o", Groups: []string{"a"}}, cloud.SnapshotFilter{Limit: 50, Shared: true}, 2},
		{"admin", cloud.Viewer{OrgID: "o", All: true}, cloud.SnapshotFilter{Limit: 50}, 2},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			b := store.NewQuery(dialect)
			query := `WITH ` + b.VisibleIDs(tc.viewer, tc.filter) + ` SELECT p.id FROM p ` + dialect.FixedJoin +
				` cloud_snapshots s ON s.id = p.id ORDER BY s.created_at DESC, s.id DESC`
			rows, err := db.read.Query("EXPLAIN QUERY PLAN "+query, b.Args...)
			if err != nil {
				t.Fatalf("EXPLAIN: %v", err)
			}
			defer rows.Close()
			var plan []string
			searches, merges, temps := 0, 0, 0
			for rows.Next() {
				var id, parent, unused int
				var detail string
				if err := rows.Scan(&id, &parent, &unused, &detail); err != nil {
					t.Fatalf("Scan: %v", err)
				}
				plan = append(plan, detail)
				switch {
				case strings.HasPrefix(detail, "SEARCH") && strings.Contains(detail, "USING COVERING INDEX"):
					searches++
				case detail == "MERGE (UNION)":
					merges++
				case strings.Contains(detail, "TEMP B-TREE"):
					temps++
				}
			}
			// The arms, each a covering index range; the join to the snapshots; one sort.
			if searches != tc.arms || merges != tc.arms-1 || temps != 1 {
				t.Errorf("plan has %d covering index ranges, %d merges and %d temporary B-trees, want %d, %d and 1:\n%s",
					searches, merges, temps, tc.arms, tc.arms-1, strings.Join(plan, "\n"))
			}
		})
	}
}
