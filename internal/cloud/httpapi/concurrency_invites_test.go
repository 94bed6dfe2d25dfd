package httpapi_test

import (
	"context"
	"fmt"
	"net/http"
	"sync"
	"testing"

	"github.com/clonit/clonit/internal/cloud/authz"
)

// TestConcurrentRedemptionsOfOneCode has 100 people redeem one code at once over HTTP:
// exactly one becomes a member. The others are told the code was used until their shared
// client address (all come from the loopback) has failed addressMax times, and to wait
// after that: the limit holds exactly under concurrency.
func TestConcurrentRedemptionsOfOneCode(t *testing.T) {
	for _, b := range backends() {
		t.Run(b.name, func(t *testing.T) {
			e := newEnv(t, b.open(t))
			org := e.org("acme", "ann", nil)
			code := e.invite("acme", e.token("ann"), "member", 1)[0].Code
			const n = 100
			tokens := make([]string, n)
			for i := range tokens {
				tokens[i] = e.token(fmt.Sprintf("p%d", i))
			}
			statuses := make([]int, n)
			bodies := make([]string, n)
			var wg sync.WaitGroup
			start := make(chan struct{})
			for i := range n {
				wg.Go(func() {
					<-start
					statuses[i], bodies[i] = e.join("acme", tokens[i], code)
				})
			}
			close(start)
			wg.Wait()
			answers := map[int]int{}
			for i, s := range statuses {
				answers[s]++
				if s != http.StatusOK && s != http.StatusConflict && s != http.StatusTooManyRequests {
					t.Errorf("p%d: %d %s", i, s, bodies[i])
				}
			}
			members, err := e.st.Members(context.Background(), org.ID)
			if err != nil {
				t.Fatal(err)
			}
			if answers[http.StatusOK] != 1 || len(members) != 2 {
				t.Fatalf("answers %v and %d members; want exactly one success and one new member", answers, len(members))
			}
			if answers[http.StatusConflict] != addressMax || answers[http.StatusTooManyRequests] != n-1-addressMax {
				t.Errorf("answers %v; want %d × 409, then 429", answers, addressMax)
			}
		})
	}
}

// TestConcurrentTransferAndLeave has an owner hand ownership to an admin and leave at the
// same moment, over and over. Whichever runs first, the org ends in one of the two states
// the rules allow, and always with an owner:
//   - the transfer first: the admin owns the org, and the old owner (now admin) has left;
//   - the leave first: it is refused (last owner), and the transfer goes through.
func TestConcurrentTransferAndLeave(t *testing.T) {
	for _, b := range backends() {
		t.Run(b.name, func(t *testing.T) {
			e := newEnv(t, b.open(t))
			seen := map[string]int{}
			for round := range 10 {
				slug := fmt.Sprintf("race-%d", round)
				org := e.org(slug, "ann", map[string]authz.Role{"bob": authz.Admin})
				ann := e.token("ann")
				var transfer, leave int
				var tbody, lbody string
				var wg sync.WaitGroup
				start := make(chan struct{})
				wg.Go(func() {
					<-start
					transfer, tbody = e.do("POST", "/api/v1/orgs/"+slug+"/transfer", ann,
						map[string]string{"to": "bob@example.com", "confirm_org": slug, "confirm_member": "bob@example.com"})
				})
				wg.Go(func() {
					<-start
					leave, lbody = e.do("POST", "/api/v1/orgs/"+slug+"/leave", ann, nil)
				})
				close(start)
				wg.Wait()
				annRole, bobRole := e.roleIn(org, "ann"), e.roleIn(org, "bob")
				outcome := fmt.Sprintf("transfer %d, leave %d → ann %q, bob %q", transfer, leave, annRole, bobRole)
				switch outcome {
				case `transfer 200, leave 204 → ann "", bob "owner"`, `transfer 200, leave 409 → ann "admin", bob "owner"`:
					seen[outcome]++
				default:
					t.Fatalf("round %d: %s\ntransfer: %s\nleave: %s", round, outcome, tbody, lbody)
				}
				if n, err := e.st.CountOwners(context.Background(), org.ID); err != nil || n != 1 {
					t.Fatalf("round %d: %d owners, %v", round, n, err)
				}
			}
			t.Logf("outcomes: %v", seen)
		})
	}
}
