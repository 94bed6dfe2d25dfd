package e2e

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/clonit/clonit/internal/api"
)

// TestJoinWithACode enters an org with `clonit login --org SLUG --join CODE`, the real
// binaries on both sides: an owner makes codes with `clonit cloud invites create`, a new
// person joins with one and acts as a member at once, and a used, misplaced or malformed
// code is refused with its own message and exit code, joining no one.
func TestJoinWithACode(t *testing.T) {
	c, ada := acmeWithOwner(t)
	ada.mustRun(t, "cloud", "org", "create", "--name", "Beta", "--slug", "beta")
	created := ada.mustRun(t, "cloud", "invites", "create", "--org", "acme", "--role", "member", "--count", "2")
	codes := strings.Fields(created.Stdout)
	if len(codes) != 2 || len(codes[0]) != len("1234-5678") || codes[0][4] != '-' {
		t.Fatalf("invites create printed %q, want two codes such as 1234-5678", created.Stdout)
	}
	c.addUser(t, "ben@example.com", "Ben Bitdiddle", "ben password 1", "qa")
	c.addUser(t, "cal@example.com", "Cal Coder", "cal password 1", "qa")

	ben := newAgent(t, c.URL)
	stderr := ben.login(t, "ben@example.com", "ben password 1", "--org", "acme", "--join", codes[0])
	if want := "Joined org acme as member.\nSigned in as ben@example.com (org acme, role member)\n"; !strings.Contains(stderr, want) {
		t.Errorf("login --join said:\n%s\nwant it to contain:\n%s", stderr, want)
	}
	if r := ben.mustRun(t, "whoami"); !strings.Contains(r.Stdout, "Org:         acme\nRole:        member\nGroups:      qa\n") {
		t.Errorf("whoami after joining:\n%s", r.Stdout)
	}
	ben.mustRun(t, "cloud", "members", "list") // a member may read the list at once

	cal := newAgent(t, c.URL)
	refused := []struct {
		name string
		org  string
		code string
		want result
	}{
		{"a used code", "acme", codes[0], result{Code: 5,
			Stderr: "error: this join code was already used: each code works once; ask an admin of acme for a new one\n"}},
		{"a code of another org", "beta", codes[1], result{Code: 3,
			Stderr: `error: this join code is not valid for organization "beta": check the code and the organization's slug with whoever gave them to you` + "\n"}},
		{"a malformed code", "acme", "12-34", result{Code: 2,
			Stderr: "error: a join code is 8 digits, such as 1234-5678: check the code you were given\n"}},
	}
	for _, tc := range refused {
		t.Run(tc.name, func(t *testing.T) {
			got := cal.loginResult(t, "cal@example.com", "cal password 1", "--org", tc.org, "--join", tc.code)
			if got.Code != tc.want.Code || !strings.HasSuffix(got.Stderr, tc.want.Stderr) || got.Stdout != "" {
				t.Errorf("login --org %s --join %s:\n got  %+v\n want exit %d ending with %q", tc.org, tc.code, got, tc.want.Code, tc.want.Stderr)
			}
		})
	}
	if r := cal.run(t, "whoami"); r.Code != 6 {
		t.Errorf("a refused join saved a session: whoami exited %d\n%s", r.Code, r.Stdout)
	}

	stderr = cal.login(t, "cal@example.com", "cal password 1", "--org", "acme", "--join", strings.ReplaceAll(codes[1], "-", ""))
	if !strings.Contains(stderr, "Joined org acme as member.\n") {
		t.Errorf("login --join with the code's digits only said:\n%s", stderr)
	}
	var members []api.Member
	if err := json.Unmarshal([]byte(ada.mustRun(t, "cloud", "members", "list", "--org", "acme", "--json").Stdout), &members); err != nil {
		t.Fatalf("members list --json: %v", err)
	}
	var got []string
	for _, m := range members {
		got = append(got, m.User.Email+" "+m.Role)
	}
	if want := "ada@example.com owner, ben@example.com member, cal@example.com member"; strings.Join(got, ", ") != want {
		t.Errorf("acme's members = %q, want %q", strings.Join(got, ", "), want)
	}
}

// loginResult runs `clonit login --no-browser` with extra flags, completes the device form
// as email/password, and returns how login ended, success or not (login fails the test
// unless it succeeds).
func (a *agent) loginResult(t *testing.T, email, password string, extra ...string) result {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, filepath.Join(bin, "clonit"), append([]string{"login", "--no-browser"}, extra...)...)
	cmd.Env = a.env
	var stdout, stderr bytes.Buffer
	cmd.Stdout = &stdout
	pipe, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	lines := bufio.NewReader(io.TeeReader(pipe, &stderr))
	for {
		line, err := lines.ReadString('\n')
		if m := signInPrompt.FindStringSubmatch(line); m != nil {
			completeDeviceForm(t, m[1], m[2], email, password)
			break
		}
		if err != nil {
			break
		}
	}
	io.Copy(io.Discard, lines)
	r := result{Stdout: stdout.String()}
	var exit *exec.ExitError
	switch err := cmd.Wait(); {
	case errors.As(err, &exit):
		r.Code = exit.ExitCode()
	case err != nil:
		t.Fatalf("clonit login: %v\nstderr:\n%s", err, stderr.String())
	}
	r.Stderr = stderr.String()
	return r
}
