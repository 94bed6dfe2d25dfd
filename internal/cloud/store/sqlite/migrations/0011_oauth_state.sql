-- The state of the built-in auth service's sign-ins, shared by every process on the
-- database. Codes and tokens a client presents are kept only as their hex SHA-256 hash.
-- Times are microseconds since the Unix epoch; 0 means unset.

CREATE TABLE oauth_requests (
    id         TEXT PRIMARY KEY,
    params     BLOB NOT NULL,          -- the client's request, opaque to the store
    subject    TEXT NOT NULL DEFAULT '', -- the account that signed in; '' while pending
    auth_time  INTEGER NOT NULL DEFAULT 0,
    code_hash  TEXT UNIQUE,            -- NULL until a code is issued
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL
);
CREATE INDEX oauth_requests_expires ON oauth_requests (expires_at);

CREATE TABLE oauth_device_auths (
    device_hash TEXT PRIMARY KEY,
    user_hash   TEXT NOT NULL UNIQUE,
    client_id   TEXT NOT NULL,
    scopes      TEXT NOT NULL,           -- space-separated, as OAuth writes them
    subject     TEXT NOT NULL DEFAULT '', -- the account that approved; '' while pending
    auth_time   INTEGER NOT NULL DEFAULT 0,
    created_at  INTEGER NOT NULL,
    expires_at  INTEGER NOT NULL
);
CREATE INDEX oauth_device_auths_expires ON oauth_device_auths (expires_at);

CREATE TABLE oauth_refresh_tokens (
    hash       TEXT PRIMARY KEY,
    subject    TEXT NOT NULL,
    client_id  TEXT NOT NULL,
    scopes     TEXT NOT NULL,
    amr        TEXT NOT NULL DEFAULT '',
    auth_time  INTEGER NOT NULL,
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL
);
CREATE INDEX oauth_refresh_tokens_expires ON oauth_refresh_tokens (expires_at);
