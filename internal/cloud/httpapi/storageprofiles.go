package httpapi

import (
	"context"
	"errors"
	"net/http"
	"sort"
	"strings"

	"github.com/clonit/clonit/internal/api"
	"github.com/clonit/clonit/internal/cloud"
	"github.com/clonit/clonit/internal/cloud/authz"
	"github.com/clonit/clonit/internal/cloud/secretbox"
	"github.com/clonit/clonit/internal/errs"
)

// Org storage profiles, as targets.go does targets. The access key is sealed at rest and
// shown (it names the key, as a URL's user names the account); the secret key is sealed
// and masked, and only the reveal route answers it.

// listStorageProfiles answers the org's storage profiles, secret keys masked.
func (a *API) listStorageProfiles(w http.ResponseWriter, r *http.Request, c *call) error {
	ctx := r.Context()
	box, err := a.seal.get(ctx)
	if err != nil {
		return err
	}
	ps, err := a.store.StorageProfiles(ctx, c.org.ID)
	if err != nil {
		return err
	}
	out := make([]api.StorageProfile, 0, len(ps))
	for _, p := range ps {
		v, err := openProfile(box, p, false)
		if err != nil {
			return err
		}
		out = append(out, v)
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

// showStorageProfile answers one storage profile, its secret key masked.
func (a *API) showStorageProfile(w http.ResponseWriter, r *http.Request, c *call) error {
	return a.answerProfile(w, r, c, false)
}

// revealStorageProfile answers a storage profile with its secret key, for an agent to sync
// it, and records that it did.
func (a *API) revealStorageProfile(w http.ResponseWriter, r *http.Request, c *call) error {
	return a.answerProfile(w, r, c, true)
}

// answerProfile answers the profile of the path, revealed (and audited) or masked.
func (a *API) answerProfile(w http.ResponseWriter, r *http.Request, c *call, reveal bool) error {
	ctx := r.Context()
	box, err := a.seal.get(ctx)
	if err != nil {
		return err
	}
	name := r.PathValue("profile")
	var out api.StorageProfile
	if !reveal {
		p, err := orgProfile(ctx, a.store, c.org, name)
		if err != nil {
			return err
		}
		if out, err = openProfile(box, p, false); err != nil {
			return err
		}
		writeJSON(w, http.StatusOK, out)
		return nil
	}
	err = a.inOrg(ctx, c, authz.RevealSecrets, func(tx cloud.Store, _ authz.Role) error {
		p, err := orgProfile(ctx, tx, c.org, name)
		if err != nil {
			return err
		}
		if out, err = openProfile(box, p, true); err != nil {
			return err
		}
		return a.record(ctx, tx, c, "storage_profile.reveal", p.Name, "credentials revealed for sync")
	})
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

// createStorageProfile adds a storage profile to the org.
func (a *API) createStorageProfile(w http.ResponseWriter, r *http.Request, c *call) error {
	var spec api.StorageProfileSpec
	if err := decode(w, r, &spec); err != nil {
		return err
	}
	spec.SecretKey = keepSecret(spec, api.StorageProfileSpec{})
	if err := validProfileSpec(spec); err != nil {
		return err
	}
	ctx := r.Context()
	box, err := a.seal.get(ctx)
	if err != nil {
		return err
	}
	var out api.StorageProfile
	err = a.inOrg(ctx, c, authz.ManageStorage, func(tx cloud.Store, _ authz.Role) error {
		p, err := sealProfile(box, c.org.ID, spec)
		if err != nil {
			return err
		}
		p.CreatedBy = c.user.ID
		if err := tx.CreateStorageProfile(ctx, &p); err != nil {
			return err
		}
		out = maskedProfile(spec, p)
		out.CreatedBy, out.UpdatedBy = c.user.Email, c.user.Email
		detail := spec.Provider + " " + spec.Bucket
		if spec.AccessKey != "" && spec.SecretKey == "" {
			detail += ", without its secret key"
		}
		return a.record(ctx, tx, c, "storage_profile.create", p.Name, detail)
	})
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, out)
	return nil
}

// updateStorageProfile replaces a storage profile's settings. A secret key sent masked or
// left empty keeps the stored one while the access key is unchanged.
func (a *API) updateStorageProfile(w http.ResponseWriter, r *http.Request, c *call) error {
	var spec api.StorageProfileSpec
	if err := decode(w, r, &spec); err != nil {
		return err
	}
	name := r.PathValue("profile")
	if spec.Name == "" {
		spec.Name = name
	}
	if spec.Name != name {
		return errs.Invalid("the body names storage profile %q but the path %q: storage profiles cannot be renamed; create the new one and delete the old", clip(spec.Name), clip(name))
	}
	ctx := r.Context()
	box, err := a.seal.get(ctx)
	if err != nil {
		return err
	}
	var out api.StorageProfile
	err = a.inOrg(ctx, c, authz.ManageStorage, func(tx cloud.Store, _ authz.Role) error {
		old, err := orgProfile(ctx, tx, c.org, name)
		if err != nil {
			return err
		}
		before, err := openProfile(box, old, true)
		if err != nil {
			return err
		}
		spec.SecretKey = keepSecret(spec, before.StorageProfileSpec)
		if err := validProfileSpec(spec); err != nil {
			return err
		}
		changed := profileChanges(before.StorageProfileSpec, spec)
		if len(changed) == 0 {
			out, err = openProfile(box, old, false)
			return err
		}
		p, err := sealProfile(box, c.org.ID, spec)
		if err != nil {
			return err
		}
		p.CreatedBy, p.CreatedAt, p.UpdatedBy = old.CreatedBy, old.CreatedAt, c.user.ID
		if err := tx.UpdateStorageProfile(ctx, &p); err != nil {
			return err
		}
		out = maskedProfile(spec, p)
		out.CreatedBy, out.UpdatedBy = old.CreatorEmail, c.user.Email
		return a.record(ctx, tx, c, "storage_profile.update", p.Name, "changed "+strings.Join(changed, ", "))
	})
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

// deleteStorageProfile removes a storage profile no target of the org uses.
func (a *API) deleteStorageProfile(w http.ResponseWriter, r *http.Request, c *call) error {
	ctx := r.Context()
	err := a.inOrg(ctx, c, authz.ManageStorage, func(tx cloud.Store, _ authz.Role) error {
		p, err := orgProfile(ctx, tx, c.org, r.PathValue("profile"))
		if err != nil {
			return err
		}
		ts, err := tx.Targets(ctx, c.org.ID)
		if err != nil {
			return err
		}
		var users []string
		for _, t := range ts {
			if t.StorageProfile == p.Name {
				users = append(users, t.Name)
			}
		}
		if len(users) > 0 {
			sort.Strings(users)
			return errs.Conflict("storage profile %q is used by the org's targets %s: change or delete them first", p.Name, strings.Join(users, ", "))
		}
		if err := tx.DeleteStorageProfile(ctx, c.org.ID, p.Name); err != nil {
			return err
		}
		return a.record(ctx, tx, c, "storage_profile.delete", p.Name, p.Provider+" "+p.Bucket)
	})
	if err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// orgProfile returns the org's storage profile called name, or a "not found" that says
// where to look.
func orgProfile(ctx context.Context, st cloud.StorageProfiles, org cloud.Org, name string) (cloud.StorageProfile, error) {
	p, err := st.StorageProfile(ctx, org.ID, name)
	if errors.Is(err, errs.ErrNotFound) {
		return cloud.StorageProfile{}, errs.NotFound("storage profile %q not found in %s: list the org's storage profiles with `clonit cloud storage-profiles list`", clip(name), org.Slug)
	}
	return p, err
}

// keepSecret returns the secret key to store for next when stored is what the org holds:
// a secret key sent as api.Mask or left empty keeps the stored one while the access key is
// unchanged; a masked one with nothing to keep is missing.
func keepSecret(next, stored api.StorageProfileSpec) string {
	if next.SecretKey != "" && next.SecretKey != api.Mask {
		return next.SecretKey
	}
	if next.AccessKey != "" && next.AccessKey == stored.AccessKey {
		return stored.SecretKey
	}
	return ""
}

// sealProfile returns the profile to store for spec, with its keys sealed.
func sealProfile(box *secretbox.Box, orgID string, spec api.StorageProfileSpec) (cloud.StorageProfile, error) {
	p := cloud.StorageProfile{OrgID: orgID, Name: spec.Name, Provider: spec.Provider, Bucket: spec.Bucket,
		Region: spec.Region, AccountID: spec.AccountID, AWSCLIProfile: spec.AWSCLIProfile, Endpoint: spec.Endpoint,
		Prefix: spec.Prefix}
	var err error
	if p.AccessKey, err = box.Seal(spec.AccessKey, place(orgID, "storage_profile", spec.Name, "access_key")); err != nil {
		return p, err
	}
	p.SecretKey, err = box.Seal(spec.SecretKey, place(orgID, "storage_profile", spec.Name, "secret_key"))
	return p, err
}

// openProfile returns p as the API answers it: its access key opened, its secret key
// opened when reveal is set and masked otherwise.
func openProfile(box *secretbox.Box, p cloud.StorageProfile, reveal bool) (api.StorageProfile, error) {
	access, err := box.Open(p.AccessKey, place(p.OrgID, "storage_profile", p.Name, "access_key"))
	if err != nil {
		return api.StorageProfile{}, err
	}
	spec := api.StorageProfileSpec{Name: p.Name, Provider: p.Provider, Bucket: p.Bucket, Region: p.Region,
		AccessKey: access, AccountID: p.AccountID, AWSCLIProfile: p.AWSCLIProfile, Endpoint: p.Endpoint, Prefix: p.Prefix}
	if reveal {
		if spec.SecretKey, err = box.Open(p.SecretKey, place(p.OrgID, "storage_profile", p.Name, "secret_key")); err != nil {
			return api.StorageProfile{}, err
		}
	} else if p.SecretKey != "" {
		spec.SecretKey = api.Mask
	}
	return api.StorageProfile{StorageProfileSpec: spec, Revealed: reveal, CreatedBy: p.CreatorEmail,
		UpdatedBy: p.UpdaterEmail, CreatedAt: p.CreatedAt, UpdatedAt: p.UpdatedAt}, nil
}

// maskedProfile answers a profile just written from spec, its secret key masked.
func maskedProfile(spec api.StorageProfileSpec, p cloud.StorageProfile) api.StorageProfile {
	if spec.SecretKey != "" {
		spec.SecretKey = api.Mask
	}
	return api.StorageProfile{StorageProfileSpec: spec, CreatedAt: p.CreatedAt, UpdatedAt: p.UpdatedAt}
}

// profileChanges names the settings that differ between a and b, for the audit log.
func profileChanges(a, b api.StorageProfileSpec) []string {
	var out []string
	for _, f := range []struct{ name, a, b string }{
		{"provider", a.Provider, b.Provider}, {"bucket", a.Bucket, b.Bucket}, {"region", a.Region, b.Region},
		{"access_key", a.AccessKey, b.AccessKey}, {"secret_key", a.SecretKey, b.SecretKey},
		{"account_id", a.AccountID, b.AccountID}, {"awscli_profile", a.AWSCLIProfile, b.AWSCLIProfile},
		{"endpoint", a.Endpoint, b.Endpoint}, {"prefix", a.Prefix, b.Prefix},
	} {
		if f.a != f.b {
			out = append(out, f.name)
		}
	}
	return out
}
