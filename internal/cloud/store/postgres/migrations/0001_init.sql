-- Clonit Cloud's first schema: people, organizations, memberships, the audit log, the
-- built-in auth service's accounts and the server's own secrets.

CREATE TABLE users (
    id          text PRIMARY KEY,
    issuer      text NOT NULL,
    subject     text NOT NULL,
    email       text NOT NULL,
    email_key   text NOT NULL, -- lowercased email, for case-insensitive lookups
    name        text NOT NULL DEFAULT '',
    group_names text[] NOT NULL DEFAULT '{}',
    created_at  timestamptz NOT NULL,
    updated_at  timestamptz NOT NULL,
    UNIQUE (issuer, subject)
);
CREATE INDEX users_email_key ON users (email_key);

CREATE TABLE orgs (
    id          text PRIMARY KEY,
    slug        text NOT NULL UNIQUE,
    name        text NOT NULL DEFAULT '',
    plan        text NOT NULL DEFAULT 'free',
    website     text NOT NULL DEFAULT '',
    location    text NOT NULL DEFAULT '',
    sector      text NOT NULL DEFAULT '',
    description text NOT NULL DEFAULT '',
    created_at  timestamptz NOT NULL
);

-- The primary key's prefix serves every org-scoped query (members list, one member);
-- memberships_user serves "my orgs"; memberships_org_role serves the owner count.
CREATE TABLE memberships (
    org_id    text NOT NULL REFERENCES orgs (id) ON DELETE CASCADE,
    user_id   text NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    role      text NOT NULL CHECK (role IN ('viewer', 'member', 'admin', 'owner')),
    joined_at timestamptz NOT NULL,
    PRIMARY KEY (org_id, user_id)
);
CREATE INDEX memberships_user ON memberships (user_id);
CREATE INDEX memberships_org_role ON memberships (org_id, role);

-- actor_id is not a foreign key: the log outlives what it mentions.
CREATE TABLE audit_events (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    org_id      text NOT NULL REFERENCES orgs (id) ON DELETE CASCADE,
    actor_id    text NOT NULL DEFAULT '',
    actor_email text NOT NULL DEFAULT '',
    credential  text NOT NULL DEFAULT '',
    action      text NOT NULL,
    target      text NOT NULL DEFAULT '',
    detail      text NOT NULL DEFAULT '',
    created_at  timestamptz NOT NULL
);
CREATE INDEX audit_events_org ON audit_events (org_id, id);

CREATE TABLE accounts (
    id            text PRIMARY KEY,
    email         text NOT NULL,
    email_key     text NOT NULL UNIQUE,
    name          text NOT NULL DEFAULT '',
    password_hash text NOT NULL DEFAULT '',
    group_names   text[] NOT NULL DEFAULT '{}',
    disabled      boolean NOT NULL DEFAULT false,
    created_at    timestamptz NOT NULL
);

CREATE TABLE secrets (
    name       text PRIMARY KEY,
    value      bytea NOT NULL,
    created_at timestamptz NOT NULL
);
