-- The agent's local metadata: storage profiles, targets and their snapshot catalog.
-- Secrets (URL passwords, access and secret keys) are stored as $aes$ tokens.
-- Times are UTC text in the fixed-width layout 2006-01-02T15:04:05.000000000Z, so they sort.

CREATE TABLE storage_profiles (
    name           TEXT PRIMARY KEY,
    provider       TEXT NOT NULL CHECK (provider IN ('s3', 'r2', 'local')),
    bucket         TEXT NOT NULL DEFAULT '',
    region         TEXT NOT NULL DEFAULT '',
    access_key     TEXT NOT NULL DEFAULT '',
    secret_key     TEXT NOT NULL DEFAULT '',
    account_id     TEXT NOT NULL DEFAULT '',
    awscli_profile TEXT NOT NULL DEFAULT '',
    endpoint       TEXT NOT NULL DEFAULT '',
    prefix         TEXT NOT NULL DEFAULT '',
    created_at     TEXT NOT NULL
) STRICT;

CREATE TABLE targets (
    name                TEXT PRIMARY KEY,
    db_type             TEXT NOT NULL CHECK (db_type IN ('postgres', 'sqlite')),
    src_url             TEXT NOT NULL,
    dst_url             TEXT NOT NULL DEFAULT '',
    storage_profile     TEXT REFERENCES storage_profiles (name) ON DELETE RESTRICT,
    dump_jobs           INTEGER NOT NULL DEFAULT 0,
    restore_jobs        INTEGER NOT NULL DEFAULT 0,
    sanitize_dst_url    TEXT NOT NULL DEFAULT '',
    sanitize_query_file TEXT NOT NULL DEFAULT '',
    local_only          INTEGER NOT NULL DEFAULT 0,
    created_at          TEXT NOT NULL,
    updated_at          TEXT NOT NULL
) STRICT;

CREATE INDEX targets_storage_profile ON targets (storage_profile);

CREATE TABLE snapshots (
    target       TEXT NOT NULL REFERENCES targets (name) ON DELETE CASCADE,
    name         TEXT NOT NULL,
    type         TEXT NOT NULL CHECK (type IN ('snapshot', 'sanitized')),
    size         INTEGER NOT NULL DEFAULT 0,
    created_at   TEXT NOT NULL,
    local        INTEGER NOT NULL DEFAULT 0,
    remote       INTEGER NOT NULL DEFAULT 0,
    sha256       TEXT NOT NULL DEFAULT '',
    source       TEXT NOT NULL DEFAULT '',
    verification TEXT NOT NULL DEFAULT '',
    cloud_id     TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (target, name)
) STRICT;

CREATE INDEX snapshots_newest ON snapshots (target, created_at DESC, name DESC);

-- Sanitize queries are versioned per target; at most one version is active.
CREATE TABLE sanitize_queries (
    target     TEXT NOT NULL REFERENCES targets (name) ON DELETE CASCADE,
    version    INTEGER NOT NULL,
    query      TEXT NOT NULL,
    active     INTEGER NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL,
    PRIMARY KEY (target, version)
) STRICT;

CREATE UNIQUE INDEX sanitize_queries_one_active ON sanitize_queries (target) WHERE active = 1;
