package authz

import (
	"fmt"
	"strings"
)

// Permission is the set of rights an API key holds on top of read access (PRODUCT.md §3.2).
// The zero value is a read-only key.
type Permission uint8

// The permissions of an API key.
const (
	// Push lets a key upload snapshots.
	Push Permission = 1 << iota
	// Pull lets a key download snapshots.
	Pull
)

// AllPermissions is what a key gets when its creator names none.
const AllPermissions = Push | Pull

// KeyRole is the highest role an API key acts with: machines act with member-level access,
// and a per-user key never above its user's current role either (see KeyCap).
const KeyRole = Member

// KeyCap returns the role an API key acts with when its owner's role is owner (KeyRole for
// an org-level key): the lower of the two.
func KeyCap(owner Role) Role {
	return min(owner, KeyRole)
}

// keyNeeds is the part of the capability table that only keys see: the permission a key
// must hold for each action that moves snapshots. Issue-6 routes guarded with
// PushSnapshots or PullSnapshots need nothing more than their usual one-line guard.
var keyNeeds = map[Action]Permission{
	PushSnapshots: Push,
	PullSnapshots: Pull,
	// Deleting or sharing a snapshot is managing it, as pushing is.
	ReachSnapshots: Push,
	// A machine that may pull snapshots may fetch the credentials it needs to load them.
	RevealSecrets: Pull,
}

// keyWrites are the changes a key may make without a permission: a machine registers
// itself. Every other change (settings, members, keys, leaving) is a person's.
var keyWrites = map[Action]bool{
	RegisterAgent: true,
}

// KeyCan reports whether an API key holding perms may do action, on top of what its role
// (KeyCap) allows: an action of keyNeeds needs that permission; any other change (write is
// true) is refused unless keyWrites lists it; reading is always allowed.
func KeyCan(perms Permission, action Action, write bool) bool {
	if need, ok := keyNeeds[action]; ok {
		return perms&need == need
	}
	return !write || keyWrites[action]
}

// KeyNeeds returns the permission a key needs for action (0: none).
func KeyNeeds(action Action) Permission { return keyNeeds[action] }

// Has reports whether p holds every permission of q.
func (p Permission) Has(q Permission) bool { return p&q == q }

// Strings returns the names of p's permissions, "push" before "pull"; never nil.
func (p Permission) Strings() []string {
	out := []string{}
	if p.Has(Push) {
		out = append(out, "push")
	}
	if p.Has(Pull) {
		out = append(out, "pull")
	}
	return out
}

// String returns the permissions joined with commas, or "read" for a read-only key.
func (p Permission) String() string {
	if p == 0 {
		return "read"
	}
	return strings.Join(p.Strings(), ",")
}

// ParsePermissions parses permission names ("push", "pull"); each element may itself be a
// comma-separated list. No names means a read-only key.
func ParsePermissions(names []string) (Permission, error) {
	var p Permission
	for _, n := range names {
		for _, f := range strings.Split(n, ",") {
			switch strings.TrimSpace(strings.ToLower(f)) {
			case "push":
				p |= Push
			case "pull":
				p |= Pull
			case "":
			default:
				return 0, fmt.Errorf("unknown permission %q: use push, pull or both", strings.TrimSpace(f))
			}
		}
	}
	return p, nil
}
