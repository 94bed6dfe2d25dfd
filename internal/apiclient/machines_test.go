package apiclient_test

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/clonit/clonit/internal/api"
	"github.com/clonit/clonit/internal/apiclient"
)

// seenRequest is a request of the machine routes, with the agent header.
type seenRequest struct {
	Method, Path, Body, Agent string
}

func TestMachineRoutes(t *testing.T) {
	ctx := context.Background()
	exp := time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC)
	cases := []struct {
		name   string
		agent  string
		call   func(*apiclient.Client) error
		answer string
		want   seenRequest
	}{
		{"keys", "", func(c *apiclient.Client) error { _, err := c.Keys(ctx, "acme"); return err }, `[]`,
			seenRequest{"GET", "/api/v1/orgs/acme/keys", "", ""}},
		{"create key", "", func(c *apiclient.Client) error {
			_, err := c.CreateKey(ctx, "acme", api.CreateAPIKeyRequest{Name: "ci", Permissions: []string{"push"}, ExpiresAt: &exp})
			return err
		}, `{}`, seenRequest{"POST", "/api/v1/orgs/acme/keys", `{"name":"ci","permissions":["push"],"expires_at":"2026-06-01T00:00:00Z"}`, ""}},
		{"login key", "", func(c *apiclient.Client) error { _, err := c.LoginKey(ctx, "acme", "laptop"); return err }, `{}`,
			seenRequest{"POST", "/api/v1/orgs/acme/keys/login", `{"name":"laptop"}`, ""}},
		{"revoke key", "", func(c *apiclient.Client) error { return c.RevokeKey(ctx, "acme", "k1") }, ``,
			seenRequest{"DELETE", "/api/v1/orgs/acme/keys/k1", "", ""}},
		{"agents, from a registered agent", "ag1", func(c *apiclient.Client) error { _, err := c.Agents(ctx, "acme"); return err }, `[]`,
			seenRequest{"GET", "/api/v1/orgs/acme/agents", "", "ag1"}},
		{"agent", "ag1", func(c *apiclient.Client) error { _, err := c.Agent(ctx, "acme", "ag1"); return err }, `{}`,
			seenRequest{"GET", "/api/v1/orgs/acme/agents/ag1", "", "ag1"}},
		{"register", "", func(c *apiclient.Client) error {
			_, err := c.RegisterAgent(ctx, "acme", api.RegisterAgentRequest{Name: "laptop", Hostname: "laptop.local", Version: "1.0.0", Force: true, Replaces: "ag0"})
			return err
		}, `{}`, seenRequest{"POST", "/api/v1/orgs/acme/agents", `{"name":"laptop","hostname":"laptop.local","version":"1.0.0","force":true,"replaces":"ag0"}`, ""}},
		{"remove agent", "ag1", func(c *apiclient.Client) error { return c.RemoveAgent(ctx, "acme", "ag 2") }, ``,
			seenRequest{"DELETE", "/api/v1/orgs/acme/agents/ag%202", "", "ag1"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var seen []seenRequest
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				b, _ := io.ReadAll(r.Body)
				seen = append(seen, seenRequest{r.Method, r.URL.EscapedPath(), string(b), r.Header.Get(api.AgentHeader)})
				if tc.answer == "" {
					w.WriteHeader(http.StatusNoContent)
					return
				}
				io.WriteString(w, tc.answer)
			}))
			defer srv.Close()
			c, err := apiclient.New(srv.URL, apiclient.APIKey("clonit_x"), apiclient.WithAgent(tc.agent))
			if err != nil {
				t.Fatal(err)
			}
			if err := tc.call(c); err != nil {
				t.Fatalf("call: %v", err)
			}
			if len(seen) != 1 || seen[0] != tc.want {
				t.Errorf("requests = %+v, want [%+v]", seen, tc.want)
			}
		})
	}
}
