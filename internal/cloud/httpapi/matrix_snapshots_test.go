package httpapi_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/clonit/clonit/internal/api"
	"github.com/clonit/clonit/internal/cloud"
	"github.com/clonit/clonit/internal/errs"
)

// The snapshot matrix: every snapshot endpoint for every person and every API key, on a
// fresh org holding six snapshots of every kind of visibility:
//
//	{private}  the org's, shared with nobody: owners and admins only
//	{shared}   the org's, shared org-wide
//	{group}    the org's, shared with group team-member (the member's group)
//	{outward}  the org's, shared with nobody in it but with the org elsewhere
//	{foreign}  another org's, shared with this org
//	{theirs}   another org's, shared with nobody
//
// and {upload}, an upload member2 started. {mine} is an upload the caller started, its
// bytes sent, with the very credential of the call; for a caller who may not start one, it
// is member2's. Keys act as members at most: even the owner's key sees only what a member
// sees.
type snapEndpoint struct {
	name   string
	method string
	path   string
	status int
	// allowed get status; hidden get the 404 of a snapshot (or upload) never issued, body
	// and all; every other caller of the org gets 403; callers outside it the 404 of an org
	// never created; anonymous 401.
	allowed []string
	hidden  []string
	changes bool
}

var (
	pullKeys     = []string{orgKey, orgPullKey, ownerKey, adminKey, memberKey, viewerKey}
	pushCapable  = []string{orgKey, orgPushKey, ownerKey, adminKey, memberKey, viewerKey}
	notGroupKeys = []string{orgKey, orgPushKey, ownerKey, adminKey, viewerKey}
	peopleKeys   = append(slices.Clone(members), thisOrgKeys...)
	// pushers are the callers that may push: members and up, and keys with push
	// permission acting as a member or above.
	pushers = with(adminsUp, []string{member, orgKey, orgPushKey, ownerKey, adminKey, memberKey})
)

// with returns the union of caller lists.
func with(lists ...[]string) []string {
	var out []string
	for _, l := range lists {
		out = append(out, l...)
	}
	return out
}

var snapEndpoints = []snapEndpoint{
	{"list", "GET", "/snapshots", 200, peopleKeys, nil, false},
	{"list shared", "GET", "/snapshots?shared=true", 200, peopleKeys, nil, false},
	{"show private", "GET", "/snapshots/{private}", 200, adminsUp, with([]string{member, viewer}, thisOrgKeys), false},
	{"show private by prefix", "GET", "/snapshots/{private8}", 200, adminsUp, with([]string{member, viewer}, thisOrgKeys), false},
	{"show shared", "GET", "/snapshots/{shared}", 200, peopleKeys, nil, false},
	{"show group", "GET", "/snapshots/{group}", 200, with(adminsUp, []string{member, memberKey}), with([]string{viewer, orgPullKey, orgReadKey}, notGroupKeys), false},
	{"show foreign", "GET", "/snapshots/{foreign}", 200, peopleKeys, nil, false},
	{"show theirs", "GET", "/snapshots/{theirs}", 200, nil, peopleKeys, false},
	{"pull shared", "GET", "/snapshots/{shared}/download", 200, with(members, pullKeys), nil, false},
	{"pull private", "GET", "/snapshots/{private}/download", 200, adminsUp, with([]string{member, viewer}, pullKeys), false},
	{"pull foreign", "GET", "/snapshots/{foreign}/download", 200, with(members, pullKeys), nil, false},
	{"delete private", "DELETE", "/snapshots/{private}", 204, adminsUp, with([]string{member, viewer}, pushCapable), true},
	{"delete shared", "DELETE", "/snapshots/{shared}", 204, with(adminsUp, []string{member, orgKey, orgPushKey, ownerKey, adminKey, memberKey}), nil, true},
	{"delete group", "DELETE", "/snapshots/{group}", 204, with(adminsUp, []string{member, memberKey}), with([]string{viewer}, notGroupKeys), true},
	{"delete foreign", "DELETE", "/snapshots/{foreign}", 204, nil, nil, true},
	{"delete theirs", "DELETE", "/snapshots/{theirs}", 204, nil, with(members, pushCapable), true},
	{"share private org-wide", "PUT", "/snapshots/{private}/shares/org", 200, adminsUp, with([]string{member, viewer}, pushCapable), true},
	{"share group org-wide", "PUT", "/snapshots/{group}/shares/org", 200, with(adminsUp, []string{member, memberKey}), with([]string{viewer}, notGroupKeys), true},
	{"share shared with a group", "PUT", "/snapshots/{shared}/shares/groups/ops", 200, with(adminsUp, []string{member, orgKey, orgPushKey, ownerKey, adminKey, memberKey}), nil, true},
	{"unshare group from its group", "DELETE", "/snapshots/{group}/shares/groups/team-member", 200, with(adminsUp, []string{member, memberKey}), with([]string{viewer}, notGroupKeys), true},
	{"share with another org", "PUT", "/snapshots/{shared}/shares/orgs/elsewhere", 200, adminsUp, nil, true},
	{"unshare from another org", "DELETE", "/snapshots/{outward}/shares/orgs/elsewhere", 200, adminsUp, with([]string{member, viewer}, pushCapable), true},
	{"unshare shared from another org it was never shared with", "DELETE", "/snapshots/{shared}/shares/orgs/elsewhere", 200, adminsUp, nil, false},
	{"unshare shared org-wide", "DELETE", "/snapshots/{shared}/shares/org", 200, pushers, nil, true},
	{"unshare group org-wide, never shared so", "DELETE", "/snapshots/{group}/shares/org", 200, with(adminsUp, []string{member, memberKey}), with([]string{viewer}, notGroupKeys), false},
	{"unshare foreign", "DELETE", "/snapshots/{foreign}/shares/org", 200, nil, nil, true},
	{"unshare foreign from this org", "DELETE", "/snapshots/{foreign}/shares/orgs/{org}", 200, nil, nil, true},
	{"share theirs", "PUT", "/snapshots/{theirs}/shares/org", 200, nil, with(members, pushCapable), true},
	{"start an upload", "POST", "/uploads", 201, pushers, nil, false},
	{"complete one's upload", "POST", "/uploads/{mine}/complete", 200, pushers, nil, true},
	{"complete another's upload", "POST", "/uploads/{upload}/complete", 200, nil, pushers, false},
	{"abort one's upload", "DELETE", "/uploads/{mine}", 204, pushers, nil, true},
	{"abort another's upload", "DELETE", "/uploads/{upload}", 204, nil, pushers, false},
}

// TestSnapshotMatrix walks every snapshot endpoint for every person and key caller.
func TestSnapshotMatrix(t *testing.T) {
	for _, b := range backends() {
		t.Run(b.name, func(t *testing.T) {
			e, foreign := newMachineEnv(t, b.open(t))
			elsewhere := e.orgOf("elsewhere")
			n := 0
			for _, ep := range snapEndpoints {
				for _, caller := range append(slices.Clone(callers), allKeys...) {
					n++
					slug := fmt.Sprintf("s%d", n)
					t.Run(ep.name+"/"+caller, func(t *testing.T) {
						e.t = t
						checkSnapCell(e, ep, caller, slug, foreign, elsewhere)
					})
				}
			}
		})
	}
}

// snapCell is the org of one cell, its snapshots and its uploads.
type snapCell struct {
	org     cloud.Org
	caller  string
	snaps   map[string]cloud.Snapshot
	uploads map[string]string // "upload" (member2's) and "mine": their IDs
}

// snapNames are the cell's snapshots, as their placeholders name them.
var snapNames = []string{"private", "shared", "group", "outward", "foreign", "theirs"}

// newSnapCell builds the org of a cell with its six snapshots and member2's upload.
func newSnapCell(e *env, slug, caller string, elsewhere cloud.Org) *snapCell {
	ctx := context.Background()
	org := e.org(slug, owner, roster)
	c := &snapCell{org: org, caller: caller, snaps: map[string]cloud.Snapshot{}, uploads: map[string]string{}}
	by := e.user("member2").ID
	for _, name := range []string{"private", "shared", "group", "outward"} {
		c.snaps[name] = e.plantSnapshot(org, name, nil, by)
	}
	c.snaps["foreign"] = e.plantSnapshot(elsewhere, "foreign", nil, "")
	c.snaps["theirs"] = e.plantSnapshot(elsewhere, "theirs", nil, "")
	for _, err := range []error{
		second(e.st.SetOrgShare(ctx, c.snaps["shared"].ID, true)),
		second(e.st.ShareWithGroup(ctx, c.snaps["group"].ID, "team-member", true)),
		second(e.st.ShareWithOrg(ctx, c.snaps["foreign"].ID, org.ID, true)),
		second(e.st.ShareWithOrg(ctx, c.snaps["outward"].ID, elsewhere.ID, true)),
	} {
		must(e.t, err)
	}
	up := cloud.Snapshot{OrgID: org.ID, Target: "shop", Name: "upload", Type: "snapshot", Size: 1, SHA256: strings.Repeat("b", 64),
		PushedBy: by, ExpiresAt: time.Now().Add(time.Hour)}
	must(e.t, e.st.CreateUpload(ctx, &up))
	c.uploads["upload"], c.uploads["mine"] = up.ID, up.ID
	return c
}

// fill returns the replacer of the placeholders of the cell's paths, for the org slug.
func (c *snapCell) fill(slug string) *strings.Replacer {
	r := []string{"{org}", slug, "{self}", email(c.caller), "{private8}", c.snaps["private"].ID[:8],
		"{upload}", c.uploads["upload"], "{mine}", c.uploads["mine"]}
	for _, name := range snapNames {
		r = append(r, "{"+name+"}", c.snaps[name].ID)
	}
	return strings.NewReplacer(r...)
}

// startUpload starts an upload as the caller with token and sends its bytes, as `clonit
// push --cloud` does, so that {mine} names it. A caller who may not push keeps member2's.
func (c *snapCell) startUpload(e *env, token string) {
	data := []byte("mine")
	status, body := e.do("POST", "/api/v1/orgs/"+c.org.Slug+"/uploads", token, pushReq("mine", data))
	if status != http.StatusCreated {
		return
	}
	var up api.Upload
	must(e.t, json.Unmarshal([]byte(body), &up))
	req, err := http.NewRequest("PUT", up.URL, bytes.NewReader(data))
	must(e.t, err)
	resp, err := e.srv.Client().Do(req)
	must(e.t, err)
	resp.Body.Close()
	if resp.StatusCode/100 != 2 {
		e.t.Fatalf("send the bytes of the caller's upload: %s", resp.Status)
	}
	c.uploads["mine"] = up.ID
}

// state is what a call may change: the org's members and audit log, for each of the
// cell's snapshots whether it exists and its shares, and which uploads are in progress.
func (c *snapCell) state(e *env) string {
	ctx := context.Background()
	var b strings.Builder
	b.WriteString(e.state(c.org))
	for _, name := range []string{"upload", "mine"} {
		_, err := e.st.Upload(ctx, c.org.ID, c.uploads[name])
		if err != nil && !errors.Is(err, errs.ErrNotFound) {
			e.t.Fatal(err)
		}
		fmt.Fprintf(&b, "| upload %s in progress=%v ", name, err == nil)
	}
	for _, name := range snapNames {
		s := c.snaps[name]
		found, err := e.st.VisibleByPrefix(ctx, cloud.Viewer{OrgID: s.OrgID, All: true}, s.ID, 1)
		must(e.t, err)
		sh, err := e.st.SnapshotShares(ctx, s.ID)
		must(e.t, err)
		fmt.Fprintf(&b, "| %s exists=%v org=%v groups=%v orgs=%d ", name, len(found) == 1, sh.Org, sh.Groups, len(sh.Orgs))
	}
	return b.String()
}

func checkSnapCell(e *env, ep snapEndpoint, caller, slug, foreign string, elsewhere cloud.Org) {
	t := e.t
	c := newSnapCell(e, slug, caller, elsewhere)
	token := e.bearer(caller, c.org, foreign)
	if strings.Contains(ep.path, "{mine}") {
		c.startUpload(e, token)
	}
	path := c.fill(slug).Replace("/api/v1/orgs/{org}" + ep.path)
	var body any
	if ep.method == "POST" && ep.path == "/uploads" {
		body = pushReq("new", []byte("new"))
	}
	before := c.state(e)
	status, got := e.do(ep.method, path, token, body)
	after := c.state(e)

	if slices.Contains(ep.allowed, caller) {
		if status != ep.status {
			t.Fatalf("%s %s as %s = %d %s, want %d", ep.method, path, caller, status, got, ep.status)
		}
		if ep.changes && after == before {
			t.Errorf("%s %s as %s was allowed but changed nothing: %s", ep.method, path, caller, after)
		}
		if !ep.changes && after != before {
			t.Errorf("%s %s as %s changed something:\nbefore %s\n after %s", ep.method, path, caller, before, after)
		}
		return
	}
	if after != before {
		t.Errorf("denied %s %s as %s changed something:\nbefore %s\n after %s", ep.method, path, caller, before, after)
	}
	var want int
	var never string // the same request for something never issued or never created
	switch {
	case caller == anonymous:
		want = http.StatusUnauthorized
	case caller == outsider || caller == otherOrg || caller == foreignKey:
		want = http.StatusNotFound
		never = c.fill("never-created").Replace("/api/v1/orgs/{org}" + ep.path)
		_, unknown := e.do(ep.method, never, token, body)
		if wantBody := strings.ReplaceAll(unknown, "never-created", slug); got != wantBody {
			t.Errorf("404 body for %s differs from an org never created:\n got %s\nwant %s", caller, got, wantBody)
		}
	case slices.Contains(ep.hidden, caller):
		want = http.StatusNotFound
		ref := c.fill(slug).Replace(hiddenRef(ep.path))
		fake := neverIssued[:len(ref)]
		_, unknown := e.do(ep.method, strings.Replace(path, ref, fake, 1), token, body)
		if wantBody := strings.ReplaceAll(unknown, fake, ref); got != wantBody {
			t.Errorf("404 body for %s differs from an ID never issued:\n got %s\nwant %s", caller, got, wantBody)
		}
	default:
		want = http.StatusForbidden
	}
	if status != want {
		t.Fatalf("%s %s as %s = %d %s, want denied with %d", ep.method, path, caller, status, got, want)
	}
}

// hiddenRef returns the placeholder of the snapshot or upload that path names.
func hiddenRef(path string) string {
	for _, p := range []string{"{private8}", "{private}", "{shared}", "{group}", "{outward}", "{foreign}", "{theirs}", "{upload}", "{mine}"} {
		if strings.Contains(path, p) {
			return p
		}
	}
	return ""
}

// second returns the error of a (value, error) pair.
func second[T any](_ T, err error) error { return err }
