package httpapi_test

import (
	"context"
	"fmt"
	"math/rand"
	"net/http"
	"sync"
	"testing"

	"github.com/clonit/clonit/internal/cloud/authz"
)

// TestConcurrentOwnerChangesKeepAnOwner sends 50 requests at once that demote or remove
// the owners of a two-owner org, each owner acting on the other or on themself. However
// they interleave, the org keeps at least one owner, and each request gets a rule's answer,
// never a server error.
func TestConcurrentOwnerChangesKeepAnOwner(t *testing.T) {
	for _, b := range backends() {
		t.Run(b.name, func(t *testing.T) {
			e := newEnv(t, b.open(t))
			for round := range 3 {
				concurrentRound(t, e, int64(round))
			}
		})
	}
}

// concurrentRound races 50 requests, mixed by seed, against a fresh two-owner org.
func concurrentRound(t *testing.T, e *env, seed int64) {
	slug := fmt.Sprintf("duo-%d", seed)
	org := e.org(slug, "ann", map[string]authz.Role{"bob": authz.Owner, "viewer": authz.Viewer})
	owners := []string{"ann", "bob"}
	tokens := map[string]string{"ann": e.token("ann"), "bob": e.token("bob")}
	type request struct{ method, path, actor string }
	var reqs []request
	rng := rand.New(rand.NewSource(seed))
	for i := 0; i < 50; i++ {
		actor, target := owners[i%2], owners[rng.Intn(2)]
		method := []string{"PATCH", "DELETE"}[rng.Intn(2)]
		reqs = append(reqs, request{method, "/api/v1/orgs/" + slug + "/members/" + email(target), actor})
	}
	statuses := make([]int, len(reqs))
	bodies := make([]string, len(reqs))
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i, r := range reqs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			var body any
			if r.method == "PATCH" {
				body = role("admin")
			}
			statuses[i], bodies[i] = e.do(r.method, r.path, tokens[r.actor], body)
		}()
	}
	close(start)
	wg.Wait()
	allowed := map[int]bool{http.StatusOK: true, http.StatusNoContent: true, http.StatusForbidden: true,
		http.StatusNotFound: true, http.StatusConflict: true}
	for i, s := range statuses {
		if !allowed[s] {
			t.Errorf("%s %s by %s = %d %s", reqs[i].method, reqs[i].path, reqs[i].actor, s, bodies[i])
		}
	}
	n, err := e.st.CountOwners(context.Background(), org.ID)
	if err != nil {
		t.Fatal(err)
	}
	if n < 1 {
		t.Fatalf("the org has %d owners after concurrent changes", n)
	}
	t.Logf("round %d: owners left: %d; answers: %v", seed, n, statuses)
}
