package httpapi

import (
	_ "embed"
	"net/http"
)

// openAPIDoc is the OpenAPI 3.1 description of every route of routes.go.
//
//go:embed openapi.json
var openAPIDoc []byte

// OpenAPI returns the OpenAPI document.
func OpenAPI() []byte { return openAPIDoc }

// openAPI serves the OpenAPI document.
func (a *API) openAPI(w http.ResponseWriter, _ *http.Request, _ *call) error {
	w.Header().Set("Content-Type", "application/json")
	_, _ = w.Write(openAPIDoc)
	return nil
}
