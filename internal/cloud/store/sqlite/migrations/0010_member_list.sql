-- The members list, read at every visit of a team's members page, comes from indexes alone
-- and in their order, with no sort: memberships carries the role's rank (authz.Role:
-- viewer 1 … owner 4) and a copy of its user's email_key, which the users_email_key trigger
-- keeps equal to the user's; users_card covers the user fields the list shows. The table is
-- rebuilt because SQLite cannot add a column with a constraint on another column.

CREATE TABLE memberships_v2 (
    org_id    TEXT NOT NULL REFERENCES orgs (id) ON DELETE CASCADE,
    user_id   TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    role      TEXT NOT NULL CHECK (role IN ('viewer', 'member', 'admin', 'owner')),
    role_rank INTEGER NOT NULL
        CHECK (role_rank = CASE role WHEN 'owner' THEN 4 WHEN 'admin' THEN 3 WHEN 'member' THEN 2 ELSE 1 END),
    email_key TEXT NOT NULL,
    joined_at INTEGER NOT NULL,
    PRIMARY KEY (org_id, user_id)
);
INSERT INTO memberships_v2 (org_id, user_id, role, role_rank, email_key, joined_at)
    SELECT m.org_id, m.user_id, m.role,
        CASE m.role WHEN 'owner' THEN 4 WHEN 'admin' THEN 3 WHEN 'member' THEN 2 ELSE 1 END,
        u.email_key, m.joined_at
    FROM memberships m JOIN users u ON u.id = m.user_id;
DROP TABLE memberships;
ALTER TABLE memberships_v2 RENAME TO memberships;

-- memberships_user serves "my orgs" and the trigger; memberships_list serves the members
-- list, the leadership (role_rank >= 3) and the owner count (role_rank = 4).
CREATE INDEX memberships_user ON memberships (user_id);
CREATE INDEX memberships_list ON memberships (org_id, role_rank DESC, email_key, user_id, joined_at);
CREATE INDEX users_card ON users (id, email, name, group_names);

CREATE TRIGGER users_email_key AFTER UPDATE OF email_key ON users
    WHEN NEW.email_key IS NOT OLD.email_key
BEGIN
    UPDATE memberships SET email_key = NEW.email_key WHERE user_id = NEW.id;
END;
