package authz

import "testing"

func TestKeyCan(t *testing.T) {
	cases := []struct {
		name   string
		perms  Permission
		action Action
		write  bool
		want   bool
	}{
		{"read-only key reads the org", 0, ViewOrg, false, true},
		{"read-only key cannot push", 0, PushSnapshots, true, false},
		{"read-only key cannot pull", 0, PullSnapshots, false, false},
		{"push key pushes", Push, PushSnapshots, true, true},
		{"push-only key cannot download", Push, PullSnapshots, false, false},
		{"pull key pulls", Pull, PullSnapshots, false, true},
		{"pull-only key cannot upload", Pull, PushSnapshots, true, false},
		{"push and pull key does both", Push | Pull, PullSnapshots, false, true},
		{"any key registers its machine", 0, RegisterAgent, true, true},
		{"no key leaves the org", Push | Pull, ViewOrg, true, false},
		{"no key updates the org", Push | Pull, UpdateOrg, true, false},
		{"no key creates keys", Push | Pull, ManageAPIKeys, true, false},
		{"no key provisions a login key", Push | Pull, LoginKey, true, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got := KeyCan(tc.perms, tc.action, tc.write); got != tc.want {
				t.Errorf("KeyCan(%s, %s, write=%v) = %v, want %v", tc.perms, tc.action, tc.write, got, tc.want)
			}
		})
	}
}

func TestKeyCap(t *testing.T) {
	for owner, want := range map[Role]Role{Owner: Member, Admin: Member, Member: Member, Viewer: Viewer, None: None} {
		if got := KeyCap(owner); got != want {
			t.Errorf("KeyCap(%s) = %s, want %s", owner, got, want)
		}
	}
}

func TestParsePermissions(t *testing.T) {
	cases := []struct {
		in   []string
		want string
		err  string
	}{
		{nil, "read", ""},
		{[]string{"push"}, "push", ""},
		{[]string{"pull"}, "pull", ""},
		{[]string{"pull,push"}, "push,pull", ""},
		{[]string{"PUSH", " pull "}, "push,pull", ""},
		{[]string{"push,delete"}, "", `unknown permission "delete": use push, pull or both`},
	}
	for _, tc := range cases {
		p, err := ParsePermissions(tc.in)
		gotErr := ""
		if err != nil {
			gotErr = err.Error()
		}
		if gotErr != tc.err || (err == nil && p.String() != tc.want) {
			t.Errorf("ParsePermissions(%q) = %s, %q; want %s, %q", tc.in, p, gotErr, tc.want, tc.err)
		}
	}
}
