package httpapi_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/clonit/clonit/internal/api"
)

// doAgent is e.do with the headers a registered agent sends.
func (e *env) doAgent(method, path, token, agentID, version string, body any) (int, string) {
	e.t.Helper()
	var rd io.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		rd = strings.NewReader(string(b))
	}
	req, err := http.NewRequest(method, e.srv.URL+path, rd)
	if err != nil {
		e.t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set(api.AgentHeader, agentID)
	req.Header.Set("User-Agent", "clonit/"+version)
	resp, err := e.srv.Client().Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, strings.TrimSpace(string(b))
}

// register registers an agent as the person called by and returns it.
func (e *env) register(slug, by string, req api.RegisterAgentRequest) api.Agent {
	e.t.Helper()
	status, body := e.do("POST", "/api/v1/orgs/"+slug+"/agents", e.token(by), req)
	var ag api.Agent
	if status != 201 || json.Unmarshal([]byte(body), &ag) != nil {
		e.t.Fatalf("register %s: %d %s", req.Name, status, body)
	}
	return ag
}

var removedBody = regexp.MustCompile(`^\{"status":403,"code":"forbidden","message":"this machine's agent \\"laptop\\" was removed from the organization's registry on \d{4}-\d\d-\d\d \d\d:\d\d UTC by admin@example.com: register it again with ` + "`clonit cloud register --force`" + `"\}$`)

func TestAgentRegistry(t *testing.T) {
	for _, b := range backends() {
		t.Run(b.name, func(t *testing.T) {
			e := newEnv(t, b.open(t))
			e.org("acme", owner, roster)
			laptop := e.register("acme", member, api.RegisterAgentRequest{Name: "laptop", Hostname: "laptop.local", Version: "1.0.0"})
			if laptop.RegisteredBy != email(member) || laptop.Version != "1.0.0" || laptop.Hostname != "laptop.local" {
				t.Errorf("registered agent = %+v", laptop)
			}

			t.Run("registering a taken name again is refused with the way out", func(t *testing.T) {
				status, body := e.do("POST", "/api/v1/orgs/acme/agents", e.token(member), api.RegisterAgentRequest{Name: "laptop"})
				want := regexp.MustCompile(`^\{"status":409,"code":"conflict","message":"an agent named \\"laptop\\" is already registered in acme \(by member@example.com, last seen \d{4}-\d\d-\d\d \d\d:\d\d UTC\): pass --force to replace it, or choose another --name"\}$`)
				if status != 409 || !want.MatchString(body) {
					t.Errorf("second registration: %d %s", status, body)
				}
			})

			t.Run("a call with a new version records it", func(t *testing.T) {
				status, _ := e.doAgent("GET", "/api/v1/orgs/acme", e.token(member), laptop.ID, "1.2.0", nil)
				ag, err := e.st.AgentByID(context.Background(), laptop.ID)
				if status != 200 || err != nil || ag.Version != "1.2.0" || !ag.LastSeenAt.After(ag.RegisteredAt) {
					t.Errorf("after a call from 1.2.0: %d, agent %+v, %v", status, ag, err)
				}
			})

			t.Run("the members list shows each member's agents", func(t *testing.T) {
				_, body := e.do("GET", "/api/v1/orgs/acme/members", e.token(viewer), nil)
				var ms []api.Member
				if err := json.Unmarshal([]byte(body), &ms); err != nil {
					t.Fatal(err)
				}
				for _, m := range ms {
					want := "[]"
					if m.User.Email == email(member) {
						want = `[{"id":"` + laptop.ID + `","name":"laptop"}]`
					}
					got, _ := json.Marshal(m.Agents)
					if string(got) != want && !(want == "[]" && string(got) == "null") {
						t.Errorf("agents of %s = %s, want %s", m.User.Email, got, want)
					}
				}
			})

			t.Run("force replaces this machine's previous registration", func(t *testing.T) {
				renamed := e.register("acme", member, api.RegisterAgentRequest{Name: "laptop-2", Force: true, Replaces: laptop.ID})
				_, list := e.do("GET", "/api/v1/orgs/acme/agents", e.token(viewer), nil)
				if strings.Contains(list, `"name":"laptop"`) || !strings.Contains(list, renamed.ID) {
					t.Errorf("agents after a forced re-registration: %s", list)
				}
				status, body := e.doAgent("GET", "/api/v1/me", e.token(member), laptop.ID, "1.2.0", nil)
				if status != 403 || !strings.Contains(body, "by a newer registration of the same machine: register it again with `clonit cloud register --force`") {
					t.Errorf("the replaced agent's call: %d %s", status, body)
				}
			})

			t.Run("a removed agent's next call says so and how to register again", func(t *testing.T) {
				ag := e.register("acme", member, api.RegisterAgentRequest{Name: "laptop", Hostname: "laptop.local"})
				if status, _ := e.do("DELETE", "/api/v1/orgs/acme/agents/"+ag.ID, e.token(admin), nil); status != 204 {
					t.Fatalf("remove: %d", status)
				}
				status, body := e.doAgent("GET", "/api/v1/orgs/acme/members", e.token(member), ag.ID, "1.2.0", nil)
				if status != 403 || !removedBody.MatchString(body) {
					t.Errorf("removed agent's call: %d %s", status, body)
				}
				status, body = e.doAgent("POST", "/api/v1/orgs/acme/agents", e.token(member), ag.ID, "1.2.0",
					api.RegisterAgentRequest{Name: "laptop", Force: true, Replaces: ag.ID})
				if status != 201 {
					t.Errorf("registering again from the removed agent: %d %s", status, body)
				}
				status, body = e.do("GET", "/api/v1/orgs/acme/agents/"+ag.ID, e.token(member), nil)
				if want := errorBody(404, "not_found", `no agent "`+ag.ID+"\" in acme: list the agents with `clonit cloud agents list`"); status != 404 || body != want {
					t.Errorf("show a removed agent: %d %s, want %s", status, body, want)
				}
			})

			t.Run("an agent id of another org is ignored", func(t *testing.T) {
				e.org("beta", member, nil)
				other := e.register("beta", member, api.RegisterAgentRequest{Name: "box"})
				if status, _ := e.do("DELETE", "/api/v1/orgs/beta/agents/"+other.ID, e.token(member), nil); status != 204 {
					t.Fatalf("remove in beta: %d", status)
				}
				if status, body := e.doAgent("GET", "/api/v1/orgs/acme", e.token(member), other.ID, "1.0.0", nil); status != 200 {
					t.Errorf("a call to acme carrying beta's removed agent: %d %s", status, body)
				}
			})
		})
	}
}
