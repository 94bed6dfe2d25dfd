package httpapi_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/clonit/clonit/internal/cloud"
	"github.com/clonit/clonit/internal/cloud/authz"
)

// The credentials the target tests store; none may ever appear in a masked answer, the
// audit log or the database.
const (
	targetPassword = "hunter2-PLAIN-pw"
	dstPassword    = "dst-PLAIN-pw"
	accessKey      = "AKIA-ACCESS-77"
	secretKey      = "storage-SECRET-9f3a"
)

var (
	teamProfile = map[string]any{"name": "team-s3", "provider": "s3", "bucket": "snaps", "region": "eu-west-1",
		"access_key": accessKey, "secret_key": secretKey}
	shopTarget = map[string]any{"name": "shop", "db_type": "postgres",
		"src_url":         "postgres://app:" + targetPassword + "@db.internal:5432/shop",
		"dst_url":         "postgres://localhost/shop_dev?password=" + dstPassword,
		"storage_profile": "team-s3"}
)

// norm drops the timestamps of a JSON answer (an object or an array of objects) and
// re-encodes it with sorted keys, so that answers compare as text.
func norm(t *testing.T, body string) string {
	t.Helper()
	var v any
	if err := json.Unmarshal([]byte(body), &v); err != nil {
		t.Fatalf("answer is not JSON: %v\n%s", err, body)
	}
	var drop func(v any)
	drop = func(v any) {
		switch x := v.(type) {
		case map[string]any:
			delete(x, "created_at")
			delete(x, "updated_at")
		case []any:
			for _, e := range x {
				drop(e)
			}
		}
	}
	drop(v)
	b, _ := json.Marshal(v)
	return string(b)
}

// step is one request of a scenario and the answer it must get: wantBody is compared
// after norm for 2xx answers, as is for errors.
type step struct {
	name     string
	method   string
	path     string
	who      string
	body     any
	status   int
	wantBody string
}

func (e *env) run(t *testing.T, steps []step) {
	t.Helper()
	for _, s := range steps {
		status, got := e.do(s.method, s.path, e.token(s.who), s.body)
		if status/100 == 2 && got != "" {
			got = norm(t, got)
		}
		if status != s.status || got != s.wantBody {
			t.Errorf("%s: %s %s as %s = %d\n%s\nwant %d\n%s", s.name, s.method, s.path, s.who, status, got, s.status, s.wantBody)
		}
	}
}

const (
	maskedShop = `{"created_by":"mia@example.com","db_type":"postgres","dst_url":"postgres://localhost/shop_dev?password=****",` +
		`"name":"shop","src_url":"postgres://app:****@db.internal:5432/shop","storage_profile":"team-s3","updated_by":"mia@example.com"}`
	revealedShop = `{"created_by":"mia@example.com","db_type":"postgres","dst_url":"postgres://localhost/shop_dev?password=` + dstPassword + `",` +
		`"name":"shop","revealed":true,"src_url":"postgres://app:` + targetPassword + `@db.internal:5432/shop","storage_profile":"team-s3","updated_by":"mia@example.com"}`
	maskedProfile = `{"access_key":"` + accessKey + `","bucket":"snaps","created_by":"mia@example.com","name":"team-s3","provider":"s3",` +
		`"region":"eu-west-1","secret_key":"****","updated_by":"mia@example.com"}`
)

// TestTargets walks the life of a shared target and storage profile: a member creates
// them, a viewer sees them masked and can neither change nor reveal them, a member reveals
// them, updates keep or drop credentials as the rules say, and the audit log records every
// change and reveal without a credential.
func TestTargets(t *testing.T) {
	for _, b := range backends() {
		t.Run(b.name, func(t *testing.T) {
			e := newEnv(t, b.open(t))
			acme := e.org("acme", "olga", map[string]authz.Role{"mia": authz.Member, "vic": authz.Viewer})
			const tp, pp = "/api/v1/orgs/acme/targets", "/api/v1/orgs/acme/storage-profiles"
			e.run(t, []step{
				{"a target naming a profile the org lacks", "POST", tp, "mia", shopTarget, 400,
					errorBody(400, "invalid", `storage profile "team-s3" does not exist in acme: create it first (`+"`clonit cloud sync`"+` sends storage profiles before targets)`)},
				{"member creates a profile", "POST", pp, "mia", teamProfile, 201, maskedProfile},
				{"member creates a target", "POST", tp, "mia", shopTarget, 201, maskedShop},
				{"the name is taken", "POST", tp, "mia", shopTarget, 409,
					errorBody(409, "conflict", `the organization already has a target named "shop"`)},
				{"viewer lists targets", "GET", tp, "vic", nil, 200, "[" + maskedShop + "]"},
				{"viewer shows the target", "GET", tp + "/shop", "vic", nil, 200, maskedShop},
				{"viewer lists profiles", "GET", pp, "vic", nil, 200, "[" + maskedProfile + "]"},
				{"viewer cannot change it", "PUT", tp + "/shop", "vic", shopTarget, 403,
					errorBody(403, "forbidden", "your role in acme is viewer, which cannot create, change or delete the org's targets: ask an admin or owner of the organization")},
				{"viewer cannot delete it", "DELETE", tp + "/shop", "vic", nil, 403,
					errorBody(403, "forbidden", "your role in acme is viewer, which cannot create, change or delete the org's targets: ask an admin or owner of the organization")},
				{"viewer cannot reveal it", "POST", tp + "/shop/reveal", "vic", nil, 403,
					errorBody(403, "forbidden", "your role in acme is viewer, which cannot reveal the credentials of targets and storage profiles (viewers see them masked): ask an admin or owner of the organization")},
				{"viewer cannot reveal a profile", "POST", pp + "/team-s3/reveal", "vic", nil, 403,
					errorBody(403, "forbidden", "your role in acme is viewer, which cannot reveal the credentials of targets and storage profiles (viewers see them masked): ask an admin or owner of the organization")},
				{"member reveals the target", "POST", tp + "/shop/reveal", "mia", nil, 200, revealedShop},
				{"member reveals the profile", "POST", pp + "/team-s3/reveal", "mia", nil, 200,
					`{"access_key":"` + accessKey + `","bucket":"snaps","created_by":"mia@example.com","name":"team-s3","provider":"s3",` +
						`"region":"eu-west-1","revealed":true,"secret_key":"` + secretKey + `","updated_by":"mia@example.com"}`},
				{"sending back what was read changes nothing", "PUT", tp + "/shop", "mia",
					map[string]any{"db_type": "postgres", "src_url": "postgres://app:****@db.internal:5432/shop",
						"dst_url": "postgres://localhost/shop_dev?password=****", "storage_profile": "team-s3"}, 200, maskedShop},
				{"owner changes the jobs, keeping the masked passwords", "PUT", tp + "/shop", "olga",
					map[string]any{"db_type": "postgres", "src_url": "postgres://app:****@db.internal:5432/shop",
						"dst_url": "postgres://localhost/shop_dev?password=", "storage_profile": "team-s3", "dump_jobs": 4}, 200,
					`{"created_by":"mia@example.com","db_type":"postgres","dst_url":"postgres://localhost/shop_dev?password=****","dump_jobs":4,` +
						`"name":"shop","src_url":"postgres://app:****@db.internal:5432/shop","storage_profile":"team-s3","updated_by":"olga@example.com"}`},
				{"the passwords were kept", "POST", tp + "/shop/reveal", "mia", nil, 200,
					strings.Replace(strings.Replace(revealedShop, `,"name"`, `,"dump_jobs":4,"name"`, 1), `"updated_by":"mia@example.com"`, `"updated_by":"olga@example.com"`, 1)},
				{"a masked password on another host is missing", "PUT", tp + "/shop", "mia",
					map[string]any{"db_type": "postgres", "src_url": "postgres://app:****@db2.internal:5432/shop"}, 200,
					`{"created_by":"mia@example.com","db_type":"postgres","name":"shop","src_url":"postgres://app:@db2.internal:5432/shop","updated_by":"mia@example.com"}`},
				{"targets are not renamed", "PUT", tp + "/shop", "mia", map[string]any{"name": "shop2", "db_type": "sqlite", "src_url": "/d.db"}, 400,
					errorBody(400, "invalid", `the body names target "shop2" but the path "shop": targets cannot be renamed; create the new one and delete the old`)},
				{"a bad URL is refused without repeating it", "POST", tp, "mia", map[string]any{"name": "bad", "db_type": "postgres", "src_url": "mysql://u:" + targetPassword + "@h/db"}, 400,
					errorBody(400, "invalid", `target "bad": src_url must be a postgres:// or postgresql:// URL`)},
				{"a profile without its secret key", "POST", pp, "mia", map[string]any{"name": "bare", "provider": "s3", "bucket": "b", "access_key": "AKIA-BARE"}, 201,
					`{"access_key":"AKIA-BARE","bucket":"b","created_by":"mia@example.com","name":"bare","provider":"s3","updated_by":"mia@example.com"}`},
				{"an unused profile is deleted", "DELETE", pp + "/bare", "mia", nil, 204, ""},
				{"member points the target at the profile", "PUT", tp + "/shop", "mia",
					map[string]any{"db_type": "postgres", "src_url": "postgres://app:@db2.internal:5432/shop", "storage_profile": "team-s3"}, 200,
					`{"created_by":"mia@example.com","db_type":"postgres","name":"shop","src_url":"postgres://app:@db2.internal:5432/shop","storage_profile":"team-s3","updated_by":"mia@example.com"}`},
				{"a profile in use stays", "DELETE", pp + "/team-s3", "mia", nil, 409,
					errorBody(409, "conflict", `storage profile "team-s3" is used by the org's targets shop: change or delete them first`)},
				{"an unknown target", "GET", tp + "/nope", "vic", nil, 404,
					errorBody(404, "not_found", "target \"nope\" not found in acme: list the org's targets with `clonit cloud targets list`")},
				{"member deletes the target", "DELETE", tp + "/shop", "mia", nil, 204, ""},
				{"then the profile", "DELETE", pp + "/team-s3", "mia", nil, 204, ""},
			})
			checkAudit(t, e, acme, []string{
				"storage_profile.delete team-s3: s3 snaps",
				"target.delete shop: postgres",
				"target.update shop: changed storage_profile",
				"storage_profile.delete bare: s3 b",
				"storage_profile.create bare: s3 b, without its secret key",
				"target.update shop: changed src_url, dst_url, storage_profile, dump_jobs",
				"target.reveal shop: credentials revealed for sync",
				"target.update shop: changed dump_jobs",
				"storage_profile.reveal team-s3: credentials revealed for sync",
				"target.reveal shop: credentials revealed for sync",
				"target.create shop: postgres, storage profile team-s3",
				"storage_profile.create team-s3: s3 snaps",
			})
		})
	}
}

// checkAudit compares the org's audit events about targets and storage profiles, newest
// first, as "action target: detail", and checks that no credential is in any event.
func checkAudit(t *testing.T, e *env, org cloud.Org, want []string) {
	t.Helper()
	evs, err := e.st.AuditEvents(t.Context(), org.ID, cloud.AuditFilter{Limit: 1000})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, ev := range evs {
		line := ev.Action + " " + ev.Target + ": " + ev.Detail
		for _, secret := range []string{targetPassword, dstPassword, secretKey} {
			if strings.Contains(line, secret) {
				t.Errorf("audit event holds a credential: %s", line)
			}
		}
		if strings.HasPrefix(ev.Action, "target.") || strings.HasPrefix(ev.Action, "storage_profile.") {
			got = append(got, line)
		}
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("audit log:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}
