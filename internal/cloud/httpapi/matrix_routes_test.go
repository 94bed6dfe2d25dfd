package httpapi_test

import (
	"net/http"
	"net/http/httptest"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/clonit/clonit/internal/cloud/blobstore"
	"github.com/clonit/clonit/internal/cloud/httpapi"
)

// unmatrixed are the patterns of routes.go that no matrix walks, each with the reason.
var unmatrixed = map[string]string{
	"/api/":                      "not a route: the JSON 404 of every API path no route serves",
	"GET " + blobstore.MountPath: "the embedded storage's signed URLs: the URL's signature, not the caller, authorizes (blobstore's local tests)",
	"PUT " + blobstore.MountPath: "the embedded storage's signed URLs: the URL's signature, not the caller, authorizes (blobstore's local tests)",
}

// matrixRow is one request of a matrix table: its method, its path with placeholders, and
// whether some caller is allowed it.
type matrixRow struct {
	table, name, method, path string
	allows                    bool
}

// matrixRows is the union of every matrix table of the package.
func matrixRows() []matrixRow {
	var rows []matrixRow
	for _, ep := range endpoints {
		rows = append(rows, matrixRow{"endpoints", ep.name, ep.method, ep.path, len(ep.allowed)+len(keyAllowed[ep.name]) > 0})
	}
	for _, ep := range machineEndpoints {
		rows = append(rows, matrixRow{"machineEndpoints", ep.name, ep.method, ep.path, len(ep.allowed)+len(ep.keys) > 0})
	}
	for _, ep := range targetEndpoints {
		rows = append(rows, matrixRow{"targetEndpoints", ep.name, ep.method, ep.path, len(ep.allowed)+len(ep.keys) > 0})
	}
	for _, ep := range codeEndpoints {
		rows = append(rows, matrixRow{"codeEndpoints", ep.name, ep.method, ep.path, len(ep.allowed) > 0})
	}
	for _, ep := range snapEndpoints {
		rows = append(rows, matrixRow{"snapEndpoints", ep.name, ep.method, "/api/v1/orgs/{org}" + ep.path, len(ep.allowed) > 0})
	}
	return rows
}

// placeholder is a {name} of a matrix path.
var placeholder = regexp.MustCompile(`\{[a-z0-9-]+\}`)

// TestEveryRouteHasAMatrixRow routes every row of every matrix table through a mux that
// holds the API's patterns (and the guard routes of the tests), and checks that each
// pattern of routes.go is reached by some row in which some caller is allowed, so that a
// route added without a matrix row fails the suite, and so does a route whose rows only
// show it refused. A row that reaches no route is a typo and fails too.
func TestEveryRouteHasAMatrixRow(t *testing.T) {
	patterns := (&httpapi.API{}).Patterns()
	mux := http.NewServeMux()
	for _, p := range patterns {
		mux.Handle(p, http.NotFoundHandler())
	}
	for p := range guardRoutes {
		mux.Handle(p, http.NotFoundHandler())
	}
	reached := map[string][]string{} // pattern -> the rows that reach it
	allowed := map[string]bool{}     // pattern -> some row allows some caller
	for _, row := range matrixRows() {
		path, _, _ := strings.Cut(placeholder.ReplaceAllString(row.path, "x"), "?")
		_, pattern := mux.Handler(httptest.NewRequest(row.method, path, nil))
		switch {
		case pattern == "" || pattern == "/api/":
			t.Errorf("%s row %q (%s %s) reaches no route", row.table, row.name, row.method, row.path)
		default:
			reached[pattern] = append(reached[pattern], row.name)
			allowed[pattern] = allowed[pattern] || row.allows
		}
	}
	for _, p := range patterns {
		if why, ok := unmatrixed[p]; ok {
			if len(reached[p]) != 0 {
				t.Errorf("route %q is listed as not walked (%s), but the rows %q walk it: drop it from unmatrixed", p, why, reached[p])
			}
			continue
		}
		switch {
		case len(reached[p]) == 0:
			t.Errorf("route %q has no row in any matrix table: add one to the matrix of its resource (matrix_*_test.go)", p)
		case !allowed[p]:
			t.Errorf("route %q is walked only by rows that allow nobody (%q): add a row with the callers it serves", p, reached[p])
		}
	}
	for p := range unmatrixed {
		if !slices.Contains(patterns, p) {
			t.Errorf("unmatrixed lists %q, which routes.go does not serve", p)
		}
	}
}
