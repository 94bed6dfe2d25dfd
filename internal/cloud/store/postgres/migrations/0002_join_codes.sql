-- Join codes and the counters of failed attempts that rate limit their redemption.
-- A join code is kept only as the HMAC of its digits; used, revoked and expired codes stay,
-- so that their redeemer is told which of these happened.

CREATE TABLE join_codes (
    id         text PRIMARY KEY,
    org_id     text NOT NULL REFERENCES orgs (id) ON DELETE CASCADE,
    mac        bytea NOT NULL,
    role       text NOT NULL CHECK (role IN ('viewer', 'member', 'admin')),
    created_by text NOT NULL DEFAULT '', -- a user id; not a foreign key, like the audit log
    created_at timestamptz NOT NULL,
    expires_at timestamptz NOT NULL,
    used_at    timestamptz,
    used_by    text NOT NULL DEFAULT '',
    revoked_at timestamptz,
    UNIQUE (org_id, mac)
);
CREATE INDEX join_codes_org_expires ON join_codes (org_id, expires_at);

-- One row per bucket ("account:<id>", "addr:<ip>", "org:<id>").
CREATE TABLE rate_limits (
    bucket        text PRIMARY KEY,
    failures      integer NOT NULL,
    window_start  timestamptz NOT NULL,
    blocked_until timestamptz
);
