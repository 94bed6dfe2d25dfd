package postgres

import (
	"context"
	"errors"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/clonit/clonit/internal/cloud"
	"github.com/clonit/clonit/internal/cloud/store"
)

// agentQuery selects one agent per row, with who registered it, for scanAgent.
const agentQuery = `SELECT a.id, a.org_id, a.name, a.hostname, a.version, a.registered_by, COALESCE(u.email, ''),
	a.registered_by_key, COALESCE(k.name, ''), a.registered_at, a.last_seen_at, a.removed_at, a.removed_by
	FROM agents a LEFT JOIN users u ON u.id = a.registered_by LEFT JOIN api_keys k ON k.id = a.registered_by_key`

// CreateAgent inserts a; see cloud.Agents. The insert checks instead of failing, so that
// neither error spoils a surrounding transaction.
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
	tag, err := q.q.Exec(ctx, `INSERT INTO agents (id, org_id, name, hostname, version, registered_by,
		registered_by_key, registered_at, last_seen_at)
		SELECT $1, $2, $3, $4, $5, $6, $7, $8, $9 WHERE EXISTS (SELECT 1 FROM orgs WHERE id = $2)
		ON CONFLICT (org_id, name) WHERE removed_at IS NULL DO NOTHING`,
		id, a.OrgID, a.Name, a.Hostname, a.Version, a.RegisteredBy, a.RegisteredByKey, a.RegisteredAt, a.LastSeenAt)
	if err != nil {
		return q.db.wrap(err, "register agent")
	}
	if tag.RowsAffected() == 0 {
		var one int
		err := q.q.QueryRow(ctx, `SELECT 1 FROM orgs WHERE id = $1`, a.OrgID).Scan(&one)
		if errors.Is(err, pgx.ErrNoRows) {
			return store.ErrOrgNotFound("")
		}
		if err != nil {
			return q.db.wrap(err, "register agent")
		}
		return store.ErrAgentNameTaken(a.Name)
	}
	a.ID = id
	return nil
}

// AgentByID returns the agent with that id, or errs.ErrNotFound.
func (q *queries) AgentByID(ctx context.Context, id string) (cloud.Agent, error) {
	a, err := scanAgent(q.q.QueryRow(ctx, agentQuery+` WHERE a.id = $1`, id))
	if errors.Is(err, pgx.ErrNoRows) {
		return cloud.Agent{}, store.ErrAgentNotFound()
	}
	return a, q.db.wrap(err, "get agent")
}

// Agents lists the org's registered agents by name.
func (q *queries) Agents(ctx context.Context, orgID string) ([]cloud.Agent, error) {
	rows, err := q.q.Query(ctx, agentQuery+` WHERE a.org_id = $1 AND a.removed_at IS NULL
		ORDER BY a.name COLLATE "C", a.id COLLATE "C"`, orgID)
	if err != nil {
		return nil, q.db.wrap(err, "list agents")
	}
	out, err := collect(rows, scanAgent)
	return out, q.db.wrap(err, "list agents")
}

// RemoveAgent marks a registered agent of the org removed; errs.ErrNotFound when there is none.
func (q *queries) RemoveAgent(ctx context.Context, orgID, id, by string, at time.Time) error {
	tag, err := q.q.Exec(ctx, `UPDATE agents SET removed_at = $1, removed_by = $2
		WHERE org_id = $3 AND id = $4 AND removed_at IS NULL`, store.Time(at), by, orgID, id)
	return q.db.wrap(affectedOne(tag, err, store.ErrAgentNotFound()), "remove agent")
}

// TouchAgent records a registered agent's call at at with version.
func (q *queries) TouchAgent(ctx context.Context, id, version string, at time.Time) error {
	_, err := q.q.Exec(ctx, `UPDATE agents SET last_seen_at = $1, version = $2
		WHERE id = $3 AND removed_at IS NULL AND last_seen_at < $1`, store.Time(at), version, id)
	return q.db.wrap(err, "touch agent")
}

// scanAgent reads one row of agentQuery.
func scanAgent(s scanner) (cloud.Agent, error) {
	var a cloud.Agent
	var removed *time.Time
	if err := s.Scan(&a.ID, &a.OrgID, &a.Name, &a.Hostname, &a.Version, &a.RegisteredBy, &a.RegistrantEmail,
		&a.RegisteredByKey, &a.RegistrantKeyName, &a.RegisteredAt, &a.LastSeenAt, &removed, &a.RemovedBy); err != nil {
		return cloud.Agent{}, err
	}
	a.RegisteredAt, a.LastSeenAt, a.RemovedAt = utc(a.RegisteredAt), utc(a.LastSeenAt), optTime(removed)
	return a, nil
}
