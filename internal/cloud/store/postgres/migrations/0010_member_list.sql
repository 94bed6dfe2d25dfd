-- The members list and the leadership read memberships in the order of memberships_list:
-- role_rank is the role's rank (authz.Role: viewer 1 … owner 4), kept by PostgreSQL itself,
-- so that processes still running older code write memberships exactly as before.
-- memberships_list also serves the owner count, which made memberships_org_role redundant.

ALTER TABLE memberships ADD COLUMN role_rank smallint NOT NULL
    GENERATED ALWAYS AS (CASE role WHEN 'owner' THEN 4 WHEN 'admin' THEN 3 WHEN 'member' THEN 2 ELSE 1 END) STORED;
DROP INDEX memberships_org_role;
CREATE INDEX memberships_list ON memberships (org_id, role_rank DESC) INCLUDE (user_id, joined_at);
