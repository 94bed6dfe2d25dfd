package httpapi_test

import (
	"context"
	"strings"
	"testing"

	"github.com/clonit/clonit/internal/api"
	"github.com/clonit/clonit/internal/cloud"
	"github.com/clonit/clonit/internal/cloud/authz"
)

// TestRemovalHandsOverAgentsAndTargets removes one member and lets another leave: the
// agents and targets they registered stay in the org as the org's, the members list no
// longer shows them under anyone, and the audit log says what passed.
func TestRemovalHandsOverAgentsAndTargets(t *testing.T) {
	for _, b := range backends() {
		t.Run(b.name, func(t *testing.T) {
			e := newEnv(t, b.open(t))
			acme := e.org("acme", "ann", map[string]authz.Role{"cy": authz.Admin, "dee": authz.Viewer, "eve": authz.Member})
			ctx := context.Background()
			for _, ag := range []struct{ name, by string }{{"cy-laptop", "cy"}, {"cy-ci", "cy"}, {"dee-box", "dee"}, {"eve-pc", "eve"}} {
				a := cloud.Agent{OrgID: acme.ID, Name: ag.name, Hostname: ag.name + ".local", Version: "1.0.0", RegisteredBy: e.user(ag.by).ID}
				if err := e.st.CreateAgent(ctx, &a); err != nil {
					t.Fatalf("CreateAgent(%s): %v", ag.name, err)
				}
			}
			for _, tg := range []struct{ name, by string }{{"shop", "cy"}, {"blog", "ann"}} {
				target := cloud.Target{OrgID: acme.ID, Name: tg.name, DBType: "sqlite", SrcURL: "/data/" + tg.name + ".db", CreatedBy: e.user(tg.by).ID}
				if err := e.st.CreateTarget(ctx, &target); err != nil {
					t.Fatalf("CreateTarget(%s): %v", tg.name, err)
				}
			}
			ann := e.token("ann")
			e.call("DELETE", "/api/v1/orgs/acme/members/cy@example.com", ann, nil, 204, nil)
			e.call("POST", "/api/v1/orgs/acme/leave", e.token("dee"), nil, 204, nil)

			var agents []api.Agent
			e.call("GET", "/api/v1/orgs/acme/agents", ann, nil, 200, &agents)
			var got []string
			for _, ag := range agents {
				got = append(got, ag.Name+" by "+ag.RegisteredBy)
			}
			want := []string{"cy-ci by a former member", "cy-laptop by a former member", "dee-box by a former member", "eve-pc by eve@example.com"}
			if jsonOf(got) != jsonOf(want) {
				t.Errorf("agents = %s, want %s", jsonOf(got), jsonOf(want))
			}

			var members []api.Member
			e.call("GET", "/api/v1/orgs/acme/members", ann, nil, 200, &members)
			got = nil
			for _, m := range members {
				var names []string
				for _, ag := range m.Agents {
					names = append(names, ag.Name)
				}
				got = append(got, m.User.Email+" "+m.Role+" ["+strings.Join(names, " ")+"]")
			}
			want = []string{"ann@example.com owner []", "eve@example.com member [eve-pc]"}
			if jsonOf(got) != jsonOf(want) {
				t.Errorf("members = %s, want %s", jsonOf(got), jsonOf(want))
			}

			var targets []api.Target
			e.call("GET", "/api/v1/orgs/acme/targets", ann, nil, 200, &targets)
			got = nil
			for _, tg := range targets {
				got = append(got, tg.Name+" by "+tg.CreatedBy)
			}
			want = []string{"blog by ann@example.com", "shop by "}
			if jsonOf(got) != jsonOf(want) {
				t.Errorf("targets = %s, want %s", jsonOf(got), jsonOf(want))
			}

			var page api.AuditPage
			e.call("GET", "/api/v1/orgs/acme/audit?limit=2", ann, nil, 200, &page)
			got = nil
			for _, ev := range page.Events {
				got = append(got, ev.Actor+" "+ev.Action+" "+ev.Target+" ("+ev.Detail+")")
			}
			want = []string{
				"dee@example.com member.leave dee@example.com (was viewer; agent dee-box passed to the org)",
				"ann@example.com member.remove cy@example.com (was admin; agents cy-ci, cy-laptop and target shop passed to the org)",
			}
			if jsonOf(got) != jsonOf(want) {
				t.Errorf("audit =\n%s\nwant\n%s", jsonOf(got), jsonOf(want))
			}
		})
	}
}
