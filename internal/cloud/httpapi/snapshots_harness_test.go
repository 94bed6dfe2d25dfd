package httpapi_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"testing"
	"time"

	"github.com/clonit/clonit/internal/api"
	"github.com/clonit/clonit/internal/apiclient"
	"github.com/clonit/clonit/internal/cloud"
	"github.com/clonit/clonit/internal/cloud/blobstore"
	"github.com/clonit/clonit/internal/cloud/httpapi"
)

// testSnapshots is the managed storage of the test API: the embedded store in a fresh
// directory, signing URLs for the test server at base, with the smallest part size so
// that multipart uploads stay small.
func testSnapshots(t *testing.T, base string) httpapi.SnapshotOptions {
	t.Helper()
	key := make([]byte, 32)
	_, _ = rand.Read(key)
	blobs, err := blobstore.NewLocal(t.TempDir(), key, base)
	if err != nil {
		t.Fatalf("local blob store: %v", err)
	}
	return httpapi.SnapshotOptions{Blobs: blobs, PartSize: blobstore.MinPartSize}
}

// api returns the API the test server serves.
func (e *env) api() *httpapi.API { return e.srv.Config.Handler.(*httpapi.API) }

// client returns an API client of the test server that sends bearer.
func (e *env) client(bearer string) *apiclient.Client {
	e.t.Helper()
	c, err := apiclient.New(e.srv.URL, apiclient.Token(bearer))
	if err != nil {
		e.t.Fatal(err)
	}
	return c
}

// pushReq describes data as a sanitized snapshot of target shop called name.
func pushReq(name string, data []byte) api.CreateUploadRequest {
	sum := sha256.Sum256(data)
	return api.CreateUploadRequest{Target: "shop", Name: name, Type: api.SnapshotTypeSanitized, Size: int64(len(data)), SHA256: hex.EncodeToString(sum[:])}
}

// plantSnapshot stores a ready snapshot of org holding data, as a completed push would,
// without going through HTTP, and returns it. With data nil, storage holds no object (the
// catalog's routes never read it).
func (e *env) plantSnapshot(org cloud.Org, name string, data []byte, pushedBy string) cloud.Snapshot {
	e.t.Helper()
	ctx := context.Background()
	req := pushReq(name, data)
	s := cloud.Snapshot{OrgID: org.ID, Target: req.Target, Name: name, Type: req.Type, Size: req.Size, SHA256: req.SHA256,
		PushedBy: pushedBy, ExpiresAt: time.Now().Add(time.Hour)}
	if err := e.st.CreateUpload(ctx, &s); err != nil {
		e.t.Fatalf("plant snapshot %s: %v", name, err)
	}
	if data == nil {
		// no object
	} else if err := e.api().Blobs().Put(ctx, s.Key(), bytes.NewReader(data), int64(len(data))); err != nil {
		e.t.Fatalf("plant object of %s: %v", name, err)
	}
	if err := e.st.CompleteUpload(ctx, org.ID, s.ID, time.Now()); err != nil {
		e.t.Fatalf("complete snapshot %s: %v", name, err)
	}
	s.Ready, s.OrgSlug = true, org.Slug
	return s
}

// must fails the test on err.
func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}
