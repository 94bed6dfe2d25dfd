package store

import (
	"context"
	"errors"
	"sync"

	"github.com/clonit/clonit/internal/cloud"
	"github.com/clonit/clonit/internal/errs"
)

// maxMemberLists and maxListedMembers bound what a MemberLists keeps (orgs, and members of
// all of them); past either the cache starts over, which costs one list query per org in use.
const (
	maxMemberLists   = 256
	maxListedMembers = 100_000
)

// MemberLists keeps the members list of each org as it was at a version of the list: a
// number the database raises in the transaction of every change to what the list shows (a
// membership added, changed or removed; a member's email, name or groups), by triggers
// that no writer can bypass, this process's or another's. A list read after its version
// is the list of that version or of a later one, never of an earlier one; a later version
// misses the cache. So a caller that reads the version, then takes the list of that
// version from the cache or reads it and puts it there, gets the list as fresh as a query
// would give it, at the cost of the version's one-row read: the members page of a large
// org is read far more often than its members change.
type MemberLists struct {
	mu      sync.Mutex
	m       map[string]memberList
	members int // in the lists of m
}

type memberList struct {
	version int64
	members []cloud.Member
}

// NewMemberLists returns an empty cache.
func NewMemberLists() *MemberLists { return &MemberLists{m: make(map[string]memberList)} }

// Members returns the org's members list: from the cache while the list's version, read
// now, is the one it was cached at, else from list, kept for the next caller. An unknown
// org (version answers errs.ErrNotFound) goes to list, which answers it.
func (c *MemberLists) Members(ctx context.Context, orgID string, version func(context.Context, string) (int64, error), list func() ([]cloud.Member, error)) ([]cloud.Member, error) {
	v, err := version(ctx, orgID)
	if errors.Is(err, errs.ErrNotFound) {
		return list()
	}
	if err != nil {
		return nil, err
	}
	if ms, ok := c.Get(orgID, v); ok {
		return ms, nil
	}
	ms, err := list()
	if err == nil {
		c.Put(orgID, v, ms)
	}
	return ms, err
}

// Get returns a copy of the org's list at version, if the cache holds it.
func (c *MemberLists) Get(orgID string, version int64) ([]cloud.Member, bool) {
	c.mu.Lock()
	l, ok := c.m[orgID]
	c.mu.Unlock()
	if !ok || l.version != version {
		return nil, false
	}
	return copyMembers(l.members), true
}

// Put keeps a copy of members, the org's list read after version was.
func (c *MemberLists) Put(orgID string, version int64, members []cloud.Member) {
	l := memberList{version: version, members: copyMembers(members)}
	c.mu.Lock()
	defer c.mu.Unlock()
	if old, ok := c.m[orgID]; ok && old.version > version {
		return // a request that read a later version got there first
	}
	c.members -= len(c.m[orgID].members)
	if len(c.m) >= maxMemberLists || c.members+len(members) > maxListedMembers {
		clear(c.m)
		c.members = 0
	}
	c.m[orgID] = l
	c.members += len(members)
}

// copyMembers copies ms and their groups, so that neither the cache nor its callers see
// the other's changes. All groups go into one array, one allocation for the whole list.
func copyMembers(ms []cloud.Member) []cloud.Member {
	n := 0
	for _, m := range ms {
		n += len(m.User.Groups)
	}
	groups := make([]string, 0, n)
	out := make([]cloud.Member, len(ms))
	for i, m := range ms {
		if m.User.Groups != nil {
			start := len(groups)
			groups = append(groups, m.User.Groups...)
			m.User.Groups = groups[start:len(groups):len(groups)]
		}
		out[i] = m
	}
	return out
}
