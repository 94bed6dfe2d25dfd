package httpapi

import (
	"context"
	"errors"
	"net/http"
	"regexp"
	"strings"
	"time"

	"github.com/clonit/clonit/internal/api"
	"github.com/clonit/clonit/internal/blob"
	"github.com/clonit/clonit/internal/cloud"
	"github.com/clonit/clonit/internal/cloud/authz"
	"github.com/clonit/clonit/internal/cloud/blobstore"
	"github.com/clonit/clonit/internal/cloud/store"
	"github.com/clonit/clonit/internal/errs"
)

// The upload protocol: POST /uploads hands out presigned URLs for the object (one, or one
// per part); the agent sends the bytes straight to storage; POST /uploads/{id}/complete
// takes the digest of what storage holds (blobstore.Digest: read back, or for the embedded
// storage computed by the server while it wrote the object) and makes the snapshot visible
// only when its size and SHA-256 match what the upload announced. A mismatch, a missing part or an expiry discards
// the upload, object and all. Until completed, an upload is visible to nobody, and only
// the credential that started it may complete or abort it.

// maxSnapshotSize bounds an upload: S3's largest object.
const maxSnapshotSize = 5 << 40

// sha256Hex is the shape of a hex SHA-256.
var sha256Hex = regexp.MustCompile(`^[0-9a-f]{64}$`)

// createUpload starts an upload and answers where to send the bytes.
func (a *API) createUpload(w http.ResponseWriter, r *http.Request, c *call) error {
	ctx := r.Context()
	blobs, err := a.storage()
	if err != nil {
		return err
	}
	var req api.CreateUploadRequest
	if err := decode(w, r, &req); err != nil {
		return err
	}
	req.SHA256 = strings.ToLower(strings.TrimSpace(req.SHA256))
	if err := checkUpload(req); err != nil {
		return err
	}
	now := time.Now()
	snap := cloud.Snapshot{
		ID: store.NewID(), OrgID: c.org.ID, Target: req.Target, Name: req.Name, Type: req.Type, Size: req.Size, SHA256: req.SHA256,
		PushedBy: c.user.ID, PushedByKey: keyID(c), CreatedAt: now, ExpiresAt: now.Add(a.snaps.uploadExpiry),
	}
	out := api.Upload{ID: snap.ID, ExpiresAt: snap.ExpiresAt.UTC().Truncate(time.Second)}
	expiry := a.snaps.uploadExpiry
	if plan := blobstore.Plan(req.Size, a.snaps.partSize); plan != nil {
		if snap.UploadID, err = blobs.CreateMultipart(ctx, snap.Key()); err != nil {
			return err
		}
		snap.Parts = len(plan)
		for _, p := range plan {
			u, err := blobs.PresignPart(ctx, snap.Key(), snap.UploadID, p.Number, expiry)
			if err != nil {
				a.discardStorage(ctx, snap)
				return err
			}
			out.Parts = append(out.Parts, api.UploadPart{Number: p.Number, Offset: p.Offset, Size: p.Size, URL: u})
		}
	} else if out.URL, err = blobs.PresignPut(ctx, snap.Key(), expiry); err != nil {
		return err
	}
	if err := a.store.CreateUpload(ctx, &snap); err != nil {
		a.discardStorage(ctx, snap)
		return err
	}
	writeJSON(w, http.StatusCreated, out)
	return nil
}

// checkUpload rejects an upload request the catalog cannot hold.
func checkUpload(req api.CreateUploadRequest) error {
	switch {
	case strings.TrimSpace(req.Target) == "" || strings.TrimSpace(req.Name) == "":
		return errs.Invalid("an upload needs the snapshot's target and name")
	case len(req.Target) > 200 || len(req.Name) > 200:
		return errs.Invalid("the target and the name of a snapshot have at most 200 characters")
	case req.Type != api.SnapshotTypeOriginal && req.Type != api.SnapshotTypeSanitized:
		return errs.Invalid("snapshot type %q is not valid: use %s or %s", clip(req.Type), api.SnapshotTypeOriginal, api.SnapshotTypeSanitized)
	case req.Size < 0 || req.Size > maxSnapshotSize:
		return errs.Invalid("snapshot size %d is not valid: give the size of the archive in bytes, at most 5 TiB", req.Size)
	case !sha256Hex.MatchString(req.SHA256):
		return errs.Invalid("sha256 must be the 64 hex digits of the archive's SHA-256")
	}
	return nil
}

// completeUpload checks what storage holds against the upload and, when it matches, makes
// the snapshot visible (to the org's owners and admins, until it is shared).
func (a *API) completeUpload(w http.ResponseWriter, r *http.Request, c *call) error {
	ctx := r.Context()
	blobs, err := a.storage()
	if err != nil {
		return err
	}
	s, err := a.callerUpload(ctx, c, r.PathValue("upload"))
	if err != nil {
		return err
	}
	if time.Now().After(s.ExpiresAt) {
		a.discard(ctx, s)
		return errs.Conflict("the upload expired at %s and was discarded: push again", s.ExpiresAt.UTC().Format(time.RFC3339))
	}
	if s.UploadID != "" {
		if err := blobs.CompleteMultipart(ctx, s.Key(), s.UploadID, s.Parts); err != nil {
			if k := errs.KindOf(err); k != errs.ErrInvalid && k != errs.ErrNotFound {
				return err // storage trouble: the agent may try completing again
			}
			a.discard(ctx, s)
			return errs.Wrap(errs.ErrInvalid, err, "the upload is incomplete (%s) and was discarded: push again", errs.Public(err, "storage refused the parts"))
		}
	}
	size, sum, err := blobstore.Digest(ctx, blobs, s.Key())
	if errors.Is(err, blob.ErrNotExist) {
		a.discard(ctx, s)
		return errs.Invalid("nothing was uploaded to the upload's URL, so the upload was discarded: push again")
	}
	if err != nil {
		return err
	}
	if size != s.Size || sum != s.SHA256 {
		a.discard(ctx, s)
		return errs.Invalid("storage holds %d bytes with SHA-256 %s, but the push announced %d bytes with SHA-256 %s: the upload was discarded; push again",
			size, sum[:12], s.Size, s.SHA256[:12])
	}
	now := store.Now()
	err = a.inOrg(ctx, c, authz.PushSnapshots, func(tx cloud.Store, _ authz.Role) error {
		if err := tx.CompleteUpload(ctx, c.org.ID, s.ID, now); errors.Is(err, errs.ErrNotFound) {
			return uploadNotFound(s.ID) // the janitor removed it meanwhile
		} else if err != nil {
			return err
		}
		return a.record(ctx, tx, c, "snapshot.push", s.ID, s.Target+" "+s.Name)
	})
	if err != nil {
		return err
	}
	s.Ready, s.CreatedAt, s.UploadID, s.Parts, s.ExpiresAt = true, now, "", 0, time.Time{}
	writeJSON(w, http.StatusOK, snapshotOut(c, s))
	return nil
}

// abortUpload discards an upload of the caller.
func (a *API) abortUpload(w http.ResponseWriter, r *http.Request, c *call) error {
	if _, err := a.storage(); err != nil {
		return err
	}
	s, err := a.callerUpload(r.Context(), c, r.PathValue("upload"))
	if err != nil {
		return err
	}
	a.discard(r.Context(), s)
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// callerUpload returns the upload in progress id of the org that the caller started; any
// other answers as an upload never started.
func (a *API) callerUpload(ctx context.Context, c *call, id string) (cloud.Snapshot, error) {
	s, err := a.store.Upload(ctx, c.org.ID, id)
	if errors.Is(err, errs.ErrNotFound) || (err == nil && (s.PushedBy != c.user.ID || s.PushedByKey != keyID(c))) {
		return cloud.Snapshot{}, uploadNotFound(id)
	}
	return s, err
}

// uploadNotFound is the one answer for an upload that does not exist for the caller.
func uploadNotFound(id string) error {
	return errs.NotFound("upload %q not found: it was completed, discarded or never started; push again", clip(id))
}

// keyID is the id of the API key the caller used, or "".
func keyID(c *call) string {
	if c.principal.Key != nil {
		return c.principal.Key.ID
	}
	return ""
}

// discard removes an upload: its catalog row first, so that a completion racing with it
// fails, then, only if the row was still an upload, what storage holds of it.
func (a *API) discard(ctx context.Context, s cloud.Snapshot) {
	ctx = context.WithoutCancel(ctx)
	if err := a.store.DeleteUpload(ctx, s.OrgID, s.ID); err != nil {
		if !errors.Is(err, errs.ErrNotFound) {
			a.log.Error("cannot discard upload", "upload", s.ID, "err", err.Error())
		}
		return
	}
	a.discardStorage(ctx, s)
}

// discardStorage removes what storage holds of an upload: its parts and its object.
func (a *API) discardStorage(ctx context.Context, s cloud.Snapshot) {
	ctx = context.WithoutCancel(ctx)
	blobs := a.snaps.blobs
	if s.UploadID != "" {
		if err := blobs.AbortMultipart(ctx, s.Key(), s.UploadID); err != nil {
			a.log.Error("cannot abort multipart upload", "upload", s.ID, "err", err.Error())
		}
	}
	if err := blobs.Delete(ctx, s.Key()); err != nil {
		a.log.Error("cannot delete uploaded object", "upload", s.ID, "err", err.Error())
	}
}

// SweepUploads discards every upload whose URLs expired before now, and returns how many.
// Several processes may sweep at once: each upload is discarded by one of them.
func (a *API) SweepUploads(ctx context.Context, now time.Time) (int, error) {
	if _, err := a.storage(); err != nil {
		return 0, nil
	}
	const batch = 100
	n := 0
	for {
		ups, err := a.store.ExpiredUploads(ctx, now, batch)
		if err != nil {
			return n, err
		}
		for _, s := range ups {
			if err := a.store.DeleteUpload(ctx, s.OrgID, s.ID); errors.Is(err, errs.ErrNotFound) {
				continue // completed or swept meanwhile
			} else if err != nil {
				return n, err
			}
			a.discardStorage(ctx, s)
			n++
		}
		if len(ups) < batch {
			return n, nil
		}
	}
}

// RunJanitor sweeps abandoned uploads every interval until ctx ends.
func (a *API) RunJanitor(ctx context.Context, interval time.Duration) {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		if n, err := a.SweepUploads(ctx, time.Now()); err != nil && ctx.Err() == nil {
			a.log.Error("sweeping abandoned uploads failed", "err", err.Error())
		} else if n > 0 {
			a.log.Info("swept abandoned uploads", "count", n)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// blobMount is where the embedded storage's signed URLs are served.
const blobMount = blobstore.MountPath

// serveBlob serves the signed URLs of the embedded storage (blobstore.Local); a cloud on
// S3 has none.
func (a *API) serveBlob(w http.ResponseWriter, r *http.Request, _ *call) error {
	h, ok := a.snaps.blobs.(http.Handler)
	if !ok {
		return errs.NotFound("no such object: this Clonit Cloud keeps snapshots in S3")
	}
	h.ServeHTTP(w, r)
	return nil
}
