package s3_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/credentials"

	"github.com/clonit/clonit/internal/blob"
	"github.com/clonit/clonit/internal/blob/blobtest"
	"github.com/clonit/clonit/internal/blob/s3"
	"github.com/clonit/clonit/internal/errs"
	"github.com/clonit/clonit/internal/testutil"
)

// newBucket creates a fresh bucket on the test MinIO and removes it, with everything in
// it, when the test ends.
func newBucket(t *testing.T) (testutil.S3, *minio.Client, string) {
	t.Helper()
	srv := testutil.S3Server(t)
	client, err := minio.New(srv.Endpoint, &minio.Options{Creds: credentials.NewStaticV4(srv.AccessKey, srv.SecretKey, "")})
	if err != nil {
		t.Fatal(err)
	}
	bucket := testutil.RandomName("clonit-test-")
	ctx := context.Background()
	if err := client.MakeBucket(ctx, bucket, minio.MakeBucketOptions{}); err != nil {
		t.Fatalf("create test bucket: %v", err)
	}
	t.Cleanup(func() {
		for up := range client.ListIncompleteUploads(ctx, bucket, "", true) {
			_ = client.RemoveIncompleteUpload(ctx, bucket, up.Key)
		}
		objects := client.ListObjects(ctx, bucket, minio.ListObjectsOptions{Recursive: true})
		for e := range client.RemoveObjects(ctx, bucket, objects, minio.RemoveObjectsOptions{}) {
			t.Errorf("remove test object %s: %v", e.ObjectName, e.Err)
		}
		if err := client.RemoveBucket(ctx, bucket); err != nil {
			t.Errorf("remove test bucket: %v", err)
		}
	})
	return srv, client, bucket
}

// config returns a Config for bucket on the test server.
func config(srv testutil.S3, bucket, prefix string) s3.Config {
	return s3.Config{Endpoint: srv.Endpoint, Bucket: bucket, Prefix: prefix, AccessKey: srv.AccessKey, SecretKey: srv.SecretKey, PathStyle: true}
}

func TestConformance(t *testing.T) {
	srv, client, bucket := newBucket(t)
	blobtest.Run(t, func(t *testing.T) blob.Store {
		s, err := s3.New(config(srv, bucket, testutil.RandomName("run-")))
		if err != nil {
			t.Fatal(err)
		}
		return s
	})
	// Failed and cancelled uploads of the suite must have been aborted.
	for up := range client.ListIncompleteUploads(context.Background(), bucket, "", true) {
		if up.Err != nil {
			t.Fatalf("list incomplete uploads: %v", up.Err)
		}
		t.Errorf("multipart upload of %s was left behind", up.Key)
	}
}

func TestPrefix(t *testing.T) {
	srv, client, bucket := newBucket(t)
	s, err := s3.New(config(srv, bucket, "/team/clonit/"))
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if err := s.Put(ctx, "shop/a.tar", strings.NewReader("x"), 1); err != nil {
		t.Fatal(err)
	}
	if _, err := client.StatObject(ctx, bucket, "team/clonit/shop/a.tar", minio.StatObjectOptions{}); err != nil {
		t.Fatalf("object not under the prefix: %v", err)
	}
	if _, err := client.PutObject(ctx, bucket, "elsewhere/b.tar", strings.NewReader("y"), 1, minio.PutObjectOptions{}); err != nil {
		t.Fatal(err)
	}
	infos, err := s.List(ctx, "")
	if err != nil || len(infos) != 1 || infos[0].Key != "shop/a.tar" {
		t.Fatalf("List = %+v, %v; want only shop/a.tar", infos, err)
	}
}

func TestErrors(t *testing.T) {
	srv, _, bucket := newBucket(t)
	wrongSecret := "wrong-secret-do-not-print"
	tests := []struct {
		name string
		cfg  s3.Config
		kind error
		want string
	}{
		{
			name: "bad credentials",
			cfg:  s3.Config{Endpoint: srv.Endpoint, Bucket: bucket, AccessKey: srv.AccessKey, SecretKey: wrongSecret, PathStyle: true},
			kind: errs.ErrUnauthenticated,
			want: "the storage service rejected the credentials for bucket " + bucket + " at " + srv.Endpoint + " (SignatureDoesNotMatch): check the storage profile's access key and secret key",
		},
		{
			name: "unknown access key",
			cfg:  s3.Config{Endpoint: srv.Endpoint, Bucket: bucket, AccessKey: "nobody", SecretKey: wrongSecret, PathStyle: true},
			kind: errs.ErrUnauthenticated,
			want: "the storage service rejected the credentials for bucket " + bucket + " at " + srv.Endpoint + " (InvalidAccessKeyId): check the storage profile's access key and secret key",
		},
		{
			name: "missing bucket",
			cfg:  config(srv, "clonit-no-such-bucket", ""),
			kind: errs.ErrNotFound,
			want: "bucket clonit-no-such-bucket at " + srv.Endpoint + " does not exist: create the bucket or fix the storage profile's bucket",
		},
		{
			name: "unreachable endpoint",
			cfg:  s3.Config{Endpoint: "127.0.0.1:1", Bucket: bucket, AccessKey: "k", SecretKey: wrongSecret, PathStyle: true, MaxRetries: 1},
			kind: errs.ErrUnavailable,
			want: "cannot reach bucket " + bucket + " at 127.0.0.1:1 (connection refused): check the storage profile's endpoint and your network",
		},
		{
			name: "HTTPS against an HTTP server",
			cfg:  s3.Config{Endpoint: srv.Endpoint, Bucket: bucket, AccessKey: "k", SecretKey: wrongSecret, Secure: true, PathStyle: true, MaxRetries: 1},
			kind: errs.ErrUnavailable,
			want: "cannot reach bucket " + bucket + " at " + srv.Endpoint + " (it does not speak HTTPS: use an http:// endpoint): check the storage profile's endpoint and your network",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := s3.New(tt.cfg)
			if err != nil {
				t.Fatal(err)
			}
			ctx := context.Background()
			for op, err := range map[string]error{
				"Check": s.Check(ctx),
				"Put":   s.Put(ctx, "k", strings.NewReader("x"), 1),
			} {
				if got := errs.Public(err, ""); got != tt.want || !errors.Is(err, tt.kind) {
					t.Errorf("%s error = %q (kind %v), want %q", op, got, errs.KindOf(err), tt.want)
				}
				if err != nil && strings.Contains(err.Error(), wrongSecret) {
					t.Errorf("%s error contains the secret key: %v", op, err)
				}
			}
		})
	}
}

func TestMissingObject(t *testing.T) {
	srv, _, bucket := newBucket(t)
	s, err := s3.New(config(srv, bucket, ""))
	if err != nil {
		t.Fatal(err)
	}
	_, err = s.Open(context.Background(), "shop/x.tar")
	want := "no object shop/x.tar in bucket " + bucket + " at " + srv.Endpoint + ": object does not exist"
	if err == nil || err.Error() != want || !errors.Is(err, blob.ErrNotExist) || !errors.Is(err, errs.ErrNotFound) {
		t.Fatalf("Open error = %v, want %q", err, want)
	}
}

func TestCredentialSources(t *testing.T) {
	srv, _, bucket := newBucket(t)
	dir := t.TempDir()
	credsFile := filepath.Join(dir, "credentials")
	err := os.WriteFile(credsFile, []byte("[other]\naws_access_key_id = nobody\naws_secret_access_key = nothing\n\n[clonit]\naws_access_key_id = "+srv.AccessKey+"\naws_secret_access_key = "+srv.SecretKey+"\n"), 0o600)
	if err != nil {
		t.Fatal(err)
	}
	noFile := filepath.Join(dir, "missing")
	for _, v := range []string{"AWS_ACCESS_KEY_ID", "AWS_ACCESS_KEY", "AWS_SECRET_ACCESS_KEY", "AWS_SECRET_KEY", "AWS_SESSION_TOKEN", "MINIO_ROOT_USER", "MINIO_ROOT_PASSWORD", "MINIO_ACCESS_KEY", "MINIO_SECRET_KEY", "AWS_PROFILE"} {
		t.Setenv(v, "")
	}
	where := "bucket " + bucket + " at " + srv.Endpoint
	tests := []struct {
		name    string
		env     map[string]string
		cfg     s3.Config
		wantNew string // error of New, or "" when Check must pass
	}{
		{
			name: "AWS CLI profile",
			cfg:  s3.Config{AWSProfile: "clonit", AWSCredentialsFile: credsFile},
		},
		{
			name: "environment",
			env:  map[string]string{"AWS_ACCESS_KEY_ID": srv.AccessKey, "AWS_SECRET_ACCESS_KEY": srv.SecretKey},
			cfg:  s3.Config{AWSCredentialsFile: noFile},
		},
		{
			name:    "unknown AWS CLI profile",
			cfg:     s3.Config{AWSProfile: "nope", AWSCredentialsFile: credsFile},
			wantNew: `the AWS CLI profile "nope" has no usable credentials for ` + where + ": run `aws configure --profile nope` or set --access-key and --secret-key",
		},
		{
			name:    "no credentials anywhere",
			cfg:     s3.Config{AWSCredentialsFile: noFile},
			wantNew: "no credentials for " + where + ": set --access-key and --secret-key or --awscli-profile on the storage profile, or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY",
		},
		{
			name:    "half a key pair",
			cfg:     s3.Config{AccessKey: srv.AccessKey},
			wantNew: "the storage profile for " + where + " has only half a key pair: set both --access-key and --secret-key",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for k, v := range tt.env {
				t.Setenv(k, v)
			}
			cfg := tt.cfg
			cfg.Endpoint, cfg.Bucket, cfg.PathStyle = srv.Endpoint, bucket, true
			s, err := s3.New(cfg)
			if tt.wantNew != "" {
				if got := errs.Public(err, ""); got != tt.wantNew {
					t.Fatalf("New error = %q, want %q", got, tt.wantNew)
				}
				return
			}
			if err != nil {
				t.Fatalf("New: %v", err)
			}
			if err := s.Check(context.Background()); err != nil {
				t.Fatalf("Check: %v", err)
			}
		})
	}
}

// TestPartsInFlight uploads in small parts, several at a time, with sizes known and unknown:
// an object whose reader does not match its announced size is refused and leaves nothing.
func TestPartsInFlight(t *testing.T) {
	srv, client, bucket := newBucket(t)
	cfg := config(srv, bucket, "")
	cfg.PartSize, cfg.PartsInFlight = 5<<20, 2
	s, err := s3.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	data := make([]byte, 23<<20+123)
	for i := range data {
		data[i] = byte(i * 7 / 5)
	}
	tests := []struct {
		name    string
		data    []byte
		size    int64
		wantErr bool
	}{
		{name: "unknown size", data: data, size: -1},
		{name: "known size", data: data, size: int64(len(data))},
		{name: "exactly two parts", data: data[:10<<20], size: 10 << 20},
		{name: "reader shorter than its size", data: data[:12<<20], size: int64(len(data)), wantErr: true},
		{name: "reader longer than its size", data: data, size: 12 << 20, wantErr: true},
	}
	ctx := context.Background()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			key := "parts/" + strings.ReplaceAll(tt.name, " ", "-")
			err := s.Put(ctx, key, bytes.NewReader(tt.data), tt.size)
			if tt.wantErr {
				if err == nil {
					t.Fatal("Put succeeded, want an error")
				}
				if _, err := s.Stat(ctx, key); !errors.Is(err, blob.ErrNotExist) {
					t.Fatalf("Stat after a refused Put = %v, want a missing object", err)
				}
				return
			}
			if err != nil {
				t.Fatalf("Put: %v", err)
			}
			rc, err := s.Open(ctx, key)
			if err != nil {
				t.Fatal(err)
			}
			defer rc.Close()
			got, err := io.ReadAll(rc)
			if err != nil || !bytes.Equal(got, tt.data) {
				t.Fatalf("read back %d bytes (%v), want the %d bytes written", len(got), err, len(tt.data))
			}
		})
	}
	for up := range client.ListIncompleteUploads(ctx, bucket, "", true) {
		t.Errorf("multipart upload of %s was left behind (%v)", up.Key, up.Err)
	}
}
