package httpapi_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"net/http"
	"os"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/clonit/clonit/internal/cloud"
	"github.com/clonit/clonit/internal/cloud/authz"
	"github.com/clonit/clonit/internal/cloud/identity/selftoken"
)

// visPerson is a caller of the visibility property: a person of one org, with a role and
// groups.
type visPerson struct {
	name   string
	org    cloud.Org
	role   authz.Role
	groups []string
	token  string
}

// visSnap is the reference model's view of one snapshot (PRODUCT.md §3.6).
type visSnap struct {
	s       cloud.Snapshot
	orgWide bool
	groups  map[string]bool
	toOrgs  map[string]bool
	deleted bool
}

// sees is the model: who may see a snapshot.
func (m *visSnap) sees(p visPerson) bool {
	if m.deleted {
		return false
	}
	if m.toOrgs[p.org.ID] {
		return true
	}
	if m.s.OrgID != p.org.ID {
		return false
	}
	if p.role >= authz.Admin || m.orgWide {
		return true
	}
	for _, g := range p.groups {
		if m.groups[g] {
			return true
		}
	}
	return false
}

// deleteStatus is the model's answer to a person deleting a snapshot.
func (m *visSnap) deleteStatus(p visPerson) int {
	switch {
	case !m.sees(p):
		return http.StatusNotFound
	case m.s.OrgID != p.org.ID || p.role < authz.Member:
		return http.StatusForbidden
	}
	return http.StatusNoContent
}

// TestSnapshotVisibilityProperty builds random orgs, people, groups, snapshots and shares,
// then checks for every person that the API lists exactly the model's set, and that show,
// prefix lookup, pull and delete agree with it, on both stores.
func TestSnapshotVisibilityProperty(t *testing.T) {
	seed := uint64(time.Now().UnixNano())
	if v, err := strconv.ParseUint(os.Getenv("CLONIT_TEST_SEED"), 10, 64); err == nil {
		seed = v // replay a failure
	}
	for _, b := range backends() {
		t.Run(b.name, func(t *testing.T) {
			t.Logf("seed %d", seed)
			visibilityRound(t, newEnv(t, b.open(t)), rand.New(rand.NewPCG(seed, 7)))
		})
	}
}

func visibilityRound(t *testing.T, e *env, r *rand.Rand) {
	ctx := context.Background()
	groups := []string{"eng", "ops", "data", "sales"}
	var orgs []cloud.Org
	var people []visPerson
	for i := range 3 {
		slug := fmt.Sprintf("org%d", i)
		orgs = append(orgs, e.org(slug, "boss"+slug, nil))
		people = append(people, e.person(visPerson{name: "boss" + slug, org: orgs[i], role: authz.Owner}).visPerson)
		for j := range 4 {
			p := visPerson{name: fmt.Sprintf("p%d%d", i, j), org: orgs[i], role: authz.Role(1 + r.IntN(4))}
			for _, g := range groups {
				if r.IntN(3) == 0 {
					p.groups = append(p.groups, g)
				}
			}
			pp := e.person(p)
			must(t, e.st.AddMember(ctx, orgs[i].ID, pp.user.ID, p.role))
			people = append(people, pp.visPerson)
		}
	}
	var snaps []*visSnap
	for i := range 24 {
		org := orgs[r.IntN(len(orgs))]
		m := &visSnap{s: e.plantSnapshot(org, fmt.Sprintf("s%02d", i), nil, ""), groups: map[string]bool{}, toOrgs: map[string]bool{}}
		for range r.IntN(4) {
			on := r.IntN(4) > 0
			switch r.IntN(3) {
			case 0:
				_, err := e.st.SetOrgShare(ctx, m.s.ID, on)
				must(t, err)
				m.orgWide = on
			case 1:
				g := groups[r.IntN(len(groups))]
				_, err := e.st.ShareWithGroup(ctx, m.s.ID, g, on)
				must(t, err)
				m.groups[g] = on
			case 2:
				if to := orgs[r.IntN(len(orgs))]; to.ID != org.ID {
					_, err := e.st.ShareWithOrg(ctx, m.s.ID, to.ID, on)
					must(t, err)
					m.toOrgs[to.ID] = on
				}
			}
		}
		snaps = append(snaps, m)
	}

	for _, p := range people {
		var want []string
		for _, m := range snaps {
			if m.sees(p) {
				want = append(want, m.s.ID)
			}
		}
		got, err := e.client(p.token).AllSnapshots(ctx, p.org.Slug, false)
		must(t, err)
		var ids []string
		for _, s := range got {
			ids = append(ids, s.ID)
		}
		slices.Sort(want)
		slices.Sort(ids)
		if !slices.Equal(ids, want) {
			t.Errorf("%s (%s of %s, groups %v) lists %v, model %v", p.name, p.role, p.org.Slug, p.groups, ids, want)
		}
		for _, m := range snaps {
			base := "/api/v1/orgs/" + p.org.Slug + "/snapshots/"
			wantStatus := http.StatusNotFound
			if m.sees(p) {
				wantStatus = http.StatusOK
			}
			for _, path := range []string{base + m.s.ID, base + m.s.ID[:8], base + m.s.ID + "/download"} {
				if status, body := e.do("GET", path, p.token, nil); status != wantStatus {
					t.Errorf("%s: GET %s = %d %s, model %d", p.name, path, status, body, wantStatus)
				}
			}
		}
	}

	// Deleting, in a random order, changes the model as it goes.
	type try struct {
		p visPerson
		m *visSnap
	}
	var tries []try
	for _, p := range people {
		for _, m := range snaps {
			tries = append(tries, try{p, m})
		}
	}
	r.Shuffle(len(tries), func(i, j int) { tries[i], tries[j] = tries[j], tries[i] })
	for _, tr := range tries[:len(tries)/3] {
		want := tr.m.deleteStatus(tr.p)
		status, body := e.do("DELETE", "/api/v1/orgs/"+tr.p.org.Slug+"/snapshots/"+tr.m.s.ID, tr.p.token, nil)
		if status != want {
			t.Errorf("%s (%s of %s) deleting %s = %d %s, model %d", tr.p.name, tr.p.role, tr.p.org.Slug, tr.m.s.Name, status, body, want)
		}
		if status == http.StatusNoContent {
			tr.m.deleted = true
		}
	}
}

// personed is a person stored and signed in.
type personed struct {
	visPerson
	user cloud.User
}

// person stores p's user with p's groups and gives it a token carrying them.
func (e *env) person(p visPerson) personed {
	e.t.Helper()
	id := selftoken.Identity{Subject: "sub-" + p.name, Email: email(p.name), Name: p.name, Groups: p.groups}
	u, err := e.st.UpsertUser(context.Background(), cloud.User{Issuer: selfIssuer, Subject: id.Subject, Email: id.Email, Name: id.Name, Groups: p.groups})
	if err != nil {
		e.t.Fatalf("upsert %s: %v", p.name, err)
	}
	tok, err := e.tokens.Issue(id, time.Hour)
	if err != nil {
		e.t.Fatal(err)
	}
	p.token = tok
	return personed{visPerson: p, user: u}
}
