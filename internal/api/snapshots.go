package api

import "time"

// Cloud snapshots and sharing (PRODUCT.md §3.6). Routes, under /api/v1/orgs/{org}, where
// {org} is the caller's org (the one they act in), {snapshot} a full snapshot ID or a
// unique prefix of at least MinIDPrefix characters of one the caller may see, and {upload}
// the ID of an upload the caller started:
//
//	GET    /snapshots?shared=true&cursor=C&limit=N       → SnapshotPage
//	GET    /snapshots/{snapshot}                         → CloudSnapshot (with Shares)
//	GET    /snapshots/{snapshot}/download                → Download
//	DELETE /snapshots/{snapshot}                         → 204
//	PUT    /snapshots/{snapshot}/shares/org              → SnapshotShares
//	DELETE /snapshots/{snapshot}/shares/org              → SnapshotShares
//	PUT    /snapshots/{snapshot}/shares/groups/{group}   → SnapshotShares
//	DELETE /snapshots/{snapshot}/shares/groups/{group}   → SnapshotShares
//	PUT    /snapshots/{snapshot}/shares/orgs/{slug}      → SnapshotShares
//	DELETE /snapshots/{snapshot}/shares/orgs/{slug}      → SnapshotShares
//	POST   /uploads                  CreateUploadRequest → Upload (201)
//	POST   /uploads/{upload}/complete                    → CloudSnapshot
//	DELETE /uploads/{upload}                             → 204
//
// A snapshot the caller may not see answers every one of these exactly as an ID that was
// never issued (404, same body); 403 is only for a snapshot the caller sees but may not
// change. An ambiguous prefix answers 409 with the visible candidates' IDs in the message.

// MinIDPrefix is the shortest ID prefix that the API resolves.
const MinIDPrefix = 4

// Snapshot types, as the agent names them.
const (
	SnapshotTypeOriginal  = "snapshot"
	SnapshotTypeSanitized = "sanitized"
)

// CloudSnapshot is a completed cloud snapshot as the catalog shows it.
type CloudSnapshot struct {
	// ID is random and unguessable (26 lowercase base32 characters).
	ID string `json:"id"`
	// Org is the slug of the org that owns the snapshot: the caller's own, or the org that
	// shared it with the caller's.
	Org    string `json:"org"`
	Target string `json:"target"`
	Name   string `json:"name"`
	Type   string `json:"type"` // snapshot or sanitized
	Size   int64  `json:"size"`
	// SHA256 is the lowercase hex SHA-256 of the object, checked by the cloud against what
	// storage holds when the upload completed.
	SHA256    string    `json:"sha256"`
	CreatedAt time.Time `json:"created_at"`
	// PushedBy is the pusher's email, or "key <name>" for an org-level API key.
	PushedBy string `json:"pushed_by"`
	// Shared is true when the whole of the caller's org may see the snapshot: shared
	// org-wide by its own org, or shared with the caller's org by another org. It is the
	// Shared column and what the shared=true filter keeps.
	Shared bool `json:"shared"`
	// Foreign is true for a snapshot another org shared with the caller's: it may be
	// listed and pulled, never deleted or reshared.
	Foreign bool `json:"foreign,omitempty"`
	// Shares are the snapshot's shares; only GET /snapshots/{snapshot} and the share
	// routes fill them, and only for a snapshot of the caller's own org.
	Shares *SnapshotShares `json:"shares,omitempty"`
}

// SnapshotShares lists who a snapshot is shared with, besides the owners and admins of its
// org, who always see it.
type SnapshotShares struct {
	// Org is true when it is shared with its whole org.
	Org bool `json:"org"`
	// Groups are the identity-provider groups it is shared with, sorted.
	Groups []string `json:"groups"`
	// Orgs are the slugs of the other orgs it is shared with, sorted.
	Orgs []string `json:"orgs"`
}

// SnapshotPage is one page of the catalog, newest first. NextCursor, when set, fetches
// the next page (cursor=NextCursor); it is opaque.
type SnapshotPage struct {
	Snapshots  []CloudSnapshot `json:"snapshots"`
	NextCursor string          `json:"next_cursor,omitempty"`
}

// Catalog page sizes: a list without limit returns DefaultSnapshotLimit snapshots, and
// never more than MaxSnapshotLimit.
const (
	DefaultSnapshotLimit = 50
	MaxSnapshotLimit     = 500
)

// CreateUploadRequest starts the upload of a snapshot. Size and SHA256 are what the
// agent is about to send; the cloud checks both against storage on completion.
type CreateUploadRequest struct {
	Target string `json:"target"`
	Name   string `json:"name"`
	Type   string `json:"type"` // snapshot or sanitized
	Size   int64  `json:"size"`
	SHA256 string `json:"sha256"` // lowercase hex
}

// Upload is an upload in progress: the URLs to send the bytes to directly, in one PUT (URL)
// or, for large objects, in parts (Parts, each PUT with exactly its Size bytes from
// Offset). It is invisible to everyone until POST /uploads/{id}/complete; an upload not
// completed by ExpiresAt is removed.
type Upload struct {
	// ID becomes the snapshot's ID once the upload is completed.
	ID        string       `json:"id"`
	URL       string       `json:"url,omitempty"`
	Parts     []UploadPart `json:"parts,omitempty"`
	ExpiresAt time.Time    `json:"expires_at"`
}

// UploadPart is one part of a multipart upload.
type UploadPart struct {
	Number int    `json:"number"` // from 1
	Offset int64  `json:"offset"`
	Size   int64  `json:"size"`
	URL    string `json:"url"`
}

// Download is a short-lived URL to GET a snapshot's bytes from storage, with what the
// agent must check them against.
type Download struct {
	Snapshot  CloudSnapshot `json:"snapshot"`
	URL       string        `json:"url"`
	ExpiresAt time.Time     `json:"expires_at"`
}
