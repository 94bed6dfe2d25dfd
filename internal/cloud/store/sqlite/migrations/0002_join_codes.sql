-- Join codes and the counters of failed attempts that rate limit their redemption.
-- A join code is kept only as the HMAC of its digits; used, revoked and expired codes stay,
-- so that their redeemer is told which of these happened.

CREATE TABLE join_codes (
    id         TEXT PRIMARY KEY,
    org_id     TEXT NOT NULL REFERENCES orgs (id) ON DELETE CASCADE,
    mac        BLOB NOT NULL,
    role       TEXT NOT NULL CHECK (role IN ('viewer', 'member', 'admin')),
    created_by TEXT NOT NULL DEFAULT '', -- a user id; not a foreign key, like the audit log
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    used_at    INTEGER NOT NULL DEFAULT 0, -- 0: not used
    used_by    TEXT NOT NULL DEFAULT '',
    revoked_at INTEGER NOT NULL DEFAULT 0, -- 0: not revoked
    UNIQUE (org_id, mac)
);
CREATE INDEX join_codes_org_expires ON join_codes (org_id, expires_at);

-- One row per bucket ("account:<id>", "addr:<ip>", "org:<id>").
CREATE TABLE rate_limits (
    bucket        TEXT PRIMARY KEY,
    failures      INTEGER NOT NULL,
    window_start  INTEGER NOT NULL,
    blocked_until INTEGER NOT NULL DEFAULT 0
);
