package httpapi

import (
	"encoding/json"
	"strings"
	"testing"
)

// TestOpenAPIDescribesEveryRoute checks that every route of routes.go, method and path,
// appears in the OpenAPI document, and that the document names no route the API lacks.
func TestOpenAPIDescribesEveryRoute(t *testing.T) {
	var doc struct {
		OpenAPI string                                `json:"openapi"`
		Paths   map[string]map[string]json.RawMessage `json:"paths"`
	}
	if err := json.Unmarshal(OpenAPI(), &doc); err != nil {
		t.Fatalf("openapi.json is not valid JSON: %v", err)
	}
	if doc.OpenAPI != "3.1.0" {
		t.Errorf("openapi = %q, want 3.1.0", doc.OpenAPI)
	}
	described := map[string]bool{}
	for path, ops := range doc.Paths {
		for method := range ops {
			if method != "parameters" {
				described[strings.ToUpper(method)+" "+path] = true
			}
		}
	}
	routed := map[string]bool{}
	for _, pattern := range (&API{}).Patterns() {
		if pattern == "/api/" { // the JSON 404 for unknown API paths, not a route
			continue
		}
		key := docKey(pattern)
		routed[key] = true
		if !described[key] {
			t.Errorf("route %q is not in openapi.json (want %q)", pattern, key)
		}
	}
	for key := range described {
		if !routed[key] {
			t.Errorf("openapi.json describes %q, which routes.go does not serve", key)
		}
	}
}

// docKey turns a mux pattern into "METHOD /path" as the document spells it: a pattern
// without a method is described as GET, and a subtree pattern ("/oauth/") as "/oauth/{path}".
func docKey(pattern string) string {
	method, path, ok := strings.Cut(pattern, " ")
	if !ok {
		method, path = "GET", pattern
	}
	if strings.HasSuffix(path, "/") {
		path += "{path}"
	}
	return method + " " + path
}

func TestOpenAPISchemasResolve(t *testing.T) {
	raw := string(OpenAPI())
	var doc struct {
		Components struct {
			Schemas    map[string]json.RawMessage `json:"schemas"`
			Responses  map[string]json.RawMessage `json:"responses"`
			Parameters map[string]json.RawMessage `json:"parameters"`
		} `json:"components"`
	}
	if err := json.Unmarshal(OpenAPI(), &doc); err != nil {
		t.Fatal(err)
	}
	kinds := map[string]map[string]json.RawMessage{
		"schemas": doc.Components.Schemas, "responses": doc.Components.Responses, "parameters": doc.Components.Parameters,
	}
	for _, part := range strings.Split(raw, `"$ref": "#/components/`)[1:] {
		ref := part[:strings.IndexByte(part, '"')]
		kind, name, _ := strings.Cut(ref, "/")
		if _, ok := kinds[kind][name]; !ok {
			t.Errorf("$ref #/components/%s does not resolve", ref)
		}
	}
}
