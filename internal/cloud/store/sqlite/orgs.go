package sqlite

import (
	"context"
	"database/sql"
	"errors"

	"github.com/clonit/clonit/internal/cloud"
	"github.com/clonit/clonit/internal/cloud/authz"
	"github.com/clonit/clonit/internal/cloud/store"
)

// orgColumns is the column list that scanOrg reads, in order, for a table aliased o.
const orgColumns = `o.id, o.slug, o.name, o.plan, o.website, o.location, o.sector, o.description, o.created_at`

// CreateOrg inserts org, makes ownerID its first owner and appends events to the org's audit
// log, in one transaction. It fills org.ID, org.CreatedAt and, when empty, org.Plan. A taken
// slug returns errs.ErrConflict; an unknown owner errs.ErrNotFound.
func (q *queries) CreateOrg(ctx context.Context, org *cloud.Org, ownerID string, events ...cloud.AuditEvent) error {
	o := *org
	o.ID, o.CreatedAt = store.NewID(), store.Now()
	if o.Plan == "" {
		o.Plan = store.DefaultPlan
	}
	err := q.inTx(ctx, func(q *queries) error {
		_, err := q.w.ExecContext(ctx, `INSERT INTO orgs
			(id, slug, name, plan, website, location, sector, description, created_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			o.ID, o.Slug, o.Name, o.Plan, o.Website, o.Location, o.Sector, o.Description, o.CreatedAt.UnixMicro())
		if isUnique(err) {
			return store.ErrSlugTaken(o.Slug)
		}
		if err != nil {
			return q.db.wrap(err, "create organization")
		}
		res, err := q.w.ExecContext(ctx, insertMembership, o.ID, authz.Owner.String(), int(authz.Owner), o.CreatedAt.UnixMicro(), ownerID)
		if err := affectedOne(res, err, store.ErrUserNotFound("")); err != nil {
			return q.db.wrap(err, "add organization owner")
		}
		for _, e := range events {
			e.OrgID = o.ID
			if err := q.AddAudit(ctx, e); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	*org = o
	return nil
}

// OrgBySlug returns the org with that slug, or errs.ErrNotFound.
func (q *queries) OrgBySlug(ctx context.Context, slug string) (cloud.Org, error) {
	o, err := scanOrg(q.readRow(ctx, `SELECT `+orgColumns+` FROM orgs o WHERE o.slug = ?`, slug))
	if errors.Is(err, sql.ErrNoRows) {
		return cloud.Org{}, store.ErrOrgNotFound(slug)
	}
	return o, q.db.wrap(err, "get organization")
}

// OrgsOfUser lists the orgs the user belongs to, with their role, by slug.
func (q *queries) OrgsOfUser(ctx context.Context, userID string) ([]cloud.OrgRole, error) {
	rows, err := q.readQuery(ctx, `SELECT `+orgColumns+`, m.role
		FROM memberships m JOIN orgs o ON o.id = m.org_id
		WHERE m.user_id = ? ORDER BY o.slug`, userID)
	if err != nil {
		return nil, q.db.wrap(err, "list organizations")
	}
	defer rows.Close()
	var out []cloud.OrgRole
	for rows.Next() {
		var or cloud.OrgRole
		var role string
		if or.Org, err = scanOrg(rows, &role); err != nil {
			return nil, q.db.wrap(err, "list organizations")
		}
		if or.Role, err = authz.ParseRole(role); err != nil {
			return nil, q.db.wrap(err, "list organizations")
		}
		out = append(out, or)
	}
	return out, q.db.wrap(rows.Err(), "list organizations")
}

// UpdateOrg writes org's profile fields (name, website, location, sector, description and,
// when not empty, plan), found by org.ID; an unknown org returns errs.ErrNotFound. The slug
// does not change.
func (q *queries) UpdateOrg(ctx context.Context, org cloud.Org) error {
	res, err := q.w.ExecContext(ctx, `UPDATE orgs SET name = ?, website = ?, location = ?, sector = ?,
		description = ?, plan = COALESCE(NULLIF(?, ''), plan) WHERE id = ?`,
		org.Name, org.Website, org.Location, org.Sector, org.Description, org.Plan, org.ID)
	return q.db.wrap(affectedOne(res, err, store.ErrOrgNotFound("")), "update organization")
}

// scanOrg reads the orgColumns of one row, then extra columns into extra.
func scanOrg(s scanner, extra ...any) (cloud.Org, error) {
	var o cloud.Org
	var created int64
	dest := append([]any{&o.ID, &o.Slug, &o.Name, &o.Plan, &o.Website, &o.Location, &o.Sector, &o.Description, &created}, extra...)
	if err := s.Scan(dest...); err != nil {
		return cloud.Org{}, err
	}
	o.CreatedAt = fromMicro(created)
	return o, nil
}
