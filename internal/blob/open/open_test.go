package blobopen

import (
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/credentials"

	"github.com/clonit/clonit/internal/agent"
	"github.com/clonit/clonit/internal/blob/fs"
	"github.com/clonit/clonit/internal/blob/s3"
	"github.com/clonit/clonit/internal/errs"
	"github.com/clonit/clonit/internal/testutil"
)

const account = "0123456789abcdef0123456789ABCDEF"

func TestS3Config(t *testing.T) {
	keys := agent.StorageProfile{Name: "p", Bucket: "snaps", AccessKey: "AK", SecretKey: "SK"}
	with := func(f func(p *agent.StorageProfile)) agent.StorageProfile {
		p := keys
		f(&p)
		return p
	}
	tests := []struct {
		name    string
		profile agent.StorageProfile
		want    s3.Config
		wantErr string
	}{
		{
			name:    "AWS without region",
			profile: with(func(p *agent.StorageProfile) { p.Provider = "s3" }),
			want:    s3.Config{Endpoint: "s3.amazonaws.com", Bucket: "snaps", AccessKey: "AK", SecretKey: "SK", Secure: true},
		},
		{
			name:    "AWS with region and prefix",
			profile: with(func(p *agent.StorageProfile) { p.Provider, p.Region, p.Prefix = "s3", "eu-west-3", "team/clonit" }),
			want:    s3.Config{Endpoint: "s3.eu-west-3.amazonaws.com", Region: "eu-west-3", Bucket: "snaps", Prefix: "team/clonit", AccessKey: "AK", SecretKey: "SK", Secure: true},
		},
		{
			name:    "AWS CLI profile",
			profile: agent.StorageProfile{Name: "p", Provider: "s3", Bucket: "snaps", Region: "us-east-2", AWSCLIProfile: "work"},
			want:    s3.Config{Endpoint: "s3.us-east-2.amazonaws.com", Region: "us-east-2", Bucket: "snaps", AWSProfile: "work", Secure: true},
		},
		{
			name:    "custom HTTP endpoint",
			profile: with(func(p *agent.StorageProfile) { p.Provider, p.Endpoint = "s3", "http://127.0.0.1:9000" }),
			want:    s3.Config{Endpoint: "127.0.0.1:9000", Region: "us-east-1", Bucket: "snaps", AccessKey: "AK", SecretKey: "SK", PathStyle: true},
		},
		{
			name: "custom HTTPS endpoint with region",
			profile: with(func(p *agent.StorageProfile) {
				p.Provider, p.Endpoint, p.Region = "s3", "https://minio.example.com/", "home"
			}),
			want: s3.Config{Endpoint: "minio.example.com", Region: "home", Bucket: "snaps", AccessKey: "AK", SecretKey: "SK", Secure: true, PathStyle: true},
		},
		{
			name:    "endpoint without scheme is HTTPS",
			profile: with(func(p *agent.StorageProfile) { p.Provider, p.Endpoint = "s3", "storage.example.com:8443" }),
			want:    s3.Config{Endpoint: "storage.example.com:8443", Region: "us-east-1", Bucket: "snaps", AccessKey: "AK", SecretKey: "SK", Secure: true, PathStyle: true},
		},
		{
			name:    "R2 from the account ID",
			profile: with(func(p *agent.StorageProfile) { p.Provider, p.AccountID = "r2", account }),
			want:    s3.Config{Endpoint: strings.ToLower(account) + ".r2.cloudflarestorage.com", Region: "auto", Bucket: "snaps", AccessKey: "AK", SecretKey: "SK", Secure: true, PathStyle: true},
		},
		{
			name: "R2 with an explicit endpoint",
			profile: with(func(p *agent.StorageProfile) {
				p.Provider, p.Endpoint = "r2", "https://"+account+".eu.r2.cloudflarestorage.com"
			}),
			want: s3.Config{Endpoint: account + ".eu.r2.cloudflarestorage.com", Region: "auto", Bucket: "snaps", AccessKey: "AK", SecretKey: "SK", Secure: true, PathStyle: true},
		},
		{
			name:    "R2 without account ID",
			profile: with(func(p *agent.StorageProfile) { p.Provider = "r2" }),
			wantErr: "storage profile p uses R2 but has no account ID: set --account-id (the Cloudflare account ID of the bucket)",
		},
		{
			name:    "R2 with a bad account ID",
			profile: with(func(p *agent.StorageProfile) { p.Provider, p.AccountID = "r2", "evil.com/x" }),
			wantErr: `storage profile p has an invalid R2 account ID "evil.com/x": use the 32-character ID shown in the Cloudflare dashboard`,
		},
		{
			name:    "no bucket",
			profile: agent.StorageProfile{Name: "p", Provider: "s3"},
			wantErr: "storage profile p has no bucket: set --bucket",
		},
		{
			name:    "endpoint with a path",
			profile: with(func(p *agent.StorageProfile) { p.Provider, p.Endpoint = "s3", "https://example.com/bucket" }),
			wantErr: `storage profile p has an invalid endpoint "https://example.com/bucket": use a URL such as https://s3.example.com or http://127.0.0.1:9000`,
		},
		{
			name:    "endpoint with another scheme",
			profile: with(func(p *agent.StorageProfile) { p.Provider, p.Endpoint = "s3", "ftp://example.com" }),
			wantErr: `storage profile p has an invalid endpoint "ftp://example.com": use a URL such as https://s3.example.com or http://127.0.0.1:9000`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := s3Config(tt.profile)
			if tt.wantErr != "" {
				if err == nil || err.Error() != tt.wantErr || !errors.Is(err, errs.ErrInvalid) {
					t.Fatalf("error = %v, want %q (invalid)", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("s3Config: %v", err)
			}
			if got != tt.want {
				t.Fatalf("s3Config =\n %+v\nwant\n %+v", got, tt.want)
			}
		})
	}
}

func TestOpen(t *testing.T) {
	home := t.TempDir()
	t.Setenv("HOME", home)
	tests := []struct {
		name    string
		profile agent.StorageProfile
		wantDir string // for local profiles
		wantS3  bool
		wantErr string
	}{
		{
			name:    "local directory",
			profile: agent.StorageProfile{Name: "disk", Provider: "local", Bucket: filepath.Join(home, "store")},
			wantDir: filepath.Join(home, "store"),
		},
		{
			name:    "local directory under home with a prefix",
			profile: agent.StorageProfile{Name: "disk", Provider: "local", Bucket: "~/snaps", Prefix: "/team/a/"},
			wantDir: filepath.Join(home, "snaps", "team", "a"),
		},
		{
			name:    "local without directory",
			profile: agent.StorageProfile{Name: "disk", Provider: "local"},
			wantErr: "storage profile disk has no directory: set --bucket to a directory path",
		},
		{
			name:    "local with a bad prefix",
			profile: agent.StorageProfile{Name: "disk", Provider: "local", Bucket: home, Prefix: "../up"},
			wantErr: `storage profile disk has an invalid prefix "../up": use a slash-separated path such as team/clonit`,
		},
		{
			name:    "s3 with keys",
			profile: agent.StorageProfile{Name: "aws", Provider: "s3", Bucket: "b", Region: "eu-west-1", AccessKey: "AK", SecretKey: "SK"},
			wantS3:  true,
		},
		{
			name:    "no provider",
			profile: agent.StorageProfile{Name: "x", Bucket: "b"},
			wantErr: "storage profile x has no provider: set --provider to s3, r2 or local",
		},
		{
			name:    "unknown provider",
			profile: agent.StorageProfile{Name: "x", Provider: "gcs", Bucket: "b"},
			wantErr: `storage profile x has unknown provider "gcs": use s3, r2 or local`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st, err := Open(context.Background(), tt.profile)
			if tt.wantErr != "" {
				if err == nil || err.Error() != tt.wantErr || !errors.Is(err, errs.ErrInvalid) {
					t.Fatalf("error = %v, want %q (invalid)", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("Open: %v", err)
			}
			switch s := st.(type) {
			case *fs.Store:
				if s.Root() != tt.wantDir {
					t.Fatalf("local store root = %s, want %s", s.Root(), tt.wantDir)
				}
				if _, err := os.Stat(tt.wantDir); err != nil {
					t.Fatalf("directory not created: %v", err)
				}
			case *s3.Store:
				if !tt.wantS3 {
					t.Fatalf("Open returned an S3 store, want a local one")
				}
			default:
				t.Fatalf("Open returned %T", st)
			}
		})
	}
}

func TestOpenMinIOProfile(t *testing.T) {
	srv := testutil.S3Server(t)
	ctx := context.Background()
	client, err := minio.New(srv.Endpoint, &minio.Options{Creds: credentials.NewStaticV4(srv.AccessKey, srv.SecretKey, "")})
	if err != nil {
		t.Fatal(err)
	}
	bucket := testutil.RandomName("clonit-open-")
	if err := client.MakeBucket(ctx, bucket, minio.MakeBucketOptions{}); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		objects := client.ListObjects(ctx, bucket, minio.ListObjectsOptions{Recursive: true})
		for e := range client.RemoveObjects(ctx, bucket, objects, minio.RemoveObjectsOptions{}) {
			t.Errorf("remove %s: %v", e.ObjectName, e.Err)
		}
		if err := client.RemoveBucket(ctx, bucket); err != nil {
			t.Errorf("remove bucket: %v", err)
		}
	})
	profile := agent.StorageProfile{Name: "minio", Provider: "s3", Bucket: bucket, Prefix: "clonit",
		Endpoint: "http://" + srv.Endpoint, AccessKey: srv.AccessKey, SecretKey: srv.SecretKey}

	st, err := Open(ctx, profile)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	if err := st.Put(ctx, "shop/s.tar", strings.NewReader("archive"), -1); err != nil {
		t.Fatalf("Put: %v", err)
	}
	if _, err := client.StatObject(ctx, bucket, "clonit/shop/s.tar", minio.StatObjectOptions{}); err != nil {
		t.Fatalf("object is not under the profile's prefix: %v", err)
	}
	rc, err := st.Open(ctx, "shop/s.tar")
	if err != nil {
		t.Fatalf("Open object: %v", err)
	}
	b, err := io.ReadAll(rc)
	rc.Close()
	if err != nil || string(b) != "archive" {
		t.Fatalf("read back %q, %v", b, err)
	}

	profile.SecretKey = "not-the-secret"
	bad, err := Open(ctx, profile)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	_, err = bad.List(ctx, "")
	want := "the storage service rejected the credentials for bucket " + bucket + " at " + srv.Endpoint + " (SignatureDoesNotMatch): check the storage profile's access key and secret key"
	if got := errs.Public(err, ""); got != want || !errors.Is(err, errs.ErrUnauthenticated) || strings.Contains(err.Error(), "not-the-secret") {
		t.Fatalf("List with a bad secret: %v\nwant %q", err, want)
	}
}
