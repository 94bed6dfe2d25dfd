-- member_list_versions holds, per org, the version of what its members list shows (see
-- cloud.Members.MemberListVersion): the triggers below raise it in the transaction of every change to the
-- org's memberships and to its members' email, name and groups, whoever writes them.

CREATE TABLE member_list_versions (
    org_id  TEXT PRIMARY KEY REFERENCES orgs (id) ON DELETE CASCADE,
    version INTEGER NOT NULL
);
INSERT INTO member_list_versions (org_id, version) SELECT id, 1 FROM orgs;

CREATE TRIGGER member_list_org AFTER INSERT ON orgs
BEGIN
    INSERT INTO member_list_versions (org_id, version) VALUES (NEW.id, 1);
END;

CREATE TRIGGER member_list_join AFTER INSERT ON memberships
BEGIN
    UPDATE member_list_versions SET version = version + 1 WHERE org_id = NEW.org_id;
END;

CREATE TRIGGER member_list_change AFTER UPDATE ON memberships
BEGIN
    UPDATE member_list_versions SET version = version + 1 WHERE org_id IN (OLD.org_id, NEW.org_id);
END;

CREATE TRIGGER member_list_leave AFTER DELETE ON memberships
BEGIN
    UPDATE member_list_versions SET version = version + 1 WHERE org_id = OLD.org_id;
END;

CREATE TRIGGER member_list_user AFTER UPDATE OF email, name, group_names ON users
    WHEN NEW.email IS NOT OLD.email OR NEW.name IS NOT OLD.name OR NEW.group_names IS NOT OLD.group_names
BEGIN
    UPDATE member_list_versions SET version = version + 1
        WHERE org_id IN (SELECT org_id FROM memberships WHERE user_id = NEW.id);
END;
