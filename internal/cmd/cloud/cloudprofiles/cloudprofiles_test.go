package cloudprofiles

import (
	"context"
	"testing"

	"github.com/clonit/clonit/internal/agent"
	"github.com/clonit/clonit/internal/cmd/cloud/cloudtest"
)

func TestList(t *testing.T) {
	profiles := `[{"name":"archive","provider":"r2","bucket":"old","account_id":"acct","awscli_profile":"r2","created_by":"a","updated_by":"a"},` +
		`{"name":"bare","provider":"s3","bucket":"b","access_key":"AKIA2","created_by":"a","updated_by":"vic@example.com"},` +
		`{"name":"team","provider":"s3","bucket":"snaps","region":"eu-west-1","access_key":"AKIA1","secret_key":"****","created_by":"a","updated_by":"mia@example.com"},` +
		`{"name":"disk","provider":"local","bucket":"/srv/snaps","prefix":"clonit","created_by":"a","updated_by":"a"}]`
	srv := cloudtest.NewServer(t, map[string]cloudtest.Reply{"GET /api/v1/orgs/acme/storage-profiles": {Body: profiles}})
	env := cloudtest.NewEnv(t, agent.Cloud{URL: srv.URL}, &agent.Session{CloudURL: srv.URL, AccessToken: "tok", Org: "acme"})
	org := ""
	if err := RunList(context.Background(), &Options{IO: env.F.IO, CloudClient: env.F.CloudClient, Org: &org}); err != nil {
		t.Fatal(err)
	}
	want := "NAME     PROVIDER  BUCKET      REGION     ENDPOINT  PREFIX  CREDENTIALS          UPDATED BY\n" +
		"archive  r2        old         -          -         -       awscli profile r2    a\n" +
		"bare     s3        b           -          -         -       key AKIA2 (missing)  vic@example.com\n" +
		"team     s3        snaps       eu-west-1  -         -       key AKIA1 (****)     mia@example.com\n" +
		"disk     local     /srv/snaps  -          -         clonit  -                    a\n"
	if env.Out.String() != want {
		t.Errorf("stdout:\n%s\nwant:\n%s", env.Out.String(), want)
	}
}
