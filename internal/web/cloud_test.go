package web

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"net"
	"path/filepath"
	"strings"
	"testing"

	"github.com/clonit/clonit/internal/api"
	"github.com/clonit/clonit/internal/apiclient"
	"github.com/clonit/clonit/internal/cloud"
	"github.com/clonit/clonit/internal/cloud/authz"
	"github.com/clonit/clonit/internal/cloud/cli"
	"github.com/clonit/clonit/internal/cloud/server"
	"github.com/clonit/clonit/internal/cloud/store/sqlite"
	"github.com/clonit/clonit/internal/cmdutil"
)

// testCloud is a real Clonit Cloud on its embedded defaults, served in-process on a
// loopback port, with its data directory for the operator commands.
type testCloud struct {
	URL     string
	dataDir string
	st      cloud.Store
}

// startCloud serves a fresh cloud until the test ends.
func startCloud(t *testing.T) *testCloud {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	c := &testCloud{URL: "http://" + ln.Addr().String(), dataDir: t.TempDir()}
	cfg := server.Config{Addr: ln.Addr().String(), DataDir: c.dataDir, PublicURL: c.URL, LogFormat: "text", LogLevel: "error"}
	if err := cfg.Validate(); err != nil {
		t.Fatal(err)
	}
	c.st, err = sqlite.Open(t.Context(), filepath.Join(c.dataDir, cli.SQLiteFile))
	if err != nil {
		t.Fatal(err)
	}
	srv, err := server.New(t.Context(), cfg, c.st, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ctx, ln) }()
	t.Cleanup(func() {
		cancel()
		<-done
		c.st.Close()
	})
	return c
}

// operator runs a clonit-cloud operator command against the cloud's data directory and
// returns its stdout.
func (c *testCloud) operator(t *testing.T, args ...string) string {
	t.Helper()
	var out, errOut bytes.Buffer
	cmd := cli.NewCmdRoot(&cmdutil.IOStreams{In: strings.NewReader(""), Out: &out, ErrOut: &errOut})
	cmd.SetArgs(append(args, "--data-dir", c.dataDir))
	if err := cmd.ExecuteContext(t.Context()); err != nil {
		t.Fatalf("clonit-cloud %s: %v\n%s", strings.Join(args, " "), err, errOut.String())
	}
	return out.String()
}

// person adds a built-in account and returns an operator token that acts as them
// (`clonit-cloud admin token`).
func (c *testCloud) person(t *testing.T, email, name, groups string) string {
	t.Helper()
	args := []string{"users", "add", "--email", email, "--name", name, "--password", "correct horse battery"}
	if groups != "" {
		args = append(args, "--groups", groups)
	}
	c.operator(t, args...)
	return strings.TrimSpace(c.operator(t, "admin", "token", "--email", email, "--public-url", c.URL))
}

// client returns an API client that acts with token.
func (c *testCloud) client(t *testing.T, token string) *apiclient.Client {
	t.Helper()
	cl, err := apiclient.New(c.URL, apiclient.Token(token))
	if err != nil {
		t.Fatal(err)
	}
	return cl
}

// join makes the person of token a member of org with role. Join codes are another
// issue's; the test writes the membership directly.
func (c *testCloud) join(t *testing.T, org, token string, role authz.Role) {
	t.Helper()
	me, err := c.client(t, token).Me(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	o, err := c.st.OrgBySlug(t.Context(), org)
	if err != nil {
		t.Fatal(err)
	}
	if err := c.st.AddMember(t.Context(), o.ID, me.User.ID, role); err != nil {
		t.Fatal(err)
	}
}

// createOrg creates an org owned by the person of token.
func (c *testCloud) createOrg(t *testing.T, token, slug, name string) {
	t.Helper()
	if _, err := c.client(t, token).CreateOrg(t.Context(), api.CreateOrgRequest{Name: name, Slug: slug}); err != nil {
		t.Fatal(err)
	}
}
