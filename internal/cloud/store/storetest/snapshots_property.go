package storetest

import (
	"fmt"
	"math/rand/v2"
	"os"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/clonit/clonit/internal/cloud"
)

// model is the reference of who sees what, written from PRODUCT.md §3.6 independently of
// the stores: a snapshot is visible to a viewer of org O if another org shared it with O,
// or it belongs to O and the viewer sees all of O, or it is shared org-wide, or it is
// shared with one of the viewer's groups.
type model struct {
	org     map[string]string          // snapshot id → owning org id
	orgWide map[string]bool            // snapshot id → shared org-wide
	groups  map[string]map[string]bool // snapshot id → groups
	toOrgs  map[string]map[string]bool // snapshot id → other orgs
}

func (m model) sees(v cloud.Viewer, id string) bool {
	if m.toOrgs[id][v.OrgID] {
		return true
	}
	if m.org[id] != v.OrgID {
		return false
	}
	if v.All || m.orgWide[id] {
		return true
	}
	for _, g := range v.Groups {
		if m.groups[id][g] {
			return true
		}
	}
	return false
}

// sharedWith is the Shared filter of the model: shared with the viewer's whole org.
func (m model) sharedWith(v cloud.Viewer, id string) bool {
	return m.toOrgs[id][v.OrgID] || (m.org[id] == v.OrgID && m.orgWide[id])
}

// testSnapshotVisibilityProperty builds random orgs, snapshots and shares and checks, for
// random viewers, that listing (in pages) and prefix lookup agree with the model.
func testSnapshotVisibilityProperty(t *testing.T, s cloud.Store) {
	c := ctx(t)
	seed := uint64(time.Now().UnixNano())
	if env, err := strconv.ParseUint(os.Getenv("CLONIT_TEST_SEED"), 10, 64); err == nil {
		seed = env // replay a failure
	}
	t.Logf("seed %d", seed)
	r := rand.New(rand.NewPCG(seed, 6))
	owner := newUser(t, s, "owner@example.com")
	var orgs []cloud.Org
	for i := range 3 {
		orgs = append(orgs, newOrg(t, s, fmt.Sprintf("org%d", i), owner))
	}
	groupNames := []string{"eng", "ops", "data", "sales"}
	m := model{org: map[string]string{}, orgWide: map[string]bool{}, groups: map[string]map[string]bool{}, toOrgs: map[string]map[string]bool{}}
	var ids []string
	for i := range 40 {
		org := orgs[r.IntN(len(orgs))]
		sn := newSnapshot(t, s, org, fmt.Sprintf("s%d", i), at.Add(time.Duration(r.IntN(10))*time.Second))
		ids = append(ids, sn.ID)
		m.org[sn.ID], m.groups[sn.ID], m.toOrgs[sn.ID] = org.ID, map[string]bool{}, map[string]bool{}
		for range r.IntN(4) {
			switch r.IntN(3) {
			case 0:
				on := r.IntN(3) > 0
				if _, err := s.SetOrgShare(c, sn.ID, on); err != nil {
					t.Fatal(err)
				}
				m.orgWide[sn.ID] = on
			case 1:
				g, on := groupNames[r.IntN(len(groupNames))], r.IntN(3) > 0
				if _, err := s.ShareWithGroup(c, sn.ID, g, on); err != nil {
					t.Fatal(err)
				}
				m.groups[sn.ID][g] = on
			case 2:
				to, on := orgs[r.IntN(len(orgs))], r.IntN(3) > 0
				if to.ID == org.ID {
					continue
				}
				if _, err := s.ShareWithOrg(c, sn.ID, to.ID, on); err != nil {
					t.Fatal(err)
				}
				m.toOrgs[sn.ID][to.ID] = on
			}
		}
	}
	for range 30 {
		v := cloud.Viewer{OrgID: orgs[r.IntN(len(orgs))].ID, All: r.IntN(3) == 0}
		for _, g := range groupNames {
			if r.IntN(3) == 0 {
				v.Groups = append(v.Groups, g)
			}
		}
		shared := r.IntN(3) == 0
		var want []string
		for _, id := range ids {
			if m.sees(v, id) && (!shared || m.sharedWith(v, id)) {
				want = append(want, id)
			}
		}
		got := visibleIDs(t, s, v, shared, 1+r.IntN(7))
		slices.Sort(want)
		slices.Sort(got)
		if !slices.Equal(got, want) {
			t.Errorf("viewer %+v shared=%v lists %v, model %v", v, shared, got, want)
		}
		for _, id := range ids {
			found, err := s.VisibleByPrefix(c, v, id[:4], 50)
			if err != nil {
				t.Fatal(err)
			}
			hit := slices.ContainsFunc(found, func(sn cloud.Snapshot) bool { return sn.ID == id })
			if hit != m.sees(v, id) {
				t.Errorf("viewer %+v: prefix lookup of %s found=%v, model %v", v, id, hit, m.sees(v, id))
			}
			for _, sn := range found {
				if !m.sees(v, sn.ID) {
					t.Errorf("viewer %+v: prefix lookup returned %s, which the model hides", v, sn.ID)
				}
			}
		}
	}
}

// visibleIDs lists the IDs of every snapshot v sees, page by page of size per.
func visibleIDs(t *testing.T, s cloud.Store, v cloud.Viewer, shared bool, per int) []string {
	t.Helper()
	ids := []string{}
	f := cloud.SnapshotFilter{Shared: shared, Limit: per}
	for range 1000 {
		page, err := s.VisibleSnapshots(ctx(t), v, f)
		if err != nil {
			t.Fatalf("VisibleSnapshots: %v", err)
		}
		for _, sn := range page {
			ids = append(ids, sn.ID)
		}
		if len(page) < per {
			return ids
		}
		last := page[len(page)-1]
		f.After = &cloud.SnapshotCursor{CreatedAt: last.CreatedAt, ID: last.ID}
	}
	t.Fatal("VisibleSnapshots never ran out of pages")
	return nil
}
