package store

import (
	"github.com/clonit/clonit/internal/cloud"
	"github.com/clonit/clonit/internal/errs"
)

// ErrTargetNotFound reports an org target that does not exist.
func ErrTargetNotFound(name string) error {
	return errs.NotFound("target %q not found in this organization", name)
}

// ErrTargetTaken reports a CreateTarget whose name the org already uses.
func ErrTargetTaken(name string) error {
	return errs.Conflict("the organization already has a target named %q", name)
}

// ErrStorageProfileNotFound reports an org storage profile that does not exist.
func ErrStorageProfileNotFound(name string) error {
	return errs.NotFound("storage profile %q not found in this organization", name)
}

// ErrStorageProfileTaken reports a CreateStorageProfile whose name the org already uses.
func ErrStorageProfileTaken(name string) error {
	return errs.Conflict("the organization already has a storage profile named %q", name)
}

// CheckTarget rejects targets that cannot be stored; the API checks the settings.
func CheckTarget(t cloud.Target) error {
	if t.OrgID == "" || t.Name == "" || t.DBType == "" || t.SrcURL == "" {
		return errs.Invalid("a target needs an org, a name, a db_type and a src_url")
	}
	return nil
}

// CheckStorageProfile rejects storage profiles that cannot be stored.
func CheckStorageProfile(p cloud.StorageProfile) error {
	if p.OrgID == "" || p.Name == "" || p.Provider == "" {
		return errs.Invalid("a storage profile needs an org, a name and a provider")
	}
	return nil
}
