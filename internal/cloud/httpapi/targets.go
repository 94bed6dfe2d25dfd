package httpapi

import (
	"context"
	"errors"
	"net/http"
	"strconv"
	"strings"

	"github.com/clonit/clonit/internal/api"
	"github.com/clonit/clonit/internal/cloud"
	"github.com/clonit/clonit/internal/cloud/authz"
	"github.com/clonit/clonit/internal/cloud/secretbox"
	"github.com/clonit/clonit/internal/errs"
	"github.com/clonit/clonit/internal/secreturl"
)

// Org targets (PRODUCT.md §3.3): every role lists and shows them with their passwords
// masked; members and up create, change and delete them; revealing the passwords is a
// change of its own (authz.RevealSecrets) that the audit log records.

// listTargets answers the org's targets, passwords masked.
func (a *API) listTargets(w http.ResponseWriter, r *http.Request, c *call) error {
	ts, err := a.store.Targets(r.Context(), c.org.ID)
	if err != nil {
		return err
	}
	out := make([]api.Target, 0, len(ts))
	for _, t := range ts {
		out = append(out, maskedTarget(t))
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

// showTarget answers one target, passwords masked.
func (a *API) showTarget(w http.ResponseWriter, r *http.Request, c *call) error {
	t, err := orgTarget(r.Context(), a.store, c.org, r.PathValue("target"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, maskedTarget(t))
	return nil
}

// createTarget adds a target to the org. Its storage profile, if any, must exist.
func (a *API) createTarget(w http.ResponseWriter, r *http.Request, c *call) error {
	var spec api.TargetSpec
	if err := decode(w, r, &spec); err != nil {
		return err
	}
	if err := validTargetSpec(spec); err != nil {
		return err
	}
	ctx := r.Context()
	box, err := a.seal.get(ctx)
	if err != nil {
		return err
	}
	var out api.Target
	err = a.inOrg(ctx, c, authz.ManageTargets, func(tx cloud.Store, _ authz.Role) error {
		if err := profileExists(ctx, tx, c.org, spec.StorageProfile); err != nil {
			return err
		}
		spec.SrcURL, spec.DstURL, spec.SanitizeDstURL = keepURL(spec.SrcURL, ""), keepURL(spec.DstURL, ""), keepURL(spec.SanitizeDstURL, "")
		t, err := sealTarget(box, c.org.ID, spec)
		if err != nil {
			return err
		}
		t.CreatedBy = c.user.ID
		if err := tx.CreateTarget(ctx, &t); err != nil {
			return err
		}
		t.CreatorEmail, t.UpdaterEmail = c.user.Email, c.user.Email
		out = maskedTarget(t)
		return a.record(ctx, tx, c, "target.create", t.Name, targetSummary(spec))
	})
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, out)
	return nil
}

// updateTarget replaces a target's settings. A password sent masked or left missing keeps
// the stored one when the rest of its URL is unchanged. An update that changes nothing
// writes nothing.
func (a *API) updateTarget(w http.ResponseWriter, r *http.Request, c *call) error {
	var spec api.TargetSpec
	if err := decode(w, r, &spec); err != nil {
		return err
	}
	name := r.PathValue("target")
	if spec.Name == "" {
		spec.Name = name
	}
	if spec.Name != name {
		return errs.Invalid("the body names target %q but the path %q: targets cannot be renamed; create the new one and delete the old", clip(spec.Name), clip(name))
	}
	if err := validTargetSpec(spec); err != nil {
		return err
	}
	ctx := r.Context()
	box, err := a.seal.get(ctx)
	if err != nil {
		return err
	}
	var out api.Target
	err = a.inOrg(ctx, c, authz.ManageTargets, func(tx cloud.Store, _ authz.Role) error {
		old, err := orgTarget(ctx, tx, c.org, name)
		if err != nil {
			return err
		}
		before, err := openTarget(box, old)
		if err != nil {
			return err
		}
		spec.SrcURL = keepURL(spec.SrcURL, before.SrcURL)
		spec.DstURL = keepURL(spec.DstURL, before.DstURL)
		spec.SanitizeDstURL = keepURL(spec.SanitizeDstURL, before.SanitizeDstURL)
		changed := targetChanges(before.TargetSpec, spec)
		if len(changed) == 0 {
			out = maskedTarget(old)
			return nil
		}
		if spec.StorageProfile != before.StorageProfile {
			if err := profileExists(ctx, tx, c.org, spec.StorageProfile); err != nil {
				return err
			}
		}
		t, err := sealTarget(box, c.org.ID, spec)
		if err != nil {
			return err
		}
		t.CreatedBy, t.CreatorEmail, t.CreatedAt = old.CreatedBy, old.CreatorEmail, old.CreatedAt
		t.UpdatedBy, t.UpdaterEmail = c.user.ID, c.user.Email
		if err := tx.UpdateTarget(ctx, &t); err != nil {
			return err
		}
		out = maskedTarget(t)
		return a.record(ctx, tx, c, "target.update", t.Name, "changed "+strings.Join(changed, ", "))
	})
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

// deleteTarget removes a target from the org; the cloud snapshots of it stay.
func (a *API) deleteTarget(w http.ResponseWriter, r *http.Request, c *call) error {
	ctx := r.Context()
	err := a.inOrg(ctx, c, authz.ManageTargets, func(tx cloud.Store, _ authz.Role) error {
		t, err := orgTarget(ctx, tx, c.org, r.PathValue("target"))
		if err != nil {
			return err
		}
		if err := tx.DeleteTarget(ctx, c.org.ID, t.Name); err != nil {
			return err
		}
		return a.record(ctx, tx, c, "target.delete", t.Name, t.DBType)
	})
	if err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// revealTarget answers a target with its passwords in plain text, for an agent to sync it,
// and records that it did.
func (a *API) revealTarget(w http.ResponseWriter, r *http.Request, c *call) error {
	ctx := r.Context()
	box, err := a.seal.get(ctx)
	if err != nil {
		return err
	}
	var out api.Target
	err = a.inOrg(ctx, c, authz.RevealSecrets, func(tx cloud.Store, _ authz.Role) error {
		t, err := orgTarget(ctx, tx, c.org, r.PathValue("target"))
		if err != nil {
			return err
		}
		if out, err = openTarget(box, t); err != nil {
			return err
		}
		return a.record(ctx, tx, c, "target.reveal", t.Name, "credentials revealed for sync")
	})
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

// orgTarget returns the org's target called name, or a "not found" that says where to look.
func orgTarget(ctx context.Context, st cloud.Targets, org cloud.Org, name string) (cloud.Target, error) {
	t, err := st.Target(ctx, org.ID, name)
	if errors.Is(err, errs.ErrNotFound) {
		return cloud.Target{}, errs.NotFound("target %q not found in %s: list the org's targets with `clonit cloud targets list`", clip(name), org.Slug)
	}
	return t, err
}

// profileExists checks that the org has the storage profile name ("" needs none).
func profileExists(ctx context.Context, st cloud.StorageProfiles, org cloud.Org, name string) error {
	if name == "" {
		return nil
	}
	_, err := st.StorageProfile(ctx, org.ID, name)
	if errors.Is(err, errs.ErrNotFound) {
		return errs.Invalid("storage profile %q does not exist in %s: create it first (`clonit cloud sync` sends storage profiles before targets)", name, org.Slug)
	}
	return err
}

// keepURL returns the URL to store for next, a URL a client sent, when stored is what the
// org holds (plain text, "" for a new target): passwords sent as api.Mask or left missing
// keep the stored ones when the rest of the URL is unchanged, and are otherwise missing.
func keepURL(next, stored string) string {
	for _, pw := range secreturl.Passwords(next) {
		if pw != api.Mask {
			return next
		}
	}
	if stripped := secreturl.Strip(next); stripped == secreturl.Strip(stored) && secreturl.HasPassword(stored) {
		return stored
	}
	return secreturl.Strip(next)
}

// sealTarget returns the target to store for spec, with its passwords sealed.
func sealTarget(box *secretbox.Box, orgID string, spec api.TargetSpec) (cloud.Target, error) {
	t := cloud.Target{OrgID: orgID, Name: spec.Name, DBType: spec.DBType, StorageProfile: spec.StorageProfile,
		DumpJobs: spec.DumpJobs, RestoreJobs: spec.RestoreJobs, SanitizeQueryFile: spec.SanitizeQueryFile}
	for _, f := range []struct {
		field string
		in    string
		out   *string
	}{{"src_url", spec.SrcURL, &t.SrcURL}, {"dst_url", spec.DstURL, &t.DstURL}, {"sanitize_dst_url", spec.SanitizeDstURL, &t.SanitizeDstURL}} {
		sealed, err := box.SealURL(f.in, place(orgID, "target", spec.Name, f.field))
		if err != nil {
			return cloud.Target{}, err
		}
		*f.out = sealed
	}
	return t, nil
}

// openTarget returns t as the API answers it, with its passwords opened.
func openTarget(box *secretbox.Box, t cloud.Target) (api.Target, error) {
	out := toAPITarget(t)
	out.Revealed = true
	for _, f := range []struct {
		field string
		v     *string
	}{{"src_url", &out.SrcURL}, {"dst_url", &out.DstURL}, {"sanitize_dst_url", &out.SanitizeDstURL}} {
		plain, err := box.OpenURL(*f.v, place(t.OrgID, "target", t.Name, f.field))
		if err != nil {
			return api.Target{}, err
		}
		*f.v = plain
	}
	return out, nil
}

// maskedTarget returns t as the API answers it, with its passwords masked.
func maskedTarget(t cloud.Target) api.Target {
	out := toAPITarget(t)
	out.SrcURL, out.DstURL, out.SanitizeDstURL = secreturl.MaskURL(t.SrcURL), secreturl.MaskURL(t.DstURL), secreturl.MaskURL(t.SanitizeDstURL)
	return out
}

// toAPITarget copies t's fields as they are stored.
func toAPITarget(t cloud.Target) api.Target {
	return api.Target{
		TargetSpec: api.TargetSpec{Name: t.Name, DBType: t.DBType, SrcURL: t.SrcURL, DstURL: t.DstURL,
			SanitizeDstURL: t.SanitizeDstURL, StorageProfile: t.StorageProfile, DumpJobs: t.DumpJobs,
			RestoreJobs: t.RestoreJobs, SanitizeQueryFile: t.SanitizeQueryFile},
		CreatedBy: t.CreatorEmail, UpdatedBy: t.UpdaterEmail, CreatedAt: t.CreatedAt, UpdatedAt: t.UpdatedAt,
	}
}

// targetChanges names the settings that differ between a and b, for the audit log: a URL
// whose password alone changed reads "src_url password", never the password.
func targetChanges(a, b api.TargetSpec) []string {
	var out []string
	for _, f := range []struct{ name, a, b string }{{"src_url", a.SrcURL, b.SrcURL}, {"dst_url", a.DstURL, b.DstURL}, {"sanitize_dst_url", a.SanitizeDstURL, b.SanitizeDstURL}} {
		switch {
		case secreturl.Strip(f.a) != secreturl.Strip(f.b):
			out = append(out, f.name)
		case f.a != f.b:
			out = append(out, f.name+" password")
		}
	}
	for _, f := range []struct{ name, a, b string }{
		{"db_type", a.DBType, b.DBType}, {"storage_profile", a.StorageProfile, b.StorageProfile},
		{"dump_jobs", strconv.Itoa(a.DumpJobs), strconv.Itoa(b.DumpJobs)},
		{"restore_jobs", strconv.Itoa(a.RestoreJobs), strconv.Itoa(b.RestoreJobs)},
		{"sanitize_query_file", a.SanitizeQueryFile, b.SanitizeQueryFile},
	} {
		if f.a != f.b {
			out = append(out, f.name)
		}
	}
	return out
}

// targetSummary describes a new target for the audit log, without credentials.
func targetSummary(s api.TargetSpec) string {
	d := s.DBType
	if s.StorageProfile != "" {
		d += ", storage profile " + s.StorageProfile
	}
	if secreturl.Missing(s.SrcURL) || secreturl.Missing(s.DstURL) || secreturl.Missing(s.SanitizeDstURL) {
		d += ", without some passwords"
	}
	return d
}
