package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"github.com/clonit/clonit/internal/cloud"
	"github.com/clonit/clonit/internal/cloud/store"
)

// RateState returns the bucket's state at now under p.
func (q *queries) RateState(ctx context.Context, bucket string, p cloud.RatePolicy, now time.Time) (cloud.RateState, error) {
	var failures int
	var start, blocked int64
	err := q.r.QueryRowContext(ctx, `SELECT failures, window_start, blocked_until FROM rate_limits WHERE bucket = ?`, bucket).
		Scan(&failures, &start, &blocked)
	if errors.Is(err, sql.ErrNoRows) {
		return cloud.RateState{}, nil
	}
	if err != nil {
		return cloud.RateState{}, q.db.wrap(err, "get rate limit")
	}
	return store.RateStateAt(cloud.RateState{Failures: failures, WindowStart: fromMicro(start), BlockedUntil: optMicro(blocked)}, p, now), nil
}

// AddFailure counts one failure in one upsert: the SET expressions all read the row as it
// was, so the new count, the window and the block are decided together.
func (q *queries) AddFailure(ctx context.Context, bucket string, p cloud.RatePolicy, now time.Time) (cloud.RateState, error) {
	at := store.Time(now).UnixMicro()
	stale := at - p.Window.Microseconds()
	until := at + p.Block.Microseconds()
	first := int64(0)
	if p.Max <= 1 {
		first = until
	}
	var failures int
	var start, blocked int64
	err := q.w.QueryRowContext(ctx, `INSERT INTO rate_limits (bucket, failures, window_start, blocked_until)
		VALUES (?1, 1, ?2, ?6)
		ON CONFLICT (bucket) DO UPDATE SET
			failures = CASE WHEN window_start <= ?3 THEN 1 ELSE failures + 1 END,
			window_start = CASE WHEN window_start <= ?3 THEN ?2 ELSE window_start END,
			blocked_until = CASE WHEN (CASE WHEN window_start <= ?3 THEN 1 ELSE failures + 1 END) >= ?4
				THEN max(blocked_until, ?5) ELSE blocked_until END
		RETURNING failures, window_start, blocked_until`,
		bucket, at, stale, p.Max, until, first).Scan(&failures, &start, &blocked)
	if err != nil {
		return cloud.RateState{}, q.db.wrap(err, "count failure")
	}
	return cloud.RateState{Failures: failures, WindowStart: fromMicro(start), BlockedUntil: optMicro(blocked)}, nil
}
