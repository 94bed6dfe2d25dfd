package server

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"log/slog"
	"net"
	"path/filepath"
	"testing"
	"time"

	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/credentials"

	"github.com/clonit/clonit/internal/api"
	"github.com/clonit/clonit/internal/apiclient"
	"github.com/clonit/clonit/internal/cloud/identity/selftoken"
	"github.com/clonit/clonit/internal/cloud/identity/signing"
	"github.com/clonit/clonit/internal/cloud/store/sqlite"
	"github.com/clonit/clonit/internal/testutil"
)

// TestSnapshotsThroughEachStorage pushes a snapshot (in parts) and pulls it back through a
// served cloud, once with the embedded storage and once with S3 flags pointing at MinIO:
// the agent's bytes go to storage's own presigned URLs and the cloud checks what arrived.
func TestSnapshotsThroughEachStorage(t *testing.T) {
	tests := []struct {
		name    string
		storage func(t *testing.T) StorageConfig
	}{
		{"embedded", func(*testing.T) StorageConfig { return StorageConfig{} }},
		{"s3", func(t *testing.T) StorageConfig {
			s3 := testutil.S3Server(t)
			return StorageConfig{S3Endpoint: s3.Endpoint, S3Bucket: testBucket(t, s3), S3AccessKey: s3.AccessKey, S3SecretKey: s3.SecretKey,
				S3Insecure: true, S3PathStyle: true}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx := context.Background()
			ln, err := net.Listen("tcp", "127.0.0.1:0")
			if err != nil {
				t.Fatal(err)
			}
			dir := t.TempDir()
			cfg := Config{Addr: ln.Addr().String(), DataDir: dir, LogFormat: "text", LogLevel: "error", Storage: tt.storage(t)}
			if err := cfg.Validate(); err != nil {
				t.Fatal(err)
			}
			st, err := sqlite.Open(ctx, filepath.Join(dir, "cloud.db"))
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { st.Close() })
			srv, err := New(ctx, cfg, st, slog.New(slog.NewTextHandler(io.Discard, nil)))
			if err != nil {
				t.Fatalf("New: %v", err)
			}
			sctx, stop := context.WithCancel(ctx)
			done := make(chan error, 1)
			go func() { done <- srv.Serve(sctx, ln) }()
			t.Cleanup(func() { stop(); <-done })

			key, err := signing.Load(ctx, st)
			if err != nil {
				t.Fatal(err)
			}
			tokens, err := selftoken.New(key, selftoken.Config{SelfIssuer: cfg.PublicURL})
			if err != nil {
				t.Fatal(err)
			}
			tok, err := tokens.Issue(selftoken.Identity{Subject: "ann", Email: "ann@example.com", Name: "Ann"}, time.Hour)
			if err != nil {
				t.Fatal(err)
			}
			c, err := apiclient.New(cfg.PublicURL, apiclient.Token(tok))
			if err != nil {
				t.Fatal(err)
			}
			if _, err := c.CreateOrg(ctx, api.CreateOrgRequest{Name: "Acme", Slug: "acme"}); err != nil {
				t.Fatal(err)
			}
			data := make([]byte, 70<<20+123) // more than a part of 64 MiB
			for i := range data {
				data[i] = byte(i / 4096)
			}
			sum := sha256.Sum256(data)
			req := api.CreateUploadRequest{Target: "shop", Name: "big", Type: "sanitized", Size: int64(len(data)), SHA256: hex.EncodeToString(sum[:])}
			snap, err := c.PushSnapshot(ctx, "acme", req, bytes.NewReader(data))
			if err != nil {
				t.Fatalf("PushSnapshot: %v", err)
			}
			var got bytes.Buffer
			if _, err := c.PullSnapshot(ctx, "acme", snap.ID[:8], &got); err != nil || !bytes.Equal(got.Bytes(), data) {
				t.Errorf("PullSnapshot = %d bytes, %v; want the %d pushed", got.Len(), err, len(data))
			}
			if err := c.DeleteSnapshot(ctx, "acme", snap.ID); err != nil {
				t.Errorf("DeleteSnapshot: %v", err)
			}
		})
	}
}

// testBucket creates a bucket on the test MinIO and removes it, emptied, after the test.
func testBucket(t *testing.T, s3 testutil.S3) string {
	t.Helper()
	client, err := minio.New(s3.Endpoint, &minio.Options{Creds: credentials.NewStaticV4(s3.AccessKey, s3.SecretKey, "")})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	bucket := testutil.RandomName("clonit-cloud-")
	if err := client.MakeBucket(ctx, bucket, minio.MakeBucketOptions{}); err != nil {
		t.Fatalf("create test bucket: %v", err)
	}
	t.Cleanup(func() {
		for up := range client.ListIncompleteUploads(ctx, bucket, "", true) {
			t.Errorf("multipart upload of %s was left behind", up.Key)
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
	return bucket
}
