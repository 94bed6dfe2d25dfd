package blobstore_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"
	"time"

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

// newLocalAt is newLocal on the data directory dir, as a server restarted on it would be.
func newLocalAt(t *testing.T, dir string) *blobstore.Local {
	t.Helper()
	mux := http.NewServeMux()
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	s, err := blobstore.NewLocal(dir, []byte("0123456789abcdef0123456789abcdef"), srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	mux.Handle(blobstore.MountPath, s)
	return s
}

// putURL PUTs data to a presigned URL and fails unless the store accepts it.
func putURL(t *testing.T, u string, err error, data []byte) {
	t.Helper()
	if err != nil {
		t.Fatalf("presign: %v", err)
	}
	req, err := http.NewRequest(http.MethodPut, u, bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("PUT = %d %s, want 200", resp.StatusCode, body)
	}
}

// filled returns n bytes of b.
func filled(b byte, n int) []byte { return bytes.Repeat([]byte{b}, n) }

// wantDigest fails unless Digest of key is the size and SHA-256 of want.
func wantDigest(t *testing.T, s blobstore.Store, key string, want []byte) {
	t.Helper()
	n, sum, err := blobstore.Digest(context.Background(), s, key)
	h := sha256.Sum256(want)
	if err != nil || n != int64(len(want)) || sum != hex.EncodeToString(h[:]) {
		t.Fatalf("Digest(%s) = %d %s %v, want %d %x", key, n, sum, err, len(want), h)
	}
}

// wantRecorded fails unless the store recorded, while writing key, the size and SHA-256 of
// want (recorded) or holds no valid record of it (!recorded), where the file system of dir
// can keep such records at all.
func wantRecorded(t *testing.T, s blobstore.Store, dir, key string, want []byte, recorded bool) {
	t.Helper()
	n, sum, ok, recordable := blobstore.RecordedDigest(s, dir, key)
	if !recordable {
		t.Logf("the file system of %s keeps no extended attributes: digests are read back", dir)
		return
	}
	h := sha256.Sum256(want)
	if recorded && (!ok || n != int64(len(want)) || sum != hex.EncodeToString(h[:])) {
		t.Fatalf("recorded digest of %s = %d %s %v, want %d %x", key, n, sum, ok, len(want), h)
	}
	if !recorded && ok {
		t.Fatalf("%s still has a valid recorded digest (%d %s) after it changed on disk", key, n, sum)
	}
}

// TestLocalMultipartOrders completes multipart uploads whose parts come in order (appended
// as they arrive), sent again, across a restart, or fewer than were sent, and checks the
// object and its digest each time.
func TestLocalMultipartOrders(t *testing.T) {
	const size = blobstore.MinPartSize
	a, b, c, b2 := filled('a', size), filled('b', size), filled('c', 1000), filled('B', size)
	tests := []struct {
		name  string
		steps func(t *testing.T, s *blobstore.Local, dir, id string, put func(s *blobstore.Local, n int, data []byte)) *blobstore.Local
		parts int
		want  [][]byte
	}{
		{"in order", func(t *testing.T, s *blobstore.Local, _, _ string, put func(*blobstore.Local, int, []byte)) *blobstore.Local {
			put(s, 1, a)
			put(s, 2, b)
			put(s, 3, c)
			return s
		}, 3, [][]byte{a, b, c}},
		{"a part sent again after the next", func(t *testing.T, s *blobstore.Local, _, _ string, put func(*blobstore.Local, int, []byte)) *blobstore.Local {
			put(s, 1, a)
			put(s, 2, b)
			put(s, 3, c)
			put(s, 2, b2)
			return s
		}, 3, [][]byte{a, b2, c}},
		{"the last part first", func(t *testing.T, s *blobstore.Local, _, _ string, put func(*blobstore.Local, int, []byte)) *blobstore.Local {
			put(s, 3, c)
			put(s, 1, a)
			put(s, 2, b)
			return s
		}, 3, [][]byte{a, b, c}},
		{"a restart between parts", func(t *testing.T, s *blobstore.Local, dir, _ string, put func(*blobstore.Local, int, []byte)) *blobstore.Local {
			put(s, 1, a)
			put(s, 2, b)
			s = newLocalAt(t, dir)
			put(s, 3, c)
			return s
		}, 3, [][]byte{a, b, c}},
		{"completed with fewer parts than sent", func(t *testing.T, s *blobstore.Local, _, _ string, put func(*blobstore.Local, int, []byte)) *blobstore.Local {
			put(s, 1, a)
			put(s, 2, b)
			put(s, 3, c)
			return s
		}, 2, [][]byte{a, b}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx := context.Background()
			dir := t.TempDir()
			s := newLocalAt(t, dir)
			id, err := s.CreateMultipart(ctx, "obj")
			if err != nil {
				t.Fatal(err)
			}
			put := func(s *blobstore.Local, n int, data []byte) {
				u, err := s.PresignPart(ctx, "obj", id, n, time.Minute)
				putURL(t, u, err, data)
			}
			s = tt.steps(t, s, dir, id, put)
			if err := s.CompleteMultipart(ctx, "obj", id, tt.parts); err != nil {
				t.Fatalf("CompleteMultipart: %v", err)
			}
			want := bytes.Join(tt.want, nil)
			rc, err := s.Open(ctx, "obj")
			if err != nil {
				t.Fatal(err)
			}
			got, _ := io.ReadAll(rc)
			rc.Close()
			if !bytes.Equal(got, want) {
				t.Fatalf("object has %d bytes, want the %d bytes of the parts", len(got), len(want))
			}
			wantDigest(t, s, "obj", want)
			wantRecorded(t, s, dir, "obj", want, true)
			if left, _ := os.ReadDir(filepath.Join(dir, "parts")); len(left) > 1 { // the directory of unfinished writes may stay
				t.Errorf("the parts directory still holds %v", left)
			}
		})
	}
}

// TestLocalDigestFollowsStorage changes an object on disk after the store wrote it: the
// digest must be that of what the file holds now, not the one recorded while writing.
func TestLocalDigestFollowsStorage(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	s := newLocalAt(t, dir)
	u, err := s.PresignPut(ctx, "k/obj", time.Minute)
	putURL(t, u, err, []byte("the bytes that were sent"))
	wantDigest(t, s, "k/obj", []byte("the bytes that were sent"))
	wantRecorded(t, s, dir, "k/obj", []byte("the bytes that were sent"), true)
	p := filepath.Join(dir, "objects", "k", "obj")
	time.Sleep(10 * time.Millisecond) // a coarse clock must still see a new modification time
	if err := os.WriteFile(p, []byte("the bytes of a tamperer!"), 0o600); err != nil {
		t.Fatal(err)
	}
	wantRecorded(t, s, dir, "k/obj", nil, false)
	wantDigest(t, s, "k/obj", []byte("the bytes of a tamperer!"))
}
