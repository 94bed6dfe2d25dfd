package agent

import (
	"errors"
	"strings"
	"testing"

	"github.com/clonit/clonit/internal/errs"
)

func TestValidateTarget(t *testing.T) {
	pg := func(f func(*Target)) Target {
		t := Target{Name: "shop", DBType: DBPostgres, SrcURL: "postgres://app:hunter2@prod/shop", DstURL: "postgresql://localhost/shop_dev"}
		if f != nil {
			f(&t)
		}
		return t
	}
	tests := []struct {
		name   string
		target Target
		want   string // "" = valid
	}{
		{"postgres ok", pg(nil), ""},
		{"no destination ok", pg(func(t *Target) { t.DstURL = "" }), ""},
		{"sqlite path", Target{Name: "app_1", DBType: DBSQLite, SrcURL: "/data/app.db", DstURL: "sqlite:///tmp/app.db"}, ""},
		{"empty name", pg(func(t *Target) { t.Name = "" }), "a target needs a name"},
		{"bad name", pg(func(t *Target) { t.Name = "my shop" }), `invalid target name "my shop": use 1 to 64 letters, digits, '_' or '-'`},
		{"no db type", pg(func(t *Target) { t.DBType = "" }), `target "shop" needs a db_type: postgres or sqlite`},
		{"bad db type", pg(func(t *Target) { t.DBType = "mysql" }), `target "shop" has db_type "mysql"; use postgres or sqlite`},
		{"no source", pg(func(t *Target) { t.SrcURL = "" }), `target "shop" needs a src_url, the database to take snapshots of`},
		{"mysql url", pg(func(t *Target) { t.SrcURL = "mysql://root:hunter2@h/db" }), `target "shop": src_url must be a postgres:// or postgresql:// URL`},
		{"bad url", pg(func(t *Target) { t.DstURL = "postgres://a:b c%zz@h/db" }), `target "shop": dst_url is not a valid URL (escape special characters of the password with %XX)`},
		{"sqlite other scheme", Target{Name: "a", DBType: DBSQLite, SrcURL: "postgres://h/db"}, `target "a": src_url must be a file path or a sqlite:// URL`},
		{"same database", pg(func(t *Target) { t.DstURL = "postgres://other:x@prod:5432/shop" }),
			`target "shop": dst_url is the same database as src_url; clonit drops and recreates dst_url, so it must be another database`},
		{"same sqlite file", Target{Name: "a", DBType: DBSQLite, SrcURL: "/d/a.db", SanitizeDstURL: "sqlite:///d/../d/a.db"},
			`target "a": sanitize_dst_url is the same database as src_url; clonit drops and recreates sanitize_dst_url, so it must be another database`},
		{"negative jobs", pg(func(t *Target) { t.DumpJobs = -1 }), `target "shop": dump_jobs and restore_jobs must be 0 (the default) or more`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := ValidateTarget(tt.target)
			if tt.want == "" {
				if err != nil {
					t.Fatalf("err = %v", err)
				}
				return
			}
			if err == nil || !errors.Is(err, errs.ErrInvalid) || err.Error() != tt.want {
				t.Fatalf("err = %v\nwant %s", err, tt.want)
			}
			if strings.Contains(err.Error(), "hunter2") {
				t.Fatal("the message holds the password")
			}
		})
	}
}

func TestValidateStorageProfile(t *testing.T) {
	tests := []struct {
		name    string
		profile StorageProfile
		want    string
	}{
		{"s3", StorageProfile{Name: "s3", Provider: ProviderS3, Bucket: "b", Region: "eu-west-1", AccessKey: "a", SecretKey: "s"}, ""},
		{"s3 with awscli profile", StorageProfile{Name: "s3", Provider: ProviderS3, Bucket: "b", AWSCLIProfile: "dev"}, ""},
		{"minio", StorageProfile{Name: "m", Provider: ProviderS3, Bucket: "b", Endpoint: "http://127.0.0.1:9000"}, ""},
		{"r2", StorageProfile{Name: "r", Provider: ProviderR2, Bucket: "b", AccountID: "abc"}, ""},
		{"local", StorageProfile{Name: "l", Provider: ProviderLocal, Bucket: "/srv/snaps", Prefix: "team/"}, ""},
		{"no provider", StorageProfile{Name: "x"}, `storage profile "x" needs a provider: s3, r2 or local`},
		{"bad provider", StorageProfile{Name: "x", Provider: "gcs"}, `storage profile "x" has provider "gcs"; use s3, r2 or local`},
		{"s3 no bucket", StorageProfile{Name: "x", Provider: ProviderS3}, `storage profile "x" needs a bucket`},
		{"r2 no account", StorageProfile{Name: "x", Provider: ProviderR2, Bucket: "b"}, `storage profile "x": provider r2 needs the Cloudflare account id (--account-id)`},
		{"half keys", StorageProfile{Name: "x", Provider: ProviderS3, Bucket: "b", AccessKey: "a"}, `storage profile "x": give both an access key and a secret key, or neither`},
		{"keys and awscli", StorageProfile{Name: "x", Provider: ProviderS3, Bucket: "b", AccessKey: "a", SecretKey: "s", AWSCLIProfile: "p"},
			`storage profile "x": use either access and secret keys or an awscli profile, not both`},
		{"bad endpoint", StorageProfile{Name: "x", Provider: ProviderS3, Bucket: "b", Endpoint: "ftp://h"},
			`storage profile "x": the endpoint must be an http:// or https:// URL, or host:port`},
		{"local no dir", StorageProfile{Name: "x", Provider: ProviderLocal}, `storage profile "x": provider local needs a directory path as its bucket`},
		{"local with keys", StorageProfile{Name: "x", Provider: ProviderLocal, Bucket: "/d", SecretKey: "s"},
			`storage profile "x": provider local takes only a bucket (a directory) and a prefix`},
		{"bad name", StorageProfile{Name: "a/b", Provider: ProviderLocal, Bucket: "/d"}, `invalid storage profile name "a/b": use 1 to 64 letters, digits, '_' or '-'`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := ValidateStorageProfile(tt.profile)
			if tt.want == "" {
				if err != nil {
					t.Fatalf("err = %v", err)
				}
				return
			}
			if err == nil || !errors.Is(err, errs.ErrInvalid) || err.Error() != tt.want {
				t.Fatalf("err = %v\nwant %s", err, tt.want)
			}
		})
	}
}

func TestNormalize(t *testing.T) {
	tg := Target{Name: "a", DBType: DBSQLite, SrcURL: "data/app.db", DstURL: "sqlite://dev.db",
		SanitizeDstURL: "postgres://h/db", SanitizeQueryFile: "q.sql"}
	NormalizeTarget(&tg, "/base")
	want := Target{Name: "a", DBType: DBSQLite, SrcURL: "/base/data/app.db", DstURL: "sqlite:///base/dev.db",
		SanitizeDstURL: "postgres://h/db", SanitizeQueryFile: "/base/q.sql"}
	if tg != want {
		t.Errorf("NormalizeTarget = %+v\nwant %+v", tg, want)
	}
	pg := Target{Name: "b", DBType: DBPostgres, SrcURL: "postgres://h/db", SanitizeQueryFile: "/abs/q.sql"}
	NormalizeTarget(&pg, "/base")
	if pg.SrcURL != "postgres://h/db" || pg.SanitizeQueryFile != "/abs/q.sql" {
		t.Errorf("postgres target changed: %+v", pg)
	}
	p := StorageProfile{Name: "l", Provider: ProviderLocal, Bucket: "snaps"}
	NormalizeStorageProfile(&p, "/base")
	if p.Bucket != "/base/snaps" {
		t.Errorf("local bucket = %q", p.Bucket)
	}
	r2 := StorageProfile{Provider: ProviderR2, AccountID: "acct"}
	if got := r2.EndpointURL(); got != "https://acct.r2.cloudflarestorage.com" {
		t.Errorf("EndpointURL = %q", got)
	}
}
