package httpapi

import (
	"context"
	"encoding/base64"
	"errors"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/clonit/clonit/internal/api"
	"github.com/clonit/clonit/internal/cloud"
	"github.com/clonit/clonit/internal/cloud/authz"
	"github.com/clonit/clonit/internal/cloud/blobstore"
	"github.com/clonit/clonit/internal/errs"
)

// Cloud snapshots (PRODUCT.md §3.6). Visibility is decided by the store, in SQL, for a
// cloud.Viewer made from the caller; a snapshot the caller may not see answers every route
// exactly as an ID never issued (snapshotNotFound), and 403 is only for one they see but
// may not change. Routes that change a snapshot are guarded with authz.ReachSnapshots, so
// that the role check comes after the visibility check.

// SnapshotOptions configures the managed storage of cloud snapshots.
type SnapshotOptions struct {
	// Blobs is the managed storage; nil answers the snapshot routes with 503.
	Blobs blobstore.Store
	// UploadExpiry is how long an upload's URLs work, and so how long the upload may take
	// before the janitor removes it (default DefaultUploadExpiry).
	UploadExpiry time.Duration
	// DownloadExpiry is how long a download URL works (default DefaultDownloadExpiry).
	DownloadExpiry time.Duration
	// PartSize is the size of multipart upload parts; larger objects go in parts
	// (default blobstore.DefaultPartSize).
	PartSize int64
}

// Default expiries of presigned URLs.
const (
	DefaultUploadExpiry   = 2 * time.Hour
	DefaultDownloadExpiry = time.Hour
)

// snapshots is the API's snapshot configuration with defaults applied.
type snapshots struct {
	blobs          blobstore.Store
	uploadExpiry   time.Duration
	downloadExpiry time.Duration
	partSize       int64
}

func newSnapshots(o SnapshotOptions) *snapshots {
	s := &snapshots{blobs: o.Blobs, uploadExpiry: o.UploadExpiry, downloadExpiry: o.DownloadExpiry, partSize: o.PartSize}
	if s.uploadExpiry <= 0 {
		s.uploadExpiry = DefaultUploadExpiry
	}
	if s.downloadExpiry <= 0 {
		s.downloadExpiry = DefaultDownloadExpiry
	}
	if s.partSize <= 0 {
		s.partSize = blobstore.DefaultPartSize
	}
	return s
}

// storage returns the managed storage, or the error of a cloud without one.
func (a *API) storage() (blobstore.Store, error) {
	if a.snaps == nil || a.snaps.blobs == nil {
		return nil, errs.E(errs.ErrUnavailable, "this Clonit Cloud has no snapshot storage configured: ask its operator to set --s3-endpoint or run it with a data directory")
	}
	return a.snaps.blobs, nil
}

// viewerOf is who the caller is to the catalog: owners and admins see every snapshot of
// their org; everyone else what is shared with the org or one of their groups. A machine
// acting with an org-level key has no groups.
func viewerOf(c *call) cloud.Viewer {
	return cloud.Viewer{OrgID: c.org.ID, All: authz.Can(c.role, authz.SeeAllSnapshots), Groups: c.user.Groups}
}

// listSnapshots answers a page of the snapshots the caller may see, newest first.
func (a *API) listSnapshots(w http.ResponseWriter, r *http.Request, c *call) error {
	q := r.URL.Query()
	f := cloud.SnapshotFilter{Limit: api.DefaultSnapshotLimit}
	switch strings.ToLower(q.Get("shared")) {
	case "", "false", "0":
	case "true", "1":
		f.Shared = true
	default:
		return errs.Invalid("shared must be true or false")
	}
	if v := q.Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > api.MaxSnapshotLimit {
			return errs.Invalid("limit must be between 1 and %d", api.MaxSnapshotLimit)
		}
		f.Limit = n
	}
	if v := q.Get("cursor"); v != "" {
		cur, err := parseCursor(v)
		if err != nil {
			return err
		}
		f.After = &cur
	}
	limit := f.Limit
	f.Limit++ // one more tells whether there is a next page
	found, err := a.store.VisibleSnapshots(r.Context(), viewerOf(c), f)
	if err != nil {
		return err
	}
	page := api.SnapshotPage{Snapshots: make([]api.CloudSnapshot, 0, min(len(found), limit))}
	for i, s := range found {
		if i == limit {
			page.NextCursor = formatCursor(found[i-1])
			break
		}
		page.Snapshots = append(page.Snapshots, snapshotOut(c, s))
	}
	writeJSON(w, http.StatusOK, page)
	return nil
}

// showSnapshot answers one snapshot with its shares (for a snapshot of the caller's org).
func (a *API) showSnapshot(w http.ResponseWriter, r *http.Request, c *call) error {
	s, err := a.findSnapshot(r.Context(), c, r.PathValue("snapshot"))
	if err != nil {
		return err
	}
	out := snapshotOut(c, s)
	if !out.Foreign {
		sh, err := a.store.SnapshotShares(r.Context(), s.ID)
		if err != nil {
			return err
		}
		out.Shares = sharesOut(sh)
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

// downloadSnapshot answers a short-lived URL to GET the snapshot's bytes.
func (a *API) downloadSnapshot(w http.ResponseWriter, r *http.Request, c *call) error {
	blobs, err := a.storage()
	if err != nil {
		return err
	}
	s, err := a.findSnapshot(r.Context(), c, r.PathValue("snapshot"))
	if err != nil {
		return err
	}
	url, err := blobs.PresignGet(r.Context(), s.Key(), a.snaps.downloadExpiry)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, api.Download{Snapshot: snapshotOut(c, s), URL: url, ExpiresAt: time.Now().Add(a.snaps.downloadExpiry).UTC().Truncate(time.Second)})
	return nil
}

// deleteSnapshot deletes a snapshot the caller sees and may manage, then its object.
func (a *API) deleteSnapshot(w http.ResponseWriter, r *http.Request, c *call) error {
	ctx := r.Context()
	blobs, err := a.storage()
	if err != nil {
		return err
	}
	s, err := a.findSnapshot(ctx, c, r.PathValue("snapshot"))
	if err != nil {
		return err
	}
	if err := mayChange(c, s, "delete", authz.PushSnapshots); err != nil {
		return err
	}
	err = a.inOrg(ctx, c, authz.PushSnapshots, func(tx cloud.Store, _ authz.Role) error {
		if err := tx.DeleteSnapshot(ctx, c.org.ID, s.ID); errors.Is(err, errs.ErrNotFound) {
			return snapshotNotFound(r.PathValue("snapshot"))
		} else if err != nil {
			return err
		}
		return a.record(ctx, tx, c, "snapshot.delete", s.ID, s.Target+" "+s.Name)
	})
	if err != nil {
		return err
	}
	if err := blobs.Delete(context.WithoutCancel(ctx), s.Key()); err != nil {
		a.log.Error("snapshot deleted from the catalog but not from storage", "snapshot", s.ID, "key", s.Key(), "err", err.Error())
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// mayChange reports why the caller, who sees s, may not do what (delete, share) to it:
// a snapshot of another org is never theirs to change, and their role must allow action.
func mayChange(c *call, s cloud.Snapshot, what string, action authz.Action) error {
	if s.OrgID != c.org.ID {
		return errs.Permission("snapshot %s belongs to %s, which shared it with %s: only %s can %s it",
			shortID(s.ID), s.OrgSlug, c.org.Slug, s.OrgSlug, what)
	}
	if !authz.Can(c.role, action) {
		verb := what + " snapshots"
		if action == authz.ShareOtherOrgs {
			verb = "share snapshots with other organizations"
		}
		return errs.Permission("your role in %s is %s, which cannot %s: ask an admin or owner of the organization", c.org.Slug, c.role, verb)
	}
	return nil
}

// idAlphabet is the alphabet of snapshot IDs (lowercase base32).
const idAlphabet = "abcdefghijklmnopqrstuvwxyz234567"

// idLen is the length of a full snapshot ID.
const idLen = 26

// findSnapshot returns the snapshot the caller may see whose ID is ref or starts with it.
// A snapshot they may not see is never found: the answer is the one of an ID never issued.
// An ambiguous prefix lists only visible candidates.
func (a *API) findSnapshot(ctx context.Context, c *call, ref string) (cloud.Snapshot, error) {
	id := strings.ToLower(ref)
	if len(id) < api.MinIDPrefix {
		return cloud.Snapshot{}, errs.Invalid("a snapshot ID or prefix needs at least %d characters", api.MinIDPrefix)
	}
	if len(id) > idLen || strings.Trim(id, idAlphabet) != "" {
		return cloud.Snapshot{}, snapshotNotFound(ref)
	}
	const shown = 5
	found, err := a.store.VisibleByPrefix(ctx, viewerOf(c), id, shown+1)
	if err != nil {
		return cloud.Snapshot{}, err
	}
	switch {
	case len(found) == 0:
		return cloud.Snapshot{}, snapshotNotFound(ref)
	case len(found) == 1 || found[0].ID == id:
		return found[0], nil
	}
	var ids []string
	for _, s := range found[:min(len(found), shown)] {
		ids = append(ids, s.ID)
	}
	more := ""
	if len(found) > shown {
		more = " and more"
	}
	return cloud.Snapshot{}, errs.Conflict("snapshot ID prefix %q matches several snapshots (%s%s): give more characters",
		clip(ref), strings.Join(ids, ", "), more)
}

// snapshotNotFound is the one answer for a snapshot the caller may not see or that does
// not exist.
func snapshotNotFound(ref string) error {
	return errs.NotFound("snapshot %q not found: list the snapshots you can see with `clonit cloud snapshots`", clip(ref))
}

// snapshotOut is a snapshot as the caller sees it.
func snapshotOut(c *call, s cloud.Snapshot) api.CloudSnapshot {
	foreign := s.OrgID != c.org.ID
	out := api.CloudSnapshot{
		ID: s.ID, Org: s.OrgSlug, Target: s.Target, Name: s.Name, Type: s.Type, Size: s.Size, SHA256: s.SHA256,
		CreatedAt: s.CreatedAt, Shared: foreign || s.SharedOrg, Foreign: foreign,
	}
	switch {
	case foreign: // who pushed it is the other org's business
	case s.PusherEmail != "":
		out.PushedBy = s.PusherEmail
	case s.PusherKeyName != "":
		out.PushedBy = "key " + s.PusherKeyName
	}
	return out
}

// sharesOut is a snapshot's shares as the API shows them.
func sharesOut(sh cloud.Shares) *api.SnapshotShares {
	out := &api.SnapshotShares{Org: sh.Org, Groups: append([]string{}, sh.Groups...), Orgs: []string{}}
	for _, o := range sh.Orgs {
		out.Orgs = append(out.Orgs, o.Slug)
	}
	return out
}

// formatCursor encodes the position after s as an opaque cursor.
func formatCursor(s cloud.Snapshot) string {
	return base64.RawURLEncoding.EncodeToString([]byte(strconv.FormatInt(s.CreatedAt.UnixMicro(), 10) + "." + s.ID))
}

// parseCursor decodes a cursor of formatCursor.
func parseCursor(v string) (cloud.SnapshotCursor, error) {
	bad := errs.Invalid("the cursor is not one this server made: start again from the first page")
	b, err := base64.RawURLEncoding.DecodeString(v)
	if err != nil {
		return cloud.SnapshotCursor{}, bad
	}
	at, id, ok := strings.Cut(string(b), ".")
	us, err := strconv.ParseInt(at, 10, 64)
	if !ok || err != nil || len(id) != idLen || strings.Trim(id, idAlphabet) != "" {
		return cloud.SnapshotCursor{}, bad
	}
	return cloud.SnapshotCursor{CreatedAt: time.UnixMicro(us).UTC(), ID: id}, nil
}

// shortID is the first 8 characters of a snapshot ID, as the CLI shows it.
func shortID(id string) string {
	if len(id) > 8 {
		return id[:8]
	}
	return id
}
