package httpapi

import (
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/clonit/clonit/internal/api"
	"github.com/clonit/clonit/internal/cloud"
	"github.com/clonit/clonit/internal/cloud/authz"
	"github.com/clonit/clonit/internal/cloud/identity/apikey"
	"github.com/clonit/clonit/internal/cloud/store"
	"github.com/clonit/clonit/internal/errs"
)

// defaultLoginKeyName names the key `clonit login` provisions when it gives no name.
const defaultLoginKeyName = "clonit login"

// listKeys answers the org's live API keys, without their secrets.
func (a *API) listKeys(w http.ResponseWriter, r *http.Request, c *call) error {
	keys, err := a.store.APIKeys(r.Context(), c.org.ID)
	if err != nil {
		return err
	}
	out := make([]api.APIKey, 0, len(keys))
	for _, k := range keys {
		out = append(out, toAPIKey(k))
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

// createKey creates an org-level key, or a per-user key of the caller, and answers its
// secret: the only time it is shown.
func (a *API) createKey(w http.ResponseWriter, r *http.Request, c *call) error {
	var req api.CreateAPIKeyRequest
	if err := decode(w, r, &req); err != nil {
		return err
	}
	name := strings.TrimSpace(req.Name)
	if err := validText("name", name, 100, true); err != nil {
		return err
	}
	perms, err := authz.ParsePermissions(req.Permissions)
	if err != nil {
		return errs.Invalid("%s", err.Error())
	}
	now := store.Now()
	k := cloud.APIKey{OrgID: c.org.ID, Name: name, Permissions: perms, CreatedBy: c.user.ID, CreatedAt: now}
	if req.ExpiresAt != nil {
		if !req.ExpiresAt.After(now) {
			return errs.Invalid("the expiry %s is not in the future", req.ExpiresAt.UTC().Format(time.RFC3339))
		}
		k.ExpiresAt = *req.ExpiresAt
	}
	if req.User {
		k.UserID = c.user.ID
	}
	return a.issueKey(w, r, c, authz.ManageAPIKeys, k, func(tx cloud.Store) (string, error) { return "", nil })
}

// loginKey provisions the caller's login key for the org, revoking the previous one: every
// `clonit login` rotates it.
func (a *API) loginKey(w http.ResponseWriter, r *http.Request, c *call) error {
	var req api.LoginKeyRequest
	if r.ContentLength != 0 {
		if err := decode(w, r, &req); err != nil {
			return err
		}
	}
	name := strings.TrimSpace(req.Name)
	if name == "" {
		name = defaultLoginKeyName
	}
	if err := validText("name", name, 100, true); err != nil {
		return err
	}
	now := store.Now()
	k := cloud.APIKey{OrgID: c.org.ID, UserID: c.user.ID, Name: name, Permissions: authz.AllPermissions,
		Login: true, CreatedBy: c.user.ID, CreatedAt: now}
	return a.issueKey(w, r, c, authz.LoginKey, k, func(tx cloud.Store) (string, error) {
		n, err := tx.RevokeLoginKeys(r.Context(), c.org.ID, c.user.ID, now)
		if err != nil || n == 0 {
			return "", err
		}
		return fmt.Sprintf(", rotated %d previous", n), nil
	})
}

// revokeLoginKey revokes the caller's login key whose secret the request gives back, as
// `clonit logout` does for its machine's key. Naming the key by its secret, rather than
// revoking all of the caller's login keys, leaves alone the key of a machine that signed in
// since. A key already revoked answers 204 too; a key that is not the caller's login key in
// the org answers 404.
func (a *API) revokeLoginKey(w http.ResponseWriter, r *http.Request, c *call) error {
	var req api.RevokeLoginKeyRequest
	if err := decode(w, r, &req); err != nil {
		return err
	}
	if !apikey.LooksLikeKey(req.Key) {
		return errs.Invalid("key must be the secret of an API key (%s...)", apikey.Prefix)
	}
	ctx := r.Context()
	err := a.inOrg(ctx, c, authz.LoginKey, func(tx cloud.Store, _ authz.Role) error {
		k, err := tx.APIKeyByHash(ctx, apikey.Hash(req.Key))
		if errors.Is(err, errs.ErrNotFound) || (err == nil && (k.OrgID != c.org.ID || k.UserID != c.user.ID || !k.Login)) {
			return errs.NotFound("this is not your login key in %s: list the org's keys with `clonit cloud keys list`", c.org.Slug)
		}
		if err != nil || !k.RevokedAt.IsZero() {
			return err
		}
		if err := tx.RevokeAPIKey(ctx, c.org.ID, k.ID, store.Now()); err != nil {
			return err
		}
		return a.record(ctx, tx, c, "apikey.revoke", k.Name, keyDetail(k)+", at logout")
	})
	if err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// issueKey stores a fresh key k in the org's transaction, after before (which may revoke
// the keys k replaces and says so in the audit detail), and answers its secret.
func (a *API) issueKey(w http.ResponseWriter, r *http.Request, c *call, action authz.Action, k cloud.APIKey,
	before func(tx cloud.Store) (string, error)) error {
	ctx := r.Context()
	secret := apikey.New()
	k.Hash, k.Hint = apikey.Hash(secret), apikey.Hint(secret)
	err := a.inOrg(ctx, c, action, func(tx cloud.Store, _ authz.Role) error {
		extra, err := before(tx)
		if err != nil {
			return err
		}
		if err := tx.CreateAPIKey(ctx, &k); err != nil {
			return err
		}
		auditAction := "apikey.create"
		if k.Login {
			auditAction = "apikey.login"
		}
		return a.record(ctx, tx, c, auditAction, k.Name, keyDetail(k)+extra)
	})
	if err != nil {
		return err
	}
	k.CreatorEmail, k.UserEmail = c.user.Email, ""
	if k.UserID != "" {
		k.UserEmail = c.user.Email
	}
	writeJSON(w, http.StatusCreated, api.CreatedAPIKey{APIKey: toAPIKey(k), Key: secret})
	return nil
}

// revokeKey revokes a live key of the org; it fails on its next request.
func (a *API) revokeKey(w http.ResponseWriter, r *http.Request, c *call) error {
	ctx := r.Context()
	id := r.PathValue("key")
	err := a.inOrg(ctx, c, authz.ManageAPIKeys, func(tx cloud.Store, _ authz.Role) error {
		k, err := tx.APIKey(ctx, c.org.ID, id)
		if err == nil && k.RevokedAt.IsZero() {
			err = tx.RevokeAPIKey(ctx, c.org.ID, id, store.Now())
		} else if err == nil {
			err = store.ErrAPIKeyNotFound()
		}
		if errors.Is(err, errs.ErrNotFound) {
			return errs.NotFound("no API key %q in %s: list the keys with `clonit cloud keys list`", clip(id), c.org.Slug)
		}
		if err != nil {
			return err
		}
		return a.record(ctx, tx, c, "apikey.revoke", k.Name, keyDetail(k))
	})
	if err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// keyDetail is the audit detail of a key: its kind, owner and permissions.
func keyDetail(k cloud.APIKey) string {
	d := "org key"
	if k.UserID != "" {
		d = "per-user key"
	}
	d += ", " + k.Permissions.String()
	if !k.ExpiresAt.IsZero() {
		d += ", expires " + k.ExpiresAt.UTC().Format("2006-01-02 15:04 UTC")
	}
	return d
}

// toAPIKey is k as listings show it: never its hash.
func toAPIKey(k cloud.APIKey) api.APIKey {
	out := api.APIKey{
		ID: k.ID, Name: k.Name, Kind: keyKind(k.UserID), User: k.UserEmail, Login: k.Login, Hint: k.Hint,
		Permissions: k.Permissions.Strings(), CreatedBy: k.CreatorEmail, CreatedAt: k.CreatedAt,
	}
	if !k.ExpiresAt.IsZero() {
		t := k.ExpiresAt.UTC()
		out.ExpiresAt = &t
	}
	if !k.LastUsedAt.IsZero() {
		t := k.LastUsedAt.UTC()
		out.LastUsedAt = &t
	}
	return out
}
