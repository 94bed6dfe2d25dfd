package storetest

import (
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/clonit/clonit/internal/cloud"
)

func testRateLimits(t *testing.T, s cloud.Store) {
	c := ctx(t)
	p := cloud.RatePolicy{Max: 3, Window: 10 * time.Minute, Block: 15 * time.Minute}
	t0 := time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC)
	at := func(d time.Duration) time.Time { return t0.Add(d) }
	state := func(failures int, start, blocked time.Time) cloud.RateState {
		return cloud.RateState{Failures: failures, WindowStart: start, BlockedUntil: blocked}
	}
	var never time.Time

	steps := []struct {
		name   string
		add    bool // AddFailure, else RateState
		bucket string
		now    time.Time
		want   cloud.RateState
	}{
		{"an unknown bucket", false, "account:a", at(0), cloud.RateState{}},
		{"first failure", true, "account:a", at(0), state(1, at(0), never)},
		{"second failure", true, "account:a", at(time.Minute), state(2, at(0), never)},
		{"read within the window", false, "account:a", at(2 * time.Minute), state(2, at(0), never)},
		{"another bucket is apart", true, "addr:10.0.0.1", at(2 * time.Minute), state(1, at(2*time.Minute), never)},
		{"the Max-th failure blocks", true, "account:a", at(3 * time.Minute), state(3, at(0), at(18*time.Minute))},
		{"blocked, read", false, "account:a", at(4 * time.Minute), state(3, at(0), at(18*time.Minute))},
		{"a failure past Max extends the block", true, "account:a", at(5 * time.Minute), state(4, at(0), at(20*time.Minute))},
		{"the window passed: counts start over, the block stays", false, "account:a", at(11 * time.Minute), state(0, at(0), at(20*time.Minute))},
		{"a new window", true, "account:a", at(21 * time.Minute), state(1, at(21*time.Minute), at(20*time.Minute))},
		{"old window of the other bucket", false, "addr:10.0.0.1", at(12 * time.Minute), state(0, at(2*time.Minute), never)},
	}
	for _, st := range steps {
		var got cloud.RateState
		var err error
		if st.add {
			got, err = s.AddFailure(c, st.bucket, p, st.now)
		} else {
			got, err = s.RateState(c, st.bucket, p, st.now)
		}
		if err != nil {
			t.Fatalf("%s: %v", st.name, err)
		}
		if fmt.Sprint(got) != fmt.Sprint(st.want) {
			t.Errorf("%s: state = %+v, want %+v", st.name, got, st.want)
		}
		if blocked := got.Blocked(st.now); blocked != st.now.Before(st.want.BlockedUntil) {
			t.Errorf("%s: Blocked = %v", st.name, blocked)
		}
	}

	t.Run("Max 1 blocks at the first failure", func(t *testing.T) {
		got, err := s.AddFailure(c, "org:x", cloud.RatePolicy{Max: 1, Window: time.Minute, Block: time.Hour}, t0)
		if err != nil || !got.BlockedUntil.Equal(t0.Add(time.Hour)) {
			t.Errorf("AddFailure = %+v, %v; want blocked for an hour", got, err)
		}
	})
}

// RateLimitRace counts 100 concurrent failures of one bucket, spread over stores: none is
// lost, and the bucket is blocked.
func RateLimitRace(t *testing.T, stores ...cloud.Store) {
	t.Helper()
	c := ctx(t)
	p := cloud.RatePolicy{Max: 50, Window: time.Hour, Block: time.Hour}
	now := time.Now()
	var wg sync.WaitGroup
	errc := make(chan error, 100)
	for i := range 100 {
		wg.Go(func() {
			_, err := stores[i%len(stores)].AddFailure(c, "addr:race", p, now)
			errc <- err
		})
	}
	wg.Wait()
	close(errc)
	for err := range errc {
		if err != nil {
			t.Errorf("AddFailure: %v", err)
		}
	}
	got, err := stores[0].RateState(c, "addr:race", p, now)
	if err != nil || got.Failures != 100 || !got.Blocked(now) {
		t.Fatalf("after 100 concurrent failures: %+v, %v; want 100 failures, blocked", got, err)
	}
}
