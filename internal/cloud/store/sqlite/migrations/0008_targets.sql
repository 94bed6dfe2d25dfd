-- Org-shared targets and storage profiles (issue 8). Passwords of URLs and storage keys
-- arrive sealed by the API (AES-GCM under the server's key): no column holds one in plain
-- text. Times are INTEGER microseconds since the Unix epoch, UTC.

CREATE TABLE org_storage_profiles (
    org_id         TEXT NOT NULL REFERENCES orgs (id) ON DELETE CASCADE,
    name           TEXT NOT NULL,
    provider       TEXT NOT NULL,
    bucket         TEXT NOT NULL DEFAULT '',
    region         TEXT NOT NULL DEFAULT '',
    access_key     TEXT NOT NULL DEFAULT '', -- sealed
    secret_key     TEXT NOT NULL DEFAULT '', -- sealed
    account_id     TEXT NOT NULL DEFAULT '',
    awscli_profile TEXT NOT NULL DEFAULT '',
    endpoint       TEXT NOT NULL DEFAULT '',
    prefix         TEXT NOT NULL DEFAULT '',
    created_by     TEXT NOT NULL DEFAULT '', -- a user id; not a foreign key, like the audit log
    updated_by     TEXT NOT NULL DEFAULT '',
    created_at     INTEGER NOT NULL,
    updated_at     INTEGER NOT NULL,
    PRIMARY KEY (org_id, name)
);

CREATE TABLE org_targets (
    org_id              TEXT NOT NULL REFERENCES orgs (id) ON DELETE CASCADE,
    name                TEXT NOT NULL,
    db_type             TEXT NOT NULL,
    src_url             TEXT NOT NULL, -- passwords sealed
    dst_url             TEXT NOT NULL DEFAULT '',
    sanitize_dst_url    TEXT NOT NULL DEFAULT '',
    storage_profile     TEXT NOT NULL DEFAULT '', -- a name of org_storage_profiles, checked by the API
    dump_jobs           INTEGER NOT NULL DEFAULT 0,
    restore_jobs        INTEGER NOT NULL DEFAULT 0,
    sanitize_query_file TEXT NOT NULL DEFAULT '',
    created_by          TEXT NOT NULL DEFAULT '',
    updated_by          TEXT NOT NULL DEFAULT '',
    created_at          INTEGER NOT NULL,
    updated_at          INTEGER NOT NULL,
    PRIMARY KEY (org_id, name)
);
