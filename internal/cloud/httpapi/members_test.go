package httpapi_test

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/clonit/clonit/internal/api"
	"github.com/clonit/clonit/internal/cloud"
	"github.com/clonit/clonit/internal/cloud/authz"
)

// TestMembersListFollowsChanges checks that the members list, which the API may answer
// again from an earlier answer, is after every kind of change what a fresh reading of the
// store makes of it: the list is read before each change, so that an answer kept across it
// would show.
func TestMembersListFollowsChanges(t *testing.T) {
	for _, be := range backends() {
		t.Run(be.name, func(t *testing.T) {
			e := newEnv(t, be.open(t))
			ctx := context.Background()
			org := e.org("acme", "ann", map[string]authz.Role{"adm": authz.Admin, "bo": authz.Member})
			// fresh is the list as encoding/json writes it from a reading of the store that
			// no cache answers (in a transaction).
			fresh := func() string {
				t.Helper()
				var ms []cloud.Member
				err := e.st.InOrgTx(ctx, org.ID, func(tx cloud.Store) error {
					var err error
					ms, err = tx.Members(ctx, org.ID)
					return err
				})
				agents, aerr := e.st.Agents(ctx, org.ID)
				if err != nil || aerr != nil {
					t.Fatalf("Members: %v; Agents: %v", err, aerr)
				}
				out := []api.Member{}
				for _, m := range ms {
					groups := m.User.Groups
					if groups == nil {
						groups = []string{}
					}
					am := api.Member{User: api.User{ID: m.User.ID, Email: m.User.Email, Name: m.User.Name, Groups: groups},
						Role: m.Role.String(), JoinedAt: m.JoinedAt}
					for _, ag := range agents {
						if ag.RegisteredBy == m.User.ID {
							am.Agents = append(am.Agents, api.MemberAgent{ID: ag.ID, Name: ag.Name})
						}
					}
					out = append(out, am)
				}
				b, err := json.Marshal(out)
				if err != nil {
					t.Fatal(err)
				}
				return string(b)
			}
			list := func() string {
				t.Helper()
				status, body := e.do("GET", "/api/v1/orgs/acme/members", e.token("ann"), nil)
				if status != 200 {
					t.Fatalf("GET members: %d %s", status, body)
				}
				return body
			}
			signIn := func(name, display string, groups ...string) func() {
				return func() {
					id := identityOf(name)
					id.Name, id.Groups = display, groups
					tok, err := e.tokens.Issue(id, time.Hour)
					if err != nil {
						t.Fatal(err)
					}
					if status, body := e.do("GET", "/api/v1/me", tok, nil); status != 200 {
						t.Fatalf("GET /me as %s: %d %s", name, status, body)
					}
				}
			}
			var laptop api.Agent
			steps := []struct {
				name   string
				change func()
			}{
				{"nothing", func() {}},
				{"a member joins", func() {
					if err := e.st.AddMember(ctx, org.ID, e.user("cy").ID, authz.Viewer); err != nil {
						t.Fatal(err)
					}
				}},
				{"a role changes", func() {
					if status, body := e.do("PATCH", "/api/v1/orgs/acme/members/"+email("cy"), e.token("adm"), api.SetRoleRequest{Role: "member"}); status != 200 {
						t.Fatalf("PATCH role: %d %s", status, body)
					}
				}},
				{"a member registers an agent", func() { laptop = e.register("acme", "bo", api.RegisterAgentRequest{Name: "laptop"}) }},
				{"the agent is removed", func() {
					if status, body := e.do("DELETE", "/api/v1/orgs/acme/agents/"+laptop.ID, e.token("adm"), nil); status != 204 {
						t.Fatalf("DELETE agent: %d %s", status, body)
					}
				}},
				{"a member signs in with a new name", signIn("bo", "Bo Renamed", "team-bo")},
				{"a member signs in with new groups", signIn("bo", "Bo Renamed", "team-bo", "dba")},
				{"a member is removed", func() {
					if status, body := e.do("DELETE", "/api/v1/orgs/acme/members/"+email("cy"), e.token("adm"), nil); status != 204 {
						t.Fatalf("DELETE member: %d %s", status, body)
					}
				}},
			}
			for _, st := range steps {
				list() // what an answer kept across the change would be
				st.change()
				if got, want := list(), fresh(); got != want {
					t.Errorf("after %s: members list\n%s\nwant\n%s", st.name, got, want)
				}
			}
		})
	}
}
