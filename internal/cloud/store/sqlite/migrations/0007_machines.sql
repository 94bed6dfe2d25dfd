-- Machines: API keys (kept only as the SHA-256 of the key) and the agent registry.
-- Revoked keys and removed agents stay, so that their next request is told why it fails.
-- Times are INTEGER microseconds since the Unix epoch, UTC; 0 means "not set".

CREATE TABLE api_keys (
    id           TEXT PRIMARY KEY,
    org_id       TEXT NOT NULL REFERENCES orgs (id) ON DELETE CASCADE,
    user_id      TEXT NOT NULL DEFAULT '', -- '' for an org-level key
    name         TEXT NOT NULL,
    hash         TEXT NOT NULL UNIQUE,
    hint         TEXT NOT NULL DEFAULT '',
    permissions  INTEGER NOT NULL DEFAULT 0,
    login        INTEGER NOT NULL DEFAULT 0,
    created_by   TEXT NOT NULL DEFAULT '', -- a user id; not a foreign key, like the audit log
    created_at   INTEGER NOT NULL,
    expires_at   INTEGER NOT NULL DEFAULT 0,
    last_used_at INTEGER NOT NULL DEFAULT 0,
    revoked_at   INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX api_keys_org ON api_keys (org_id, created_at);
CREATE INDEX api_keys_login ON api_keys (org_id, user_id) WHERE login = 1 AND revoked_at = 0;

CREATE TABLE agents (
    id                TEXT PRIMARY KEY,
    org_id            TEXT NOT NULL REFERENCES orgs (id) ON DELETE CASCADE,
    name              TEXT NOT NULL,
    hostname          TEXT NOT NULL DEFAULT '',
    version           TEXT NOT NULL DEFAULT '',
    registered_by     TEXT NOT NULL DEFAULT '', -- a user id, '' for an org-level key
    registered_by_key TEXT NOT NULL DEFAULT '', -- an API key id, '' for a person's session
    registered_at     INTEGER NOT NULL,
    last_seen_at      INTEGER NOT NULL,
    removed_at        INTEGER NOT NULL DEFAULT 0,
    removed_by        TEXT NOT NULL DEFAULT ''
);
-- One registered agent per name in an org; removed ones keep their name.
CREATE UNIQUE INDEX agents_org_name ON agents (org_id, name) WHERE removed_at = 0;
