package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"github.com/clonit/clonit/internal/cloud"
	"github.com/clonit/clonit/internal/cloud/store"
)

// agentQuery selects one agent per row, with who registered it, for scanAgent.
const agentQuery = `SELECT a.id, a.org_id, a.name, a.hostname, a.version, a.registered_by, COALESCE(u.email, ''),
	a.registered_by_key, COALESCE(k.name, ''), a.registered_at, a.last_seen_at, a.removed_at, a.removed_by
	FROM agents a LEFT JOIN users u ON u.id = a.registered_by LEFT JOIN api_keys k ON k.id = a.registered_by_key`

// CreateAgent inserts a; see cloud.Agents.
func (q *queries) CreateAgent(ctx context.Context, a *cloud.Agent) error {
	if err := store.CheckAgent(*a); err != nil {
		return err
	}
	if a.RegisteredAt.IsZero() {
		a.RegisteredAt = store.Now()
	}
	if a.LastSeenAt.IsZero() {
		a.LastSeenAt = a.RegisteredAt
	}
	a.RegisteredAt, a.LastSeenAt = store.Time(a.RegisteredAt), store.Time(a.LastSeenAt)
	id := store.NewID()
	_, err := q.w.ExecContext(ctx, `INSERT INTO agents (id, org_id, name, hostname, version, registered_by,
		registered_by_key, registered_at, last_seen_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		id, a.OrgID, a.Name, a.Hostname, a.Version, a.RegisteredBy, a.RegisteredByKey,
		a.RegisteredAt.UnixMicro(), a.LastSeenAt.UnixMicro())
	switch {
	case isUnique(err):
		return store.ErrAgentNameTaken(a.Name)
	case isForeignKey(err):
		return store.ErrOrgNotFound("")
	case err != nil:
		return q.db.wrap(err, "register agent")
	}
	a.ID = id
	return nil
}

// AgentByID returns the agent with that id, or errs.ErrNotFound.
func (q *queries) AgentByID(ctx context.Context, id string) (cloud.Agent, error) {
	a, err := scanAgent(q.r.QueryRowContext(ctx, agentQuery+` WHERE a.id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return cloud.Agent{}, store.ErrAgentNotFound()
	}
	return a, q.db.wrap(err, "get agent")
}

// Agents lists the org's registered agents by name.
func (q *queries) Agents(ctx context.Context, orgID string) ([]cloud.Agent, error) {
	rows, err := q.readQuery(ctx, agentQuery+` WHERE a.org_id = ? AND a.removed_at = 0 ORDER BY a.name, a.id`, orgID)
	if err != nil {
		return nil, q.db.wrap(err, "list agents")
	}
	defer rows.Close()
	var out []cloud.Agent
	for rows.Next() {
		a, err := scanAgent(rows)
		if err != nil {
			return nil, q.db.wrap(err, "list agents")
		}
		out = append(out, a)
	}
	return out, q.db.wrap(rows.Err(), "list agents")
}

// RemoveAgent marks a registered agent of the org removed; errs.ErrNotFound when there is none.
func (q *queries) RemoveAgent(ctx context.Context, orgID, id, by string, at time.Time) error {
	res, err := q.w.ExecContext(ctx, `UPDATE agents SET removed_at = ?, removed_by = ?
		WHERE org_id = ? AND id = ? AND removed_at = 0`, store.Time(at).UnixMicro(), by, orgID, id)
	return q.db.wrap(affectedOne(res, err, store.ErrAgentNotFound()), "remove agent")
}

// TouchAgent records a registered agent's call at at with version.
func (q *queries) TouchAgent(ctx context.Context, id, version string, at time.Time) error {
	us := store.Time(at).UnixMicro()
	_, err := q.w.ExecContext(ctx, `UPDATE agents SET last_seen_at = ?, version = ?
		WHERE id = ? AND removed_at = 0 AND last_seen_at < ?`, us, version, id, us)
	return q.db.wrap(err, "touch agent")
}

// scanAgent reads one row of agentQuery.
func scanAgent(s scanner) (cloud.Agent, error) {
	var a cloud.Agent
	var registered, seen, removed int64
	if err := s.Scan(&a.ID, &a.OrgID, &a.Name, &a.Hostname, &a.Version, &a.RegisteredBy, &a.RegistrantEmail,
		&a.RegisteredByKey, &a.RegistrantKeyName, &registered, &seen, &removed, &a.RemovedBy); err != nil {
		return cloud.Agent{}, err
	}
	a.RegisteredAt, a.LastSeenAt, a.RemovedAt = fromMicro(registered), fromMicro(seen), optMicro(removed)
	return a, nil
}
