package store

import (
	"github.com/clonit/clonit/internal/cloud"
	"github.com/clonit/clonit/internal/cloud/authz"
	"github.com/clonit/clonit/internal/errs"
)

// The user-visible errors of the stores. Both dialects build their errors here so that the
// same mistake reads the same on SQLite and on PostgreSQL; the suite asserts these texts.

// ErrSlugTaken reports a CreateOrg whose slug another org already has.
func ErrSlugTaken(slug string) error {
	return errs.Conflict("slug %q is taken: choose another", slug)
}

// ErrOrgNotFound reports an org that does not exist. slug may be empty when the org was
// looked up by id, which callers never show.
func ErrOrgNotFound(slug string) error {
	if slug == "" {
		return errs.NotFound("organization not found")
	}
	return errs.NotFound("organization %q not found", slug)
}

// ErrUserNotFound reports an unknown user. email may be empty when the user was looked up
// by id.
func ErrUserNotFound(email string) error {
	if email == "" {
		return errs.NotFound("user not found")
	}
	return errs.NotFound("user %q not found", email)
}

// ErrNotMember reports a membership that does not exist.
func ErrNotMember() error {
	return errs.NotFound("user is not a member of this organization")
}

// ErrAlreadyMember reports an AddMember for an existing membership.
func ErrAlreadyMember() error {
	return errs.Conflict("user is already a member of this organization")
}

// ErrNoSuchOrgOrUser reports an AddMember naming an org or a user that does not exist.
func ErrNoSuchOrgOrUser() error {
	return errs.NotFound("organization or user not found")
}

// ErrAccountNotFound reports an unknown local account. email may be empty when the account
// was looked up by id.
func ErrAccountNotFound(email string) error {
	if email == "" {
		return errs.NotFound("account not found")
	}
	return errs.NotFound("account %q not found", email)
}

// ErrEmailTaken reports a CreateAccount whose email (case-insensitively) is taken.
func ErrEmailTaken(email string) error {
	return errs.Conflict("an account with email %q already exists", email)
}

// CheckRole rejects roles that cannot be stored: None and values outside the table.
func CheckRole(r authz.Role) error {
	if r < authz.Viewer || r > authz.Owner {
		return errs.Invalid("role must be owner, admin, member or viewer")
	}
	return nil
}

// ErrJoinCodeNotFound reports a join code the org does not hold (or no longer holds live).
func ErrJoinCodeNotFound() error {
	return errs.NotFound("join code not found")
}

// ErrJoinCodeTaken reports a CreateJoinCodes whose MAC the org already holds.
func ErrJoinCodeTaken() error {
	return errs.Conflict("the organization already holds this join code")
}

// ErrJoinCodeNotLive reports a UseJoinCode of a code that is used, revoked or expired.
func ErrJoinCodeNotLive() error {
	return errs.Conflict("the join code is no longer live")
}

// CheckJoinCode rejects join codes that cannot be stored: a role other than viewer, member
// or admin (owners are made by transfer, never by a code), an empty MAC, or an expiry not
// after the creation.
func CheckJoinCode(c cloud.JoinCode) error {
	switch {
	case c.Role < authz.Viewer || c.Role > authz.Admin:
		return errs.Invalid("a join code's role must be admin, member or viewer")
	case len(c.MAC) == 0:
		return errs.Invalid("a join code needs its MAC")
	case !c.ExpiresAt.After(c.CreatedAt):
		return errs.Invalid("a join code must expire after its creation")
	}
	return nil
}
