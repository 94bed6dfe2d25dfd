package e2e

import (
	"regexp"
	"strings"
	"testing"
)

// TestWhoamiWithAnOrgKey runs `clonit whoami` with an org-level API key, which acts as no
// person: the key's name, kind and permissions stand in for one.
func TestWhoamiWithAnOrgKey(t *testing.T) {
	c, ada := acmeWithOwner(t)
	key := strings.TrimSpace(ada.mustRun(t, "cloud", "keys", "create", "--name", "ci runner", "--permissions", "pull").Stdout)
	ci := newAgent(t, c.URL, "CLONIT_CLOUD__API_KEY="+key)
	r := ci.mustRun(t, "whoami")
	want := regexp.MustCompile(`^Cloud:       ` + regexp.QuoteMeta(c.URL) + `\nName:        ci runner \(org API key\)\nEmail:       -\n` +
		`Credential:  apikey:[a-z2-7]{26}\nKey:         ci runner \(org-level key; pull\)\nOrg:         acme\nRole:        member\nGroups:      -\n$`)
	if !want.MatchString(r.Stdout) || r.Stderr != "" {
		t.Errorf("whoami with an org key:\n%s\nstderr: %s", r.Stdout, r.Stderr)
	}
	r = ci.mustRun(t, "whoami", "--json")
	if !strings.Contains(r.Stdout, `"key": {`) || !strings.Contains(r.Stdout, `"name": "ci runner"`) || !strings.Contains(r.Stdout, `"kind": "org"`) {
		t.Errorf("whoami --json with an org key:\n%s", r.Stdout)
	}
}
