package web

import "testing"

// TestSafeBack checks that a posted form returns only to a page of the UI itself.
func TestSafeBack(t *testing.T) {
	const def = "/cloud/acme/snapshots"
	tests := []struct {
		name, back, want string
	}{
		{"a snapshot page", "/cloud/acme/snapshots/abcd1234", "/cloud/acme/snapshots/abcd1234"},
		{"the shared tab with a cursor", "/cloud/acme/snapshots?tab=shared&cursor=x", "/cloud/acme/snapshots?tab=shared&cursor=x"},
		{"empty", "", def},
		{"another site", "https://attacker.example/cloud/", def},
		{"scheme-relative", "//attacker.example/cloud/", def},
		{"a local page outside the cloud section", "/targets/notes", def},
		{"a backslash", "/cloud/\\attacker.example", def},
		{"a header injection", "/cloud/acme\r\nSet-Cookie: x=y", def},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := safeBack(tt.back, def); got != tt.want {
				t.Errorf("safeBack(%q) = %q, want %q", tt.back, got, tt.want)
			}
		})
	}
}

// TestWithQuery checks how a flash or cursor is added to a URL.
func TestWithQuery(t *testing.T) {
	tests := []struct {
		name, u, key, value, want string
	}{
		{"no query yet", "/cloud/acme/snapshots", "done", "shared-org", "/cloud/acme/snapshots?done=shared-org"},
		{"a query already", "/cloud/acme/snapshots?tab=shared", "done", "unshared-org", "/cloud/acme/snapshots?tab=shared&done=unshared-org"},
		{"escaped value", "/cloud/acme/snapshots", "cursor", "a+b/c=", "/cloud/acme/snapshots?cursor=a%2Bb%2Fc%3D"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := withQuery(tt.u, tt.key, tt.value); got != tt.want {
				t.Errorf("withQuery = %q, want %q", got, tt.want)
			}
		})
	}
}
