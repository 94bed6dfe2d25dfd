package storetest

import (
	"bytes"
	"crypto/rand"
	"errors"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/clonit/clonit/internal/cloud"
)

func testSecrets(t *testing.T, s cloud.Store) {
	c := ctx(t)
	var calls atomic.Int32
	create := func(v string) func() ([]byte, error) {
		return func() ([]byte, error) { calls.Add(1); return []byte(v), nil }
	}

	t.Run("created once, then read", func(t *testing.T) {
		calls.Store(0)
		first, err := s.Secret(c, "signing-key", create("first"))
		if err != nil || string(first) != "first" {
			t.Fatalf("Secret = %q, %v; want first", first, err)
		}
		again, err := s.Secret(c, "signing-key", create("second"))
		if err != nil || string(again) != "first" || calls.Load() != 1 {
			t.Errorf("second Secret = %q, %v after %d creates; want first after 1", again, err, calls.Load())
		}
		other, err := s.Secret(c, "hmac-key", create("other"))
		if err != nil || string(other) != "other" {
			t.Errorf("another name = %q, %v; want other", other, err)
		}
	})

	t.Run("a failed create stores nothing", func(t *testing.T) {
		boom := errors.New("no entropy")
		_, err := s.Secret(c, "failing", func() ([]byte, error) { return nil, boom })
		if !errors.Is(err, boom) {
			t.Fatalf("Secret = %v, want the create error", err)
		}
		v, err := s.Secret(c, "failing", create("later"))
		if err != nil || string(v) != "later" {
			t.Errorf("Secret after a failed create = %q, %v; want later", v, err)
		}
	})

	t.Run("concurrent callers get the same value", func(t *testing.T) {
		const n = 20
		got := make([][]byte, n)
		errs := make([]error, n)
		var wg sync.WaitGroup
		for i := range n {
			wg.Go(func() {
				got[i], errs[i] = s.Secret(c, "raced", func() ([]byte, error) {
					b := make([]byte, 32)
					_, err := rand.Read(b)
					return b, err
				})
			})
		}
		wg.Wait()
		for i := range n {
			if errs[i] != nil {
				t.Fatalf("caller %d: %v", i, errs[i])
			}
			if len(got[i]) != 32 || !bytes.Equal(got[i], got[0]) {
				t.Fatalf("caller %d got %x, caller 0 got %x", i, got[i], got[0])
			}
		}
	})
}
