package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/clonit/clonit/internal/cloud"
	"github.com/clonit/clonit/internal/cloud/authz"
	"github.com/clonit/clonit/internal/cloud/store"
)

// memberQuery selects one membership per row, joined with its whole user, for scanMember.
const memberQuery = `SELECT m.org_id, m.role_rank, m.joined_at,
	u.id, u.issuer, u.subject, u.email, u.name, u.group_names, u.created_at, u.updated_at
	FROM memberships m JOIN users u ON u.id = m.user_id`

// listQuery selects what the members list shows of each membership, for listMembers. It reads
// only the covering indexes memberships_list and users_card (see migration 0010), whose
// order is the list's, so SQLite neither sorts nor visits a table; a test checks the plan.
const listQuery = `SELECT m.role_rank, m.joined_at, u.id, u.email, u.name, u.group_names
	FROM memberships m JOIN users u INDEXED BY users_card ON u.id = m.user_id
	WHERE m.org_id = ?`

// listOrder is the members list's order: owners first, then by email.
const listOrder = ` ORDER BY m.role_rank DESC, m.email_key, m.user_id`

// Member returns the user's membership in the org, or errs.ErrNotFound.
func (q *queries) Member(ctx context.Context, orgID, userID string) (cloud.Member, error) {
	m, err := scanMember(q.readRow(ctx, memberQuery+` WHERE m.org_id = ? AND m.user_id = ?`, orgID, userID))
	if errors.Is(err, sql.ErrNoRows) {
		return cloud.Member{}, store.ErrNotMember()
	}
	return m, q.db.wrap(err, "get member")
}

// Members lists the org's members, owners first, then by email; see cloud.Members for the
// user fields it fills.
func (q *queries) Members(ctx context.Context, orgID string) ([]cloud.Member, error) {
	return q.listMembers(ctx, orgID, listQuery+listOrder, "list members", orgID)
}

// MemberListVersion returns the version of the org's members list, which the triggers of
// migration 0012 raise; see cloud.Members.
func (q *queries) MemberListVersion(ctx context.Context, orgID string) (int64, error) {
	var version int64
	err := q.readRow(ctx, `SELECT version FROM member_list_versions WHERE org_id = ?`, orgID).Scan(&version)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, store.ErrOrgNotFound("")
	}
	return version, q.db.wrap(err, "get the members list's version")
}

// Leadership lists the org's owners and admins, owners first, then by email.
func (q *queries) Leadership(ctx context.Context, orgID string) ([]cloud.Member, error) {
	return q.listMembers(ctx, orgID, listQuery+` AND m.role_rank >= ?`+listOrder, "list leadership", orgID, int(authz.Admin))
}

// listMembers runs query, a listQuery, and reads its rows. It scans every row into the same
// variables, so that a row costs only the driver's allocations and the member's own.
func (q *queries) listMembers(ctx context.Context, orgID, query, what string, args ...any) ([]cloud.Member, error) {
	rows, err := q.readQuery(ctx, query, args...)
	if err != nil {
		return nil, q.db.wrap(err, what)
	}
	defer rows.Close()
	var rank, joined int64
	var id, email, name, groups string
	dest := []any{&rank, &joined, &id, &email, &name, &groups}
	out := []cloud.Member{}
	for rows.Next() {
		if err := rows.Scan(dest...); err != nil {
			return nil, q.db.wrap(err, what)
		}
		role, err := rankRole(rank)
		if err != nil {
			return nil, q.db.wrap(err, what)
		}
		gs, err := decodeGroups(groups)
		if err != nil {
			return nil, q.db.wrap(err, what)
		}
		out = append(out, cloud.Member{OrgID: orgID, Role: role, JoinedAt: fromMicro(joined),
			User: cloud.User{ID: id, Email: email, Name: name, Groups: gs}})
	}
	return out, q.db.wrap(rows.Err(), what)
}

// AddMember inserts a membership. An existing one returns errs.ErrConflict; an unknown org
// or user errs.ErrNotFound.
func (q *queries) AddMember(ctx context.Context, orgID, userID string, role authz.Role) error {
	if err := store.CheckRole(role); err != nil {
		return err
	}
	res, err := q.w.ExecContext(ctx, insertMembership, orgID, role.String(), int(role), store.Now().UnixMicro(), userID)
	switch {
	case isUnique(err):
		return store.ErrAlreadyMember()
	case isForeignKey(err):
		return store.ErrNoSuchOrgOrUser()
	}
	return q.db.wrap(affectedOne(res, err, store.ErrNoSuchOrgOrUser()), "add member")
}

// insertMembership adds the membership of a user (the last argument, after org id, role,
// rank and join time) with a copy of the user's email_key; it inserts nothing for an unknown
// user.
const insertMembership = `INSERT INTO memberships (org_id, user_id, role, role_rank, email_key, joined_at)
	SELECT ?1, u.id, ?2, ?3, u.email_key, ?4 FROM users u WHERE u.id = ?5`

// SetRole changes a member's role; errs.ErrNotFound when the user is not a member.
func (q *queries) SetRole(ctx context.Context, orgID, userID string, role authz.Role) error {
	if err := store.CheckRole(role); err != nil {
		return err
	}
	res, err := q.w.ExecContext(ctx, `UPDATE memberships SET role = ?, role_rank = ? WHERE org_id = ? AND user_id = ?`,
		role.String(), int(role), orgID, userID)
	return q.db.wrap(affectedOne(res, err, store.ErrNotMember()), "set role")
}

// RemoveMember deletes a membership and passes the agents and targets the user registered in
// the org to the org, in one transaction; errs.ErrNotFound when the user is not a member.
func (q *queries) RemoveMember(ctx context.Context, orgID, userID string) error {
	return q.inTx(ctx, func(q *queries) error {
		res, err := q.w.ExecContext(ctx, `DELETE FROM memberships WHERE org_id = ? AND user_id = ?`, orgID, userID)
		if err := affectedOne(res, err, store.ErrNotMember()); err != nil {
			return q.db.wrap(err, "remove member")
		}
		for _, handover := range handovers {
			if _, err := q.w.ExecContext(ctx, handover, orgID, userID); err != nil {
				return q.db.wrap(err, "hand the member's agents and targets to the organization")
			}
		}
		return nil
	})
}

// handovers pass what a departing member registered in an org (argument 1) to the org:
// agents and targets whose registrant or creator is the member (argument 2) become the
// org's, as those an org-level key registers are.
var handovers = []string{
	`UPDATE agents SET registered_by = '' WHERE org_id = ?1 AND registered_by = ?2`,
	`UPDATE org_targets SET created_by = '' WHERE org_id = ?1 AND created_by = ?2`,
}

// CountOwners returns how many owners the org has.
func (q *queries) CountOwners(ctx context.Context, orgID string) (int, error) {
	var n int
	err := q.r.QueryRowContext(ctx, `SELECT count(*) FROM memberships WHERE org_id = ? AND role_rank = ?`, orgID, int(authz.Owner)).Scan(&n)
	return n, q.db.wrap(err, "count owners")
}

// scanMember reads one row of memberQuery.
func scanMember(s scanner) (cloud.Member, error) {
	var m cloud.Member
	var rank, joined, created, updated int64
	var groups string
	u := &m.User
	if err := s.Scan(&m.OrgID, &rank, &joined,
		&u.ID, &u.Issuer, &u.Subject, &u.Email, &u.Name, &groups, &created, &updated); err != nil {
		return cloud.Member{}, err
	}
	var err error
	if m.Role, err = rankRole(rank); err != nil {
		return cloud.Member{}, err
	}
	if u.Groups, err = decodeGroups(groups); err != nil {
		return cloud.Member{}, err
	}
	m.JoinedAt, u.CreatedAt, u.UpdatedAt = fromMicro(joined), fromMicro(created), fromMicro(updated)
	return m, nil
}

// rankRole is the role whose rank is stored in memberships.role_rank.
func rankRole(rank int64) (authz.Role, error) {
	if r := authz.Role(rank); r >= authz.Viewer && r <= authz.Owner {
		return r, nil
	}
	return authz.None, fmt.Errorf("stored role rank %d is not a role", rank)
}

// affectedOne returns err, or notFound when the statement changed no row.
func affectedOne(res sql.Result, err, notFound error) error {
	if err != nil {
		return err
	}
	n, err := res.RowsAffected()
	if err != nil {
		return err
	}
	if n == 0 {
		return notFound
	}
	return nil
}
