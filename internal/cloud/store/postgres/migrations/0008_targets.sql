-- Org-shared targets and storage profiles (issue 8). Passwords of URLs and storage keys
-- arrive sealed by the API (AES-GCM under the server's key): no column holds one in plain
-- text. Times are timestamptz.

CREATE TABLE org_storage_profiles (
    org_id         text NOT NULL REFERENCES orgs (id) ON DELETE CASCADE,
    name           text NOT NULL,
    provider       text NOT NULL,
    bucket         text NOT NULL DEFAULT '',
    region         text NOT NULL DEFAULT '',
    access_key     text NOT NULL DEFAULT '', -- sealed
    secret_key     text NOT NULL DEFAULT '', -- sealed
    account_id     text NOT NULL DEFAULT '',
    awscli_profile text NOT NULL DEFAULT '',
    endpoint       text NOT NULL DEFAULT '',
    prefix         text NOT NULL DEFAULT '',
    created_by     text NOT NULL DEFAULT '', -- a user id; not a foreign key, like the audit log
    updated_by     text NOT NULL DEFAULT '',
    created_at     timestamptz NOT NULL,
    updated_at     timestamptz NOT NULL,
    PRIMARY KEY (org_id, name)
);

CREATE TABLE org_targets (
    org_id              text NOT NULL REFERENCES orgs (id) ON DELETE CASCADE,
    name                text NOT NULL,
    db_type             text NOT NULL,
    src_url             text NOT NULL, -- passwords sealed
    dst_url             text NOT NULL DEFAULT '',
    sanitize_dst_url    text NOT NULL DEFAULT '',
    storage_profile     text NOT NULL DEFAULT '', -- a name of org_storage_profiles, checked by the API
    dump_jobs           integer NOT NULL DEFAULT 0,
    restore_jobs        integer NOT NULL DEFAULT 0,
    sanitize_query_file text NOT NULL DEFAULT '',
    created_by          text NOT NULL DEFAULT '',
    updated_by          text NOT NULL DEFAULT '',
    created_at          timestamptz NOT NULL,
    updated_at          timestamptz NOT NULL,
    PRIMARY KEY (org_id, name)
);
