-- Cloud snapshots and their shares. A snapshot is an upload in progress (ready false),
-- invisible to everyone, until the cloud has checked the stored object; then it is ready.
--
-- The catalog lists newest first by (created_at, id). Each share table repeats the
-- snapshot's org and created_at, so that every way a snapshot can be visible is one
-- ordered index range: the org's ready snapshots (owners and admins), its org-wide shares,
-- its shares with each group, and the shares other orgs made with it. IDs use the "C"
-- collation so that an ID prefix is an index range and the order is bytewise, as on SQLite.

CREATE TABLE cloud_snapshots (
    id            text COLLATE "C" PRIMARY KEY,
    org_id        text NOT NULL REFERENCES orgs (id) ON DELETE CASCADE,
    target        text NOT NULL,
    name          text NOT NULL,
    type          text NOT NULL,
    size          bigint NOT NULL,
    sha256        text NOT NULL,
    created_at    timestamptz NOT NULL,
    pushed_by     text NOT NULL DEFAULT '', -- a user id; not a foreign key, like the audit log
    pushed_by_key text NOT NULL DEFAULT '', -- an API key id
    shared_org    boolean NOT NULL DEFAULT false,
    ready         boolean NOT NULL DEFAULT false,
    upload_id     text NOT NULL DEFAULT '',
    parts         integer NOT NULL DEFAULT 0,
    expires_at    timestamptz
);
CREATE INDEX cloud_snapshots_org ON cloud_snapshots (org_id, ready, created_at, id);
CREATE INDEX cloud_snapshots_org_shared ON cloud_snapshots (org_id, shared_org, created_at, id);
CREATE INDEX cloud_snapshots_uploads ON cloud_snapshots (expires_at) WHERE NOT ready;

CREATE TABLE snapshot_group_shares (
    snapshot_id text COLLATE "C" NOT NULL REFERENCES cloud_snapshots (id) ON DELETE CASCADE,
    group_name  text NOT NULL,
    org_id      text NOT NULL,
    created_at  timestamptz NOT NULL,
    PRIMARY KEY (snapshot_id, group_name)
);
CREATE INDEX snapshot_group_shares_org ON snapshot_group_shares (org_id, group_name, created_at, snapshot_id);

CREATE TABLE snapshot_org_shares (
    snapshot_id text COLLATE "C" NOT NULL REFERENCES cloud_snapshots (id) ON DELETE CASCADE,
    to_org_id   text NOT NULL REFERENCES orgs (id) ON DELETE CASCADE,
    created_at  timestamptz NOT NULL,
    PRIMARY KEY (snapshot_id, to_org_id)
);
CREATE INDEX snapshot_org_shares_to ON snapshot_org_shares (to_org_id, created_at, snapshot_id);
