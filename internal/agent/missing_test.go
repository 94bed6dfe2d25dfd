package agent

import (
	"errors"
	"testing"

	"github.com/clonit/clonit/internal/errs"
)

func TestRequireTargetPasswords(t *testing.T) {
	synced := Target{Name: "shop-db", DBType: DBPostgres, SrcURL: "postgres://app:@db.internal:5432/shop?sslmode=disable",
		DstURL: "postgres://localhost/shop_dev?password=", SanitizeDstURL: "postgres://dev:pw@localhost/clean"}
	tests := []struct {
		name    string
		fields  []string
		env     map[string]string
		wantSrc string
		wantDst string
		wantErr string
	}{
		{"a field without a missing password", []string{"sanitize_dst_url"}, nil, synced.SrcURL, synced.DstURL, ""},
		{"from the environment", []string{"src_url", "dst_url"},
			map[string]string{"CLONIT_TARGETS__SHOP_DB__SRC_URL_PASSWORD": "p@ss", "CLONIT_TARGETS__SHOP_DB__DST_URL_PASSWORD": "two&three"},
			"postgres://app:p%40ss@db.internal:5432/shop?sslmode=disable", "postgres://localhost/shop_dev?password=two%26three", ""},
		{"missing", []string{"src_url"}, map[string]string{"CLONIT_TARGETS__SHOP_DB__SRC_URL_PASSWORD": ""}, "", "",
			"target \"shop-db\" has no password in its src_url: it was synced from the cloud without credentials.\n" +
				"Provide it in one of these ways:\n" +
				"  - export CLONIT_TARGETS__SHOP_DB__SRC_URL_PASSWORD=PASSWORD\n" +
				"  - clonit targets edit shop-db --src-url 'postgres://app:PASSWORD@db.internal:5432/shop?sslmode=disable'\n" +
				"  - clonit cloud sync --pull, signed in as a member of the org, to fetch it"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := synced
			lookup := func(k string) (string, bool) { v, ok := tt.env[k]; return v, ok }
			err := RequireTargetPasswords(&got, lookup, tt.fields...)
			if tt.wantErr != "" {
				if !errors.Is(err, errs.ErrInvalid) || errs.Public(err, "") != tt.wantErr {
					t.Fatalf("error = %v\nwant %s", err, tt.wantErr)
				}
				return
			}
			if err != nil || got.SrcURL != tt.wantSrc || got.DstURL != tt.wantDst {
				t.Errorf("= %q %q, %v; want %q %q", got.SrcURL, got.DstURL, err, tt.wantSrc, tt.wantDst)
			}
		})
	}
	if got := MissingPasswords(synced); len(got) != 2 || got[0] != "src_url" || got[1] != "dst_url" {
		t.Errorf("MissingPasswords = %q", got)
	}
}

func TestRequireProfileSecret(t *testing.T) {
	p := StorageProfile{Name: "team", Provider: ProviderS3, Bucket: "b", AccessKey: "AKIA1"}
	if err := RequireProfileSecret(&p, func(string) (string, bool) { return "", false }); errs.Public(err, "") !=
		"storage profile \"team\" has no secret key for access key AKIA1: it was synced from the cloud without credentials.\n"+
			"Provide it in one of these ways:\n"+
			"  - export CLONIT_STORAGE_PROFILES__TEAM__SECRET_KEY=SECRET\n"+
			"  - clonit storage-profile add --force --name team ... --access-key AKIA1 --secret-key SECRET\n"+
			"  - clonit cloud sync --pull, signed in as a member of the org, to fetch it" {
		t.Errorf("error = %v", err)
	}
	lookup := func(k string) (string, bool) { return "sk-" + k, k == "CLONIT_STORAGE_PROFILES__TEAM__SECRET_KEY" }
	if err := RequireProfileSecret(&p, lookup); err != nil || p.SecretKey != "sk-CLONIT_STORAGE_PROFILES__TEAM__SECRET_KEY" {
		t.Errorf("from the environment = %q, %v", p.SecretKey, err)
	}
	none := StorageProfile{Name: "iam", Provider: ProviderS3, Bucket: "b"}
	if err := RequireProfileSecret(&none, lookup); err != nil {
		t.Errorf("a profile without keys needs none: %v", err)
	}
}
