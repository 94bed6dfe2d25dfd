package postgres

import (
	"context"
	"errors"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/clonit/clonit/internal/cloud"
	"github.com/clonit/clonit/internal/cloud/store"
)

// RateState returns the bucket's state at now under p.
func (q *queries) RateState(ctx context.Context, bucket string, p cloud.RatePolicy, now time.Time) (cloud.RateState, error) {
	var s cloud.RateState
	var blocked *time.Time
	err := q.q.QueryRow(ctx, `SELECT failures, window_start, blocked_until FROM rate_limits WHERE bucket = $1`, bucket).
		Scan(&s.Failures, &s.WindowStart, &blocked)
	if errors.Is(err, pgx.ErrNoRows) {
		return cloud.RateState{}, nil
	}
	if err != nil {
		return cloud.RateState{}, q.db.wrap(err, "get rate limit")
	}
	s.WindowStart, s.BlockedUntil = utc(s.WindowStart), optTime(blocked)
	return store.RateStateAt(s, p, now), nil
}

// AddFailure counts one failure in one upsert: the SET expressions all read the row as it
// was, and concurrent upserts of one bucket wait for each other's row lock, so the new
// count, the window and the block are decided together.
func (q *queries) AddFailure(ctx context.Context, bucket string, p cloud.RatePolicy, now time.Time) (cloud.RateState, error) {
	at := store.Time(now)
	until := at.Add(p.Block)
	var first *time.Time
	if p.Max <= 1 {
		first = &until
	}
	var s cloud.RateState
	var blocked *time.Time
	err := q.q.QueryRow(ctx, `INSERT INTO rate_limits AS r (bucket, failures, window_start, blocked_until)
		VALUES ($1, 1, $2, $6)
		ON CONFLICT (bucket) DO UPDATE SET
			failures = CASE WHEN r.window_start <= $3 THEN 1 ELSE r.failures + 1 END,
			window_start = CASE WHEN r.window_start <= $3 THEN $2 ELSE r.window_start END,
			blocked_until = CASE WHEN (CASE WHEN r.window_start <= $3 THEN 1 ELSE r.failures + 1 END) >= $4
				THEN GREATEST(r.blocked_until, $5) ELSE r.blocked_until END
		RETURNING failures, window_start, blocked_until`,
		bucket, at, at.Add(-p.Window), p.Max, until, first).Scan(&s.Failures, &s.WindowStart, &blocked)
	if err != nil {
		return cloud.RateState{}, q.db.wrap(err, "count failure")
	}
	s.WindowStart, s.BlockedUntil = utc(s.WindowStart), optTime(blocked)
	return s, nil
}
