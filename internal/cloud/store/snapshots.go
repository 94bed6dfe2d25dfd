package store

import (
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/clonit/clonit/internal/cloud"
	"github.com/clonit/clonit/internal/errs"
)

// ErrSnapshotNotFound reports a snapshot that does not exist (or is not ready).
func ErrSnapshotNotFound() error {
	return errs.NotFound("snapshot not found")
}

// ErrUploadNotFound reports an upload that does not exist or is no longer in progress.
func ErrUploadNotFound() error {
	return errs.NotFound("upload not found")
}

// CheckSnapshot rejects snapshots that cannot be stored.
func CheckSnapshot(s cloud.Snapshot) error {
	switch {
	case s.OrgID == "" || s.Target == "" || s.Name == "" || s.Type == "":
		return errs.Invalid("a snapshot needs an org, a target, a name and a type")
	case s.Size < 0 || len(s.SHA256) != 64:
		return errs.Invalid("a snapshot needs its size and its hex SHA-256")
	}
	return nil
}

// Dialect is what the two stores' SQL differs in, for the queries both build here.
type Dialect struct {
	// Param returns the placeholder of the nth argument (from 1): ?n or $n.
	Param func(n int) string
	// True is the literal of a true boolean column value.
	True string
	// InGroups returns the condition that column col is one of the groups in the argument
	// whose placeholder is param.
	InGroups func(col, param string) string
	// Time and Groups convert arguments to what the driver stores.
	Time   func(time.Time) any
	Groups func([]string) any
	// FixedJoin is the join that keeps its left side as the outer loop ("CROSS JOIN" on
	// SQLite, whose planner may otherwise scan the whole catalog in order), or "JOIN".
	FixedJoin string
	// MergeUnion asks VisibleIDs for one compound SELECT ordered as the page is, whose arms
	// read their index ranges in that order: SQLite runs it as a merge of the arms (MERGE
	// (UNION) in its plan) that stops when the page is full, reading about limit rows in
	// all instead of limit per arm, with no temporary B-tree. PostgreSQL 15 cannot merge a
	// UNION and would read every arm whole, so it keeps one limited subquery per arm.
	MergeUnion bool
}

// Query collects the arguments of a query as it is built.
type Query struct {
	d    Dialect
	Args []any
}

// Arg appends v and returns its placeholder.
func (q *Query) Arg(v any) string {
	q.Args = append(q.Args, v)
	return q.d.Param(len(q.Args))
}

// NewQuery starts a query in dialect d.
func NewQuery(d Dialect) *Query { return &Query{d: d} }

// VisibleIDs returns WITH clauses that end with "p(id, created_at) AS (...)", the page: the
// first f.Limit snapshots after f.After of the UNION of ordered index ranges, one for each
// way of being visible to v. The caller joins the snapshots to p (with FixedJoin) and
// orders them again. With MergeUnion p is that UNION itself (see Dialect.MergeUnion);
// without, "v(id, created_at) AS (...)" holds the first f.Limit of each range and p the
// first f.Limit of v.
func (q *Query) VisibleIDs(v cloud.Viewer, f cloud.SnapshotFilter) string {
	// The limit is a literal: a generic plan for an unknown limit may sort a whole range
	// instead of reading its first rows.
	org, limit := q.Arg(v.OrgID), strconv.Itoa(f.Limit)
	after := func(col string) string { return "" }
	if f.After != nil {
		at, id := q.Arg(q.d.Time(f.After.CreatedAt)), q.Arg(f.After.ID)
		after = func(col string) string { return " AND (created_at, " + col + ") < (" + at + ", " + id + ")" }
	}
	// Each branch yields distinct IDs: a snapshot shared with two of the viewer's groups
	// must count once within a branch, or its first rows would not be its newest snapshots.
	var parts []string
	branch := func(from, where, idCol string, distinct string) {
		sel := "SELECT " + distinct + idCol + " AS id, created_at FROM " + from + " WHERE " + where + after(idCol)
		if q.d.MergeUnion && distinct == "" {
			// An arm of the merge: the index delivers it in the page's order. (A DISTINCT arm,
			// over a set of groups, is sorted and limited on its own, as without MergeUnion.)
			parts = append(parts, sel)
			return
		}
		parts = append(parts, "SELECT id, created_at FROM ("+sel+" ORDER BY created_at DESC, "+idCol+" DESC LIMIT "+limit+") AS b"+strconv.Itoa(len(parts)))
	}
	switch {
	case v.All && !f.Shared:
		branch("cloud_snapshots", "org_id = "+org+" AND ready = "+q.d.True, "id", "")
	default:
		branch("cloud_snapshots", "org_id = "+org+" AND shared_org = "+q.d.True, "id", "")
		switch {
		case f.Shared || len(v.Groups) == 0:
		case len(v.Groups) <= maxGroupBranches:
			// One ordered range per group: each reads only its first rows.
			for _, g := range v.Groups {
				branch("snapshot_group_shares", "org_id = "+org+" AND group_name = "+q.Arg(g), "snapshot_id", "")
			}
		default:
			groups := q.Arg(q.d.Groups(v.Groups))
			branch("snapshot_group_shares", "org_id = "+org+" AND "+q.d.InGroups("group_name", groups), "snapshot_id", "DISTINCT ")
		}
	}
	branch("snapshot_org_shares", "to_org_id = "+org, "snapshot_id", "")
	if q.d.MergeUnion {
		// The UNION drops a snapshot met in two arms: its rows are equal, since every share
		// repeats the snapshot's created_at, and the merge meets them one after the other.
		return "p(id, created_at) AS (" + strings.Join(parts, " UNION ") + " ORDER BY created_at DESC, id DESC LIMIT " + limit + ")"
	}
	return "v(id, created_at) AS (" + strings.Join(parts, " UNION ") + "), p AS (SELECT id, created_at FROM v ORDER BY created_at DESC, id DESC LIMIT " + limit + ")"
}

// maxGroupBranches is the most groups the catalog query reads one range each; a viewer in
// more groups has them read as one set.
const maxGroupBranches = 32

// Visible returns the condition that the snapshot aliased s is ready and visible to v: the
// same rule as VisibleIDs, for lookups of a few snapshots.
func (q *Query) Visible(v cloud.Viewer) string {
	org := q.Arg(v.OrgID)
	own := "s.shared_org = " + q.d.True
	switch {
	case v.All:
		own = q.d.True + " = " + q.d.True
	case len(v.Groups) > 0:
		groups := q.Arg(q.d.Groups(v.Groups))
		own += " OR EXISTS (SELECT 1 FROM snapshot_group_shares g WHERE g.snapshot_id = s.id AND " + q.d.InGroups("g.group_name", groups) + ")"
	}
	return "s.ready = " + q.d.True + " AND (EXISTS (SELECT 1 FROM snapshot_org_shares x WHERE x.snapshot_id = s.id AND x.to_org_id = " + org +
		") OR (s.org_id = " + org + " AND (" + own + ")))"
}

// PrefixRange returns the condition that s.id starts with prefix, as an index range.
func (q *Query) PrefixRange(prefix string) string {
	return "s.id >= " + q.Arg(prefix) + " AND s.id < " + q.Arg(prefix+"\x7f")
}

// Snapshot paging limits of VisibleSnapshots.
const (
	DefaultSnapshotLimit = 50
	MaxSnapshotLimit     = 1000
)

// SnapshotLimit returns the page size for a requested limit.
func SnapshotLimit(n int) int {
	switch {
	case n <= 0:
		return DefaultSnapshotLimit
	case n > MaxSnapshotLimit:
		return MaxSnapshotLimit
	}
	return n
}

// SortedGroups returns groups sorted and never nil.
func SortedGroups(groups []string) []string {
	out := append([]string{}, groups...)
	slices.Sort(out)
	return out
}
