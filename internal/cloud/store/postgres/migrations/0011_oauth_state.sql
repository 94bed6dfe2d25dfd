-- The state of the built-in auth service's sign-ins, shared by every process on the
-- database. Codes and tokens a client presents are kept only as their hex SHA-256 hash.

CREATE TABLE oauth_requests (
    id         text PRIMARY KEY,
    params     bytea NOT NULL,          -- the client's request, opaque to the store
    subject    text NOT NULL DEFAULT '', -- the account that signed in; '' while pending
    auth_time  timestamptz,
    code_hash  text UNIQUE,             -- NULL until a code is issued
    created_at timestamptz NOT NULL,
    expires_at timestamptz NOT NULL
);
CREATE INDEX oauth_requests_expires ON oauth_requests (expires_at);

CREATE TABLE oauth_device_auths (
    device_hash text PRIMARY KEY,
    user_hash   text NOT NULL UNIQUE,
    client_id   text NOT NULL,
    scopes      text NOT NULL,           -- space-separated, as OAuth writes them
    subject     text NOT NULL DEFAULT '', -- the account that approved; '' while pending
    auth_time   timestamptz,
    created_at  timestamptz NOT NULL,
    expires_at  timestamptz NOT NULL
);
CREATE INDEX oauth_device_auths_expires ON oauth_device_auths (expires_at);

CREATE TABLE oauth_refresh_tokens (
    hash       text PRIMARY KEY,
    subject    text NOT NULL,
    client_id  text NOT NULL,
    scopes     text NOT NULL,
    amr        text NOT NULL DEFAULT '',
    auth_time  timestamptz NOT NULL,
    created_at timestamptz NOT NULL,
    expires_at timestamptz NOT NULL
);
CREATE INDEX oauth_refresh_tokens_expires ON oauth_refresh_tokens (expires_at);
