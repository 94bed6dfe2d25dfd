// Package blobstoretest is the conformance suite of blobstore.Store's presigned URLs and
// multipart uploads, which every implementation runs from its own tests. Requests go over
// real HTTP, as an agent's would.
package blobstoretest

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/clonit/clonit/internal/blob"
	"github.com/clonit/clonit/internal/cloud/blobstore"
	"github.com/clonit/clonit/internal/errs"
)

// Run checks every clause of the blobstore.Store contract that blob.Store lacks. newStore
// returns an empty store, distinct for each call, whose URLs http.DefaultClient reaches.
func Run(t *testing.T, newStore func(t *testing.T) blobstore.Store) {
	tests := []struct {
		name string
		fn   func(t *testing.T, s blobstore.Store)
	}{
		{"PresignedPutThenGet", testPutGet},
		{"RangeGet", testRange},
		{"URLBoundToMethod", testMethod},
		{"AlteredURLRefused", testAltered},
		{"ExpiredURLRefused", testExpired},
		{"Multipart", testMultipart},
		{"MultipartMissingPart", testMissingPart},
		{"MultipartAbort", testAbort},
		{"MultipartBoundToKey", testOtherKey},
		{"DigestReadsStorage", testDigest},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			tt.fn(t, newStore(t))
		})
	}
}

const minute = time.Minute

// payload returns n deterministic pseudo-random bytes.
func payload(n int, seed uint64) []byte {
	r := rand.New(rand.NewPCG(seed, seed))
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(r.Uint32())
	}
	return b
}

// do sends method to u with body (nil: none) and returns the status and the answer.
func do(t *testing.T, method, u string, body []byte, header http.Header) (int, []byte) {
	t.Helper()
	var r io.Reader = http.NoBody
	if body != nil {
		r = bytes.NewReader(body)
	}
	req, err := http.NewRequest(method, u, r)
	if err != nil {
		t.Fatalf("build %s request: %v", method, err)
	}
	for k, v := range header {
		req.Header[k] = v
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("%s: %v", method, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("read answer of %s: %v", method, err)
	}
	return resp.StatusCode, b
}

// mustPresign returns a function that takes a presign result and fails the test on its
// error.
func mustPresign(t *testing.T) func(string, error) string {
	return func(u string, err error) string {
		t.Helper()
		if err != nil {
			t.Fatalf("presign: %v", err)
		}
		return u
	}
}

// put uploads data to a presigned URL, failing unless storage accepts it.
func put(t *testing.T, u string, data []byte) {
	t.Helper()
	if status, body := do(t, http.MethodPut, u, data, nil); status != http.StatusOK {
		t.Fatalf("PUT = %d %s, want 200", status, body)
	}
}

// assertMissing fails unless the store holds no object at key.
func assertMissing(t *testing.T, s blobstore.Store, key string) {
	t.Helper()
	if _, err := s.Stat(context.Background(), key); !errors.Is(err, blob.ErrNotExist) {
		t.Errorf("Stat(%s) = %v, want blob.ErrNotExist", key, err)
	}
}

func testPutGet(t *testing.T, s blobstore.Store) {
	ctx := context.Background()
	data := payload(300_000, 1)
	put(t, mustPresign(t)(s.PresignPut(ctx, "org/snap-1", minute)), data)
	info, err := s.Stat(ctx, "org/snap-1")
	if err != nil || info.Size != int64(len(data)) {
		t.Fatalf("Stat = %+v, %v; want size %d", info, err, len(data))
	}
	status, got := do(t, http.MethodGet, mustPresign(t)(s.PresignGet(ctx, "org/snap-1", minute)), nil, nil)
	if status != http.StatusOK || !bytes.Equal(got, data) {
		t.Errorf("GET = %d with %d bytes, want 200 with the %d bytes put", status, len(got), len(data))
	}
	status, _ = do(t, http.MethodGet, mustPresign(t)(s.PresignGet(ctx, "org/never-put", minute)), nil, nil)
	if status != http.StatusNotFound {
		t.Errorf("GET of a missing object = %d, want 404", status)
	}
}

func testRange(t *testing.T, s blobstore.Store) {
	ctx := context.Background()
	data := payload(10_000, 2)
	put(t, mustPresign(t)(s.PresignPut(ctx, "r", minute)), data)
	status, got := do(t, http.MethodGet, mustPresign(t)(s.PresignGet(ctx, "r", minute)), nil, http.Header{"Range": {"bytes=100-199"}})
	if status != http.StatusPartialContent || !bytes.Equal(got, data[100:200]) {
		t.Errorf("ranged GET = %d with %d bytes, want 206 with bytes 100-199", status, len(got))
	}
}

func testMethod(t *testing.T, s blobstore.Store) {
	ctx := context.Background()
	putURL := mustPresign(t)(s.PresignPut(ctx, "m", minute))
	put(t, putURL, []byte("hello"))
	if status, _ := do(t, http.MethodGet, putURL, nil, nil); status != http.StatusForbidden {
		t.Errorf("GET with a PUT URL = %d, want 403", status)
	}
	getURL := mustPresign(t)(s.PresignGet(ctx, "m", minute))
	if status, _ := do(t, http.MethodPut, getURL, []byte("evil"), nil); status != http.StatusForbidden {
		t.Errorf("PUT with a GET URL = %d, want 403", status)
	}
	if _, got := do(t, http.MethodGet, getURL, nil, nil); string(got) != "hello" {
		t.Errorf("object = %q after a refused PUT, want hello", got)
	}
}

func testAltered(t *testing.T, s blobstore.Store) {
	ctx := context.Background()
	put(t, mustPresign(t)(s.PresignPut(ctx, "a/one", minute)), []byte("one"))
	put(t, mustPresign(t)(s.PresignPut(ctx, "a/two", minute)), []byte("two"))
	good := mustPresign(t)(s.PresignGet(ctx, "a/one", minute))
	u, err := url.Parse(good)
	if err != nil {
		t.Fatal(err)
	}
	otherKey := *u
	otherKey.Path = strings.Replace(u.Path, "a/one", "a/two", 1)
	later := *u
	q := later.Query()
	for k, v := range q { // push every expiry-like parameter a day further
		if strings.Contains(strings.ToLower(k), "expires") {
			q.Set(k, v[0]+"0")
		}
	}
	later.RawQuery = q.Encode()
	noSig := *u
	q = noSig.Query()
	for k := range q {
		if strings.Contains(strings.ToLower(k), "signature") {
			q.Set(k, strings.Repeat("0", len(q.Get(k))))
		}
	}
	noSig.RawQuery = q.Encode()
	for name, bad := range map[string]string{"another key": otherKey.String(), "a later expiry": later.String(), "a zeroed signature": noSig.String()} {
		if status, body := do(t, http.MethodGet, bad, nil, nil); status != http.StatusForbidden {
			t.Errorf("GET with %s = %d %s, want 403", name, status, body)
		}
	}
	if status, _ := do(t, http.MethodGet, good, nil, nil); status != http.StatusOK {
		t.Errorf("GET with the URL as signed = %d, want 200", status)
	}
}

func testExpired(t *testing.T, s blobstore.Store) {
	ctx := context.Background()
	put(t, mustPresign(t)(s.PresignPut(ctx, "e", minute)), []byte("x"))
	getURL := mustPresign(t)(s.PresignGet(ctx, "e", time.Second))
	putURL := mustPresign(t)(s.PresignPut(ctx, "e", time.Second))
	time.Sleep(2100 * time.Millisecond) // URLs carry whole seconds
	if status, _ := do(t, http.MethodGet, getURL, nil, nil); status != http.StatusForbidden {
		t.Errorf("GET with an expired URL = %d, want 403", status)
	}
	if status, _ := do(t, http.MethodPut, putURL, []byte("late"), nil); status != http.StatusForbidden {
		t.Errorf("PUT with an expired URL = %d, want 403", status)
	}
}

// uploadParts starts a multipart upload of key and puts the given parts of data, cut at
// blobstore.MinPartSize, returning the upload ID and the number of parts.
func uploadParts(t *testing.T, s blobstore.Store, key string, data []byte, skip map[int]bool) (string, int) {
	t.Helper()
	ctx := context.Background()
	id, err := s.CreateMultipart(ctx, key)
	if err != nil {
		t.Fatalf("CreateMultipart: %v", err)
	}
	ranges := blobstore.Plan(int64(len(data)), blobstore.MinPartSize)
	for i := len(ranges) - 1; i >= 0; i-- { // parts may arrive in any order
		r := ranges[i]
		if skip[r.Number] {
			continue
		}
		put(t, mustPresign(t)(s.PresignPart(ctx, key, id, r.Number, minute)), data[r.Offset:r.Offset+r.Size])
	}
	return id, len(ranges)
}

func testMultipart(t *testing.T, s blobstore.Store) {
	ctx := context.Background()
	data := payload(2*blobstore.MinPartSize+1234, 3)
	id, n := uploadParts(t, s, "big", data, nil)
	if n != 3 {
		t.Fatalf("Plan made %d parts, want 3", n)
	}
	assertMissing(t, s, "big")
	if err := s.CompleteMultipart(ctx, "big", id, n); err != nil {
		t.Fatalf("CompleteMultipart: %v", err)
	}
	size, sum, err := blobstore.Digest(ctx, s, "big")
	want := sha256.Sum256(data)
	if err != nil || size != int64(len(data)) || sum != hex.EncodeToString(want[:]) {
		t.Errorf("Digest = %d %s %v, want %d %x", size, sum, err, len(data), want)
	}
	if err := s.AbortMultipart(ctx, "big", id); err != nil {
		t.Errorf("AbortMultipart after completion = %v, want nil", err)
	}
}

func testMissingPart(t *testing.T, s blobstore.Store) {
	ctx := context.Background()
	data := payload(2*blobstore.MinPartSize+10, 4)
	id, n := uploadParts(t, s, "holey", data, map[int]bool{2: true})
	err := s.CompleteMultipart(ctx, "holey", id, n)
	if !errors.Is(err, errs.ErrInvalid) || errs.Public(err, "") != "part 2 of 3 was never uploaded: upload every part, then complete" {
		t.Errorf("CompleteMultipart without part 2 = %v, want the missing-part error", err)
	}
	assertMissing(t, s, "holey")
	if err := s.AbortMultipart(ctx, "holey", id); err != nil {
		t.Fatalf("AbortMultipart: %v", err)
	}
}

func testAbort(t *testing.T, s blobstore.Store) {
	ctx := context.Background()
	data := payload(blobstore.MinPartSize+10, 5)
	id, n := uploadParts(t, s, "gone", data, nil)
	partURL := mustPresign(t)(s.PresignPart(ctx, "gone", id, 1, minute))
	if err := s.AbortMultipart(ctx, "gone", id); err != nil {
		t.Fatalf("AbortMultipart: %v", err)
	}
	if err := s.AbortMultipart(ctx, "gone", id); err != nil {
		t.Errorf("second AbortMultipart = %v, want nil", err)
	}
	if err := s.CompleteMultipart(ctx, "gone", id, n); err == nil {
		t.Errorf("CompleteMultipart after abort = nil, want an error")
	}
	if status, _ := do(t, http.MethodPut, partURL, []byte("late part"), nil); status != http.StatusNotFound {
		t.Errorf("PUT of a part after abort = %d, want 404", status)
	}
	assertMissing(t, s, "gone")
}

func testOtherKey(t *testing.T, s blobstore.Store) {
	ctx := context.Background()
	data := payload(blobstore.MinPartSize+10, 6)
	id, n := uploadParts(t, s, "mine", data, nil)
	if err := s.CompleteMultipart(ctx, "yours", id, n); err == nil {
		t.Errorf("CompleteMultipart of another key = nil, want an error")
	}
	assertMissing(t, s, "yours")
	if err := s.CompleteMultipart(ctx, "mine", id, n); err != nil {
		t.Errorf("CompleteMultipart of its own key: %v", err)
	}
}

func testDigest(t *testing.T, s blobstore.Store) {
	ctx := context.Background()
	for i, size := range []int{0, 1, 1 << 20} {
		key := fmt.Sprintf("d/%d", i)
		data := payload(size, uint64(10+i))
		put(t, mustPresign(t)(s.PresignPut(ctx, key, minute)), data)
		n, sum, err := blobstore.Digest(ctx, s, key)
		want := sha256.Sum256(data)
		if err != nil || n != int64(size) || sum != hex.EncodeToString(want[:]) {
			t.Errorf("Digest of %d bytes = %d %s %v, want %x", size, n, sum, err, want)
		}
	}
	if _, _, err := blobstore.Digest(ctx, s, "d/none"); !errors.Is(err, blob.ErrNotExist) {
		t.Errorf("Digest of a missing object = %v, want blob.ErrNotExist", err)
	}
}
