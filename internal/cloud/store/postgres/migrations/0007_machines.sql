-- Machines: API keys (kept only as the SHA-256 of the key) and the agent registry.
-- Revoked keys and removed agents stay, so that their next request is told why it fails.
-- A NULL time means "not set".

CREATE TABLE api_keys (
    id           text PRIMARY KEY,
    org_id       text NOT NULL REFERENCES orgs (id) ON DELETE CASCADE,
    user_id      text NOT NULL DEFAULT '', -- '' for an org-level key
    name         text NOT NULL,
    hash         text NOT NULL UNIQUE,
    hint         text NOT NULL DEFAULT '',
    permissions  smallint NOT NULL DEFAULT 0,
    login        boolean NOT NULL DEFAULT false,
    created_by   text NOT NULL DEFAULT '', -- a user id; not a foreign key, like the audit log
    created_at   timestamptz NOT NULL,
    expires_at   timestamptz,
    last_used_at timestamptz,
    revoked_at   timestamptz
);
CREATE INDEX api_keys_org ON api_keys (org_id, created_at);
CREATE INDEX api_keys_login ON api_keys (org_id, user_id) WHERE login AND revoked_at IS NULL;

CREATE TABLE agents (
    id                text PRIMARY KEY,
    org_id            text NOT NULL REFERENCES orgs (id) ON DELETE CASCADE,
    name              text NOT NULL,
    hostname          text NOT NULL DEFAULT '',
    version           text NOT NULL DEFAULT '',
    registered_by     text NOT NULL DEFAULT '', -- a user id, '' for an org-level key
    registered_by_key text NOT NULL DEFAULT '', -- an API key id, '' for a person's session
    registered_at     timestamptz NOT NULL,
    last_seen_at      timestamptz NOT NULL,
    removed_at        timestamptz,
    removed_by        text NOT NULL DEFAULT ''
);
-- One registered agent per name in an org; removed ones keep their name.
CREATE UNIQUE INDEX agents_org_name ON agents (org_id, name) WHERE removed_at IS NULL;
