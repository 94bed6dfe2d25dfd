package web

import (
	"fmt"
	"strings"
	"testing"

	"github.com/clonit/clonit/internal/cloud/authz"
)

// TestMemberControls lists the controls each role is offered on each other role's row.
func TestMemberControls(t *testing.T) {
	const (
		O = authz.Owner
		A = authz.Admin
		M = authz.Member
		V = authz.Viewer
	)
	tests := []struct {
		actor, target authz.Role
		self          bool
		owners        int
		want          string
	}{
		{O, O, false, 2, "roles=admin,member,viewer remove=true"},
		{O, O, true, 2, "roles= remove=false"},
		{O, A, false, 1, "roles=owner,member,viewer remove=true"},
		{O, M, false, 1, "roles=owner,admin,viewer remove=true"},
		{O, V, false, 1, "roles=owner,admin,member remove=true"},
		{A, O, false, 1, "roles= remove=false"},
		{A, A, false, 1, "roles= remove=false"},
		{A, A, true, 1, "roles= remove=false"},
		{A, M, false, 1, "roles=admin,viewer remove=true"},
		{A, V, false, 1, "roles=admin,member remove=true"},
		{M, V, false, 1, "roles= remove=false"},
		{M, M, false, 1, "roles= remove=false"},
		{V, M, false, 1, "roles= remove=false"},
		{V, V, true, 1, "roles= remove=false"},
	}
	for _, tt := range tests {
		roles, remove := memberControls(tt.actor, tt.target, tt.self, tt.owners)
		got := fmt.Sprintf("roles=%s remove=%t", strings.Join(roles, ","), remove)
		if got != tt.want {
			t.Errorf("%s on %s (self %t, %d owners): %s, want %s", tt.actor, tt.target, tt.self, tt.owners, got, tt.want)
		}
	}
}
