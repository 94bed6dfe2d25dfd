package httpapi

import (
	"context"
	"net/http"
	"strconv"

	"github.com/clonit/clonit/internal/api"
	"github.com/clonit/clonit/internal/cloud"
	"github.com/clonit/clonit/internal/errs"
)

// Audit page sizes.
const (
	defaultAuditLimit = 50
	maxAuditLimit     = 500
)

// listAudit answers a page of the org's audit log, newest first.
func (a *API) listAudit(w http.ResponseWriter, r *http.Request, c *call) error {
	q := r.URL.Query()
	before, err := queryInt(q.Get("before"), 0, "before")
	if err != nil {
		return err
	}
	limit, err := queryInt(q.Get("limit"), defaultAuditLimit, "limit")
	if err != nil {
		return err
	}
	if limit < 1 || limit > maxAuditLimit {
		return errs.Invalid("limit must be between 1 and %d", maxAuditLimit)
	}
	events, err := a.store.AuditEvents(r.Context(), c.org.ID, cloud.AuditFilter{Before: before, Limit: int(limit)})
	if err != nil {
		return err
	}
	page := api.AuditPage{Events: make([]api.AuditEvent, 0, len(events))}
	for _, e := range events {
		actor := e.ActorEmail
		if actor == "" {
			actor = e.Credential
		}
		page.Events = append(page.Events, api.AuditEvent{
			ID: e.ID, Actor: actor, Credential: e.Credential, Action: e.Action,
			Target: e.Target, Detail: e.Detail, CreatedAt: e.CreatedAt,
		})
	}
	if int64(len(events)) == limit {
		page.NextBefore = events[len(events)-1].ID
	}
	writeJSON(w, http.StatusOK, page)
	return nil
}

// record appends an audit event of the caller's change to org, in the transaction tx.
func (a *API) record(ctx context.Context, tx cloud.Store, c *call, action, target, detail string) error {
	return tx.AddAudit(ctx, cloud.AuditEvent{
		OrgID: c.org.ID, ActorID: c.user.ID, ActorEmail: c.user.Email, Credential: c.principal.Credential,
		Action: action, Target: target, Detail: detail,
	})
}

// queryInt parses a non-negative integer query parameter, def when absent.
func queryInt(v string, def int64, name string) (int64, error) {
	if v == "" {
		return def, nil
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil || n < 0 {
		return 0, errs.Invalid("%s must be a non-negative integer", name)
	}
	return n, nil
}
