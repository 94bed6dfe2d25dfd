package httpapi_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/clonit/clonit/internal/api"
	"github.com/clonit/clonit/internal/apiclient"
	"github.com/clonit/clonit/internal/blob"
	"github.com/clonit/clonit/internal/cloud"
	"github.com/clonit/clonit/internal/cloud/authz"
	"github.com/clonit/clonit/internal/cloud/blobstore"
	"github.com/clonit/clonit/internal/errs"
)

// neverIssued is a well-formed snapshot ID that no store made.
const neverIssued = "zzzzzzzzzzzzzzzzzzzzzzzzzz"

// payload returns n bytes that differ from those of another seed.
func payload(n int, seed byte) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(i*7) ^ seed
	}
	return b
}

// sum12 is the start of the hex SHA-256 of b, as messages show it.
func sum12(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])[:12]
}

// names lists the names of snapshots, in order.
func names(ss []api.CloudSnapshot) []string {
	out := []string{}
	for _, s := range ss {
		out = append(out, s.Name)
	}
	return out
}

// checkAPIErr fails unless err is of kind with exactly message msg.
func checkAPIErr(t *testing.T, err, kind error, msg string) {
	t.Helper()
	if !errors.Is(err, kind) || errs.Public(err, "") != msg {
		t.Errorf("error = %v, want %v %q", err, kind, msg)
	}
}

// TestPushShareAndPull is the team workflow through the typed client: a member's push is
// private, the owner shares it org-wide, a viewer pulls it but may not delete it, and
// unsharing hides it again.
func TestPushShareAndPull(t *testing.T) {
	for _, b := range backends() {
		t.Run(b.name, func(t *testing.T) {
			e := newEnv(t, b.open(t))
			e.org("acme", "ada", map[string]authz.Role{"mia": authz.Member, "vic": authz.Viewer})
			ctx := context.Background()
			ada, mia, vic := e.client(e.token("ada")), e.client(e.token("mia")), e.client(e.token("vic"))

			data := payload(300_000, 1)
			snap, err := mia.PushSnapshot(ctx, "acme", pushReq("shop-1", data), bytes.NewReader(data))
			if err != nil {
				t.Fatalf("PushSnapshot: %v", err)
			}
			if snap.Shared || snap.Size != int64(len(data)) || snap.PushedBy != "mia@example.com" || snap.Org != "acme" {
				t.Errorf("pushed snapshot = %+v", snap)
			}
			list := func(c *apiclient.Client, shared bool) []string {
				t.Helper()
				ss, err := c.AllSnapshots(ctx, "acme", shared)
				if err != nil {
					t.Fatalf("AllSnapshots: %v", err)
				}
				return names(ss)
			}
			hidden := `snapshot "` + snap.ID[:8] + `" not found: list the snapshots you can see with ` + "`clonit cloud snapshots`"
			if got := list(mia, false); len(got) != 0 {
				t.Errorf("the member lists %q before any share, want nothing", got)
			}
			_, err = vic.PullSnapshot(ctx, "acme", snap.ID[:8], &bytes.Buffer{})
			checkAPIErr(t, err, errs.ErrNotFound, hidden)
			if got := list(ada, false); !slices.Equal(got, []string{"shop-1"}) {
				t.Errorf("the owner lists %q, want [shop-1]", got)
			}
			shown, err := ada.Snapshot(ctx, "acme", snap.ID[:6])
			if err != nil || shown.Shares == nil || shown.Shares.Org || len(shown.Shares.Groups)+len(shown.Shares.Orgs) != 0 {
				t.Errorf("Snapshot = %+v, %v; want it with no shares", shown, err)
			}

			if _, err := ada.ShareSnapshot(ctx, "acme", snap.ID[:8], apiclient.ShareTarget{Org: true}); err != nil {
				t.Fatalf("ShareSnapshot: %v", err)
			}
			shared, err := mia.Snapshots(ctx, "acme", apiclient.SnapshotQuery{Shared: true})
			if err != nil || len(shared.Snapshots) != 1 || !shared.Snapshots[0].Shared {
				t.Errorf("the member's shared list = %+v, %v; want the snapshot, shared", shared, err)
			}
			var got bytes.Buffer
			if _, err := vic.PullSnapshot(ctx, "acme", snap.ID[:8], &got); err != nil || !bytes.Equal(got.Bytes(), data) {
				t.Errorf("the viewer's pull = %d bytes, %v; want the %d bytes pushed", got.Len(), err, len(data))
			}
			checkAPIErr(t, vic.DeleteSnapshot(ctx, "acme", snap.ID), errs.ErrPermission,
				"your role in acme is viewer, which cannot delete snapshots: ask an admin or owner of the organization")

			if _, err := ada.UnshareSnapshot(ctx, "acme", snap.ID, apiclient.ShareTarget{Org: true}); err != nil {
				t.Fatalf("UnshareSnapshot: %v", err)
			}
			if got := list(mia, false); len(got) != 0 {
				t.Errorf("the member lists %q after the unshare, want nothing", got)
			}
			events, err := e.st.AuditEvents(ctx, e.orgID("acme"), cloud.AuditFilter{Limit: 10})
			must(t, err)
			var log []string
			for _, ev := range events {
				log = append(log, ev.ActorEmail+" "+ev.Action+" "+ev.Detail)
			}
			want := []string{"ada@example.com snapshot.unshare the whole organization", "ada@example.com snapshot.share the whole organization",
				"mia@example.com snapshot.push shop shop-1"}
			if !slices.Equal(log, want) {
				t.Errorf("audit log = %q, want %q", log, want)
			}
		})
	}
}

// TestMultipartPush pushes an object larger than the part size: it goes up in parts and
// comes back whole.
func TestMultipartPush(t *testing.T) {
	e := newEnv(t, backends()[0].open(t))
	e.org("acme", "ada", nil)
	ctx := context.Background()
	ada := e.client(e.token("ada"))
	data := payload(2*blobstore.MinPartSize+1000, 2)
	up, err := ada.CreateUpload(ctx, "acme", pushReq("big", data))
	if err != nil || len(up.Parts) != 3 || up.URL != "" {
		t.Fatalf("CreateUpload = %+v, %v; want 3 parts", up, err)
	}
	must(t, ada.AbortUpload(ctx, "acme", up.ID))
	snap, err := ada.PushSnapshot(ctx, "acme", pushReq("big", data), bytes.NewReader(data))
	if err != nil {
		t.Fatalf("PushSnapshot: %v", err)
	}
	var got bytes.Buffer
	if _, err := ada.PullSnapshot(ctx, "acme", snap.ID, &got); err != nil || !bytes.Equal(got.Bytes(), data) {
		t.Errorf("pull = %d bytes, %v; want the %d bytes pushed", got.Len(), err, len(data))
	}
}

// TestTamperedUploads: an upload whose stored bytes do not match what it announced is
// rejected, removed from storage and never visible, to anyone.
func TestTamperedUploads(t *testing.T) {
	e := newEnv(t, backends()[0].open(t))
	e.org("acme", "ada", map[string]authz.Role{"mia": authz.Member})
	ctx := context.Background()
	ada, mia := e.client(e.token("ada")), e.client(e.token("mia"))
	data := payload(1000, 3)
	other := payload(1000, 4)
	big := payload(2*blobstore.MinPartSize+10, 5)

	tests := []struct {
		name string
		req  api.CreateUploadRequest
		send func(up *api.Upload) error
		msg  string
	}{
		{"fewer bytes than announced", pushReq("short", data), func(up *api.Upload) error {
			return ada.Upload(ctx, up.URL, bytes.NewReader(data[:999]), 999)
		}, "storage holds 999 bytes with SHA-256 " + sum12(data[:999]) + ", but the push announced 1000 bytes with SHA-256 " + sum12(data) + ": the upload was discarded; push again"},
		{"other bytes of the same size", pushReq("swapped", data), func(up *api.Upload) error {
			return ada.Upload(ctx, up.URL, bytes.NewReader(other), 1000)
		}, "storage holds 1000 bytes with SHA-256 " + sum12(other) + ", but the push announced 1000 bytes with SHA-256 " + sum12(data) + ": the upload was discarded; push again"},
		{"nothing sent", pushReq("empty", data), func(*api.Upload) error { return nil },
			"nothing was uploaded to the upload's URL, so the upload was discarded: push again"},
		{"a missing part", pushReq("holey", big), func(up *api.Upload) error {
			p := up.Parts[0]
			return ada.Upload(ctx, p.URL, bytes.NewReader(big[p.Offset:p.Offset+p.Size]), p.Size)
		}, "the upload is incomplete (part 2 of 3 was never uploaded: upload every part, then complete) and was discarded: push again"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			up, err := ada.CreateUpload(ctx, "acme", tt.req)
			if err != nil {
				t.Fatal(err)
			}
			must(t, tt.send(up))
			_, err = ada.CompleteUpload(ctx, "acme", up.ID)
			checkAPIErr(t, err, errs.ErrInvalid, tt.msg)
			if ss, err := ada.AllSnapshots(ctx, "acme", false); err != nil || len(ss) != 0 {
				t.Errorf("the owner lists %q after a rejected upload, want nothing", names(ss))
			}
			_, err = ada.Snapshot(ctx, "acme", up.ID)
			checkAPIErr(t, err, errs.ErrNotFound, `snapshot "`+up.ID+`" not found: list the snapshots you can see with `+"`clonit cloud snapshots`")
			if _, err := e.api().Blobs().Stat(ctx, (cloud.Snapshot{OrgID: e.orgID("acme"), ID: up.ID}).Key()); !errors.Is(err, blob.ErrNotExist) {
				t.Errorf("storage still holds the rejected object: %v", err)
			}
			_, err = ada.CompleteUpload(ctx, "acme", up.ID)
			checkAPIErr(t, err, errs.ErrNotFound, `upload "`+up.ID+`" not found: it was completed, discarded or never started; push again`)
		})
	}

	t.Run("only the credential that started an upload completes it", func(t *testing.T) {
		up, err := ada.CreateUpload(ctx, "acme", pushReq("ada's", data))
		must(t, err)
		must(t, ada.Upload(ctx, up.URL, bytes.NewReader(data), int64(len(data))))
		_, err = mia.CompleteUpload(ctx, "acme", up.ID)
		checkAPIErr(t, err, errs.ErrNotFound, `upload "`+up.ID+`" not found: it was completed, discarded or never started; push again`)
		if _, err := ada.CompleteUpload(ctx, "acme", up.ID); err != nil {
			t.Errorf("the uploader's CompleteUpload: %v", err)
		}
	})

	t.Run("a signed URL works for its object and method only", func(t *testing.T) {
		up, err := ada.CreateUpload(ctx, "acme", pushReq("signed", data))
		must(t, err)
		altered := strings.Replace(up.URL, up.ID, neverIssued, 1)
		checkAPIErr(t, ada.Upload(ctx, altered, bytes.NewReader(data), 1000), errs.ErrPermission,
			"storage refused the upload (403 Forbidden): the link may have expired; run the command again")
		_, err = ada.Download(ctx, up.URL, &bytes.Buffer{})
		checkAPIErr(t, err, errs.ErrPermission, "storage refused the download (403 Forbidden): the link may have expired; run the command again")
	})
}

// TestAbandonedUploadsAreSwept: the janitor discards uploads whose URLs expired, and
// spares completed snapshots.
func TestAbandonedUploadsAreSwept(t *testing.T) {
	e := newEnv(t, backends()[0].open(t))
	e.org("acme", "ada", nil)
	ctx := context.Background()
	ada := e.client(e.token("ada"))
	data := payload(100, 6)
	kept, err := ada.PushSnapshot(ctx, "acme", pushReq("kept", data), bytes.NewReader(data))
	must(t, err)
	single, err := ada.CreateUpload(ctx, "acme", pushReq("abandoned", data))
	must(t, err)
	must(t, ada.Upload(ctx, single.URL, bytes.NewReader(data), 100))
	big := payload(blobstore.MinPartSize+1, 7)
	multi, err := ada.CreateUpload(ctx, "acme", pushReq("abandoned-parts", big))
	must(t, err)
	must(t, ada.Upload(ctx, multi.Parts[0].URL, bytes.NewReader(big[:blobstore.MinPartSize]), blobstore.MinPartSize))

	if n, err := e.api().SweepUploads(ctx, single.ExpiresAt.Add(-time.Second)); err != nil || n != 0 {
		t.Errorf("sweep before expiry = %d, %v; want 0", n, err)
	}
	if n, err := e.api().SweepUploads(ctx, single.ExpiresAt.Add(2*time.Second)); err != nil || n != 2 {
		t.Errorf("sweep after expiry = %d, %v; want 2", n, err)
	}
	for _, id := range []string{single.ID, multi.ID} {
		if _, err := e.api().Blobs().Stat(ctx, (cloud.Snapshot{OrgID: e.orgID("acme"), ID: id}).Key()); !errors.Is(err, blob.ErrNotExist) {
			t.Errorf("storage still holds the swept upload %s: %v", id, err)
		}
		_, err := ada.CompleteUpload(ctx, "acme", id)
		checkAPIErr(t, err, errs.ErrNotFound, `upload "`+id+`" not found: it was completed, discarded or never started; push again`)
	}
	if _, err := ada.Snapshot(ctx, "acme", kept.ID); err != nil {
		t.Errorf("the completed snapshot was swept: %v", err)
	}
}

// TestIDPrefixes: a unique prefix of a visible ID works; an ambiguous one lists only the
// visible candidates; a prefix that only hidden snapshots match answers as one never
// issued.
func TestIDPrefixes(t *testing.T) {
	e := newEnv(t, backends()[0].open(t))
	acme := e.org("acme", "ada", map[string]authz.Role{"mia": authz.Member})
	ctx := context.Background()
	plant := func(id string, shared bool) {
		s := cloud.Snapshot{ID: id, OrgID: acme.ID, Target: "shop", Name: id[:6], Type: "snapshot", Size: 1,
			SHA256: strings.Repeat("a", 64), ExpiresAt: time.Now().Add(time.Hour)}
		must(t, e.st.CreateUpload(ctx, &s))
		must(t, e.st.CompleteUpload(ctx, acme.ID, id, time.Now()))
		if shared {
			_, err := e.st.SetOrgShare(ctx, id, true)
			must(t, err)
		}
	}
	plant("abcde22222222222222222222a", true)
	plant("abcdf22222222222222222222a", true)
	plant("abcdg22222222222222222222a", false)
	tests := []struct {
		name, caller, ref string
		status            int
		body              string
	}{
		{"unique prefix", "mia", "abcde", 200, ""},
		{"ambiguous for a member", "mia", "abcd", 409, errorBody(409, "conflict", `snapshot ID prefix "abcd" matches several snapshots (abcde22222222222222222222a, abcdf22222222222222222222a): give more characters`)},
		{"ambiguous for the owner", "ada", "ABCD", 409, errorBody(409, "conflict", `snapshot ID prefix "ABCD" matches several snapshots (abcde22222222222222222222a, abcdf22222222222222222222a, abcdg22222222222222222222a): give more characters`)},
		{"only a hidden match", "mia", "abcdg", 404, errorBody(404, "not_found", `snapshot "abcdg" not found: list the snapshots you can see with `+"`clonit cloud snapshots`")},
		{"no match at all", "mia", "abcdh", 404, errorBody(404, "not_found", `snapshot "abcdh" not found: list the snapshots you can see with `+"`clonit cloud snapshots`")},
		{"not an ID", "mia", "abcd-1", 404, errorBody(404, "not_found", `snapshot "abcd-1" not found: list the snapshots you can see with `+"`clonit cloud snapshots`")},
		{"too short", "mia", "abc", 400, errorBody(400, "invalid", "a snapshot ID or prefix needs at least 4 characters")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			status, body := e.do("GET", "/api/v1/orgs/acme/snapshots/"+tt.ref, e.token(tt.caller), nil)
			if status != tt.status || (tt.body != "" && body != tt.body) {
				t.Errorf("GET %s as %s = %d %s, want %d %s", tt.ref, tt.caller, status, body, tt.status, tt.body)
			}
		})
	}
}

// TestSnapshotPages pages through the catalog with the cursor.
func TestSnapshotPages(t *testing.T) {
	e := newEnv(t, backends()[0].open(t))
	acme := e.org("acme", "ada", nil)
	var want []string
	for i := range 7 {
		s := e.plantSnapshot(acme, "s"+string(rune('a'+i)), []byte{byte(i)}, "")
		want = append([]string{s.Name}, want...)
	}
	ctx := context.Background()
	ada := e.client(e.token("ada"))
	var got []string
	q := apiclient.SnapshotQuery{Limit: 3}
	for pages := 0; ; pages++ {
		page, err := ada.Snapshots(ctx, "acme", q)
		must(t, err)
		got = append(got, names(page.Snapshots)...)
		if page.NextCursor == "" {
			if pages != 2 {
				t.Errorf("7 snapshots came in %d pages of 3, want 3", pages+1)
			}
			break
		}
		q.Cursor = page.NextCursor
	}
	if !slices.Equal(got, want) {
		t.Errorf("pages = %q, want %q", got, want)
	}
	status, body := e.do("GET", "/api/v1/orgs/acme/snapshots?cursor=bogus", e.token("ada"), nil)
	if want := errorBody(400, "invalid", "the cursor is not one this server made: start again from the first page"); status != 400 || body != want {
		t.Errorf("bogus cursor = %d %s, want 400 %s", status, body, want)
	}
}

// TestUploadRequests checks what an upload request must say.
func TestUploadRequests(t *testing.T) {
	e := newEnv(t, backends()[0].open(t))
	e.org("acme", "ada", nil)
	good := pushReq("x", []byte("x"))
	tests := []struct {
		name string
		edit func(r *api.CreateUploadRequest)
		msg  string
	}{
		{"no target", func(r *api.CreateUploadRequest) { r.Target = " " }, "an upload needs the snapshot's target and name"},
		{"bad type", func(r *api.CreateUploadRequest) { r.Type = "dump" }, `snapshot type "dump" is not valid: use snapshot or sanitized`},
		{"negative size", func(r *api.CreateUploadRequest) { r.Size = -1 }, "snapshot size -1 is not valid: give the size of the archive in bytes, at most 5 TiB"},
		{"bad checksum", func(r *api.CreateUploadRequest) { r.SHA256 = "abc" }, "sha256 must be the 64 hex digits of the archive's SHA-256"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := good
			tt.edit(&r)
			status, body := e.do("POST", "/api/v1/orgs/acme/uploads", e.token("ada"), r)
			if want := errorBody(http.StatusBadRequest, "invalid", tt.msg); status != 400 || body != want {
				t.Errorf("= %d %s, want 400 %s", status, body, want)
			}
		})
	}
}

// TestCrossOrgShare: an org's admin shares a snapshot with another org by slug; that org's
// people list and pull it, but may neither delete nor reshare it, and its admins read the
// share in their own audit log.
func TestCrossOrgShare(t *testing.T) {
	e := newEnv(t, backends()[0].open(t))
	e.org("acme", "ada", map[string]authz.Role{"mia": authz.Member})
	e.org("beta", "bea", map[string]authz.Role{"vic": authz.Viewer})
	ctx := context.Background()
	ada, mia, bea, vic := e.client(e.token("ada")), e.client(e.token("mia")), e.client(e.token("bea")), e.client(e.token("vic"))
	data := payload(5000, 8)
	snap, err := ada.PushSnapshot(ctx, "acme", pushReq("for-beta", data), bytes.NewReader(data))
	must(t, err)

	_, err = mia.ShareSnapshot(ctx, "acme", snap.ID, apiclient.ShareTarget{ToOrg: "beta"})
	checkAPIErr(t, err, errs.ErrNotFound, `snapshot "`+snap.ID+`" not found: list the snapshots you can see with `+"`clonit cloud snapshots`")
	_, err = ada.ShareSnapshot(ctx, "acme", snap.ID, apiclient.ShareTarget{ToOrg: "nowhere"})
	checkAPIErr(t, err, errs.ErrNotFound, `organization "nowhere" not found: check the slug with the people of that organization`)
	_, err = ada.ShareSnapshot(ctx, "acme", snap.ID, apiclient.ShareTarget{ToOrg: "acme"})
	checkAPIErr(t, err, errs.ErrInvalid, "acme is the snapshot's own organization: share it org-wide instead")
	shares, err := ada.ShareSnapshot(ctx, "acme", snap.ID, apiclient.ShareTarget{ToOrg: "beta"})
	if err != nil || !slices.Equal(shares.Orgs, []string{"beta"}) {
		t.Fatalf("ShareSnapshot(beta) = %+v, %v", shares, err)
	}
	_, err = mia.ShareSnapshot(ctx, "acme", snap.ID, apiclient.ShareTarget{Org: true})
	checkAPIErr(t, err, errs.ErrNotFound, `snapshot "`+snap.ID+`" not found: list the snapshots you can see with `+"`clonit cloud snapshots`")

	got, err := vic.AllSnapshots(ctx, "beta", true)
	if err != nil || len(got) != 1 || got[0].Org != "acme" || !got[0].Foreign || !got[0].Shared || got[0].PushedBy != "" {
		t.Fatalf("beta's viewer lists %+v, %v; want acme's snapshot, foreign and shared, without its pusher", got, err)
	}
	var pulled bytes.Buffer
	if _, err := vic.PullSnapshot(ctx, "beta", snap.ID[:8], &pulled); err != nil || !bytes.Equal(pulled.Bytes(), data) {
		t.Errorf("beta's viewer pulls %d bytes, %v; want the %d pushed", pulled.Len(), err, len(data))
	}
	foreign := "snapshot " + snap.ID[:8] + " belongs to acme, which shared it with beta: only acme can "
	checkAPIErr(t, bea.DeleteSnapshot(ctx, "beta", snap.ID), errs.ErrPermission, foreign+"delete it")
	_, err = bea.ShareSnapshot(ctx, "beta", snap.ID, apiclient.ShareTarget{Org: true})
	checkAPIErr(t, err, errs.ErrPermission, foreign+"share it")
	_, err = bea.UnshareSnapshot(ctx, "beta", snap.ID, apiclient.ShareTarget{ToOrg: "beta"})
	checkAPIErr(t, err, errs.ErrPermission, foreign+"unshare it")
	shown, err := bea.Snapshot(ctx, "beta", snap.ID)
	if err != nil || shown.Shares != nil {
		t.Errorf("beta's owner sees %+v, %v; want the snapshot without acme's shares", shown, err)
	}

	events, err := e.st.AuditEvents(ctx, e.orgID("beta"), cloud.AuditFilter{Limit: 10})
	if err != nil || len(events) != 1 || events[0].Action != "snapshot.shared-with-org" || events[0].Detail != "by organization acme" || events[0].ActorEmail != "ada@example.com" {
		t.Errorf("beta's audit log = %+v, %v; want the share by ada of acme", events, err)
	}
	if _, err := ada.UnshareSnapshot(ctx, "acme", snap.ID, apiclient.ShareTarget{ToOrg: "beta"}); err != nil {
		t.Fatal(err)
	}
	if got, err := vic.AllSnapshots(ctx, "beta", false); err != nil || len(got) != 0 {
		t.Errorf("beta's viewer lists %q after the unshare, want nothing", names(got))
	}
}
