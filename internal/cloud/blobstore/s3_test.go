package blobstore_test

import (
	"context"
	"testing"

	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/credentials"

	"github.com/clonit/clonit/internal/cloud/blobstore"
	"github.com/clonit/clonit/internal/cloud/blobstore/blobstoretest"
	"github.com/clonit/clonit/internal/testutil"
)

// newBucket creates a fresh bucket on the test MinIO and removes it, with everything in
// it, when the test ends.
func newBucket(t *testing.T) (testutil.S3, string) {
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
	return srv, bucket
}

func TestS3Conformance(t *testing.T) {
	srv, bucket := newBucket(t)
	blobstoretest.Run(t, func(t *testing.T) blobstore.Store {
		s, err := blobstore.NewS3(blobstore.S3Config{Endpoint: srv.Endpoint, Bucket: bucket, Prefix: testutil.RandomName("run-"),
			AccessKey: srv.AccessKey, SecretKey: srv.SecretKey, PathStyle: true})
		if err != nil {
			t.Fatal(err)
		}
		return s
	})
}
