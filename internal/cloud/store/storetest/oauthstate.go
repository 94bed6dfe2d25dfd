package storetest

import (
	"fmt"
	"reflect"
	"sync"
	"testing"
	"time"

	"github.com/clonit/clonit/internal/cloud"
	"github.com/clonit/clonit/internal/errs"
)

// oauthT0 is the suite's clock for sign-in state: rows are written with explicit times.
var oauthT0 = time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC)

func oauthAt(d time.Duration) time.Time { return oauthT0.Add(d) }

func testOAuthRequests(t *testing.T, s cloud.Store) {
	c := ctx(t)
	req := cloud.OAuthRequest{ID: "req-1", Params: []byte(`{"client_id":"clonit-cli"}`), CreatedAt: oauthAt(0), ExpiresAt: oauthAt(10 * time.Minute)}
	if err := s.CreateOAuthRequest(c, req); err != nil {
		t.Fatal(err)
	}
	checkErr(t, s.CreateOAuthRequest(c, req), errs.ErrConflict, "authorization request already exists")
	expired := cloud.OAuthRequest{ID: "req-old", Params: []byte(`{}`), CreatedAt: oauthAt(-20 * time.Minute), ExpiresAt: oauthAt(-10 * time.Minute)}
	if err := s.CreateOAuthRequest(c, expired); err != nil {
		t.Fatal(err)
	}

	got, err := s.OAuthRequest(c, "req-1", oauthAt(time.Minute))
	if err != nil || !reflect.DeepEqual(got, req) {
		t.Fatalf("OAuthRequest = %+v, %v; want %+v", got, err, req)
	}
	const notFound = "authorization request not found, used or expired"
	steps := []struct {
		name string
		err  error
		kind error
		msg  string
	}{
		{"read an unknown request", second(s.OAuthRequest(c, "nope", oauthAt(time.Minute))), errs.ErrNotFound, notFound},
		{"read an expired request", second(s.OAuthRequest(c, "req-1", oauthAt(10*time.Minute))), errs.ErrNotFound, notFound},
		{"a code for a request nobody signed in to", s.SetOAuthCode(c, "req-1", "code-hash", oauthAt(time.Minute)), errs.ErrNotFound, notFound},
		{"complete an expired request", s.CompleteOAuthRequest(c, "req-old", "acct-1", oauthAt(time.Minute)), errs.ErrNotFound, notFound},
		{"complete", s.CompleteOAuthRequest(c, "req-1", "acct-1", oauthAt(2*time.Minute)), nil, ""},
		{"complete twice", s.CompleteOAuthRequest(c, "req-1", "acct-2", oauthAt(3*time.Minute)), errs.ErrNotFound, notFound},
		{"a code once the request is expired", s.SetOAuthCode(c, "req-1", "code-hash", oauthAt(11*time.Minute)), errs.ErrNotFound, notFound},
		{"a code", s.SetOAuthCode(c, "req-1", "code-hash", oauthAt(3*time.Minute)), nil, ""},
		{"an unknown code", second(s.TakeOAuthCode(c, "other-hash", oauthAt(4*time.Minute))), errs.ErrNotFound, "authorization code not found, used or expired"},
		{"a code past the request's expiry", second(s.TakeOAuthCode(c, "code-hash", oauthAt(10*time.Minute))), errs.ErrNotFound, "authorization code not found, used or expired"},
	}
	for _, st := range steps {
		t.Run(st.name, func(t *testing.T) { checkErr(t, st.err, st.kind, st.msg) })
	}

	want := req
	want.Subject, want.AuthTime, want.CodeHash = "acct-1", oauthAt(2*time.Minute), "code-hash"
	if got, err := s.OAuthRequest(c, "req-1", oauthAt(4*time.Minute)); err != nil || !reflect.DeepEqual(got, want) {
		t.Fatalf("completed request = %+v, %v; want %+v", got, err, want)
	}
	if got, err := s.TakeOAuthCode(c, "code-hash", oauthAt(4*time.Minute)); err != nil || !reflect.DeepEqual(got, want) {
		t.Fatalf("TakeOAuthCode = %+v, %v; want %+v", got, err, want)
	}
	checkErr(t, second(s.TakeOAuthCode(c, "code-hash", oauthAt(4*time.Minute))), errs.ErrNotFound, "authorization code not found, used or expired")
	checkErr(t, second(s.OAuthRequest(c, "req-1", oauthAt(4*time.Minute))), errs.ErrNotFound, notFound)

	if err := s.CreateOAuthRequest(c, cloud.OAuthRequest{ID: "req-2", Params: []byte(`{}`), CreatedAt: oauthAt(0), ExpiresAt: oauthAt(time.Hour)}); err != nil {
		t.Fatal(err)
	}
	for range 2 { // deleting is idempotent
		if err := s.DeleteOAuthRequest(c, "req-2"); err != nil {
			t.Fatal(err)
		}
	}
	checkErr(t, second(s.OAuthRequest(c, "req-2", oauthAt(0))), errs.ErrNotFound, notFound)
}

func testDeviceAuths(t *testing.T, s cloud.Store) {
	c := ctx(t)
	pending := cloud.DeviceAuth{DeviceHash: "dev-1", UserHash: "user-1", ClientID: "clonit-cli",
		Scopes: []string{"openid", "offline_access"}, CreatedAt: oauthAt(0), ExpiresAt: oauthAt(10 * time.Minute)}
	if err := s.CreateDeviceAuth(c, pending); err != nil {
		t.Fatal(err)
	}
	const taken, notFound = "device authorization already exists", "device authorization not found, used or expired"
	sameUser := cloud.DeviceAuth{DeviceHash: "dev-2", UserHash: "user-1", ClientID: "clonit-cli", Scopes: []string{}, CreatedAt: oauthAt(0), ExpiresAt: oauthAt(time.Hour)}
	sameDevice := cloud.DeviceAuth{DeviceHash: "dev-1", UserHash: "user-2", ClientID: "clonit-cli", Scopes: []string{}, CreatedAt: oauthAt(0), ExpiresAt: oauthAt(time.Hour)}
	checkErr(t, s.CreateDeviceAuth(c, sameUser), errs.ErrConflict, taken)
	checkErr(t, s.CreateDeviceAuth(c, sameDevice), errs.ErrConflict, taken)

	if got, err := s.PollDeviceAuth(c, "dev-1"); err != nil || !reflect.DeepEqual(got, pending) || got.Approved() {
		t.Fatalf("poll of a pending authorization = %+v, %v; want %+v", got, err, pending)
	}
	checkErr(t, second(s.PollDeviceAuth(c, "nope")), errs.ErrNotFound, notFound)
	checkErr(t, s.ApproveDeviceAuth(c, "nope", "acct-1", oauthAt(time.Minute)), errs.ErrNotFound, notFound)
	checkErr(t, s.ApproveDeviceAuth(c, "user-1", "acct-1", oauthAt(10*time.Minute)), errs.ErrNotFound, notFound)
	checkErr(t, s.ApproveDeviceAuth(c, "user-1", "acct-1", oauthAt(time.Minute)), nil, "")
	checkErr(t, s.ApproveDeviceAuth(c, "user-1", "acct-2", oauthAt(2*time.Minute)), errs.ErrNotFound, notFound)

	approved := pending
	approved.Subject, approved.AuthTime = "acct-1", oauthAt(time.Minute)
	if got, err := s.PollDeviceAuth(c, "dev-1"); err != nil || !reflect.DeepEqual(got, approved) || !got.Approved() {
		t.Fatalf("poll of an approved authorization = %+v, %v; want %+v", got, err, approved)
	}
	checkErr(t, second(s.PollDeviceAuth(c, "dev-1")), errs.ErrNotFound, notFound)

	// An expired authorization is still told apart from an unknown one until it is purged.
	old := cloud.DeviceAuth{DeviceHash: "dev-old", UserHash: "user-old", ClientID: "clonit-cli", Scopes: []string{"openid"},
		CreatedAt: oauthAt(-20 * time.Minute), ExpiresAt: oauthAt(-10 * time.Minute)}
	if err := s.CreateDeviceAuth(c, old); err != nil {
		t.Fatal(err)
	}
	if got, err := s.PollDeviceAuth(c, "dev-old"); err != nil || !reflect.DeepEqual(got, old) {
		t.Fatalf("poll of an expired authorization = %+v, %v; want %+v", got, err, old)
	}
}

func testRefreshTokens(t *testing.T, s cloud.Store) {
	c := ctx(t)
	tok := cloud.RefreshToken{Hash: "rt-1", Subject: "acct-1", ClientID: "clonit-cli", Scopes: []string{"openid", "groups"},
		AMR: []string{"pwd"}, AuthTime: oauthAt(-time.Hour), CreatedAt: oauthAt(0), ExpiresAt: oauthAt(24 * time.Hour)}
	if err := s.CreateRefreshToken(c, tok); err != nil {
		t.Fatal(err)
	}
	const notFound = "refresh token not found, used or expired"
	checkErr(t, s.CreateRefreshToken(c, tok), errs.ErrConflict, "refresh token already exists")
	if got, err := s.RefreshToken(c, "rt-1", oauthAt(time.Hour)); err != nil || !reflect.DeepEqual(got, tok) {
		t.Fatalf("RefreshToken = %+v, %v; want %+v", got, err, tok)
	}
	checkErr(t, second(s.RefreshToken(c, "rt-1", oauthAt(24*time.Hour))), errs.ErrNotFound, notFound)
	checkErr(t, second(s.RefreshToken(c, "nope", oauthAt(0))), errs.ErrNotFound, notFound)

	next := tok
	next.Hash, next.CreatedAt, next.ExpiresAt, next.AMR = "rt-2", oauthAt(time.Hour), oauthAt(25*time.Hour), []string{}
	checkErr(t, s.RotateRefreshToken(c, "rt-1", next, oauthAt(24*time.Hour)), errs.ErrNotFound, notFound)
	checkErr(t, second(s.RefreshToken(c, "rt-2", oauthAt(time.Hour))), errs.ErrNotFound, notFound) // nothing inserted
	checkErr(t, s.RotateRefreshToken(c, "rt-1", next, oauthAt(time.Hour)), nil, "")
	checkErr(t, second(s.RefreshToken(c, "rt-1", oauthAt(time.Hour))), errs.ErrNotFound, notFound)
	if got, err := s.RefreshToken(c, "rt-2", oauthAt(time.Hour)); err != nil || !reflect.DeepEqual(got, next) {
		t.Fatalf("rotated token = %+v, %v; want %+v", got, err, next)
	}
	third := next
	third.Hash = "rt-3"
	checkErr(t, s.RotateRefreshToken(c, "rt-1", third, oauthAt(time.Hour)), errs.ErrNotFound, notFound) // replayed
	checkErr(t, second(s.RefreshToken(c, "rt-3", oauthAt(time.Hour))), errs.ErrNotFound, notFound)

	for range 2 { // deleting is idempotent
		if err := s.DeleteRefreshToken(c, "rt-2"); err != nil {
			t.Fatal(err)
		}
	}
	checkErr(t, second(s.RefreshToken(c, "rt-2", oauthAt(time.Hour))), errs.ErrNotFound, notFound)
}

func testPurgeOAuthState(t *testing.T, s cloud.Store) {
	c := ctx(t)
	for i, exp := range []time.Duration{-time.Hour, time.Hour} {
		id := fmt.Sprint(i)
		must(t, s.CreateOAuthRequest(c, cloud.OAuthRequest{ID: "r" + id, Params: []byte(`{}`), CreatedAt: oauthAt(-2 * time.Hour), ExpiresAt: oauthAt(exp)}))
		must(t, s.CreateDeviceAuth(c, cloud.DeviceAuth{DeviceHash: "d" + id, UserHash: "u" + id, ClientID: "c", CreatedAt: oauthAt(-2 * time.Hour), ExpiresAt: oauthAt(exp)}))
		must(t, s.CreateRefreshToken(c, cloud.RefreshToken{Hash: "t" + id, Subject: "a", ClientID: "c", AuthTime: oauthAt(-2 * time.Hour), CreatedAt: oauthAt(-2 * time.Hour), ExpiresAt: oauthAt(exp)}))
	}
	if n, err := s.PurgeOAuthState(c, oauthAt(0)); err != nil || n != 3 {
		t.Fatalf("PurgeOAuthState = %d, %v; want 3", n, err)
	}
	if n, err := s.PurgeOAuthState(c, oauthAt(0)); err != nil || n != 0 {
		t.Fatalf("second PurgeOAuthState = %d, %v; want 0", n, err)
	}
	checkErr(t, second(s.PollDeviceAuth(c, "d0")), errs.ErrNotFound, "device authorization not found, used or expired")
	for _, err := range []error{second(s.OAuthRequest(c, "r1", oauthAt(0))), second(s.PollDeviceAuth(c, "d1")), second(s.RefreshToken(c, "t1", oauthAt(0)))} {
		if err != nil {
			t.Errorf("a live row was purged: %v", err)
		}
	}
}

// OAuthStateRace has 50 goroutines, spread over stores (which may be several connections
// to one database, as several processes would be), exchange one authorization code, poll
// one approved device authorization and rotate one refresh token at once: each time
// exactly one succeeds and the others find it gone.
func OAuthStateRace(t *testing.T, stores ...cloud.Store) {
	t.Helper()
	c := ctx(t)
	s := stores[0]
	now := time.Now()
	must(t, s.CreateOAuthRequest(c, cloud.OAuthRequest{ID: "race", Params: []byte(`{}`), CreatedAt: now, ExpiresAt: now.Add(time.Hour)}))
	must(t, s.CompleteOAuthRequest(c, "race", "acct-1", now))
	must(t, s.SetOAuthCode(c, "race", "race-code", now))
	must(t, s.CreateDeviceAuth(c, cloud.DeviceAuth{DeviceHash: "race-dev", UserHash: "race-user", ClientID: "c", CreatedAt: now, ExpiresAt: now.Add(time.Hour)}))
	must(t, s.ApproveDeviceAuth(c, "race-user", "acct-1", now))
	must(t, s.CreateRefreshToken(c, cloud.RefreshToken{Hash: "race-rt", Subject: "acct-1", ClientID: "c", AuthTime: now, CreatedAt: now, ExpiresAt: now.Add(time.Hour)}))

	races := []struct {
		name string
		try  func(s cloud.Store, i int) error
	}{
		{"TakeOAuthCode", func(s cloud.Store, _ int) error { return second(s.TakeOAuthCode(c, "race-code", now)) }},
		{"PollDeviceAuth", func(s cloud.Store, _ int) error {
			d, err := s.PollDeviceAuth(c, "race-dev")
			if err == nil && !d.Approved() {
				return fmt.Errorf("poll returned the approved authorization as pending")
			}
			return err
		}},
		{"RotateRefreshToken", func(s cloud.Store, i int) error {
			next := cloud.RefreshToken{Hash: fmt.Sprintf("race-rt-%d", i), Subject: "acct-1", ClientID: "c", AuthTime: now, CreatedAt: now, ExpiresAt: now.Add(time.Hour)}
			return s.RotateRefreshToken(c, "race-rt", next, now)
		}},
	}
	for _, race := range races {
		var wg sync.WaitGroup
		errc := make(chan error, 50)
		for i := range 50 {
			wg.Go(func() { errc <- race.try(stores[i%len(stores)], i) })
		}
		wg.Wait()
		close(errc)
		won := 0
		for err := range errc {
			switch {
			case err == nil:
				won++
			case errs.KindOf(err) != errs.ErrNotFound:
				t.Errorf("%s: %v", race.name, err)
			}
		}
		if won != 1 {
			t.Errorf("%d of 50 concurrent %s succeeded, want exactly 1", won, race.name)
		}
	}
}

// must fails the test on err.
func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}
