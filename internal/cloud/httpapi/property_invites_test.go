package httpapi_test

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"math/rand"
	"net/http"
	"os"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/clonit/clonit/internal/api"
	"github.com/clonit/clonit/internal/cloud/authz"
)

// lifeModel is a small reference of how people enter and leave orgs (PRODUCT.md §3.3-3.4),
// written apart from the server: memberships, join codes and the counts of failed
// redemptions that the rate limits keep. Every request the property test sends goes
// through it too, and it says what the server must answer.
type lifeModel struct {
	roles    map[string]map[string]authz.Role // org → person → role
	codes    map[string][]*modelCode          // org → its codes, oldest first
	failures map[string]int                   // person → failed redemptions
	addr     int                              // failed redemptions from the test's one address
	orgFails map[string]int                   // org → failed redemptions against it
}

// modelCode is a join code as the model knows it.
type modelCode struct {
	id, code, creator string
	role              authz.Role
	used, revoked     bool
}

func (m *lifeModel) owners(org string) int {
	n := 0
	for _, r := range m.roles[org] {
		if r == authz.Owner {
			n++
		}
	}
	return n
}

func (m *lifeModel) role(org, who string) (authz.Role, bool) {
	r, ok := m.roles[org][who]
	return r, ok
}

// liveAdmin returns the org's live admin code, or nil.
func (m *lifeModel) liveAdmin(org string) *modelCode {
	for _, c := range m.codes[org] {
		if c.role == authz.Admin && !c.used && !c.revoked {
			return c
		}
	}
	return nil
}

// create is actor asking for count codes of role (with replace for admin codes).
func (m *lifeModel) create(org, actor string, role authz.Role, replace bool) int {
	a, ok := m.role(org, actor)
	switch {
	case !ok:
		return http.StatusNotFound
	case a < authz.Admin, role == authz.Admin && a != authz.Owner:
		return http.StatusForbidden
	}
	if live := m.liveAdmin(org); role == authz.Admin && live != nil {
		if !replace {
			return http.StatusConflict
		}
		live.revoked = true
	}
	return http.StatusCreated
}

// revoke is actor revoking c.
func (m *lifeModel) revoke(org, actor string, c *modelCode) int {
	a, ok := m.role(org, actor)
	switch {
	case !ok:
		return http.StatusNotFound
	case a < authz.Admin:
		return http.StatusForbidden
	case c.used || c.revoked:
		return http.StatusNotFound
	case c.role == authz.Admin && a != authz.Owner:
		return http.StatusForbidden
	}
	c.revoked = true
	return http.StatusNoContent
}

// redeem is who redeeming c (nil: digits the org never issued).
func (m *lifeModel) redeem(org, who string, c *modelCode) int {
	if m.failures[who] >= accountMax || m.addr >= addressMax ||
		(m.orgFails[org] >= orgMax && (m.failures[who] > 0 || m.addr > 0)) {
		return http.StatusTooManyRequests
	}
	if _, in := m.role(org, who); in {
		return http.StatusConflict
	}
	fail := func(status int) int {
		m.failures[who]++
		m.addr++
		m.orgFails[org]++
		return status
	}
	if c == nil {
		return fail(http.StatusNotFound)
	}
	need := authz.Admin // the creator's least role for the code to hold
	if c.role == authz.Admin {
		need = authz.Owner
	}
	if creator, _ := m.role(org, c.creator); c.used || c.revoked || creator < need {
		return fail(http.StatusConflict)
	}
	c.used = true
	m.roles[org][who] = c.role
	return http.StatusOK
}

// transfer is actor handing ownership to target.
func (m *lifeModel) transfer(org, actor, target string) int {
	a, ok := m.role(org, actor)
	switch {
	case !ok:
		return http.StatusNotFound
	case a != authz.Owner:
		return http.StatusForbidden
	}
	t, ok := m.role(org, target)
	switch {
	case !ok:
		return http.StatusNotFound
	case target == actor:
		return http.StatusBadRequest
	case t != authz.Admin:
		return http.StatusConflict
	}
	m.roles[org][target], m.roles[org][actor] = authz.Owner, authz.Admin
	return http.StatusOK
}

// leave is actor leaving.
func (m *lifeModel) leave(org, actor string) int {
	a, ok := m.role(org, actor)
	switch {
	case !ok:
		return http.StatusNotFound
	case a == authz.Owner && m.owners(org) == 1:
		return http.StatusConflict
	}
	delete(m.roles[org], actor)
	return http.StatusNoContent
}

// promote is actor making target an owner through the members endpoint.
func (m *lifeModel) promote(org, actor, target string) int {
	a, ok := m.role(org, actor)
	switch {
	case !ok:
		return http.StatusNotFound
	case a < authz.Admin:
		return http.StatusForbidden
	}
	switch _, ok := m.role(org, target); {
	case !ok:
		return http.StatusNotFound
	case actor == target, a != authz.Owner:
		return http.StatusForbidden
	}
	m.roles[org][target] = authz.Owner
	return http.StatusOK
}

// TestMembershipLifecycleAgainstModel sends random code creations, redemptions (of live,
// used, revoked and made-up codes), revocations, transfers, departures and promotions by
// random people, and checks after every step that the server answered as the model says,
// that both hold the same members and the same live codes, and that every org has an owner.
func TestMembershipLifecycleAgainstModel(t *testing.T) {
	seed := time.Now().UnixNano()
	if v := os.Getenv("CLONIT_TEST_SEED"); v != "" { // to replay a failure
		seed, _ = strconv.ParseInt(v, 10, 64)
	}
	t.Logf("seed %d (replay with CLONIT_TEST_SEED=%d)", seed, seed)
	for _, b := range backends() {
		t.Run(b.name, func(t *testing.T) {
			rng := rand.New(rand.NewSource(seed))
			e := newEnv(t, b.open(t))
			people := []string{"ann", "bob", "cat", "dan", "eve", "fay", "gus", "hal"}
			tokens := map[string]string{}
			for _, p := range people {
				tokens[p] = e.token(p)
			}
			m := &lifeModel{roles: map[string]map[string]authz.Role{}, codes: map[string][]*modelCode{},
				failures: map[string]int{}, orgFails: map[string]int{}}
			slugs := []string{"red", "blue"}
			for i, slug := range slugs {
				e.org(slug, people[i], nil)
				m.roles[slug] = map[string]authz.Role{people[i]: authz.Owner}
			}
			answers := map[string]int{}
			for step := 0; step < 300; step++ {
				org := slugs[rng.Intn(2)]
				actor := pick(rng, people, m.roles[org], 85)
				target := pick(rng, people, m.roles[org], 80)
				var what string
				var want, got int
				switch op := rng.Intn(100); {
				case op < 22:
					roles := []authz.Role{authz.Viewer, authz.Member, authz.Member, authz.Admin}
					role, count, replace := roles[rng.Intn(len(roles))], 1+rng.Intn(3), rng.Intn(2) == 0
					if role == authz.Admin {
						count = 1
					}
					what = fmt.Sprintf("%s creates %d %s codes in %s (replace %v)", actor, count, role, org, replace)
					want = m.create(org, actor, role, replace)
					var body string
					got, body = e.do("POST", "/api/v1/orgs/"+org+"/invites", tokens[actor],
						api.CreateInvitesRequest{Role: role.String(), Count: count, Replace: replace && role == authz.Admin})
					if got == http.StatusCreated && want == http.StatusCreated {
						var out api.CreatedInvites
						if err := json.Unmarshal([]byte(body), &out); err != nil || len(out.Invites) != count {
							t.Fatalf("step %d: %s: %s", step, what, body)
						}
						for _, inv := range out.Invites {
							m.codes[org] = append(m.codes[org], &modelCode{id: inv.ID, code: inv.Code, creator: actor, role: role})
						}
					}
				case op < 55:
					who := people[rng.Intn(len(people))]
					var c *modelCode
					code := fmt.Sprintf("%04d-%04d", rng.Intn(10000), rng.Intn(10000))
					if cs := m.codes[org]; len(cs) > 0 && rng.Intn(10) > 0 {
						c = cs[rng.Intn(len(cs))]
						code = c.code
					} else if slices.ContainsFunc(m.codes[org], func(c *modelCode) bool { return c.code == code }) {
						continue // a made-up code that happens to be real
					}
					what = fmt.Sprintf("%s redeems %s of %s", who, code, org)
					want = m.redeem(org, who, c)
					got, _ = e.join(org, tokens[who], code)
				case op < 65:
					cs := m.codes[org]
					if len(cs) == 0 {
						continue
					}
					c := cs[rng.Intn(len(cs))]
					what = fmt.Sprintf("%s revokes %s code %s of %s", actor, c.role, c.id, org)
					want = m.revoke(org, actor, c)
					got, _ = e.do("DELETE", "/api/v1/orgs/"+org+"/invites/"+c.id, tokens[actor], nil)
				case op < 77:
					what = fmt.Sprintf("%s hands %s to %s", actor, org, target)
					want = m.transfer(org, actor, target)
					got, _ = e.do("POST", "/api/v1/orgs/"+org+"/transfer", tokens[actor],
						api.TransferRequest{To: email(target), ConfirmOrg: org, ConfirmMember: email(target)})
				case op < 90:
					what = fmt.Sprintf("%s leaves %s", actor, org)
					want = m.leave(org, actor)
					got, _ = e.do("POST", "/api/v1/orgs/"+org+"/leave", tokens[actor], nil)
				default:
					what = fmt.Sprintf("%s makes %s an owner of %s", actor, target, org)
					want = m.promote(org, actor, target)
					got, _ = e.do("PATCH", "/api/v1/orgs/"+org+"/members/"+email(target), tokens[actor], role("owner"))
				}
				answers[strconv.Itoa(want)]++
				if got != want {
					t.Fatalf("seed %d step %d: %s: server answered %d, model %d\nmodel: %s", seed, step, what, got, want, m)
				}
				checkAgainstModel(t, e, m, slugs, fmt.Sprintf("seed %d step %d: after %s", seed, step, what))
			}
			t.Logf("answers by status: %v", answers)
		})
	}
}

// checkAgainstModel compares the server's members and live codes of every org with m's.
func checkAgainstModel(t *testing.T, e *env, m *lifeModel, slugs []string, when string) {
	t.Helper()
	ctx := context.Background()
	for _, slug := range slugs {
		org, err := e.st.OrgBySlug(ctx, slug)
		if err != nil {
			t.Fatal(err)
		}
		ms, err := e.st.Members(ctx, org.ID)
		if err != nil {
			t.Fatal(err)
		}
		server := map[string]authz.Role{}
		for _, mb := range ms {
			server[strings.TrimSuffix(mb.User.Email, "@example.com")] = mb.Role
		}
		if fmt.Sprint(server) != fmt.Sprint(m.roles[slug]) {
			t.Fatalf("%s: %s holds %v, model %v", when, slug, server, m.roles[slug])
		}
		live, err := e.st.LiveJoinCodes(ctx, org.ID, time.Now())
		if err != nil {
			t.Fatal(err)
		}
		var got, want []string
		for _, c := range live {
			got = append(got, c.ID+"="+c.Role.String()+"/"+strings.TrimSuffix(c.CreatorEmail, "@example.com"))
		}
		for _, c := range m.codes[slug] {
			if !c.used && !c.revoked {
				want = append(want, c.id+"="+c.role.String()+"/"+c.creator)
			}
		}
		sort.Strings(got)
		sort.Strings(want)
		if !slices.Equal(got, want) {
			t.Fatalf("%s: live codes of %s are %v, model %v", when, slug, got, want)
		}
		if !slices.Contains(slices.Collect(maps.Values(server)), authz.Owner) {
			t.Fatalf("%s: %s has no owner", when, slug)
		}
	}
}

func (m *lifeModel) String() string {
	var orgs []string
	for org, roles := range m.roles {
		var rs []string
		for who, r := range roles {
			rs = append(rs, who+"="+r.String())
		}
		sort.Strings(rs)
		orgs = append(orgs, org+": "+strings.Join(rs, " "))
	}
	sort.Strings(orgs)
	return strings.Join(orgs, "; ") + fmt.Sprintf(" (failures %v, address %d)", m.failures, m.addr)
}
