package httpapi_test

import (
	"context"
	"fmt"
	"math/rand"
	"net/http"
	"os"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/clonit/clonit/internal/cloud/authz"
)

// model is a small reference of the membership rules of PRODUCT.md §3.3, written apart from
// authz so that the server is checked against an independent statement of them. It maps
// each org to each member's role.
type model map[string]map[string]authz.Role

func (m model) owners(org string) int {
	n := 0
	for _, r := range m[org] {
		if r == authz.Owner {
			n++
		}
	}
	return n
}

// setRole applies actor's request to give target the role next and returns the status the
// server must answer.
func (m model) setRole(org, actor, target string, next authz.Role) int {
	roles := m[org]
	a, ok := roles[actor]
	switch {
	case !ok:
		return http.StatusNotFound // the org does not exist for the actor
	case a < authz.Admin:
		return http.StatusForbidden
	}
	t, ok := roles[target]
	switch {
	case !ok:
		return http.StatusNotFound
	case actor == target, next > a:
		return http.StatusForbidden
	case (t == authz.Owner || next == authz.Owner) && a != authz.Owner:
		return http.StatusForbidden
	case t == authz.Admin && next < authz.Admin && a != authz.Owner:
		return http.StatusForbidden
	case t == authz.Owner && next != authz.Owner && m.owners(org) == 1:
		return http.StatusConflict
	}
	roles[target] = next
	return http.StatusOK
}

// remove applies actor's request to remove target (to leave, when they are the same).
func (m model) remove(org, actor, target string) int {
	roles := m[org]
	a, ok := roles[actor]
	if !ok {
		return http.StatusNotFound
	}
	t, ok := roles[target]
	switch {
	case !ok:
		return http.StatusNotFound
	case actor != target && a < authz.Admin:
		return http.StatusForbidden
	case actor != target && t >= authz.Admin && a != authz.Owner:
		return http.StatusForbidden
	case t == authz.Owner && m.owners(org) == 1:
		return http.StatusConflict
	}
	delete(roles, target)
	return http.StatusNoContent
}

func (m model) String() string {
	var orgs []string
	for org, roles := range m {
		var rs []string
		for who, r := range roles {
			rs = append(rs, who+"="+r.String())
		}
		sort.Strings(rs)
		orgs = append(orgs, org+": "+strings.Join(rs, " "))
	}
	sort.Strings(orgs)
	return strings.Join(orgs, "; ")
}

// TestMembershipRulesAgainstModel runs random role changes and removals by random people
// against the server and the model: they must give the same answer to every request, hold
// the same memberships after every step, and every org must keep an owner. People who are
// out of an org may be added back (as a join code would), so the orgs never run dry.
func TestMembershipRulesAgainstModel(t *testing.T) {
	seed := time.Now().UnixNano()
	if v := os.Getenv("CLONIT_TEST_SEED"); v != "" { // to replay a failure
		seed, _ = strconv.ParseInt(v, 10, 64)
	}
	t.Logf("seed %d (replay with CLONIT_TEST_SEED=%d)", seed, seed)
	for _, b := range backends() {
		t.Run(b.name, func(t *testing.T) {
			rng := rand.New(rand.NewSource(seed))
			e := newEnv(t, b.open(t))
			people := []string{"ann", "bob", "cat", "dan", "eve", "fay"}
			roles := []authz.Role{authz.Viewer, authz.Member, authz.Admin, authz.Owner}
			m := model{}
			orgs := map[string]string{} // slug → id
			tokens := map[string]string{}
			for _, p := range people {
				tokens[p] = e.token(p)
			}
			for i, slug := range []string{"red", "blue"} {
				m[slug] = map[string]authz.Role{people[i]: authz.Owner}
				orgs[slug] = e.org(slug, people[i], nil).ID
			}
			ctx := context.Background()
			answers := map[int]int{}
			defer func() { t.Logf("answers by status: %v", answers) }()
			for step := 0; step < 300; step++ {
				org := []string{"red", "blue"}[rng.Intn(2)]
				actor, target := pick(rng, people, m[org], 85), pick(rng, people, m[org], 75)
				if target == actor && rng.Intn(4) > 0 { // acting on oneself, but not too often
					target = pick(rng, people, m[org], 75)
				}
				ref := email(target)
				if rng.Intn(2) == 0 {
					ref = e.user(target).ID
				}
				path := "/api/v1/orgs/" + org + "/members/" + ref
				var what string
				var want, got int
				joins := 1 // in ten; more while the org is small
				if len(m[org]) < 4 {
					joins = 5
				}
				switch op := rng.Intn(10); {
				case op < joins: // someone out of the org joins it
					if _, in := m[org][target]; in {
						continue
					}
					r := roles[rng.Intn(len(roles))]
					if err := e.st.AddMember(ctx, orgs[org], e.user(target).ID, r); err != nil {
						t.Fatalf("step %d: add %s: %v", step, target, err)
					}
					m[org][target] = r
					what = fmt.Sprintf("%s joins %s as %s", target, org, r)
				case op < joins+(10-joins)/2:
					next := roles[rng.Intn(len(roles))]
					what = fmt.Sprintf("%s sets %s's role in %s to %s", actor, target, org, next)
					want = m.setRole(org, actor, target, next)
					got, _ = e.do("PATCH", path, tokens[actor], role(next.String()))
				default:
					what = fmt.Sprintf("%s removes %s from %s", actor, target, org)
					want = m.remove(org, actor, target)
					got, _ = e.do("DELETE", path, tokens[actor], nil)
				}
				answers[want]++
				if got != want {
					t.Fatalf("seed %d step %d: %s: server answered %d, model %d\nmodel: %s", seed, step, what, got, want, m)
				}
				for slug, id := range orgs {
					ms, err := e.st.Members(ctx, id)
					if err != nil {
						t.Fatal(err)
					}
					server := map[string]authz.Role{}
					for _, mb := range ms {
						server[strings.TrimSuffix(mb.User.Email, "@example.com")] = mb.Role
					}
					if fmt.Sprint(server) != fmt.Sprint(m[slug]) {
						t.Fatalf("seed %d step %d: after %s, %s holds %v, model %v", seed, step, what, slug, server, m[slug])
					}
					if m.owners(slug) < 1 {
						t.Fatalf("seed %d step %d: after %s, %s has no owner", seed, step, what, slug)
					}
				}
			}
		})
	}
}

// pick returns, pct percent of the time, one of the org's members, and otherwise anyone.
func pick(rng *rand.Rand, people []string, roles map[string]authz.Role, pct int) string {
	var in []string
	for _, p := range people {
		if _, ok := roles[p]; ok {
			in = append(in, p)
		}
	}
	if len(in) > 0 && rng.Intn(100) < pct {
		return in[rng.Intn(len(in))]
	}
	return people[rng.Intn(len(people))]
}
