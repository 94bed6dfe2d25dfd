package blobtest

import (
	"bytes"
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"io"
	"slices"
	"sync"
	"testing"

	"github.com/clonit/clonit/internal/blob"
)

func testMissing(t *testing.T, s blob.Store) {
	assertMissing(t, s, "nothing/here.tar")
	put(t, s, "dir/object", []byte("x"))
	for _, key := range []string{"dir", "dir/object/below", "dir/objec", "other"} {
		assertMissing(t, s, key)
	}
}

func testPutOpenStat(t *testing.T, s blob.Store) {
	tests := []struct {
		name string
		key  string
		data []byte
	}{
		{"empty object", "empty", []byte{}},
		{"small object", "shop/shop-20260101T120000.tar", []byte("hello, archive")},
		{"nested key", "a/b/c/d.sha256", []byte("0123456789abcdef  d\n")},
		{"key with spaces and unicode", "target one/snäpshot.tar", []byte("ü")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			put(t, s, tt.key, tt.data)
			if got := read(t, s, tt.key); !bytes.Equal(got, tt.data) {
				t.Fatalf("Open(%q) = %q, want %q", tt.key, got, tt.data)
			}
			info, err := s.Stat(context.Background(), tt.key)
			if err != nil {
				t.Fatalf("Stat(%q): %v", tt.key, err)
			}
			if info.Key != tt.key || info.Size != int64(len(tt.data)) || info.ModTime.IsZero() {
				t.Fatalf("Stat(%q) = %+v, want key %q size %d and a modification time", tt.key, info, tt.key, len(tt.data))
			}
		})
	}
}

func testOverwrite(t *testing.T, s blob.Store) {
	put(t, s, "k", []byte("first version, longer"))
	put(t, s, "k", []byte("second"))
	if got := read(t, s, "k"); string(got) != "second" {
		t.Fatalf("after overwrite Open = %q, want %q", got, "second")
	}
	if got := keys(t, s, ""); !slices.Equal(got, []string{"k"}) {
		t.Fatalf("List after overwrite = %q, want [k]", got)
	}
}

func testDelete(t *testing.T, s blob.Store) {
	ctx := context.Background()
	put(t, s, "t/a", []byte("a"))
	put(t, s, "t/b", []byte("b"))
	for i := range 2 {
		if err := s.Delete(ctx, "t/a"); err != nil {
			t.Fatalf("Delete #%d: %v", i+1, err)
		}
	}
	if err := s.Delete(ctx, "never/existed"); err != nil {
		t.Fatalf("Delete of a missing key: %v", err)
	}
	assertMissing(t, s, "t/a")
	if got := keys(t, s, ""); !slices.Equal(got, []string{"t/b"}) {
		t.Fatalf("List after delete = %q, want [t/b]", got)
	}
	// Deleting the last object under a directory must not stop a later Put there.
	if err := s.Delete(ctx, "t/b"); err != nil {
		t.Fatalf("Delete: %v", err)
	}
	put(t, s, "t", []byte("a key where a directory was"))
	if got := keys(t, s, ""); !slices.Equal(got, []string{"t"}) {
		t.Fatalf("List = %q, want [t]", got)
	}
}

func testList(t *testing.T, s blob.Store) {
	all := []string{"b/2", "a/b", "a.b", "a/bc/d", "a/c/e", "b/10", "ab", "a/c/d"}
	for i, k := range all {
		put(t, s, k, bytes.Repeat([]byte{'x'}, i))
	}
	tests := []struct {
		prefix string
		want   []string
	}{
		{"", []string{"a.b", "a/b", "a/bc/d", "a/c/d", "a/c/e", "ab", "b/10", "b/2"}},
		{"a", []string{"a.b", "a/b", "a/bc/d", "a/c/d", "a/c/e", "ab"}},
		{"a/", []string{"a/b", "a/bc/d", "a/c/d", "a/c/e"}},
		{"a/b", []string{"a/b", "a/bc/d"}},
		{"a/c/", []string{"a/c/d", "a/c/e"}},
		{"a/c/e", []string{"a/c/e"}},
		{"b/1", []string{"b/10"}},
		{"c", []string{}},
		{"a/z/", []string{}},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("prefix %q", tt.prefix), func(t *testing.T) {
			if got := keys(t, s, tt.prefix); !slices.Equal(got, tt.want) {
				t.Fatalf("List(%q) = %q, want %q", tt.prefix, got, tt.want)
			}
		})
	}
	infos, err := s.List(context.Background(), "a/c/e")
	if err != nil || len(infos) != 1 || infos[0].Size != int64(slices.Index(all, "a/c/e")) || infos[0].ModTime.IsZero() {
		t.Fatalf("List(a/c/e) = %+v, %v; want a/c/e with size %d", infos, err, slices.Index(all, "a/c/e"))
	}
}

func testLarge(t *testing.T, s blob.Store) {
	ctx := context.Background()
	if err := s.Put(ctx, "large/object", randomReader(7, LargeSize), -1); err != nil {
		t.Fatalf("Put of %d bytes of unknown size: %v", LargeSize, err)
	}
	info, err := s.Stat(ctx, "large/object")
	if err != nil || info.Size != LargeSize {
		t.Fatalf("Stat = %+v, %v; want size %d", info, err, LargeSize)
	}
	rc, err := s.Open(ctx, "large/object")
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	defer rc.Close()
	h := sha256.New()
	if _, err := io.Copy(h, rc); err != nil {
		t.Fatalf("read back: %v", err)
	}
	if [32]byte(h.Sum(nil)) != randomSum(7, LargeSize) {
		t.Fatalf("the object read back differs from what was written")
	}
}

func testFailedPut(t *testing.T, s blob.Store) {
	boom := errors.New("producer failed")
	tests := []struct {
		name string
		r    io.Reader
		size int64
	}{
		{"reader fails early, unknown size", errReader{randomReader(1, 1000), boom}, -1},
		{"reader fails after two parts, unknown size", errReader{randomReader(1, 33<<20), boom}, -1},
		{"reader fails, known size", errReader{randomReader(1, 1000), boom}, 5000},
		{"reader shorter than its size", randomReader(1, 1000), 5000},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			key := "failed/object"
			if err := s.Put(context.Background(), key, tt.r, tt.size); err == nil {
				t.Fatalf("Put succeeded, want an error")
			}
			assertMissing(t, s, key)
			if got := keys(t, s, ""); len(got) != 0 {
				t.Fatalf("List after a failed Put = %q, want nothing", got)
			}
		})
	}
}

func testCancelledPut(t *testing.T, s blob.Store) {
	for _, n := range []int64{0, 1000, 20 << 20} {
		t.Run(fmt.Sprintf("after %d bytes", n), func(t *testing.T) {
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			r := &cancelReader{r: randomReader(2, LargeSize), n: n, cancel: cancel}
			if err := s.Put(ctx, "cancelled/object", r, -1); err == nil {
				t.Fatalf("cancelled Put succeeded, want an error")
			}
			assertMissing(t, s, "cancelled/object")
			if got := keys(t, s, ""); len(got) != 0 {
				t.Fatalf("List after a cancelled Put = %q, want nothing", got)
			}
		})
	}
}

func testFailedOverwrite(t *testing.T, s blob.Store) {
	put(t, s, "keep", []byte("the previous object"))
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	r := &cancelReader{r: randomReader(3, LargeSize), n: 20 << 20, cancel: cancel}
	if err := s.Put(ctx, "keep", r, -1); err == nil {
		t.Fatalf("cancelled Put succeeded, want an error")
	}
	if got := read(t, s, "keep"); string(got) != "the previous object" {
		t.Fatalf("after a failed overwrite Open = %q, want the previous object", got)
	}
}

func testConcurrent(t *testing.T, s blob.Store) {
	const n = 8
	contents := make([][]byte, n)
	for i := range contents {
		contents[i] = bytes.Repeat([]byte{byte('a' + i)}, 1000*(i+1))
	}
	var wg sync.WaitGroup
	errc := make(chan error, 2*n)
	for i := range n {
		wg.Add(2)
		go func() {
			defer wg.Done()
			errc <- s.Put(context.Background(), fmt.Sprintf("many/%d", i), bytes.NewReader(contents[i]), int64(len(contents[i])))
		}()
		go func() {
			defer wg.Done()
			errc <- s.Put(context.Background(), "same", bytes.NewReader(contents[i]), -1)
		}()
	}
	wg.Wait()
	close(errc)
	for err := range errc {
		if err != nil {
			t.Fatalf("concurrent Put: %v", err)
		}
	}
	for i := range n {
		if got := read(t, s, fmt.Sprintf("many/%d", i)); !bytes.Equal(got, contents[i]) {
			t.Fatalf("many/%d holds %d bytes, want its own %d", i, len(got), len(contents[i]))
		}
	}
	if got := read(t, s, "same"); !slices.ContainsFunc(contents, func(c []byte) bool { return bytes.Equal(c, got) }) {
		t.Fatalf("concurrent Puts of one key left a mixture of %d bytes", len(got))
	}
}

func testBadKeys(t *testing.T, s blob.Store) {
	ctx := context.Background()
	for _, key := range []string{"", "/abs", "a/../b", "..", ".", "./a", "a/./b", "a//b", "a/", "a\x00b"} {
		t.Run(fmt.Sprintf("%q", key), func(t *testing.T) {
			if err := s.Put(ctx, key, bytes.NewReader([]byte("x")), 1); !isInvalid(err) {
				t.Errorf("Put error = %v, want errs.ErrInvalid", err)
			}
			if rc, err := s.Open(ctx, key); !isInvalid(err) {
				if err == nil {
					rc.Close()
				}
				t.Errorf("Open error = %v, want errs.ErrInvalid", err)
			}
			if _, err := s.Stat(ctx, key); !isInvalid(err) {
				t.Errorf("Stat error = %v, want errs.ErrInvalid", err)
			}
			if err := s.Delete(ctx, key); !isInvalid(err) {
				t.Errorf("Delete error = %v, want errs.ErrInvalid", err)
			}
		})
	}
	if got := keys(t, s, ""); len(got) != 0 {
		t.Fatalf("List after bad keys = %q, want nothing", got)
	}
}
