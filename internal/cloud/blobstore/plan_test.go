package blobstore_test

import (
	"reflect"
	"testing"

	"github.com/clonit/clonit/internal/cloud/blobstore"
)

func TestPlan(t *testing.T) {
	const mib = 1 << 20
	tests := []struct {
		name           string
		size, partSize int64
		want           []blobstore.Range
	}{
		{"empty object in one PUT", 0, 64 * mib, nil},
		{"exactly one part in one PUT", 64 * mib, 64 * mib, nil},
		{"one byte more makes two parts", 64*mib + 1, 64 * mib, []blobstore.Range{{1, 0, 64 * mib}, {2, 64 * mib, 1}}},
		{"part size below the minimum is raised", 11 * mib, mib, []blobstore.Range{{1, 0, 5 * mib}, {2, 5 * mib, 5 * mib}, {3, 10 * mib, mib}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := blobstore.Plan(tt.size, tt.partSize); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("Plan(%d, %d) = %v, want %v", tt.size, tt.partSize, got, tt.want)
			}
		})
	}
	t.Run("huge objects stay within the part limit", func(t *testing.T) {
		const size = 1 << 40 // 1 TiB at 64 MiB parts would need 16,384 parts
		parts := blobstore.Plan(size, 64*mib)
		var total int64
		for _, p := range parts {
			total += p.Size
		}
		if len(parts) > blobstore.MaxParts || total != size {
			t.Errorf("Plan(1 TiB) = %d parts of %d bytes in all, want at most %d parts covering %d", len(parts), total, blobstore.MaxParts, int64(size))
		}
	})
}
