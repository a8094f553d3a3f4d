-- An enlace invites instructors to their agency's groups without learning who has an account
-- (issue #27, "isolation means no facts"). Until now an enlace created an instructor's account
-- and was told 409 when the e-mail had one elsewhere, and read the instructors of their groups in
-- `account`. Now an enlace's invitation is the same for every e-mail: the groups are assigned to
-- the e-mail (group_instructor, keyed by it, as before), a row of `account_invitation` records
-- what the enlace asked, and the service mails the person, an invitation to set a password when
-- no account has that e-mail, a note that the groups were assigned when one does. Which of the
-- two happened reaches the service, never the enlace: they see their agency's accounts and
-- their own invitations, nothing else. Enlaces no longer turn accounts on or off: the issue
-- gives them inviting instructors for their groups, and an instructor may teach for several
-- agencies.
CREATE TABLE account_invitation (
    id          bigserial PRIMARY KEY,
    agency_code text NOT NULL COLLATE "C" REFERENCES agency (code) ON UPDATE CASCADE,
    email       text NOT NULL CHECK (length(email) <= 254 AND email ~ '^[^[:space:][:cntrl:]@]+@[^[:space:][:cntrl:]@]+$'),
    -- The name as the enlace typed it (an existing account keeps its own).
    name        text NOT NULL CHECK (btrim(name) <> '' AND length(name) <= 200 AND name !~ '[[:cntrl:]]'),
    groups      text[] NOT NULL CHECK (cardinality(groups) BETWEEN 1 AND 200),
    invited_by  text NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX account_invitation_agency ON account_invitation (agency_code, id);
ALTER TABLE account_invitation ENABLE ROW LEVEL SECURITY, FORCE ROW LEVEL SECURITY;
CREATE POLICY scoped ON account_invitation FOR SELECT TO capacita_app USING (
    capacita_role() = 'admin' OR (capacita_role() = 'enlace' AND agency_code = capacita_agency()));
GRANT SELECT ON account_invitation TO capacita_app;
GRANT SELECT, INSERT ON account_invitation TO capacita_definer;
GRANT USAGE ON SEQUENCE account_invitation_id_seq TO capacita_definer;

-- An enlace reads their agency's accounts and their own; no longer the instructors of their
-- groups (which would tell them whether an e-mail they invited had an account).
DROP POLICY scoped ON account;
CREATE POLICY scoped ON account FOR SELECT TO capacita_app USING (
    capacita_role() = 'admin'
    OR lower(email) = lower(capacita_user())
    OR (capacita_role() = 'enlace' AND agency_code = capacita_agency()));

-- The Secretaría Técnica (and the operator) manage accounts; an enlace invites (below).
CREATE OR REPLACE FUNCTION account_may_manage(target_role text, target_agency text, target_groups text[])
RETURNS boolean
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
    SELECT CASE
        WHEN capacita_role() IS NULL THEN (SELECT rolsuper FROM pg_roles WHERE rolname = session_user)
        ELSE capacita_role() = 'admin'
    END
$$;

ALTER TABLE mail_outbox DROP CONSTRAINT mail_outbox_kind_check;
ALTER TABLE mail_outbox ADD CONSTRAINT mail_outbox_kind_check
    CHECK (kind IN ('invitation', 'password_reset', 'test', 'group_assignment'));

-- An enlace invites `new_email` to teach `new_groups` (at least one, all their agency's): the
-- groups are assigned to the e-mail, the invitation recorded, and, when no account has the
-- e-mail, an instructor account made with its invitation link. Returns the invitation's id and
-- whether an account was made, for the service to choose the message; the enlace is answered the
-- same either way. Refused (42501) for anyone but an enlace, or for a group not theirs.
CREATE FUNCTION account_invite_instructor(
    new_email text, new_name text, new_groups text[], link_sha256 text, link_lifetime interval
) RETURNS TABLE (invitation_id bigint, account_created boolean)
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
DECLARE
    caller_agency text := capacita_agency();
    existing account%ROWTYPE;
    created account%ROWTYPE;
    invitation bigint;
BEGIN
    IF capacita_role() IS DISTINCT FROM 'enlace' OR caller_agency IS NULL
       OR cardinality(coalesce(new_groups, '{}')) = 0
       OR EXISTS (SELECT 1 FROM unnest(new_groups) AS t(code) LEFT JOIN training_group g ON g.code = t.code
                  WHERE g.code IS NULL OR g.agency_code IS DISTINCT FROM caller_agency) THEN
        RAISE EXCEPTION 'account_invite_instructor: not allowed' USING ERRCODE = '42501';
    END IF;
    IF link_lifetime IS NULL OR link_lifetime <= interval '0' OR link_lifetime > interval '30 days' THEN
        RAISE EXCEPTION 'account_invite_instructor: link lifetime out of range' USING ERRCODE = '22023';
    END IF;
    INSERT INTO group_instructor (group_code, user_name, assigned_by)
    SELECT DISTINCT g, lower(btrim(new_email)), capacita_user() FROM unnest(new_groups) AS g
    ON CONFLICT DO NOTHING;
    INSERT INTO account_invitation (agency_code, email, name, groups, invited_by)
    VALUES (caller_agency, lower(btrim(new_email)), btrim(new_name),
            ARRAY(SELECT DISTINCT g FROM unnest(new_groups) AS g ORDER BY 1), capacita_user())
    RETURNING id INTO invitation;
    -- The enlace's agency gets one audit row, the same whichever case; what happened to an account
    -- is recorded for the Secretaría Técnica only (no agency on the row).
    INSERT INTO audit_log (user_name, user_label, role, agency_code, action, target, request_id, detail)
    VALUES (capacita_user(), capacita_user(), 'enlace', caller_agency, 'account.invite', lower(btrim(new_email)),
            nullif(current_setting('capacita.request', true), ''),
            jsonb_build_object('invitation', invitation, 'groups', cardinality(new_groups)));
    SELECT a.* INTO existing FROM account a WHERE lower(a.email) = lower(btrim(new_email));
    IF FOUND THEN
        INSERT INTO audit_log (user_name, user_label, role, agency_code, action, target, request_id, detail)
        VALUES (capacita_user(), capacita_user(), 'enlace', NULL, 'account.groups_assigned',
                'cuenta ' || existing.id || ' ' || lower(existing.email),
                nullif(current_setting('capacita.request', true), ''), jsonb_build_object('invitation', invitation));
        RETURN QUERY SELECT invitation, false;
        RETURN;
    END IF;
    INSERT INTO account (email, name, role, agency_code, created_by)
    VALUES (btrim(new_email), btrim(new_name), 'instructor', NULL, capacita_user())
    RETURNING * INTO created;
    INSERT INTO account_link (sha256, account_id, kind, expires_at)
    VALUES (link_sha256, created.id, 'invitation', now() + link_lifetime);
    INSERT INTO audit_log (user_name, user_label, role, agency_code, action, target, request_id, detail)
    VALUES (capacita_user(), capacita_user(), 'enlace', NULL, 'account.create',
            'cuenta ' || created.id || ' ' || lower(created.email),
            nullif(current_setting('capacita.request', true), ''), jsonb_build_object('invitation', invitation));
    RETURN QUERY SELECT invitation, true;
END
$$;
ALTER FUNCTION account_invite_instructor(text, text, text[], text, interval) OWNER TO capacita_definer;
REVOKE EXECUTE ON FUNCTION account_invite_instructor(text, text, text[], text, interval) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION account_invite_instructor(text, text, text[], text, interval) TO capacita_app;
