package storetest

import (
	"fmt"
	"reflect"
	"testing"
	"time"

	"github.com/clonit/clonit/internal/cloud"
	"github.com/clonit/clonit/internal/errs"
)

// sha is a well-formed SHA-256 for the suite's snapshots.
const sha = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"

// newUpload starts an upload of a snapshot called name in org.
func newUpload(t *testing.T, s cloud.Store, org cloud.Org, name string) cloud.Snapshot {
	t.Helper()
	snap := cloud.Snapshot{OrgID: org.ID, Target: "shop", Name: name, Type: "sanitized", Size: 42, SHA256: sha,
		ExpiresAt: at.Add(time.Hour)}
	if err := s.CreateUpload(ctx(t), &snap); err != nil {
		t.Fatalf("CreateUpload(%s): %v", name, err)
	}
	return snap
}

// newSnapshot stores a ready snapshot called name in org, created at created.
func newSnapshot(t *testing.T, s cloud.Store, org cloud.Org, name string, created time.Time) cloud.Snapshot {
	t.Helper()
	snap := newUpload(t, s, org, name)
	if err := s.CompleteUpload(ctx(t), org.ID, snap.ID, created); err != nil {
		t.Fatalf("CompleteUpload(%s): %v", name, err)
	}
	return snap
}

// visibleNames lists the names of every snapshot v sees, page by page of size per.
func visibleNames(t *testing.T, s cloud.Store, v cloud.Viewer, shared bool, per int) []string {
	t.Helper()
	names := []string{}
	f := cloud.SnapshotFilter{Shared: shared, Limit: per}
	for range 1000 {
		page, err := s.VisibleSnapshots(ctx(t), v, f)
		if err != nil {
			t.Fatalf("VisibleSnapshots: %v", err)
		}
		for _, sn := range page {
			names = append(names, sn.Name)
		}
		if len(page) < per {
			return names
		}
		last := page[len(page)-1]
		f.After = &cloud.SnapshotCursor{CreatedAt: last.CreatedAt, ID: last.ID}
	}
	t.Fatal("VisibleSnapshots never ran out of pages")
	return nil
}

func testSnapshots(t *testing.T, s cloud.Store) {
	c := ctx(t)
	ada := newUser(t, s, "ada@example.com")
	bob := newUser(t, s, "bob@example.com")
	acme := newOrg(t, s, "acme", ada)
	other := newOrg(t, s, "other", bob)

	up := newUpload(t, s, acme, "pending")
	checkID(t, "snapshot", up.ID)
	admin := cloud.Viewer{OrgID: acme.ID, All: true}

	t.Run("an upload is invisible until completed", func(t *testing.T) {
		got, err := s.Upload(c, acme.ID, up.ID)
		if err != nil || got.Name != "pending" || got.Ready || got.OrgSlug != "acme" || !got.ExpiresAt.Equal(at.Add(time.Hour)) {
			t.Errorf("Upload = %+v, %v", got, err)
		}
		if names := visibleNames(t, s, admin, false, 10); len(names) != 0 {
			t.Errorf("admin sees %q before completion, want nothing", names)
		}
		if found, err := s.VisibleByPrefix(c, admin, up.ID[:6], 5); err != nil || len(found) != 0 {
			t.Errorf("VisibleByPrefix of an upload = %v, %v; want none", found, err)
		}
		_, err = s.Upload(c, other.ID, up.ID)
		checkErr(t, err, errs.ErrNotFound, "upload not found")
		if _, err := s.SetOrgShare(c, up.ID, true); err == nil {
			t.Errorf("SetOrgShare of an upload = nil, want an error")
		}
	})

	t.Run("expired uploads are listed for the janitor", func(t *testing.T) {
		got, err := s.ExpiredUploads(c, at.Add(2*time.Hour), 10)
		if err != nil || len(got) != 1 || got[0].ID != up.ID {
			t.Errorf("ExpiredUploads(after expiry) = %v, %v; want the pending upload", got, err)
		}
		if got, err := s.ExpiredUploads(c, at, 10); err != nil || len(got) != 0 {
			t.Errorf("ExpiredUploads(before expiry) = %v, %v; want none", got, err)
		}
	})

	t.Run("completion makes it visible once", func(t *testing.T) {
		checkErr(t, s.CompleteUpload(c, other.ID, up.ID, at), errs.ErrNotFound, "upload not found")
		checkErr(t, s.CompleteUpload(c, acme.ID, up.ID, at), nil, "")
		checkErr(t, s.CompleteUpload(c, acme.ID, up.ID, at), errs.ErrNotFound, "upload not found")
		found, err := s.VisibleByPrefix(c, admin, up.ID[:4], 5)
		if err != nil || len(found) != 1 || found[0].ID != up.ID || !found[0].CreatedAt.Equal(at) || !found[0].Ready {
			t.Errorf("VisibleByPrefix = %+v, %v; want the completed snapshot", found, err)
		}
		if got, _ := s.ExpiredUploads(c, at.Add(2*time.Hour), 10); len(got) != 0 {
			t.Errorf("ExpiredUploads lists a completed snapshot: %v", got)
		}
	})

	t.Run("shares", func(t *testing.T) {
		changed, err := s.SetOrgShare(c, up.ID, true)
		if err != nil || !changed {
			t.Errorf("SetOrgShare(true) = %v, %v; want a change", changed, err)
		}
		if changed, _ := s.SetOrgShare(c, up.ID, true); changed {
			t.Errorf("second SetOrgShare(true) changed something")
		}
		for _, g := range []string{"eng", "data", "eng"} {
			if _, err := s.ShareWithGroup(c, up.ID, g, true); err != nil {
				t.Fatalf("ShareWithGroup(%s): %v", g, err)
			}
		}
		if changed, err := s.ShareWithOrg(c, up.ID, other.ID, true); err != nil || !changed {
			t.Errorf("ShareWithOrg = %v, %v; want a change", changed, err)
		}
		_, err = s.ShareWithOrg(c, up.ID, "nosuchorg", true)
		checkErr(t, err, errs.ErrNotFound, "organization not found")
		sh, err := s.SnapshotShares(c, up.ID)
		if err != nil || !sh.Org || !reflect.DeepEqual(sh.Groups, []string{"data", "eng"}) || len(sh.Orgs) != 1 || sh.Orgs[0].Slug != "other" {
			t.Errorf("SnapshotShares = %+v, %v; want org, [data eng], [other]", sh, err)
		}
		if changed, _ := s.ShareWithGroup(c, up.ID, "data", false); !changed {
			t.Errorf("unsharing a group changed nothing")
		}
		if changed, _ := s.ShareWithGroup(c, up.ID, "data", false); changed {
			t.Errorf("unsharing a group twice changed something")
		}
		_, err = s.SetOrgShare(c, "nosuchsnapshot", true)
		checkErr(t, err, errs.ErrNotFound, "snapshot not found")
	})

	t.Run("delete removes the snapshot and its shares", func(t *testing.T) {
		checkErr(t, s.DeleteSnapshot(c, other.ID, up.ID), errs.ErrNotFound, "snapshot not found")
		checkErr(t, s.DeleteSnapshot(c, acme.ID, up.ID), nil, "")
		checkErr(t, s.DeleteSnapshot(c, acme.ID, up.ID), errs.ErrNotFound, "snapshot not found")
		if names := visibleNames(t, s, cloud.Viewer{OrgID: other.ID}, false, 10); len(names) != 0 {
			t.Errorf("other org still sees %q", names)
		}
		if sh, err := s.SnapshotShares(c, up.ID); err != nil || sh.Org || len(sh.Groups)+len(sh.Orgs) != 0 {
			t.Errorf("SnapshotShares after delete = %+v, %v; want none", sh, err)
		}
	})

	t.Run("an upload may carry an ID chosen beforehand; DeleteUpload spares ready snapshots", func(t *testing.T) {
		chosen := cloud.Snapshot{ID: "abcdefghijklmnopqrstuvwxyz", OrgID: acme.ID, Target: "shop", Name: "chosen", Type: "snapshot",
			Size: 1, SHA256: sha, UploadID: "mp-1", Parts: 3, ExpiresAt: at}
		if err := s.CreateUpload(c, &chosen); err != nil || chosen.ID != "abcdefghijklmnopqrstuvwxyz" {
			t.Fatalf("CreateUpload(chosen ID) = %v, ID %q", err, chosen.ID)
		}
		got, err := s.Upload(c, acme.ID, chosen.ID)
		if err != nil || got.UploadID != "mp-1" || got.Parts != 3 {
			t.Errorf("Upload = %+v, %v; want multipart mp-1 of 3 parts", got, err)
		}
		checkErr(t, s.DeleteUpload(c, other.ID, chosen.ID), errs.ErrNotFound, "upload not found")
		checkErr(t, s.DeleteUpload(c, acme.ID, chosen.ID), nil, "")
		checkErr(t, s.DeleteUpload(c, acme.ID, chosen.ID), errs.ErrNotFound, "upload not found")
		ready := newSnapshot(t, s, acme, "ready", at)
		checkErr(t, s.DeleteUpload(c, acme.ID, ready.ID), errs.ErrNotFound, "upload not found")
		checkErr(t, s.DeleteSnapshot(c, acme.ID, ready.ID), nil, "")
	})

	t.Run("errors", func(t *testing.T) {
		bad := cloud.Snapshot{OrgID: acme.ID, Target: "shop", Name: "x", Type: "snapshot", Size: 1, SHA256: "abc"}
		checkErr(t, s.CreateUpload(c, &bad), errs.ErrInvalid, "a snapshot needs its size and its hex SHA-256")
		orphan := cloud.Snapshot{OrgID: "nosuchorg", Target: "shop", Name: "x", Type: "snapshot", Size: 1, SHA256: sha}
		checkErr(t, s.CreateUpload(c, &orphan), errs.ErrNotFound, "organization not found")
	})
}

func testSnapshotVisibility(t *testing.T, s cloud.Store) {
	c := ctx(t)
	ada := newUser(t, s, "ada@example.com")
	bob := newUser(t, s, "bob@example.com")
	acme := newOrg(t, s, "acme", ada)
	other := newOrg(t, s, "other", bob)
	t0 := at
	private := newSnapshot(t, s, acme, "private", t0)
	orgWide := newSnapshot(t, s, acme, "org-wide", t0.Add(time.Second))
	eng := newSnapshot(t, s, acme, "eng", t0.Add(2*time.Second))
	foreign := newSnapshot(t, s, acme, "to-other", t0.Add(3*time.Second))
	theirs := newSnapshot(t, s, other, "theirs", t0.Add(4*time.Second))
	theirsShared := newSnapshot(t, s, other, "theirs-shared", t0.Add(5*time.Second))
	for _, err := range []error{
		second(s.SetOrgShare(c, orgWide.ID, true)),
		second(s.ShareWithGroup(c, eng.ID, "eng", true)),
		second(s.ShareWithOrg(c, foreign.ID, other.ID, true)),
		second(s.SetOrgShare(c, theirsShared.ID, true)),
		second(s.ShareWithGroup(c, theirs.ID, "eng", true)), // a group of the other org
	} {
		if err != nil {
			t.Fatalf("share: %v", err)
		}
	}

	tests := []struct {
		name   string
		viewer cloud.Viewer
		shared bool
		want   []string
	}{
		{"owners and admins see every snapshot of their org", cloud.Viewer{OrgID: acme.ID, All: true}, false, []string{"to-other", "eng", "org-wide", "private"}},
		{"members see org-wide shares", cloud.Viewer{OrgID: acme.ID}, false, []string{"org-wide"}},
		{"members of a group see its shares", cloud.Viewer{OrgID: acme.ID, Groups: []string{"ops", "eng"}}, false, []string{"eng", "org-wide"}},
		{"a viewer in many groups", cloud.Viewer{OrgID: acme.ID, Groups: manyGroups("eng")}, false, []string{"eng", "org-wide"}},
		{"group names match exactly", cloud.Viewer{OrgID: acme.ID, Groups: []string{"Eng"}}, false, []string{"org-wide"}},
		{"another org sees what was shared with it", cloud.Viewer{OrgID: other.ID}, false, []string{"theirs-shared", "to-other"}},
		{"a group share never reaches another org", cloud.Viewer{OrgID: other.ID, Groups: []string{"eng"}}, false, []string{"theirs-shared", "theirs", "to-other"}},
		{"shared filter for admins", cloud.Viewer{OrgID: acme.ID, All: true}, true, []string{"org-wide"}},
		{"shared filter leaves group shares out", cloud.Viewer{OrgID: acme.ID, Groups: []string{"eng"}}, true, []string{"org-wide"}},
		{"shared filter keeps shares from other orgs", cloud.Viewer{OrgID: other.ID, All: true}, true, []string{"theirs-shared", "to-other"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, per := range []int{1, 2, 50} {
				if got := visibleNames(t, s, tt.viewer, tt.shared, per); !reflect.DeepEqual(got, tt.want) {
					t.Errorf("pages of %d: %q, want %q", per, got, tt.want)
				}
			}
		})
	}

	t.Run("prefix lookup sees only visible snapshots", func(t *testing.T) {
		member := cloud.Viewer{OrgID: acme.ID}
		for _, sn := range []cloud.Snapshot{private, orgWide, eng, foreign, theirs} {
			found, err := s.VisibleByPrefix(c, member, sn.ID[:5], 5)
			want := sn.ID == orgWide.ID
			if err != nil || (len(found) == 1) != want || (want && found[0].ID != sn.ID) {
				t.Errorf("VisibleByPrefix(%s) for a member = %v, %v; want found=%v", sn.Name, found, err, want)
			}
		}
	})
}

// testSnapshotPaging pages through snapshots that share their creation time, so that the
// cursor's tie-break on ID is exercised.
func testSnapshotPaging(t *testing.T, s cloud.Store) {
	ada := newUser(t, s, "ada@example.com")
	acme := newOrg(t, s, "acme", ada)
	for i := range 9 {
		newSnapshot(t, s, acme, string(rune('a'+i)), at.Add(time.Duration(i/3)*time.Second))
	}
	all, err := s.VisibleSnapshots(ctx(t), cloud.Viewer{OrgID: acme.ID, All: true}, cloud.SnapshotFilter{Limit: 100})
	if err != nil || len(all) != 9 {
		t.Fatalf("VisibleSnapshots = %d, %v; want 9", len(all), err)
	}
	for i := 1; i < len(all); i++ {
		a, b := all[i-1], all[i]
		if a.CreatedAt.Before(b.CreatedAt) || (a.CreatedAt.Equal(b.CreatedAt) && a.ID < b.ID) {
			t.Errorf("order: %s (%v) before %s (%v), want newest first, then ID descending", a.ID, a.CreatedAt, b.ID, b.CreatedAt)
		}
	}
	var names []string
	for _, sn := range all {
		names = append(names, sn.Name)
	}
	for _, per := range []int{1, 2, 4} {
		if got := visibleNames(t, s, cloud.Viewer{OrgID: acme.ID, All: true}, false, per); !reflect.DeepEqual(got, names) {
			t.Errorf("pages of %d: %q, want %q", per, got, names)
		}
	}
}

// manyGroups returns 40 groups, then last: more than the catalog query reads one by one.
func manyGroups(last string) []string {
	var out []string
	for i := range 40 {
		out = append(out, fmt.Sprintf("group-%02d", i))
	}
	return append(out, last)
}

// second returns the error of a (value, error) pair.
func second[T any](_ T, err error) error { return err }
