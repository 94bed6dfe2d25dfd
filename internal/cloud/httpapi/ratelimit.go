package httpapi

import (
	"context"
	"fmt"
	"math"
	"net"
	"net/http"
	"net/netip"
	"strconv"
	"time"

	"github.com/clonit/clonit/internal/cloud"
	"github.com/clonit/clonit/internal/errs"
)

// Guessing join codes is throttled by three kinds of bucket, all counted in the database
// (cloud.RateLimits), so that every clonit-cloud process serving it enforces one limit:
//
//   - per account: a signed-in person who fails accountPolicy.Max redemptions within the
//     window is blocked for a while;
//   - per client address (IPv6 by /64, which one host commonly owns): the same, with a
//     higher threshold, since offices share an address;
//   - per org: failures from every source against one org, with a much higher threshold.
//
// Failures are wrong, expired, revoked or used codes and unknown orgs; a malformed code or
// a caller who is already a member is not a guess and does not count. A blocked caller is
// answered 429 with Retry-After before their code is looked at, so a blocked guesser learns
// nothing more and their blocked attempts count nothing (the block began with one audited
// event, not one per attempt). For a known org the check, the look at the code and the
// count of a failure run in the org's transaction, so concurrent guesses against one org
// cannot all pass the check before any is counted: the limits are exact, not eventual.
//
// The per-org bucket must throttle a guesser who spreads over many accounts and addresses
// without locking out the people the org is inviting. When it trips, the org is in lockdown:
// a caller whose account and address both have a clean record (no failure in their current
// window) still has their code checked, and a valid code still works; a caller with any
// failure on record is answered 429 until the lockdown ends. A guesser therefore gets one
// guess per fresh (account, address) pair during lockdown, while a newcomer typing the code
// they were given, or anyone else with a clean record, gets in. One caller being blocked
// never blocks another: their buckets are apart, and the org bucket alone blocks nobody who
// is clean.
//
// With 50 live codes among 10^8, a guess hits with odds of 1 in 2,000,000; at the org's
// threshold that is one expected hit in thousands of years of continuous guessing.
var (
	accountPolicy = cloud.RatePolicy{Max: 10, Window: 15 * time.Minute, Block: 15 * time.Minute}
	addressPolicy = cloud.RatePolicy{Max: 30, Window: 15 * time.Minute, Block: 15 * time.Minute}
	orgPolicy     = cloud.RatePolicy{Max: 100, Window: time.Hour, Block: time.Hour}
)

// guesser is the caller of a redemption as the rate limits see them.
type guesser struct {
	account, address string // bucket names
	accountWho       string // for audit events: the caller's email
	addressWho       string // the client address (or its /64)
}

// newGuesser names the buckets of the caller of r.
func newGuesser(r *http.Request, c *call) guesser {
	addr := clientAddress(r)
	return guesser{
		account: "joincode:account:" + c.user.ID, accountWho: c.user.Email,
		address: "joincode:addr:" + addr, addressWho: addr,
	}
}

// orgBucket is the bucket of failures against one org.
func orgBucket(orgID string) string { return "joincode:org:" + orgID }

// clientAddress is the address of the client of r: the peer of the connection (a
// forwarded-for header can be forged, so it is not trusted), with IPv6 cut to its /64.
func clientAddress(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		host = r.RemoteAddr
	}
	ip, err := netip.ParseAddr(host)
	if err != nil {
		return host
	}
	ip = ip.Unmap()
	if ip.Is6() {
		p, _ := ip.Prefix(64)
		return p.String()
	}
	return ip.String()
}

// admit refuses a caller whose account or address is blocked, and, when org is not empty
// and the org is in lockdown, a caller without a clean record. It sets Retry-After on a
// refusal.
func (g guesser) admit(ctx context.Context, w http.ResponseWriter, st cloud.RateLimits, orgID string, now time.Time) error {
	acct, err := st.RateState(ctx, g.account, accountPolicy, now)
	if err != nil {
		return err
	}
	addr, err := st.RateState(ctx, g.address, addressPolicy, now)
	if err != nil {
		return err
	}
	until := latest(now, acct, addr)
	if orgID != "" && until.IsZero() {
		org, err := st.RateState(ctx, orgBucket(orgID), orgPolicy, now)
		if err != nil {
			return err
		}
		if org.Blocked(now) && (acct.Failures > 0 || addr.Failures > 0) {
			until = org.BlockedUntil
		}
	}
	if until.IsZero() {
		return nil
	}
	return tooManyGuesses(w, until.Sub(now))
}

// latest returns the latest end of a block among states that are blocked at now (zero when
// none is).
func latest(now time.Time, states ...cloud.RateState) time.Time {
	var until time.Time
	for _, s := range states {
		if s.Blocked(now) && s.BlockedUntil.After(until) {
			until = s.BlockedUntil
		}
	}
	return until
}

// tooManyGuesses is the 429 answer: Retry-After in whole seconds, and the wait in the
// message.
func tooManyGuesses(w http.ResponseWriter, wait time.Duration) error {
	secs := int(math.Ceil(wait.Seconds()))
	w.Header().Set("Retry-After", strconv.Itoa(secs))
	return errs.E(errs.ErrRateLimited, "too many failed join code attempts: try again in %s", minutes(secs))
}

// minutes says how long secs seconds are, in whole minutes, rounded up.
func minutes(secs int) string {
	m := (secs + 59) / 60
	if m == 1 {
		return "1 minute"
	}
	return fmt.Sprintf("%d minutes", m)
}

// blocked is a bucket that one failure has just blocked, for the audit log.
type blocked struct {
	who   string
	until time.Time
}

// fail counts one failed redemption in the caller's buckets and, when orgID is not empty,
// the org's. It returns the buckets this failure blocked.
func (g guesser) fail(ctx context.Context, st cloud.RateLimits, orgID string, now time.Time) ([]blocked, error) {
	type bucket struct {
		name, who string
		p         cloud.RatePolicy
	}
	buckets := []bucket{{g.account, "account " + g.accountWho, accountPolicy}, {g.address, "address " + g.addressWho, addressPolicy}}
	if orgID != "" {
		buckets = append(buckets, bucket{orgBucket(orgID), "the organization (lockdown: only callers without failures may try)", orgPolicy})
	}
	var out []blocked
	for _, b := range buckets {
		s, err := st.AddFailure(ctx, b.name, b.p, now)
		if err != nil {
			return nil, err
		}
		if s.Failures == b.p.Max {
			out = append(out, blocked{b.who, s.BlockedUntil})
		}
	}
	return out, nil
}
