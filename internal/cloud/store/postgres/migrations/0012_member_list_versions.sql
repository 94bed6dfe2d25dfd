-- member_list_versions holds, per org, the version of what its members list shows (see
-- cloud.Members.MemberListVersion): the triggers below raise it in the transaction of every change to the
-- org's memberships and to its members' email, name and groups, whoever writes them.

CREATE TABLE member_list_versions (
    org_id  text PRIMARY KEY REFERENCES orgs (id) ON DELETE CASCADE,
    version bigint NOT NULL
);
INSERT INTO member_list_versions (org_id, version) SELECT id, 1 FROM orgs;

CREATE FUNCTION member_list_org() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO member_list_versions (org_id, version) VALUES (NEW.id, 1);
    RETURN NULL;
END $$;
CREATE TRIGGER member_list_org AFTER INSERT ON orgs FOR EACH ROW EXECUTE FUNCTION member_list_org();

CREATE FUNCTION member_list_membership() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP <> 'INSERT' THEN
        UPDATE member_list_versions SET version = version + 1 WHERE org_id = OLD.org_id;
    END IF;
    IF TG_OP <> 'DELETE' AND (TG_OP = 'INSERT' OR NEW.org_id <> OLD.org_id) THEN
        UPDATE member_list_versions SET version = version + 1 WHERE org_id = NEW.org_id;
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER member_list_membership AFTER INSERT OR UPDATE OR DELETE ON memberships
    FOR EACH ROW EXECUTE FUNCTION member_list_membership();

CREATE FUNCTION member_list_user() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    -- The rows are locked in org id order, so that two members' updates never deadlock.
    UPDATE member_list_versions v SET version = v.version + 1
        FROM (SELECT org_id FROM member_list_versions
              WHERE org_id IN (SELECT org_id FROM memberships WHERE user_id = NEW.id)
              ORDER BY org_id FOR UPDATE) l
        WHERE v.org_id = l.org_id;
    RETURN NULL;
END $$;
CREATE TRIGGER member_list_user AFTER UPDATE OF email, name, group_names ON users
    FOR EACH ROW WHEN (NEW.email IS DISTINCT FROM OLD.email OR NEW.name IS DISTINCT FROM OLD.name
        OR NEW.group_names IS DISTINCT FROM OLD.group_names)
    EXECUTE FUNCTION member_list_user();
