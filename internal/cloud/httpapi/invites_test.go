package httpapi_test

import (
	"context"
	"encoding/json"
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/clonit/clonit/internal/api"
	"github.com/clonit/clonit/internal/cloud"
	"github.com/clonit/clonit/internal/cloud/authz"
)

// notValid is the body of the one answer for a code the org never issued, a code of another
// org and an org that does not exist.
func notValid(slug string) string {
	return errorBody(404, "not_found", `this join code is not valid for organization "`+slug+`": check the code and the organization's slug with whoever gave them to you`)
}

// TestJoinCodeMessages redeems codes in every state: each gets its own clear message, and a
// code of another org answers exactly as a code never issued.
func TestJoinCodeMessages(t *testing.T) {
	for _, b := range backends() {
		t.Run(b.name, func(t *testing.T) {
			e := newEnv(t, b.open(t))
			acme := e.org("acme", "ann", map[string]authz.Role{"bob": authz.Admin})
			beta := e.org("beta", "cat", nil)
			ann, bob, cat := e.user("ann"), e.user("bob"), e.user("cat")
			now := time.Now()
			e.plantCode(acme, ann, "11111111", authz.Member, now)
			expired := e.plantCode(acme, ann, "22222222", authz.Member, now.Add(-25*time.Hour))
			revoked := e.plantCode(acme, ann, "33333333", authz.Viewer, now)
			e.plantCode(acme, ann, "44444444", authz.Member, now)
			e.plantCode(beta, cat, "55555555", authz.Member, now)
			e.plantCode(acme, bob, "66666666", authz.Member, now)
			if s, body := e.do("DELETE", "/api/v1/orgs/acme/invites/"+revoked.ID, e.token("ann"), nil); s != 204 {
				t.Fatalf("revoke = %d %s", s, body)
			}
			if s, body := e.join("acme", e.token("used-first"), "4444-4444"); s != 200 {
				t.Fatalf("first use = %d %s", s, body)
			}
			if s, body := e.do("POST", "/api/v1/orgs/acme/leave", e.token("bob"), nil); s != 204 {
				t.Fatalf("bob leaves = %d %s", s, body)
			}

			cases := []struct {
				name, org, code, body string
				status                int
			}{
				{"valid, without the dash", "acme", "11111111", `{"slug":"acme","name":"Org acme","plan":"free","role":"member"}`, 200},
				{"malformed: seven digits", "acme", "1234-567",
					errorBody(400, "invalid", "a join code is 8 digits, such as 1234-5678: check the code you were given"), 400},
				{"malformed: letters", "acme", "abcd-efgh",
					errorBody(400, "invalid", "a join code is 8 digits, such as 1234-5678: check the code you were given"), 400},
				{"malformed slug", "Acme!", "1111-1111",
					errorBody(400, "invalid", `invalid slug "Acme!": use 1-40 lowercase letters, digits and hyphens, starting and ending with a letter or digit, such as "acme-data"`), 400},
				{"never issued", "acme", "9999-9999", notValid("acme"), 404},
				{"a code of another org", "acme", "5555-5555", notValid("acme"), 404},
				{"an org that does not exist", "nosuch", "5555-5555", notValid("nosuch"), 404},
				{"expired", "acme", "2222-2222",
					errorBody(409, "conflict", "this join code expired at "+expired.ExpiresAt.UTC().Format("2006-01-02 15:04 UTC")+" (codes last 24 hours): ask an admin of acme for a new one"), 409},
				{"revoked", "acme", "3333-3333",
					errorBody(409, "conflict", "this join code was revoked: ask an admin of acme for a new one"), 409},
				{"already used", "acme", "4444-4444",
					errorBody(409, "conflict", "this join code was already used: each code works once; ask an admin of acme for a new one"), 409},
				{"its creator left", "acme", "6666-6666",
					errorBody(409, "conflict", "this join code was revoked: ask an admin of acme for a new one"), 409},
			}
			for i, tc := range cases {
				t.Run(tc.name, func(t *testing.T) {
					e.t = t
					status, body := e.join(tc.org, e.token(fmt.Sprintf("joiner%d", i)), tc.code)
					if status != tc.status || body != tc.body {
						t.Errorf("join = %d %s\nwant %d %s", status, body, tc.status, tc.body)
					}
				})
			}
			e.t = t
			t.Run("already a member", func(t *testing.T) {
				status, body := e.join("acme", e.token("ann"), "9999-9999")
				want := errorBody(409, "conflict", "you are already a member of acme (role owner): a join code cannot change your role")
				if status != 409 || body != want {
					t.Errorf("join = %d %s\nwant %s", status, body, want)
				}
			})
			if r := e.roleIn(acme, "joiner0"); r != authz.Member {
				t.Errorf("joiner0's role = %q, want member", r)
			}
			if r := e.roleIn(beta, "joiner5"); r != authz.None {
				t.Errorf("a code of acme made joiner5 %s of beta", r)
			}
			evs, err := e.st.AuditEvents(context.Background(), acme.ID, cloud.AuditFilter{Limit: 100})
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, ev := range evs {
				if strings.HasPrefix(ev.Action, "invite.redeem") || ev.Action == "member.join" {
					got = append(got, ev.Action+" "+ev.ActorEmail)
				}
			}
			want := []string{
				"invite.redeem_failed joiner10@example.com", "invite.redeem_failed joiner9@example.com",
				"invite.redeem_failed joiner8@example.com", "invite.redeem_failed joiner7@example.com",
				"invite.redeem_failed joiner5@example.com", "invite.redeem_failed joiner4@example.com",
				"member.join joiner0@example.com", "member.join used-first@example.com",
			}
			if strings.Join(got, "\n") != strings.Join(want, "\n") {
				t.Errorf("audit log of redemptions:\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
			}
		})
	}
}

// TestInviteLifecycle creates, lists and revokes codes as admins and owners, with the one
// live admin code rule.
func TestInviteLifecycle(t *testing.T) {
	for _, b := range backends() {
		t.Run(b.name, func(t *testing.T) {
			e := newEnv(t, b.open(t))
			acme := e.org("acme", "ann", map[string]authz.Role{"bob": authz.Admin, "cy": authz.Member})
			ann, bob := e.token("ann"), e.token("bob")

			before := time.Now().Truncate(time.Microsecond)
			codes := e.invite("acme", bob, "member", 3)
			shape := regexp.MustCompile(`^[0-9]{4}-[0-9]{4}$`)
			for _, c := range codes {
				if !shape.MatchString(c.Code) || c.Role != "member" || c.CreatedBy != "bob@example.com" ||
					c.CreatedAt.Before(before) || !c.ExpiresAt.Equal(c.CreatedAt.Add(24*time.Hour)) {
					t.Errorf("new code = %+v; want 1234-5678, member, by bob, expiring 24 hours after creation", c)
				}
			}
			admin := e.invite("acme", ann, "admin", 0)[0]
			expires := admin.ExpiresAt.UTC().Format("2006-01-02 15:04 UTC")

			steps := []struct {
				name, method, path, token string
				body                      any
				status                    int
				want                      string // exact body; "" when only the status is checked
			}{
				{"a member may not create codes", "POST", "/invites", e.token("cy"), api.CreateInvitesRequest{Role: "viewer"}, 403,
					errorBody(403, "forbidden", "your role in acme is member, which cannot create, list or revoke join codes: ask an admin or owner of the organization")},
				{"an admin may not create admin codes", "POST", "/invites", bob, api.CreateInvitesRequest{Role: "admin"}, 403,
					errorBody(403, "forbidden", "your role in acme is admin, which cannot create admin join codes: ask an admin or owner of the organization")},
				{"a second admin code", "POST", "/invites", ann, api.CreateInvitesRequest{Role: "admin"}, 409,
					errorBody(409, "conflict", "acme already has a live admin code ("+admin.ID+", created by ann@example.com, expires "+expires+"): an organization has one at a time; revoke it, or replace it with --replace")},
				{"no owner codes", "POST", "/invites", ann, api.CreateInvitesRequest{Role: "owner"}, 400,
					errorBody(400, "invalid", `a join code's role must be member, viewer or admin (owners are made by transferring ownership): got "owner"`)},
				{"too many", "POST", "/invites", bob, api.CreateInvitesRequest{Role: "member", Count: 51}, 400,
					errorBody(400, "invalid", "count must be between 1 and 50")},
				{"admin codes one at a time", "POST", "/invites", ann, api.CreateInvitesRequest{Role: "admin", Count: 2}, 400,
					errorBody(400, "invalid", "an organization has at most one live admin code: create one, without --count")},
				{"replace is for admin codes", "POST", "/invites", ann, api.CreateInvitesRequest{Role: "member", Replace: true}, 400,
					errorBody(400, "invalid", "--replace applies to admin codes only")},
				{"an admin may not revoke the admin code", "DELETE", "/invites/" + admin.ID, bob, nil, 403,
					errorBody(403, "forbidden", "only owners revoke admin codes")},
				{"an admin revokes a member code", "DELETE", "/invites/" + codes[0].ID, bob, nil, 204, ""},
				{"revoked twice", "DELETE", "/invites/" + codes[0].ID, bob, nil, 404,
					errorBody(404, "not_found", `acme has no live join code "`+codes[0].ID+`": list them with `+"`clonit cloud invites list`")},
				{"replace the admin code", "POST", "/invites", ann, api.CreateInvitesRequest{Role: "admin", Replace: true}, 201, ""},
			}
			for _, st := range steps {
				status, body := e.do(st.method, "/api/v1/orgs/acme"+st.path, st.token, st.body)
				if status != st.status || (st.want != "" && body != st.want) {
					t.Errorf("%s: %d %s\nwant %d %s", st.name, status, body, st.status, st.want)
				}
				if st.name == "replace the admin code" {
					var out api.CreatedInvites
					json.Unmarshal([]byte(body), &out)
					if out.Replaced != admin.ID || len(out.Invites) != 1 || out.Invites[0].Role != "admin" {
						t.Errorf("replace answered %s; want one admin code replacing %s", body, admin.ID)
					}
				}
			}

			status, body := e.do("GET", "/api/v1/orgs/acme/invites", bob, nil)
			var live []map[string]any
			if err := json.Unmarshal([]byte(body), &live); status != 200 || err != nil {
				t.Fatalf("list = %d %s", status, body)
			}
			var roles []string
			for _, inv := range live {
				if _, has := inv["code"]; has {
					t.Errorf("the list shows a code's digits: %v", inv)
				}
				roles = append(roles, fmt.Sprintf("%s by %s", inv["role"], inv["created_by"]))
			}
			if got := strings.Join(roles, ", "); got != "admin by ann@example.com, member by bob@example.com, member by bob@example.com" {
				t.Errorf("live codes = %s", got)
			}
			if strings.Contains(body, codes[1].Code) || strings.Contains(body, strings.ReplaceAll(codes[1].Code, "-", "")) {
				t.Errorf("the list holds the digits of a code: %s", body)
			}

			evs, _ := e.st.AuditEvents(context.Background(), acme.ID, cloud.AuditFilter{Limit: 100})
			var actions []string
			for _, ev := range evs {
				actions = append(actions, ev.Action+" by "+ev.ActorEmail+": "+ev.Detail)
			}
			got := strings.Join(actions, "\n")
			for _, want := range []string{
				"invite.create by bob@example.com: member code, expires " + codes[2].ExpiresAt.UTC().Format("2006-01-02 15:04 UTC"),
				"invite.revoke by bob@example.com: member code",
				"invite.revoke by ann@example.com: admin code, replaced by a new one",
				"invite.create by ann@example.com: admin code, expires ",
			} {
				if !strings.Contains(got, want) {
					t.Errorf("the audit log lacks %q:\n%s", want, got)
				}
			}
		})
	}
}

// TestTransferOwnership hands ownership over with the typed confirmations.
func TestTransferOwnership(t *testing.T) {
	for _, b := range backends() {
		t.Run(b.name, func(t *testing.T) {
			e := newEnv(t, b.open(t))
			acme := e.org("acme", "ann", map[string]authz.Role{"bob": authz.Admin, "cy": authz.Member, "dee": authz.Admin})
			e.org("beta", "eve", nil)
			ann := e.token("ann")
			req := func(to, org, member string) api.TransferRequest {
				return api.TransferRequest{To: to, ConfirmOrg: org, ConfirmMember: member}
			}
			cases := []struct {
				name   string
				token  string
				req    api.TransferRequest
				status int
				body   string
			}{
				{"the slug mistyped", ann, req("bob@example.com", "acme-", "bob@example.com"), 400,
					errorBody(400, "invalid", `the organization slug you typed to confirm ("acme-") is not this organization's: type its slug exactly`)},
				{"the email mistyped", ann, req("bob@example.com", "acme", "Bob@example.com"), 400,
					errorBody(400, "invalid", `the email you typed to confirm ("Bob@example.com") is not the email of the member you named: type their email exactly`)},
				{"to a member", ann, req("cy@example.com", "acme", "cy@example.com"), 409,
					errorBody(409, "conflict", "cy@example.com is a member, not an admin: ownership passes only to an admin; make them admin first with `clonit cloud members set-role cy@example.com admin`")},
				{"to someone outside", ann, req("eve@example.com", "acme", "eve@example.com"), 404,
					errorBody(404, "not_found", `"eve@example.com" is not a member of acme: list the members with `+"`clonit cloud members list`")},
				{"to oneself", ann, req("ann@example.com", "acme", "ann@example.com"), 400,
					errorBody(400, "invalid", "you already own acme: name an admin to hand ownership to")},
				{"by an admin", e.token("dee"), req("bob@example.com", "acme", "bob@example.com"), 403,
					errorBody(403, "forbidden", "your role in acme is admin, which cannot transfer ownership: ask an admin or owner of the organization")},
				{"nobody named", ann, req("", "acme", ""), 400,
					errorBody(400, "invalid", "name the admin to hand ownership to (to: their email)")},
			}
			for _, tc := range cases {
				t.Run(tc.name, func(t *testing.T) {
					e.t = t
					before := e.state(acme)
					status, body := e.do("POST", "/api/v1/orgs/acme/transfer", tc.token, tc.req)
					if status != tc.status || body != tc.body {
						t.Errorf("transfer = %d %s\nwant %d %s", status, body, tc.status, tc.body)
					}
					if after := e.state(acme); after != before {
						t.Errorf("a refused transfer changed the org:\n%s\n%s", before, after)
					}
				})
			}
			e.t = t
			status, body := e.do("POST", "/api/v1/orgs/acme/transfer", ann, req("bob@example.com", "acme", "bob@example.com"))
			var org api.Org
			if err := json.Unmarshal([]byte(body), &org); status != 200 || err != nil {
				t.Fatalf("transfer = %d %s", status, body)
			}
			var lead []string
			for _, m := range org.Leadership {
				lead = append(lead, m.User.Email+"="+m.Role)
			}
			if org.Role != "admin" || strings.Join(lead, " ") != "bob@example.com=owner ann@example.com=admin dee@example.com=admin" {
				t.Errorf("after the transfer: role %s, leadership %v", org.Role, lead)
			}
			evs, _ := e.st.AuditEvents(context.Background(), acme.ID, cloud.AuditFilter{Limit: 1})
			if len(evs) != 1 || evs[0].Action != "org.transfer" || evs[0].Target != "bob@example.com" ||
				evs[0].Detail != "ownership handed from ann@example.com to bob@example.com; ann@example.com is now admin" {
				t.Errorf("last audit event = %+v", evs)
			}
		})
	}
}

// TestLeavingAndRemovalEndAccessAtOnce checks that a token issued before someone leaves or
// is removed gets, on its next request, the 404 of an org that does not exist; and that
// the last owner may not leave.
func TestLeavingAndRemovalEndAccessAtOnce(t *testing.T) {
	for _, b := range backends() {
		t.Run(b.name, func(t *testing.T) {
			e := newEnv(t, b.open(t))
			e.org("acme", "ann", map[string]authz.Role{"bob": authz.Owner, "cy": authz.Member, "dee": authz.Viewer})
			tokens := map[string]string{}
			for _, p := range []string{"ann", "bob", "cy", "dee"} {
				tokens[p] = e.token(p)
				if s, body := e.do("GET", "/api/v1/orgs/acme", tokens[p], nil); s != 200 {
					t.Fatalf("%s before: %d %s", p, s, body)
				}
			}
			gone := errorBody(404, "not_found", `organization "acme" not found: check the slug, or list yours with `+"`clonit cloud org list`")
			steps := []struct {
				name, method, path, actor string
				status                    int
				body                      string
			}{
				{"cy is removed", "DELETE", "/api/v1/orgs/acme/members/cy@example.com", "ann", 204, ""},
				{"cy's token", "GET", "/api/v1/orgs/acme", "cy", 404, gone},
				{"cy's token on members", "GET", "/api/v1/orgs/acme/members", "cy", 404, gone},
				{"dee leaves", "POST", "/api/v1/orgs/acme/leave", "dee", 204, ""},
				{"dee's token", "GET", "/api/v1/orgs/acme/members", "dee", 404, gone},
				{"dee leaves again", "POST", "/api/v1/orgs/acme/leave", "dee", 404, gone},
				{"an owner who is not the last leaves", "POST", "/api/v1/orgs/acme/leave", "bob", 204, ""},
				{"bob's token", "GET", "/api/v1/orgs/acme", "bob", 404, gone},
				{"the last owner may not leave", "POST", "/api/v1/orgs/acme/leave", "ann", 409,
					errorBody(409, "conflict", "you are the last owner of acme and cannot leave: transfer ownership first with `clonit cloud org transfer --to EMAIL --confirm-org acme --confirm-member EMAIL`")},
				{"ann is still in", "GET", "/api/v1/orgs/acme", "ann", 200, ""},
			}
			for _, st := range steps {
				status, body := e.do(st.method, st.path, tokens[st.actor], nil)
				if status != st.status || (st.body != "" && body != st.body) {
					t.Errorf("%s: %d %s\nwant %d %s", st.name, status, body, st.status, st.body)
				}
			}
			var me api.Me
			_, body := e.do("GET", "/api/v1/me", tokens["dee"], nil)
			if json.Unmarshal([]byte(body), &me); len(me.Orgs) != 0 {
				t.Errorf("dee still lists orgs: %s", body)
			}
		})
	}
}
