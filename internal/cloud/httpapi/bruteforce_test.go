package httpapi_test

import (
	"context"
	"fmt"
	"math/rand"
	"net/http"
	"strconv"
	"testing"

	"github.com/clonit/clonit/internal/api"
	"github.com/clonit/clonit/internal/cloud"
	"github.com/clonit/clonit/internal/cloud/authz"
)

// The limits of ratelimit.go, as the tests expect them.
const (
	accountMax = 10
	addressMax = 30
	orgMax     = 100
)

// TestBruteForceIsThrottled has one client guess 10,000 codes against an org with 50 live
// codes: only the first few guesses are looked at, none hits, the rest are answered 429 with
// Retry-After, and the block is audited once. Then a different client redeems a valid code.
// The requests go straight to the handler in the process, with the client's address set.
func TestBruteForceIsThrottled(t *testing.T) {
	for _, b := range backends() {
		t.Run(b.name, func(t *testing.T) {
			e := newEnv(t, b.open(t))
			acme := e.org("acme", "ann", nil)
			codes := e.invite("acme", e.token("ann"), "member", 50)
			live := map[string]bool{}
			for _, c := range codes {
				live[c.Code] = true
			}
			mallory := e.token("mallory")
			rng := rand.New(rand.NewSource(1))
			answers := map[int]int{}
			hits := 0
			for i := 0; i < 10000; i++ {
				guess := fmt.Sprintf("%04d-%04d", rng.Intn(10000), rng.Intn(10000))
				status, header, body := e.serve("POST", "/api/v1/join", mallory, "198.51.100.7:40000", api.JoinRequest{Org: "acme", Code: guess})
				answers[status]++
				switch status {
				case http.StatusOK:
					hits++
				case http.StatusTooManyRequests:
					if secs, err := strconv.Atoi(header.Get("Retry-After")); err != nil || secs < 1 || secs > 15*60 {
						t.Fatalf("guess %d: Retry-After = %q, want 1..900 seconds", i, header.Get("Retry-After"))
					}
					if i == accountMax {
						want := errorBody(429, "rate_limited", "too many failed join code attempts: try again in 15 minutes")
						if body != want {
							t.Errorf("first 429 = %s\nwant %s", body, want)
						}
					}
				case http.StatusNotFound:
					if live[guess] {
						t.Fatalf("guess %s is live but answered 404", guess)
					}
				default:
					t.Fatalf("guess %d = %d %s", i, status, body)
				}
			}
			t.Logf("answers by status: %v", answers)
			if hits != 0 || answers[http.StatusNotFound] != accountMax || answers[http.StatusTooManyRequests] != 10000-accountMax {
				t.Errorf("answers = %v; want %d × 404 then only 429, and no hit", answers, accountMax)
			}
			if r := e.roleIn(acme, "mallory"); r != authz.None {
				t.Errorf("mallory became %s", r)
			}

			status, _, body := e.serve("POST", "/api/v1/join", e.token("newcomer"), "203.0.113.9:5000", api.JoinRequest{Org: "acme", Code: codes[17].Code})
			if status != http.StatusOK || e.roleIn(acme, "newcomer") != authz.Member {
				t.Errorf("a different client with a valid code = %d %s", status, body)
			}
			got := auditCounts(t, e.st, acme)
			if got["invite.redeem_failed"] != accountMax || got["invite.throttled"] != 1 || got["member.join"] != 1 {
				t.Errorf("audit log = %v; want %d failures, 1 throttle, 1 join", got, accountMax)
			}
		})
	}
}

// TestOrgLockdownLetsCleanCallersIn spreads guesses over many accounts and addresses until
// the org's limit trips. Then a caller with a failure on record is refused even with a
// valid code, while callers with a clean record still have their codes checked: a valid
// one gets in, a wrong one counts and blocks its caller.
func TestOrgLockdownLetsCleanCallersIn(t *testing.T) {
	for _, b := range backends() {
		t.Run(b.name, func(t *testing.T) {
			e := newEnv(t, b.open(t))
			acme := e.org("acme", "ann", nil)
			codes := e.invite("acme", e.token("ann"), "viewer", 3)
			guess := func(who, addr, code string) (int, string) {
				status, _, body := e.serve("POST", "/api/v1/join", e.token(who), addr, api.JoinRequest{Org: "acme", Code: code})
				return status, body
			}
			// A wrong code that no live code equals.
			bad := "0000-0000"
			for _, c := range codes {
				if c.Code == bad {
					bad = "0000-0001"
				}
			}
			if s, body := guess("typo", "192.0.2.1:1", bad); s != http.StatusNotFound {
				t.Fatalf("typo's first try = %d %s", s, body)
			}
			n := 1
			for a := 0; n < orgMax; a++ {
				for i := 0; i < accountMax && n < orgMax; i++ {
					if s, body := guess(fmt.Sprintf("bot%d", a), fmt.Sprintf("198.51.100.%d:1", a), bad); s != http.StatusNotFound {
						t.Fatalf("bot%d guess %d = %d %s", a, i, s, body)
					}
					n++
				}
			}
			steps := []struct {
				name, who, addr, code string
				status                int
			}{
				{"a caller with a failure on record, valid code", "typo", "192.0.2.1:1", codes[0].Code, http.StatusTooManyRequests},
				{"a clean caller on a dirty address", "fresh1", "198.51.100.0:2", codes[0].Code, http.StatusTooManyRequests},
				{"a clean caller, valid code", "newcomer", "203.0.113.1:1", codes[0].Code, http.StatusOK},
				{"a clean guesser gets one look", "guesser", "203.0.113.2:1", bad, http.StatusNotFound},
				{"and no second", "guesser", "203.0.113.2:1", codes[1].Code, http.StatusTooManyRequests},
				{"another clean caller, valid code", "newcomer2", "203.0.113.3:1", codes[1].Code, http.StatusOK},
			}
			for _, st := range steps {
				if s, body := guess(st.who, st.addr, st.code); s != st.status {
					t.Errorf("%s: %d %s, want %d", st.name, s, body, st.status)
				}
			}
			got := auditCounts(t, e.st, acme)
			if got["member.join"] != 2 || got["invite.redeem_failed"] != orgMax+1 {
				t.Errorf("audit log = %v; want 2 joins and %d failures", got, orgMax+1)
			}
		})
	}
}

// auditCounts counts the org's audit events by action.
func auditCounts(t *testing.T, st cloud.Store, org cloud.Org) map[string]int {
	t.Helper()
	evs, err := st.AuditEvents(context.Background(), org.ID, cloud.AuditFilter{Limit: 1000})
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]int{}
	for _, ev := range evs {
		out[ev.Action]++
	}
	return out
}
