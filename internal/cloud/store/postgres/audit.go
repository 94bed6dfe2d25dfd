package postgres

import (
	"context"
	"fmt"

	"github.com/clonit/clonit/internal/cloud"
	"github.com/clonit/clonit/internal/cloud/store"
)

// AddAudit appends e to its org's log. The database assigns the ID; CreatedAt is now when
// zero.
func (q *queries) AddAudit(ctx context.Context, e cloud.AuditEvent) error {
	created := store.Time(e.CreatedAt)
	if e.CreatedAt.IsZero() {
		created = store.Now()
	}
	_, err := q.q.Exec(ctx, `INSERT INTO audit_events
		(org_id, actor_id, actor_email, credential, action, target, detail, created_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
		e.OrgID, e.ActorID, e.ActorEmail, e.Credential, e.Action, e.Target, e.Detail, created)
	if isForeignKey(err) {
		return store.ErrOrgNotFound("")
	}
	return q.db.wrap(err, "add audit event")
}

// AuditEvents lists an org's events newest first: those with ID below f.Before (all when
// 0), at most store.AuditLimit(f.Limit) of them.
func (q *queries) AuditEvents(ctx context.Context, orgID string, f cloud.AuditFilter) ([]cloud.AuditEvent, error) {
	query := `SELECT id, org_id, actor_id, actor_email, credential, action, target, detail, created_at
		FROM audit_events WHERE org_id = $1`
	args := []any{orgID}
	if f.Before > 0 {
		query += ` AND id < $2`
		args = append(args, f.Before)
	}
	args = append(args, store.AuditLimit(f.Limit))
	query += fmt.Sprintf(` ORDER BY id DESC LIMIT $%d`, len(args))
	rows, err := q.q.Query(ctx, query, args...)
	if err != nil {
		return nil, q.db.wrap(err, "list audit events")
	}
	out, err := collect(rows, func(s scanner) (cloud.AuditEvent, error) {
		var e cloud.AuditEvent
		err := s.Scan(&e.ID, &e.OrgID, &e.ActorID, &e.ActorEmail, &e.Credential, &e.Action, &e.Target, &e.Detail, &e.CreatedAt)
		e.CreatedAt = utc(e.CreatedAt)
		return e, err
	})
	return out, q.db.wrap(err, "list audit events")
}
