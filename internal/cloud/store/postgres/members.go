package postgres

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/clonit/clonit/internal/cloud"
	"github.com/clonit/clonit/internal/cloud/authz"
	"github.com/clonit/clonit/internal/cloud/store"
	"github.com/clonit/clonit/internal/errs"
)

// memberQuery selects one membership per row, joined with its whole user, for scanMember.
const memberQuery = `SELECT m.org_id, m.role_rank, m.joined_at,
	u.id, u.issuer, u.subject, u.email, u.name, u.group_names, u.created_at, u.updated_at
	FROM memberships m JOIN users u ON u.id = m.user_id`

// listQuery selects what the members list shows of each membership, for listMembers, from
// the index memberships_list (see migration 0010) joined with users.
const listQuery = `SELECT m.role_rank, m.joined_at, u.id, u.email, u.name, u.group_names
	FROM memberships m JOIN users u ON u.id = m.user_id
	WHERE m.org_id = $1`

// listOrder is the members list's order: owners first, then by email.
const listOrder = ` ORDER BY m.role_rank DESC, u.email_key COLLATE "C", u.id COLLATE "C"`

// Member returns the user's membership in the org, or errs.ErrNotFound.
func (q *queries) Member(ctx context.Context, orgID, userID string) (cloud.Member, error) {
	m, err := scanMember(q.q.QueryRow(ctx, memberQuery+` WHERE m.org_id = $1 AND m.user_id = $2`, orgID, userID))
	if errors.Is(err, pgx.ErrNoRows) {
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
	err := q.q.QueryRow(ctx, `SELECT version FROM member_list_versions WHERE org_id = $1`, orgID).Scan(&version)
	if errors.Is(err, pgx.ErrNoRows) {
		return 0, store.ErrOrgNotFound("")
	}
	return version, q.db.wrap(err, "get the members list's version")
}

// Leadership lists the org's owners and admins, owners first, then by email.
func (q *queries) Leadership(ctx context.Context, orgID string) ([]cloud.Member, error) {
	return q.listMembers(ctx, orgID, listQuery+` AND m.role_rank >= $2`+listOrder, "list leadership", orgID, int16(authz.Admin))
}

// listMembers runs query, a listQuery, and reads its rows, scanning every row into the same
// variables.
func (q *queries) listMembers(ctx context.Context, orgID, query, what string, args ...any) ([]cloud.Member, error) {
	rows, err := q.q.Query(ctx, query, args...)
	if err != nil {
		return nil, q.db.wrap(err, what)
	}
	defer rows.Close()
	var rank int16
	var joined time.Time
	var id, email, name string
	var groups []string
	dest := []any{&rank, &joined, &id, &email, &name, &groups}
	out := []cloud.Member{}
	for rows.Next() {
		groups = nil // pgx would otherwise reuse the previous member's array
		if err := rows.Scan(dest...); err != nil {
			return nil, q.db.wrap(err, what)
		}
		role, err := rankRole(rank)
		if err != nil {
			return nil, q.db.wrap(err, what)
		}
		out = append(out, cloud.Member{OrgID: orgID, Role: role, JoinedAt: utc(joined),
			User: cloud.User{ID: id, Email: email, Name: name, Groups: store.Groups(groups)}})
	}
	return out, q.db.wrap(rows.Err(), what)
}

// AddMember inserts a membership. An existing one returns errs.ErrConflict; an unknown org
// or user errs.ErrNotFound. Neither error spoils a surrounding transaction: the insert
// checks instead of failing.
func (q *queries) AddMember(ctx context.Context, orgID, userID string, role authz.Role) error {
	if err := store.CheckRole(role); err != nil {
		return err
	}
	tag, err := q.q.Exec(ctx, `INSERT INTO memberships (org_id, user_id, role, joined_at)
		SELECT $1, $2, $3, $4
		WHERE EXISTS (SELECT 1 FROM orgs WHERE id = $1) AND EXISTS (SELECT 1 FROM users WHERE id = $2)
		ON CONFLICT (org_id, user_id) DO NOTHING`,
		orgID, userID, role.String(), store.Now())
	if err != nil {
		return q.db.wrap(err, "add member")
	}
	if tag.RowsAffected() == 1 {
		return nil
	}
	_, err = q.Member(ctx, orgID, userID)
	switch {
	case err == nil:
		return store.ErrAlreadyMember()
	case errors.Is(err, errs.ErrNotFound):
		return store.ErrNoSuchOrgOrUser()
	}
	return err
}

// SetRole changes a member's role; errs.ErrNotFound when the user is not a member.
func (q *queries) SetRole(ctx context.Context, orgID, userID string, role authz.Role) error {
	if err := store.CheckRole(role); err != nil {
		return err
	}
	tag, err := q.q.Exec(ctx, `UPDATE memberships SET role = $1 WHERE org_id = $2 AND user_id = $3`,
		role.String(), orgID, userID)
	return q.db.wrap(affectedOne(tag, err, store.ErrNotMember()), "set role")
}

// RemoveMember deletes a membership and passes the agents and targets the user registered in
// the org to the org, in one transaction; errs.ErrNotFound when the user is not a member.
func (q *queries) RemoveMember(ctx context.Context, orgID, userID string) error {
	return q.inTx(ctx, func(q *queries) error {
		tag, err := q.q.Exec(ctx, `DELETE FROM memberships WHERE org_id = $1 AND user_id = $2`, orgID, userID)
		if err := affectedOne(tag, err, store.ErrNotMember()); err != nil {
			return q.db.wrap(err, "remove member")
		}
		for _, handover := range handovers {
			if _, err := q.q.Exec(ctx, handover, orgID, userID); err != nil {
				return q.db.wrap(err, "hand the member's agents and targets to the organization")
			}
		}
		return nil
	})
}

// handovers pass what a departing member registered in an org ($1) to the org: agents and
// targets whose registrant or creator is the member ($2) become the org's, as those an
// org-level key registers are.
var handovers = []string{
	`UPDATE agents SET registered_by = '' WHERE org_id = $1 AND registered_by = $2`,
	`UPDATE org_targets SET created_by = '' WHERE org_id = $1 AND created_by = $2`,
}

// CountOwners returns how many owners the org has.
func (q *queries) CountOwners(ctx context.Context, orgID string) (int, error) {
	var n int
	err := q.q.QueryRow(ctx, `SELECT count(*) FROM memberships WHERE org_id = $1 AND role_rank = $2`, orgID, int16(authz.Owner)).Scan(&n)
	return n, q.db.wrap(err, "count owners")
}

// scanMember reads one row of memberQuery.
func scanMember(s scanner) (cloud.Member, error) {
	var m cloud.Member
	var rank int16
	u := &m.User
	if err := s.Scan(&m.OrgID, &rank, &m.JoinedAt,
		&u.ID, &u.Issuer, &u.Subject, &u.Email, &u.Name, &u.Groups, &u.CreatedAt, &u.UpdatedAt); err != nil {
		return cloud.Member{}, err
	}
	var err error
	if m.Role, err = rankRole(rank); err != nil {
		return cloud.Member{}, err
	}
	u.Groups = store.Groups(u.Groups)
	m.JoinedAt, u.CreatedAt, u.UpdatedAt = utc(m.JoinedAt), utc(u.CreatedAt), utc(u.UpdatedAt)
	return m, nil
}

// rankRole is the role whose rank is stored in memberships.role_rank.
func rankRole(rank int16) (authz.Role, error) {
	if r := authz.Role(rank); r >= authz.Viewer && r <= authz.Owner {
		return r, nil
	}
	return authz.None, fmt.Errorf("stored role rank %d is not a role", rank)
}

// affectedOne returns err, or notFound when the statement changed no row.
func affectedOne(tag pgconn.CommandTag, err, notFound error) error {
	if err != nil {
		return err
	}
	if tag.RowsAffected() == 0 {
		return notFound
	}
	return nil
}
