package e2e

import (
	"net/http"
	"regexp"
	"strings"
	"testing"
)

// TestLogoutRevokesTheLoginKey signs out with the real binaries: the key `clonit login`
// made for the machine stops working at once, and the org's audit log says who revoked it.
func TestLogoutRevokesTheLoginKey(t *testing.T) {
	c, ada := acmeWithOwner(t)
	key := readSession(t, ada).APIKey
	if !strings.HasPrefix(key, "clonit_") {
		t.Fatalf("the session holds no login key: %q", key)
	}
	if status := meStatus(t, c.URL, key); status != http.StatusOK {
		t.Fatalf("the login key before logout: GET /api/v1/me answered %d", status)
	}

	checkResult(t, "logout", ada.run(t, "logout"),
		result{Stderr: "Revoked this machine's API key for acme.\nSigned out of " + c.URL + ".\n"})
	if status := meStatus(t, c.URL, key); status != http.StatusUnauthorized {
		t.Errorf("the login key after logout: GET /api/v1/me answered %d, want 401", status)
	}
	r := newAgent(t, c.URL, "CLONIT_CLOUD__API_KEY="+key).run(t, "cloud", "members", "list")
	if r.Code != 6 || !regexp.MustCompile(`^error: the API key "clonit login on [^"]+" was revoked on `).MatchString(r.Stderr) {
		t.Errorf("clonit with the revoked key: %+v", r)
	}

	ada.login(t, "ada@example.com", "ada password 1", "--org", "acme")
	audit := ada.mustRun(t, "cloud", "audit").Stdout
	if !regexp.MustCompile(`apikey\.revoke .*clonit login on .*at logout`).MatchString(audit) {
		t.Errorf("the audit log does not show the revocation at logout:\n%s", audit)
	}
	checkResult(t, "logout after the next login", ada.run(t, "logout"),
		result{Stderr: "Revoked this machine's API key for acme.\nSigned out of " + c.URL + ".\n"})
	checkResult(t, "logout twice", ada.run(t, "logout"), result{Stderr: "You were not signed in.\n"})
}

// meStatus returns the status of GET /api/v1/me with bearer.
func meStatus(t *testing.T, cloudURL, bearer string) int {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, cloudURL+"/api/v1/me", nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+bearer)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}
