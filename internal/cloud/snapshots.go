package cloud

import (
	"context"
	"time"
)

// Snapshot is a cloud snapshot (PRODUCT.md §3.6): an object in the org's managed storage
// and its catalog entry. It starts as an upload (Ready false), invisible to everyone, and
// becomes visible once the cloud has checked what storage holds against Size and SHA256.
type Snapshot struct {
	ID    string
	OrgID string
	// OrgSlug is filled when reading.
	OrgSlug string
	Target  string
	Name    string
	Type    string // snapshot or sanitized
	Size    int64
	SHA256  string // lowercase hex
	// CreatedAt is when the upload started, and then when it was completed: the catalog's
	// order.
	CreatedAt time.Time
	// PushedBy is the id of the person who pushed it (directly or with a per-user key);
	// empty for an org-level key. PusherEmail is filled when reading.
	PushedBy    string
	PusherEmail string
	// PushedByKey is the id of the API key that pushed it, if one did; PusherKeyName is
	// filled when reading.
	PushedByKey   string
	PusherKeyName string
	// SharedOrg is true when it is shared with its whole org.
	SharedOrg bool
	// Ready is true once the upload is completed and checked.
	Ready bool
	// UploadID is the storage's multipart upload ID ("" for a single PUT) and Parts its
	// number of parts, while the upload is in progress.
	UploadID string
	Parts    int
	// ExpiresAt is when the upload's URLs expire: an upload still not ready then is
	// abandoned.
	ExpiresAt time.Time
}

// Key returns the object key of the snapshot in managed storage.
func (s Snapshot) Key() string { return "orgs/" + s.OrgID + "/snapshots/" + s.ID }

// Shares lists whom a snapshot is shared with, besides its org's owners and admins.
type Shares struct {
	Org    bool
	Groups []string // sorted, never nil
	Orgs   []Org    // other orgs, by slug, never nil
}

// Viewer is who looks at the catalog: a member of OrgID (or a machine acting in it) who
// sees every snapshot of the org (All: owners and admins) or only those shared with the
// org or with one of Groups; plus, either way, those other orgs shared with OrgID.
type Viewer struct {
	OrgID  string
	All    bool
	Groups []string
}

// Visible reports whether v may see s, given s's shares: the rule that the stores'
// queries implement in SQL, for tests and for checks on one snapshot already read.
func (v Viewer) Visible(s Snapshot, sh Shares) bool {
	if !s.Ready {
		return false
	}
	for _, o := range sh.Orgs {
		if o.ID == v.OrgID {
			return true
		}
	}
	if s.OrgID != v.OrgID {
		return false
	}
	if v.All || sh.Org {
		return true
	}
	for _, g := range sh.Groups {
		for _, mine := range v.Groups {
			if g == mine {
				return true
			}
		}
	}
	return false
}

// SnapshotCursor is a position in the catalog's order (newest first): the last snapshot of
// the previous page.
type SnapshotCursor struct {
	CreatedAt time.Time
	ID        string
}

// SnapshotFilter selects a page of the catalog.
type SnapshotFilter struct {
	// Shared keeps only the snapshots shared with the viewer's whole org: org-wide by the
	// org itself, or by another org.
	Shared bool
	// After, when set, starts the page after this position.
	After *SnapshotCursor
	// Limit is the page size (at least 1).
	Limit int
}

// Snapshots stores the catalog of cloud snapshots and their shares. Visibility is decided
// in the database, in one query per call.
type Snapshots interface {
	// CreateUpload inserts s as an upload in progress (not ready); it fills, when empty,
	// ID (the caller may choose one made by store.NewID, to name the object before the row
	// exists) and CreatedAt.
	CreateUpload(ctx context.Context, s *Snapshot) error
	// Upload returns the org's upload in progress with that id, or errs.ErrNotFound.
	Upload(ctx context.Context, orgID, id string) (Snapshot, error)
	// CompleteUpload makes the org's upload in progress ready, created at at;
	// errs.ErrNotFound when there is no such upload in progress.
	CompleteUpload(ctx context.Context, orgID, id string, at time.Time) error
	// ExpiredUploads lists up to limit uploads in progress, of any org, whose URLs expired
	// before now.
	ExpiredUploads(ctx context.Context, now time.Time, limit int) ([]Snapshot, error)
	// DeleteUpload deletes the org's upload in progress, never a ready snapshot, so that
	// the janitor cannot race a completion; errs.ErrNotFound when there is no such upload.
	DeleteUpload(ctx context.Context, orgID, id string) error
	// DeleteSnapshot deletes the org's snapshot (ready or not) and its shares;
	// errs.ErrNotFound when the org has no such snapshot.
	DeleteSnapshot(ctx context.Context, orgID, id string) error

	// VisibleSnapshots returns a page of the ready snapshots v may see, newest first
	// (CreatedAt, then ID, descending).
	VisibleSnapshots(ctx context.Context, v Viewer, f SnapshotFilter) ([]Snapshot, error)
	// VisibleByPrefix returns up to limit ready snapshots v may see whose ID starts with
	// prefix, by ID.
	VisibleByPrefix(ctx context.Context, v Viewer, prefix string, limit int) ([]Snapshot, error)
	// SnapshotShares returns the shares of a snapshot (none for an unknown one).
	SnapshotShares(ctx context.Context, id string) (Shares, error)
	// SetOrgShare shares a ready snapshot with its whole org, or stops; it reports whether
	// anything changed. errs.ErrNotFound when there is no such ready snapshot.
	SetOrgShare(ctx context.Context, id string, shared bool) (bool, error)
	// ShareWithGroup shares a ready snapshot with group, or stops (share false); it
	// reports whether anything changed.
	ShareWithGroup(ctx context.Context, id, group string, share bool) (bool, error)
	// ShareWithOrg shares a ready snapshot with another org, or stops; it reports whether
	// anything changed.
	ShareWithOrg(ctx context.Context, id, orgID string, share bool) (bool, error)
}
