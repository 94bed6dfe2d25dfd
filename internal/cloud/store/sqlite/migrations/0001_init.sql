-- Clonit Cloud's first schema: people, organizations, memberships, the audit log, the
-- built-in auth service's accounts and the server's own secrets.
-- Times are INTEGER microseconds since the Unix epoch, UTC. Groups are JSON arrays of text.

CREATE TABLE users (
    id          TEXT PRIMARY KEY,
    issuer      TEXT NOT NULL,
    subject     TEXT NOT NULL,
    email       TEXT NOT NULL,
    email_key   TEXT NOT NULL, -- lowercased email, for case-insensitive lookups
    name        TEXT NOT NULL DEFAULT '',
    group_names TEXT NOT NULL DEFAULT '[]',
    created_at  INTEGER NOT NULL,
    updated_at  INTEGER NOT NULL,
    UNIQUE (issuer, subject)
);
CREATE INDEX users_email_key ON users (email_key);

CREATE TABLE orgs (
    id          TEXT PRIMARY KEY,
    slug        TEXT NOT NULL UNIQUE,
    name        TEXT NOT NULL DEFAULT '',
    plan        TEXT NOT NULL DEFAULT 'free',
    website     TEXT NOT NULL DEFAULT '',
    location    TEXT NOT NULL DEFAULT '',
    sector      TEXT NOT NULL DEFAULT '',
    description TEXT NOT NULL DEFAULT '',
    created_at  INTEGER NOT NULL
);

-- The primary key's prefix serves every org-scoped query (members list, one member);
-- memberships_user serves "my orgs"; memberships_org_role serves the owner count.
CREATE TABLE memberships (
    org_id    TEXT NOT NULL REFERENCES orgs (id) ON DELETE CASCADE,
    user_id   TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    role      TEXT NOT NULL CHECK (role IN ('viewer', 'member', 'admin', 'owner')),
    joined_at INTEGER NOT NULL,
    PRIMARY KEY (org_id, user_id)
);
CREATE INDEX memberships_user ON memberships (user_id);
CREATE INDEX memberships_org_role ON memberships (org_id, role);

-- actor_id is not a foreign key: the log outlives what it mentions.
CREATE TABLE audit_events (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    org_id      TEXT NOT NULL REFERENCES orgs (id) ON DELETE CASCADE,
    actor_id    TEXT NOT NULL DEFAULT '',
    actor_email TEXT NOT NULL DEFAULT '',
    credential  TEXT NOT NULL DEFAULT '',
    action      TEXT NOT NULL,
    target      TEXT NOT NULL DEFAULT '',
    detail      TEXT NOT NULL DEFAULT '',
    created_at  INTEGER NOT NULL
);
CREATE INDEX audit_events_org ON audit_events (org_id, id);

CREATE TABLE accounts (
    id            TEXT PRIMARY KEY,
    email         TEXT NOT NULL,
    email_key     TEXT NOT NULL UNIQUE,
    name          TEXT NOT NULL DEFAULT '',
    password_hash TEXT NOT NULL DEFAULT '',
    group_names   TEXT NOT NULL DEFAULT '[]',
    disabled      INTEGER NOT NULL DEFAULT 0,
    created_at    INTEGER NOT NULL
);

CREATE TABLE secrets (
    name       TEXT PRIMARY KEY,
    value      BLOB NOT NULL,
    created_at INTEGER NOT NULL
);
