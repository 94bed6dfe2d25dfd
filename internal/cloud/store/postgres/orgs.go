package postgres

import (
	"context"
	"errors"

	"github.com/jackc/pgx/v5"

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
		tag, err := q.q.Exec(ctx, `INSERT INTO orgs
			(id, slug, name, plan, website, location, sector, description, created_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT (slug) DO NOTHING`,
			o.ID, o.Slug, o.Name, o.Plan, o.Website, o.Location, o.Sector, o.Description, o.CreatedAt)
		if err != nil {
			return q.db.wrap(err, "create organization")
		}
		if tag.RowsAffected() == 0 {
			return store.ErrSlugTaken(o.Slug)
		}
		_, err = q.q.Exec(ctx, `INSERT INTO memberships (org_id, user_id, role, joined_at) VALUES ($1, $2, $3, $4)`,
			o.ID, ownerID, authz.Owner.String(), o.CreatedAt)
		if isForeignKey(err) {
			return store.ErrUserNotFound("")
		}
		if err != nil {
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
	o, err := scanOrg(q.q.QueryRow(ctx, `SELECT `+orgColumns+` FROM orgs o WHERE o.slug = $1`, slug))
	if errors.Is(err, pgx.ErrNoRows) {
		return cloud.Org{}, store.ErrOrgNotFound(slug)
	}
	return o, q.db.wrap(err, "get organization")
}

// OrgsOfUser lists the orgs the user belongs to, with their role, by slug.
func (q *queries) OrgsOfUser(ctx context.Context, userID string) ([]cloud.OrgRole, error) {
	rows, err := q.q.Query(ctx, `SELECT `+orgColumns+`, m.role
		FROM memberships m JOIN orgs o ON o.id = m.org_id
		WHERE m.user_id = $1 ORDER BY o.slug COLLATE "C"`, userID)
	if err != nil {
		return nil, q.db.wrap(err, "list organizations")
	}
	out, err := collect(rows, func(s scanner) (cloud.OrgRole, error) {
		var or cloud.OrgRole
		var role string
		var err error
		if or.Org, err = scanOrg(s, &role); err != nil {
			return or, err
		}
		or.Role, err = authz.ParseRole(role)
		return or, err
	})
	return out, q.db.wrap(err, "list organizations")
}

// UpdateOrg writes org's profile fields (name, website, location, sector, description and,
// when not empty, plan), found by org.ID; an unknown org returns errs.ErrNotFound. The slug
// does not change.
func (q *queries) UpdateOrg(ctx context.Context, org cloud.Org) error {
	tag, err := q.q.Exec(ctx, `UPDATE orgs SET name = $1, website = $2, location = $3, sector = $4,
		description = $5, plan = COALESCE(NULLIF($6, ''), plan) WHERE id = $7`,
		org.Name, org.Website, org.Location, org.Sector, org.Description, org.Plan, org.ID)
	return q.db.wrap(affectedOne(tag, err, store.ErrOrgNotFound("")), "update organization")
}

// scanOrg reads the orgColumns of one row, then extra columns into extra.
func scanOrg(s scanner, extra ...any) (cloud.Org, error) {
	var o cloud.Org
	dest := append([]any{&o.ID, &o.Slug, &o.Name, &o.Plan, &o.Website, &o.Location, &o.Sector, &o.Description, &o.CreatedAt}, extra...)
	if err := s.Scan(dest...); err != nil {
		return cloud.Org{}, err
	}
	o.CreatedAt = utc(o.CreatedAt)
	return o, nil
}

// collect scans every row with scan; it returns nil when there is none, as the SQLite store
// does.
func collect[T any](rows pgx.Rows, scan func(scanner) (T, error)) ([]T, error) {
	defer rows.Close()
	var out []T
	for rows.Next() {
		v, err := scan(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, rows.Err()
}
