package sqlite

import (
	"context"

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
	_, err := q.w.ExecContext(ctx, `INSERT INTO audit_events
		(org_id, actor_id, actor_email, credential, action, target, detail, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
		e.OrgID, e.ActorID, e.ActorEmail, e.Credential, e.Action, e.Target, e.Detail, created.UnixMicro())
	if isForeignKey(err) {
		return store.ErrOrgNotFound("")
	}
	return q.db.wrap(err, "add audit event")
}

// AuditEvents lists an org's events newest first: those with ID below f.Before (all when
// 0), at most store.AuditLimit(f.Limit) of them.
func (q *queries) AuditEvents(ctx context.Context, orgID string, f cloud.AuditFilter) ([]cloud.AuditEvent, error) {
	query := `SELECT id, org_id, actor_id, actor_email, credential, action, target, detail, created_at
		FROM audit_events WHERE org_id = ?`
	args := []any{orgID}
	if f.Before > 0 {
		query += ` AND id < ?`
		args = append(args, f.Before)
	}
	query += ` ORDER BY id DESC LIMIT ?`
	args = append(args, store.AuditLimit(f.Limit))
	rows, err := q.r.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, q.db.wrap(err, "list audit events")
	}
	defer rows.Close()
	var out []cloud.AuditEvent
	for rows.Next() {
		var e cloud.AuditEvent
		var created int64
		if err := rows.Scan(&e.ID, &e.OrgID, &e.ActorID, &e.ActorEmail, &e.Credential, &e.Action,
			&e.Target, &e.Detail, &created); err != nil {
			return nil, q.db.wrap(err, "list audit events")
		}
		e.CreatedAt = fromMicro(created)
		out = append(out, e)
	}
	return out, q.db.wrap(rows.Err(), "list audit events")
}
