package cloudsync

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/clonit/clonit/internal/agent"
	"github.com/clonit/clonit/internal/apiclient"
	"github.com/clonit/clonit/internal/cmd/cloud/cloudtest"
	"github.com/clonit/clonit/internal/cmdutil"
)

func TestFlags(t *testing.T) {
	cases := []struct {
		name string
		args []string
		want string
		err  string
	}{
		{"both ways", nil, "push=false pull=false dry=false prefer=\"\" nosecrets=false", ""},
		{"everything", []string{"--pull", "--dry-run", "--prefer", "cloud", "--no-secrets"}, "push=false pull=true dry=true prefer=\"cloud\" nosecrets=true", ""},
		{"push", []string{"--push", "--prefer", "local"}, "push=true pull=false dry=false prefer=\"local\" nosecrets=false", ""},
		{"push and pull", []string{"--push", "--pull"}, "", "usage: --push and --pull exclude each other; give neither to sync both ways"},
		{"bad prefer", []string{"--prefer", "mine"}, "", `usage: --prefer must be local or cloud, not "mine"`},
		{"arguments", []string{"shop"}, "", `unknown command "shop" for "sync"`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			org := ""
			f := cmdutil.NewFactory(&cmdutil.IOStreams{Out: &bytes.Buffer{}, ErrOut: &bytes.Buffer{}})
			var got string
			cmd := NewCmdSync(f, &org, func(_ context.Context, o *Options) error {
				got = fmt.Sprintf("push=%v pull=%v dry=%v prefer=%q nosecrets=%v", o.Push, o.Pull, o.DryRun, o.Prefer, o.NoSecrets)
				return nil
			})
			cmd.SetArgs(tc.args)
			cmd.SetOut(&bytes.Buffer{})
			cmd.SetErr(&bytes.Buffer{})
			err := cmd.Execute()
			if tc.err != "" {
				if err == nil || err.Error() != tc.err {
					t.Fatalf("error = %v, want %q", err, tc.err)
				}
				if strings.HasPrefix(tc.err, "usage") && !errors.Is(err, cmdutil.ErrUsage) {
					t.Errorf("error is not a usage error")
				}
				return
			}
			if err != nil || got != tc.want {
				t.Errorf("= %s, %v; want %s", got, err, tc.want)
			}
		})
	}
}

// TestNoSecretsPush checks what --push --no-secrets sends: definitions with the passwords
// stripped (their slots kept, so the org knows one is needed) and the secret key masked,
// which the cloud reads as "keep yours". Nothing is revealed.
func TestNoSecretsPush(t *testing.T) {
	srv := cloudtest.NewServer(t, map[string]cloudtest.Reply{
		"GET /api/v1/orgs/acme/storage-profiles":  {Body: `[]`},
		"GET /api/v1/orgs/acme/targets":           {Body: `[]`},
		"POST /api/v1/orgs/acme/storage-profiles": {Status: 201, Body: `{}`},
		"POST /api/v1/orgs/acme/targets":          {Status: 201, Body: `{}`},
	})
	env := cloudtest.NewEnv(t, agent.Cloud{URL: srv.URL}, &agent.Session{CloudURL: srv.URL, AccessToken: "session-token", Org: "acme"})
	ctx := context.Background()
	db, err := agent.OpenDB(ctx, filepath.Join(t.TempDir(), "local.db"), "00112233445566778899aabbccddeeff")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if err := db.PutStorageProfile(ctx, agent.StorageProfile{Name: "team", Provider: "s3", Bucket: "b", AccessKey: "AKIA1", SecretKey: "sk-secret"}); err != nil {
		t.Fatal(err)
	}
	if err := db.PutTarget(ctx, agent.Target{Name: "shop", DBType: "postgres", SrcURL: "postgres://app:pw-secret@db/shop", StorageProfile: "team"}); err != nil {
		t.Fatal(err)
	}
	org := ""
	opts := &Options{IO: env.F.IO, CloudClient: func() (*apiclient.Client, error) { return env.F.CloudClient() },
		Local: func() (agent.LocalStore, error) { return db, nil }, Org: &org, Push: true, NoSecrets: true}
	if err := Run(ctx, opts); err != nil {
		t.Fatal(err)
	}
	wantOut := "KIND             NAME  RESULT     DETAIL\n" +
		"storage profile  team  copied up  without its secret key (--no-secrets)\n" +
		"target           shop  copied up  without passwords (--no-secrets)\n"
	if env.Out.String() != wantOut || env.ErrOut.String() != "Synced with acme: 2 copied up.\n" {
		t.Errorf("stdout:\n%s\nstderr:\n%s", env.Out.String(), env.ErrOut.String())
	}
	want := []string{
		"GET /api/v1/orgs/acme/storage-profiles [Bearer session-token]",
		`POST /api/v1/orgs/acme/storage-profiles {"name":"team","provider":"s3","bucket":"b","access_key":"AKIA1","secret_key":"****"} [Bearer session-token]`,
		"GET /api/v1/orgs/acme/targets [Bearer session-token]",
		`POST /api/v1/orgs/acme/targets {"name":"shop","db_type":"postgres","src_url":"postgres://app:@db/shop","storage_profile":"team"} [Bearer session-token]`,
	}
	if got := srv.Requests(); strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("requests:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}
