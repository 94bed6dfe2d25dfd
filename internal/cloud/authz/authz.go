// Package authz is the single source of Clonit Cloud's role rules: an ordered Role, the
// actions of the capability table, one Can(role, action) driven by that table, and the rules
// for writing roles. It imports nothing of the project.
package authz

import "fmt"

// Role is a member's role in an org. Roles are ordered: a higher value may do all that a
// lower one may. The zero value, None, may do nothing.
type Role int

// The roles, lowest first.
const (
	None Role = iota
	Viewer
	Member
	Admin
	Owner
)

var roleNames = [...]string{"", "viewer", "member", "admin", "owner"}

// String returns the role's lowercase name ("" for None).
func (r Role) String() string {
	if r < None || r > Owner {
		return fmt.Sprintf("role(%d)", int(r))
	}
	return roleNames[r]
}

// ParseRole parses a role name.
func ParseRole(s string) (Role, error) {
	for i, n := range roleNames {
		if i > 0 && n == s {
			return Role(i), nil
		}
	}
	return None, fmt.Errorf("unknown role %q: use owner, admin, member or viewer", s)
}

// MarshalText encodes the role as its name.
func (r Role) MarshalText() ([]byte, error) { return []byte(r.String()), nil }

// UnmarshalText decodes a role name.
func (r *Role) UnmarshalText(b []byte) error {
	v, err := ParseRole(string(b))
	if err != nil {
		return err
	}
	*r = v
	return nil
}

// Action is something a caller may do in an org.
type Action string

// The actions of the capability table (PRODUCT.md §3.3).
const (
	ViewOrg         Action = "org.view"         // org profile, members, agents, targets, storage profiles
	UpdateOrg       Action = "org.update"       // settings and profile
	ViewAudit       Action = "audit.view"       // the audit log
	ChangeRoles     Action = "members.role"     // change other members' roles (subject to RoleChange)
	RemoveMembers   Action = "members.remove"   // remove others (subject to Removal)
	InviteMembers   Action = "invites.create"   // join codes for viewers and members
	InviteAdmins    Action = "invites.admin"    // join codes for admins
	TransferOwner   Action = "org.transfer"     // hand ownership to an admin
	ManageTargets   Action = "targets.write"    // create and modify targets
	ManageStorage   Action = "storage.write"    // create and manage storage profiles
	PushSnapshots   Action = "snapshots.push"   // push, pull and manage snapshots
	ManageAPIKeys   Action = "apikeys.write"    // create and delete API keys
	RemoveAgents    Action = "agents.remove"    // remove agents from the registry
	SeeAllSnapshots Action = "snapshots.all"    // see every snapshot of the org, shared or not
	ShareOtherOrgs  Action = "snapshots.xshare" // share a snapshot with another org
	PullSnapshots   Action = "snapshots.pull"   // download a snapshot the caller may see
	RegisterAgent   Action = "agents.register"  // register this machine as an agent
	LoginKey        Action = "apikeys.login"    // provision one's own agent key at sign-in
	RevealSecrets   Action = "secrets.reveal"   // read the credentials of targets and storage profiles
	// ReachSnapshots reaches one snapshot to delete or share it. Every role may: the handler
	// decides by role once it knows whether the caller sees the snapshot, so that a snapshot
	// the caller may not see answers 404 and one they see but may not change 403 (§3.6).
	ReachSnapshots Action = "snapshots.reach"
)

// minRole is the capability table: the lowest role that may do each action.
var minRole = map[Action]Role{
	ViewOrg:         Viewer,
	ManageTargets:   Member,
	ManageStorage:   Member,
	PushSnapshots:   Member,
	UpdateOrg:       Admin,
	ViewAudit:       Admin,
	ChangeRoles:     Admin,
	RemoveMembers:   Admin,
	InviteMembers:   Admin,
	ManageAPIKeys:   Admin,
	RemoveAgents:    Admin,
	SeeAllSnapshots: Admin,
	ShareOtherOrgs:  Admin,
	PullSnapshots:   Viewer, // of snapshots they may see (§3.6)
	RegisterAgent:   Viewer,
	LoginKey:        Viewer,
	RevealSecrets:   Member, // to sync them to one's agent; viewers see them masked
	InviteAdmins:    Owner,
	TransferOwner:   Owner,
	// Deleting and sharing are decided by role in the handler (see ReachSnapshots).
	ReachSnapshots: Viewer,
}

// Can reports whether role may do action. Unknown actions are denied.
func Can(role Role, action Action) bool {
	min, ok := minRole[action]
	return ok && role >= min && min > None
}

// Actions returns every action of the table, for tests that walk it.
func Actions() []Action {
	out := make([]Action, 0, len(minRole))
	for a := range minRole {
		out = append(out, a)
	}
	return out
}

// RoleChange reports why actor may not change target's role from its current role to next,
// or nil if the change is allowed. self is true when actor and target are the same person.
// The last-owner rule needs the org's state and is checked by LastOwner.
func RoleChange(actor, current, next Role, self bool) error {
	switch {
	case self:
		return fmt.Errorf("you cannot change your own role")
	case next < Viewer || next > Owner:
		return fmt.Errorf("unknown role")
	case !Can(actor, ChangeRoles):
		return fmt.Errorf("only admins and owners change roles")
	case next > actor:
		return fmt.Errorf("you cannot grant a role above your own (%s)", actor)
	case (current == Owner || next == Owner) && actor != Owner:
		return fmt.Errorf("only owners assign or revoke the owner role")
	case current == Admin && actor != Owner && next < Admin:
		return fmt.Errorf("only owners demote admins")
	}
	return nil
}

// Removal reports why actor may not remove a member whose role is target, or nil.
// self is true when a member removes themself (leaving), which any role may do.
func Removal(actor, target Role, self bool) error {
	switch {
	case self:
		return nil
	case !Can(actor, RemoveMembers):
		return fmt.Errorf("only admins and owners remove members")
	case target >= Admin && actor != Owner:
		return fmt.Errorf("only owners remove admins and owners")
	}
	return nil
}

// LastOwner reports an error when a change would leave the org with no owner: owners is the
// number of owners before the change, and losesOwner whether the change takes one away.
func LastOwner(owners int, losesOwner bool) error {
	if losesOwner && owners <= 1 {
		return fmt.Errorf("an organization must keep at least one owner: transfer ownership or make another member owner first")
	}
	return nil
}
