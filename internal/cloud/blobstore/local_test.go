package blobstore_test

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/clonit/clonit/internal/blob"
	"github.com/clonit/clonit/internal/blob/blobtest"
	"github.com/clonit/clonit/internal/cloud/blobstore"
	"github.com/clonit/clonit/internal/cloud/blobstore/blobstoretest"
)

// newLocal returns a local store in a fresh directory, served by a test server at
// blobstore.MountPath, whose URLs are absolute.
func newLocal(t *testing.T) *blobstore.Local {
	t.Helper()
	mux := http.NewServeMux()
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	s, err := blobstore.NewLocal(t.TempDir(), []byte("0123456789abcdef0123456789abcdef"), srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	mux.Handle(blobstore.MountPath, s)
	return s
}

func TestLocalConformance(t *testing.T) {
	blobstoretest.Run(t, func(t *testing.T) blobstore.Store { return newLocal(t) })
}

func TestLocalBlobContract(t *testing.T) {
	blobtest.Run(t, func(t *testing.T) blob.Store { return newLocal(t) })
}
