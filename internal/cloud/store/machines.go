package store

import (
	"github.com/clonit/clonit/internal/cloud"
	"github.com/clonit/clonit/internal/cloud/authz"
	"github.com/clonit/clonit/internal/errs"
)

// ErrAPIKeyNotFound reports an API key that does not exist (or, for a change, is no longer
// live).
func ErrAPIKeyNotFound() error {
	return errs.NotFound("API key not found")
}

// ErrAPIKeyTaken reports a CreateAPIKey whose hash is already stored.
func ErrAPIKeyTaken() error {
	return errs.Conflict("an API key with this hash already exists")
}

// ErrAgentNotFound reports an agent that does not exist (or, for a change, is no longer
// registered).
func ErrAgentNotFound() error {
	return errs.NotFound("agent not found")
}

// ErrAgentNameTaken reports a CreateAgent whose name a registered agent of the org has.
func ErrAgentNameTaken(name string) error {
	return errs.Conflict("an agent named %q is already registered in this organization", name)
}

// CheckAPIKey rejects keys that cannot be stored.
func CheckAPIKey(k cloud.APIKey) error {
	switch {
	case k.OrgID == "" || k.Name == "" || k.Hash == "":
		return errs.Invalid("an API key needs an org, a name and a hash")
	case k.Permissions&^authz.AllPermissions != 0:
		return errs.Invalid("unknown API key permissions")
	case k.Login && k.UserID == "":
		return errs.Invalid("a login key belongs to a person")
	}
	return nil
}

// CheckAgent rejects agents that cannot be stored.
func CheckAgent(a cloud.Agent) error {
	if a.OrgID == "" || a.Name == "" {
		return errs.Invalid("an agent needs an org and a name")
	}
	return nil
}
