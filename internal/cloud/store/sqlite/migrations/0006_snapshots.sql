-- Cloud snapshots and their shares. A snapshot is an upload in progress (ready = 0),
-- invisible to everyone, until the cloud has checked the stored object; then it is ready.
-- Times are INTEGER microseconds since the Unix epoch, UTC.
--
-- The catalog lists newest first by (created_at, id). Each share table repeats the
-- snapshot's org and created_at, so that every way a snapshot can be visible is one
-- ordered index range: the org's ready snapshots (owners and admins), its org-wide shares,
-- its shares with each group, and the shares other orgs made with it.

CREATE TABLE cloud_snapshots (
    id            TEXT PRIMARY KEY,
    org_id        TEXT NOT NULL REFERENCES orgs (id) ON DELETE CASCADE,
    target        TEXT NOT NULL,
    name          TEXT NOT NULL,
    type          TEXT NOT NULL,
    size          INTEGER NOT NULL,
    sha256        TEXT NOT NULL,
    created_at    INTEGER NOT NULL,
    pushed_by     TEXT NOT NULL DEFAULT '', -- a user id; not a foreign key, like the audit log
    pushed_by_key TEXT NOT NULL DEFAULT '', -- an API key id
    shared_org    INTEGER NOT NULL DEFAULT 0,
    ready         INTEGER NOT NULL DEFAULT 0,
    upload_id     TEXT NOT NULL DEFAULT '',
    parts         INTEGER NOT NULL DEFAULT 0,
    expires_at    INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX cloud_snapshots_org ON cloud_snapshots (org_id, ready, created_at, id);
CREATE INDEX cloud_snapshots_org_shared ON cloud_snapshots (org_id, shared_org, created_at, id);
CREATE INDEX cloud_snapshots_uploads ON cloud_snapshots (ready, expires_at);

CREATE TABLE snapshot_group_shares (
    snapshot_id TEXT NOT NULL REFERENCES cloud_snapshots (id) ON DELETE CASCADE,
    group_name  TEXT NOT NULL,
    org_id      TEXT NOT NULL,
    created_at  INTEGER NOT NULL,
    PRIMARY KEY (snapshot_id, group_name)
);
CREATE INDEX snapshot_group_shares_org ON snapshot_group_shares (org_id, group_name, created_at, snapshot_id);

CREATE TABLE snapshot_org_shares (
    snapshot_id TEXT NOT NULL REFERENCES cloud_snapshots (id) ON DELETE CASCADE,
    to_org_id   TEXT NOT NULL REFERENCES orgs (id) ON DELETE CASCADE,
    created_at  INTEGER NOT NULL,
    PRIMARY KEY (snapshot_id, to_org_id)
);
CREATE INDEX snapshot_org_shares_to ON snapshot_org_shares (to_org_id, created_at, snapshot_id);
