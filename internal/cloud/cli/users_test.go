package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/clonit/clonit/internal/cloud"
	"github.com/clonit/clonit/internal/cloud/authz"
	"github.com/clonit/clonit/internal/cloud/identity/apikey"
	"github.com/clonit/clonit/internal/cmdutil"
	"github.com/clonit/clonit/internal/errs"
	"github.com/clonit/clonit/internal/testutil"
)

// cloudRun is the result of one clonit-cloud invocation.
type cloudRun struct {
	out, errOut string
	err         error
}

// runCloud runs clonit-cloud with args and stdin, as main would, without a terminal.
func runCloud(t *testing.T, stdin string, args ...string) cloudRun {
	t.Helper()
	var out, errOut bytes.Buffer
	io := &cmdutil.IOStreams{In: strings.NewReader(stdin), Out: &out, ErrOut: &errOut}
	cmd := NewCmdRoot(io)
	cmd.SetArgs(args)
	err := cmd.ExecuteContext(context.Background())
	return cloudRun{out: out.String(), errOut: errOut.String(), err: err}
}

// clearCloudEnv keeps the developer's environment out of the tests.
func clearCloudEnv(t *testing.T) {
	for _, v := range []string{"CLONIT_CLOUD_DATA_DIR", "CLONIT_CLOUD_DATABASE_URL", "CLONIT_CLOUD_PUBLIC_URL",
		"CLONIT_CLOUD_ADDR", "CLONIT_CLOUD_OIDC_ISSUER", "CLONIT_CLOUD_OIDC_CLIENT_ID", "CLONIT_CLOUD_OIDC_GROUPS_CLAIM"} {
		t.Setenv(v, "")
	}
}

var dateRE = regexp.MustCompile(`\d{4}-\d\d-\d\d \d\d:\d\d`)

// usersSteps is one session of an operator managing accounts, step by step.
func usersSteps(db []string) []struct {
	name     string
	stdin    string
	args     []string
	wantOut  string
	wantErr  string // the error's public message
	wantInfo string // stderr
	wantExit int
} {
	with := func(args ...string) []string { return append(args, db...) }
	return []struct {
		name     string
		stdin    string
		args     []string
		wantOut  string
		wantErr  string
		wantInfo string
		wantExit int
	}{
		{name: "empty list", args: with("users", "list"),
			wantInfo: "No accounts yet. Add one with `clonit-cloud users add --email EMAIL --password-stdin`.\n"},
		{name: "add with password on stdin", stdin: "analytical engine\n",
			args:     with("users", "add", "--email", "ada@example.com", "--name", "Ada Lovelace", "--password-stdin", "--groups", "eng, dba,eng"),
			wantInfo: "Added ada@example.com (Ada Lovelace), groups: eng,dba\n"},
		{name: "add with password flag", args: with("users", "add", "--email", "bob@example.com", "--password", "bobs password"),
			wantInfo: "warning: --password can leak through shell history and process lists; prefer --password-stdin\nAdded bob@example.com (bob), groups: -\n"},
		{name: "taken email", stdin: "another password\n", args: with("users", "add", "--email", "ADA@example.com", "--password-stdin"),
			wantErr: `an account with email "ADA@example.com" already exists`, wantExit: cmdutil.ExitConflict},
		{name: "short password", stdin: "short\n", args: with("users", "add", "--email", "cy@example.com", "--password-stdin"),
			wantErr: "the password is too short: use at least 8 characters", wantExit: cmdutil.ExitUsage},
		{name: "bad email", stdin: "long enough\n", args: with("users", "add", "--email", "not-an-email", "--password-stdin"),
			wantErr: `invalid email "not-an-email": use an address like ada@example.com`, wantExit: cmdutil.ExitUsage},
		{name: "no password and no terminal", args: with("users", "add", "--email", "cy@example.com"),
			wantErr: "usage: give the password with --password-stdin (or --password)", wantExit: cmdutil.ExitUsage},
		{name: "two passwords", stdin: "long enough\n", args: with("users", "add", "--email", "cy@example.com", "--password", "long enough", "--password-stdin"),
			wantErr: "usage: give the password with --password-stdin or --password, not both", wantExit: cmdutil.ExitUsage},
		{name: "set groups", args: with("users", "set-groups", "--email", "Ada@Example.com", "ops,eng"),
			wantInfo: "Groups of ada@example.com: ops,eng. They apply from the next sign-in.\n"},
		{name: "set groups of an unknown account", args: with("users", "set-groups", "--email", "zed@example.com", "ops"),
			wantErr: `no account with email "zed@example.com": see ` + "`clonit-cloud users list`", wantExit: cmdutil.ExitNotFound},
		{name: "disable", args: with("users", "disable", "--email", "bob@example.com"),
			wantInfo: "Disabled bob@example.com: no new sign-in or refresh, 0 personal API key(s) revoked; access tokens already issued expire within their lifetime.\n"},
		{name: "list", args: with("users", "list"),
			wantOut: "EMAIL            NAME          GROUPS   DISABLED  CREATED\n" +
				"ada@example.com  Ada Lovelace  ops,eng  no        DATE\n" +
				"bob@example.com  bob           -        yes       DATE\n"},
	}
}

func TestUsersCommands(t *testing.T) {
	clearCloudEnv(t)
	dir := t.TempDir()
	for _, st := range usersSteps([]string{"--data-dir", dir}) {
		t.Run(st.name, func(t *testing.T) {
			r := runCloud(t, st.stdin, st.args...)
			if got := dateRE.ReplaceAllString(r.out, "DATE"); got != st.wantOut {
				t.Errorf("stdout:\n%s\nwant:\n%s", got, st.wantOut)
			}
			if r.errOut != st.wantInfo {
				t.Errorf("stderr = %q, want %q", r.errOut, st.wantInfo)
			}
			checkErr(t, r.err, st.wantErr, st.wantExit)
		})
	}

	// The JSON list carries the same accounts, and never a password hash.
	r := runCloud(t, "", "users", "list", "--json", "--data-dir", dir)
	if r.err != nil || strings.Contains(r.out, "argon2") || strings.Contains(r.out, "password") {
		t.Fatalf("list --json: %v\n%s", r.err, r.out)
	}
	var got []accountJSON
	if err := json.Unmarshal([]byte(r.out), &got); err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || got[0].Email != "ada@example.com" || strings.Join(got[0].Groups, ",") != "ops,eng" ||
		got[1].Email != "bob@example.com" || !got[1].Disabled || len(got[1].Groups) != 0 || got[0].ID == "" || got[0].CreatedAt.IsZero() {
		t.Fatalf("list --json = %+v", got)
	}
}

// TestUsersCommandsOnPostgres runs the same session against PostgreSQL through
// --database-url, and shows the environment variable works like the flag.
func TestUsersCommandsOnPostgres(t *testing.T) {
	clearCloudEnv(t)
	url := testutil.NewPostgresDB(t)
	t.Setenv("CLONIT_CLOUD_DATABASE_URL", url)
	for _, st := range usersSteps(nil) {
		r := runCloud(t, st.stdin, st.args...)
		if got := dateRE.ReplaceAllString(r.out, "DATE"); got != st.wantOut {
			t.Errorf("%s: stdout:\n%s\nwant:\n%s", st.name, got, st.wantOut)
		}
		checkErr(t, r.err, st.wantErr, st.wantExit)
	}
}

func TestOpenStoreRefusesBadDatabases(t *testing.T) {
	clearCloudEnv(t)
	tests := []struct {
		name     string
		args     []string
		wantErr  string
		wantExit int
	}{
		{"unsupported scheme", []string{"--database-url", "mysql://root:hunter2@db/x"},
			"unsupported --database-url: use postgres://user:password@host:port/database, or leave it empty for the embedded SQLite", cmdutil.ExitUsage},
		{"unreachable server", []string{"--database-url", "postgres://clonit:hunter2@127.0.0.1:1/clonit?connect_timeout=2"},
			"cannot connect to PostgreSQL at 127.0.0.1:1/clonit (connection refused): check the database URL and that the server is running", cmdutil.ExitUnavailable},
		{"no data directory", []string{"--data-dir", ""},
			"no database: give --data-dir for the embedded SQLite or --database-url for PostgreSQL", cmdutil.ExitUsage},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := runCloud(t, "", append([]string{"users", "list"}, tt.args...)...)
			checkErr(t, r.err, tt.wantErr, tt.wantExit)
			if r.err != nil && strings.Contains(r.err.Error(), "hunter2") {
				t.Fatalf("error leaks the password: %v", r.err)
			}
		})
	}
}

func checkErr(t *testing.T, err error, wantMsg string, wantExit int) {
	t.Helper()
	if wantMsg == "" {
		if err != nil {
			t.Fatalf("unexpected error: %v", err)
		}
		return
	}
	if err == nil {
		t.Fatalf("no error, want %q", wantMsg)
	}
	if got := errs.Public(err, err.Error()); got != wantMsg {
		t.Errorf("error = %q, want %q", got, wantMsg)
	}
	if got := cmdutil.ExitCode(err); got != wantExit {
		t.Errorf("exit code = %d, want %d", got, wantExit)
	}
}

// TestDisableRevokesPersonalKeys shows that disabling an account ends the API keys that act
// as its person in every org (a login key stays usable for months otherwise), audited,
// while the org's own keys and other people's keys keep working.
func TestDisableRevokesPersonalKeys(t *testing.T) {
	clearCloudEnv(t)
	dir := t.TempDir()
	if r := runCloud(t, "bobs password\n", "users", "add", "--email", "bob@example.com", "--password-stdin", "--data-dir", dir); r.err != nil {
		t.Fatal(r.err)
	}
	ctx := context.Background()
	st, err := openStore(ctx, dir, "")
	if err != nil {
		t.Fatal(err)
	}
	acct, err := st.AccountByEmail(ctx, "bob@example.com")
	if err != nil {
		t.Fatal(err)
	}
	bob, err := st.UpsertUser(ctx, cloud.User{Issuer: "http://cloud.test/oauth", Subject: acct.ID, Email: acct.Email, Name: "bob"})
	if err != nil {
		t.Fatal(err)
	}
	ada, err := st.UpsertUser(ctx, cloud.User{Issuer: "http://cloud.test/oauth", Subject: "someone-else", Email: "ada@example.com", Name: "ada"})
	if err != nil {
		t.Fatal(err)
	}
	var live []string
	for _, slug := range []string{"acme", "beta"} {
		org := cloud.Org{Slug: slug, Name: slug}
		if err := st.CreateOrg(ctx, &org, ada.ID); err != nil {
			t.Fatal(err)
		}
		if err := st.AddMember(ctx, org.ID, bob.ID, authz.Member); err != nil {
			t.Fatal(err)
		}
		for _, k := range []cloud.APIKey{
			{Name: slug + "-bob-login", UserID: bob.ID, Login: true},
			{Name: slug + "-bob-user", UserID: bob.ID},
			{Name: slug + "-ada", UserID: ada.ID},
			{Name: slug + "-org"},
		} {
			k.OrgID, k.Hash, k.Permissions, k.CreatedBy = org.ID, apikey.Hash(apikey.New()), authz.AllPermissions, ada.ID
			if err := st.CreateAPIKey(ctx, &k); err != nil {
				t.Fatal(err)
			}
		}
		live = append(live, slug+"-ada", slug+"-org")
	}
	st.Close()

	r := runCloud(t, "", "users", "disable", "--email", "bob@example.com", "--data-dir", dir)
	if r.err != nil || !strings.Contains(r.errOut, "4 personal API key(s) revoked") {
		t.Fatalf("disable: %v\n%s", r.err, r.errOut)
	}
	st, err = openStore(ctx, dir, "")
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	var got []string
	for _, slug := range []string{"acme", "beta"} {
		org, err := st.OrgBySlug(ctx, slug)
		if err != nil {
			t.Fatal(err)
		}
		keys, err := st.APIKeys(ctx, org.ID)
		if err != nil {
			t.Fatal(err)
		}
		for _, k := range keys {
			got = append(got, k.Name)
		}
		events, err := st.AuditEvents(ctx, org.ID, cloud.AuditFilter{})
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		for _, e := range events {
			if e.Action == "apikey.revoke" && strings.Contains(e.Detail, "bob@example.com disabled") {
				n++
			}
		}
		if n != 2 {
			t.Errorf("%s: %d revocations audited, want 2: %+v", slug, n, events)
		}
	}
	slices.Sort(got)
	if strings.Join(got, " ") != "acme-ada acme-org beta-ada beta-org" {
		t.Errorf("live keys after disabling bob: %v, want %v", got, live)
	}
}
