-- Accounts (issue #27): people sign in as themselves. An account has an e-mail (unique without
-- case), a name, a role, an enlace's agency; an instructor's groups are group_instructor rows
-- keyed by the account's e-mail, the user name the service puts in capacita.user for them.
-- As with api_token and web_session, the application role never reads the secrets (the password
-- hash, the TOTP secret, the links and recovery codes) except through definer functions; it may
-- read the account's public columns under row-level security (an enlace, their agency's accounts).
CREATE TABLE account (
    id               bigserial PRIMARY KEY,
    email            text NOT NULL CHECK (length(email) <= 254 AND email ~ '^[^[:space:][:cntrl:]@]+@[^[:space:][:cntrl:]@]+$'),
    name             text NOT NULL CHECK (btrim(name) <> '' AND length(name) <= 200 AND name !~ '[[:cntrl:]]'),
    role             text NOT NULL CHECK (role IN ('admin', 'enlace', 'instructor')),
    agency_code      text COLLATE "C" REFERENCES agency (code) ON UPDATE CASCADE,
    active           boolean NOT NULL DEFAULT true,
    created_by       text NOT NULL,
    created_at       timestamptz NOT NULL DEFAULT now(),
    last_sign_in_at  timestamptz,
    -- bcrypt ($2b$…), null until the invitation is accepted.
    password_hash    text CHECK (password_hash ~ '^\$2[abxy]\$[0-9]{2}\$[./A-Za-z0-9]{53}$'),
    password_set_at  timestamptz,
    -- TOTP (RFC 6238): the shared secret, and when its first code confirmed it (null: not in use).
    totp_secret      text CHECK (length(totp_secret) BETWEEN 16 AND 64),
    totp_confirmed_at timestamptz,
    -- Lockout: failures since the last success or lock, the lock's end, and how many locks in a
    -- row (each doubles the next one; a success resets them).
    failures         integer NOT NULL DEFAULT 0 CHECK (failures >= 0),
    locked_until     timestamptz,
    lockouts         integer NOT NULL DEFAULT 0 CHECK (lockouts >= 0),
    CHECK ((role = 'enlace') = (agency_code IS NOT NULL)),
    CHECK (totp_confirmed_at IS NULL OR totp_secret IS NOT NULL)
);
CREATE UNIQUE INDEX account_email ON account (lower(email));

-- Single-use links: an invitation (72 h by default) or a password reset (1 h). Only the SHA-256 of
-- the secret in the link is kept.
CREATE TABLE account_link (
    sha256     text PRIMARY KEY CHECK (sha256 ~ '^[0-9a-f]{64}$'),
    account_id bigint NOT NULL REFERENCES account (id) ON DELETE CASCADE,
    kind       text NOT NULL CHECK (kind IN ('invitation', 'password_reset')),
    created_at timestamptz NOT NULL DEFAULT now(),
    expires_at timestamptz NOT NULL,
    used_at    timestamptz
);
CREATE INDEX account_link_account ON account_link (account_id);

-- Ten recovery codes per enrollment, each usable once, stored hashed.
CREATE TABLE account_recovery_code (
    account_id bigint NOT NULL REFERENCES account (id) ON DELETE CASCADE,
    sha256     text NOT NULL CHECK (sha256 ~ '^[0-9a-f]{64}$'),
    used_at    timestamptz,
    PRIMARY KEY (account_id, sha256)
);

-- A session stands for a token (as before) or for an account. A session after the password whose
-- account still owes its second factor is `pending`: it opens nothing but the code's form.
ALTER TABLE web_session ALTER COLUMN token_id DROP NOT NULL;
ALTER TABLE web_session
    ADD COLUMN account_id bigint REFERENCES account (id) ON DELETE CASCADE,
    ADD COLUMN pending boolean NOT NULL DEFAULT false,
    ADD COLUMN user_agent text CHECK (length(user_agent) <= 300),
    ADD COLUMN id bigserial UNIQUE,
    ADD CONSTRAINT web_session_holder CHECK ((token_id IS NULL) <> (account_id IS NULL)),
    ADD CONSTRAINT web_session_pending CHECK (NOT pending OR account_id IS NOT NULL);
CREATE INDEX web_session_account ON web_session (account_id);

-- A token may belong to the account that created it: it acts with that account's role and
-- agency, and ends with the account.
ALTER TABLE api_token ADD COLUMN account_id bigint REFERENCES account (id) ON DELETE CASCADE;

-- The public columns, under row-level security: the Secretaría Técnica reads every account, an
-- enlace their agency's and the instructors of their agency's groups, anyone their own.
ALTER TABLE account ENABLE ROW LEVEL SECURITY, FORCE ROW LEVEL SECURITY;
CREATE POLICY scoped ON account FOR SELECT TO capacita_app USING (
    capacita_role() = 'admin'
    OR lower(email) = lower(capacita_user())
    OR (capacita_role() = 'enlace' AND (agency_code = capacita_agency()
        OR (role = 'instructor' AND EXISTS (
            SELECT 1 FROM group_instructor gi JOIN training_group g ON g.code = gi.group_code
            WHERE gi.user_name = lower(account.email) AND g.agency_code = capacita_agency())))));
GRANT SELECT (id, email, name, role, agency_code, active, created_by, created_at, last_sign_in_at,
              totp_confirmed_at)
    ON account TO capacita_app;
GRANT SELECT, INSERT, UPDATE, DELETE ON account, account_link, account_recovery_code TO capacita_definer;
GRANT USAGE ON SEQUENCE account_id_seq TO capacita_definer;
GRANT UPDATE ON web_session TO capacita_definer;
GRANT SELECT, INSERT, UPDATE ON api_token TO capacita_definer;
GRANT USAGE ON SEQUENCE web_session_id_seq TO capacita_definer;
GRANT SELECT, INSERT, DELETE ON group_instructor TO capacita_definer;
GRANT SELECT ON training_group TO capacita_definer;
GRANT INSERT ON audit_log TO capacita_definer;
GRANT USAGE ON SEQUENCE audit_log_id_seq TO capacita_definer;

-- Whether the caller may manage an account of this role, agency and these groups: the
-- Secretaría Técnica any; an enlace instructors of groups their agency organizes (at least one,
-- all of them theirs); the operator on the command line (a superuser, acting for no one) any.
CREATE FUNCTION account_may_manage(target_role text, target_agency text, target_groups text[])
RETURNS boolean
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
    SELECT CASE
        WHEN capacita_role() IS NULL THEN (SELECT rolsuper FROM pg_roles WHERE rolname = session_user)
        WHEN capacita_role() = 'admin' THEN true
        WHEN capacita_role() = 'enlace' THEN target_role = 'instructor' AND target_agency IS NULL
            AND cardinality(coalesce(target_groups, '{}')) > 0
            AND NOT EXISTS (
                SELECT 1 FROM unnest(target_groups) AS t(code)
                LEFT JOIN training_group g ON g.code = t.code
                WHERE g.code IS NULL OR g.agency_code IS DISTINCT FROM capacita_agency())
        ELSE false
    END
$$;

-- One audit row about an account, written by the definer functions below (sign-ins have no
-- identity yet): who acted is the caller when there is one, otherwise the account itself.
CREATE FUNCTION account_audit(subject account, action text, detail jsonb DEFAULT NULL) RETURNS void
LANGUAGE sql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
    INSERT INTO audit_log (user_name, user_label, role, agency_code, action, target, request_id, detail)
    VALUES (coalesce(capacita_user(), lower(subject.email), session_user),
            coalesce(capacita_user(), 'cuenta ' || subject.id),
            coalesce(capacita_role(), subject.role, 'system'),
            CASE WHEN capacita_role() IS NULL THEN subject.agency_code ELSE capacita_agency() END,
            action, 'cuenta ' || subject.id || ' ' || lower(subject.email),
            nullif(current_setting('capacita.request', true), ''), detail)
$$;

-- Creates an account with its invitation link (only the link's hash is kept). Refused (42501)
-- when the caller may not manage such an account; an e-mail in use is 23505.
CREATE FUNCTION account_create(
    new_email text, new_name text, new_role text, new_agency text, new_groups text[],
    link_sha256 text, link_lifetime interval
) RETURNS bigint
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
DECLARE
    created account%ROWTYPE;
BEGIN
    IF NOT coalesce(account_may_manage(new_role, new_agency, new_groups), false) THEN
        RAISE EXCEPTION 'account_create: not allowed' USING ERRCODE = '42501';
    END IF;
    IF link_lifetime IS NULL OR link_lifetime <= interval '0' OR link_lifetime > interval '30 days' THEN
        RAISE EXCEPTION 'account_create: link lifetime out of range' USING ERRCODE = '22023';
    END IF;
    INSERT INTO account (email, name, role, agency_code, created_by)
    VALUES (btrim(new_email), btrim(new_name), new_role, new_agency, coalesce(capacita_user(), session_user))
    RETURNING * INTO created;
    INSERT INTO group_instructor (group_code, user_name, assigned_by)
    SELECT DISTINCT g, lower(created.email), coalesce(capacita_user(), session_user)
    FROM unnest(coalesce(new_groups, '{}')) AS g
    ON CONFLICT DO NOTHING;
    INSERT INTO account_link (sha256, account_id, kind, expires_at)
    VALUES (link_sha256, created.id, 'invitation', now() + link_lifetime);
    PERFORM account_audit(created, 'account.create', jsonb_build_object('role', new_role));
    RETURN created.id;
END
$$;

-- A new invitation for an account that has not set its password (the first one was lost or
-- expired). The earlier links stop working.
CREATE FUNCTION account_reinvite(target_email text, link_sha256 text, link_lifetime interval)
RETURNS TABLE (id bigint, email text, name text)
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
DECLARE
    target account%ROWTYPE;
BEGIN
    SELECT a.* INTO target FROM account a WHERE lower(a.email) = lower(btrim(target_email)) FOR UPDATE;
    IF NOT FOUND OR target.password_hash IS NOT NULL OR NOT target.active THEN
        RETURN;
    END IF;
    IF NOT coalesce(account_may_manage(target.role, target.agency_code,
            ARRAY(SELECT gi.group_code::text FROM group_instructor gi WHERE gi.user_name = lower(target.email))), false) THEN
        RAISE EXCEPTION 'account_reinvite: not allowed' USING ERRCODE = '42501';
    END IF;
    UPDATE account_link SET used_at = now() WHERE account_id = target.id AND used_at IS NULL;
    INSERT INTO account_link (sha256, account_id, kind, expires_at)
    VALUES (link_sha256, target.id, 'invitation', now() + link_lifetime);
    PERFORM account_audit(target, 'account.reinvite');
    RETURN QUERY SELECT target.id, target.email, target.name;
END
$$;

-- Turns an account off or on. Off ends its sessions and revokes its tokens at once (every instance
-- reads both from here on each request).
CREATE FUNCTION account_set_active(target_email text, make_active boolean) RETURNS boolean
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
DECLARE
    target account%ROWTYPE;
BEGIN
    SELECT a.* INTO target FROM account a WHERE lower(a.email) = lower(btrim(target_email)) FOR UPDATE;
    IF NOT FOUND THEN
        RETURN false;
    END IF;
    IF NOT coalesce(account_may_manage(target.role, target.agency_code,
            ARRAY(SELECT gi.group_code::text FROM group_instructor gi WHERE gi.user_name = lower(target.email))), false) THEN
        RAISE EXCEPTION 'account_set_active: not allowed' USING ERRCODE = '42501';
    END IF;
    UPDATE account SET active = make_active, failures = 0, locked_until = NULL, lockouts = 0 WHERE account.id = target.id;
    IF NOT make_active THEN
        DELETE FROM web_session WHERE account_id = target.id;
        UPDATE api_token SET revoked_at = now() WHERE account_id = target.id AND revoked_at IS NULL;
    END IF;
    PERFORM account_audit(target, CASE WHEN make_active THEN 'account.reactivate' ELSE 'account.deactivate' END);
    RETURN true;
END
$$;

-- A link's account while the link is unused and unexpired (the form it opens); nothing otherwise.
CREATE FUNCTION account_link_peek(link_sha256 text, link_kind text)
RETURNS TABLE (id bigint, email text, name text)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
    SELECT a.id, a.email, a.name FROM account_link l JOIN account a ON a.id = l.account_id
    WHERE l.sha256 = link_sha256 AND l.kind = link_kind AND l.used_at IS NULL AND l.expires_at >= now() AND a.active
$$;

-- Uses a link once: sets the password (and, for an invitation, the name as the person wrote it),
-- ends the account's sessions, and marks every open link of the account used. Nothing for a link
-- that is unknown, used, expired, or whose account is off.
CREATE FUNCTION account_link_use(link_sha256 text, link_kind text, new_password_hash text, new_name text)
RETURNS TABLE (id bigint, email text)
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
DECLARE
    link account_link%ROWTYPE;
    target account%ROWTYPE;
BEGIN
    SELECT l.* INTO link FROM account_link l
    WHERE l.sha256 = link_sha256 AND l.kind = link_kind AND l.used_at IS NULL AND l.expires_at >= now()
    FOR UPDATE;
    IF NOT FOUND THEN
        RETURN;
    END IF;
    SELECT a.* INTO target FROM account a WHERE a.id = link.account_id AND a.active FOR UPDATE;
    IF NOT FOUND THEN
        RETURN;
    END IF;
    UPDATE account_link SET used_at = now() WHERE account_id = target.id AND used_at IS NULL;
    UPDATE account SET password_hash = new_password_hash, password_set_at = now(),
                       name = CASE WHEN link_kind = 'invitation' AND btrim(coalesce(new_name, '')) <> ''
                                   THEN btrim(new_name) ELSE account.name END,
                       failures = 0, locked_until = NULL, lockouts = 0
    WHERE account.id = target.id;
    DELETE FROM web_session WHERE account_id = target.id;
    PERFORM account_audit(target, CASE WHEN link_kind = 'invitation' THEN 'account.invitation_accepted'
                                       ELSE 'account.password_reset' END);
    RETURN QUERY SELECT target.id, target.email;
END
$$;

-- A password-reset link for an active account that has a password; its name, or nothing (the
-- caller answers the same either way). Earlier reset links stop working.
CREATE FUNCTION account_reset_request(target_email text, link_sha256 text, link_lifetime interval)
RETURNS TABLE (id bigint, email text, name text)
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
DECLARE
    target account%ROWTYPE;
BEGIN
    IF link_lifetime IS NULL OR link_lifetime <= interval '0' OR link_lifetime > interval '1 day' THEN
        RAISE EXCEPTION 'account_reset_request: link lifetime out of range' USING ERRCODE = '22023';
    END IF;
    SELECT a.* INTO target FROM account a
    WHERE lower(a.email) = lower(btrim(target_email)) AND a.active AND a.password_hash IS NOT NULL FOR UPDATE;
    IF NOT FOUND THEN
        RETURN;
    END IF;
    UPDATE account_link SET used_at = now()
    WHERE account_id = target.id AND kind = 'password_reset' AND used_at IS NULL;
    INSERT INTO account_link (sha256, account_id, kind, expires_at)
    VALUES (link_sha256, target.id, 'password_reset', now() + link_lifetime);
    PERFORM account_audit(target, 'account.password_reset_requested');
    RETURN QUERY SELECT target.id, target.email, target.name;
END
$$;

-- What a sign-in needs to check a password (bcrypt runs in the service): the account, its hash,
-- whether it is active, locked (seconds left) and owes a second factor. Nothing for an unknown
-- e-mail.
CREATE FUNCTION account_sign_in_lookup(target_email text)
RETURNS TABLE (id bigint, email text, name text, role text, agency_code text, active boolean,
               password_hash text, locked_seconds integer, totp_confirmed boolean)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
    SELECT a.id, a.email, a.name, a.role, a.agency_code::text, a.active, a.password_hash,
           CASE WHEN a.locked_until > now() THEN greatest(ceil(extract(epoch FROM a.locked_until - now()))::integer, 1)
                ELSE 0 END,
           a.totp_confirmed_at IS NOT NULL
    FROM account a WHERE lower(a.email) = lower(btrim(target_email))
$$;

-- A wrong password (or code): counted; at `max_failures` the account is locked for `lock_base`,
-- doubled for each lock in a row (at most a day). Returns the lock's seconds, or 0.
CREATE FUNCTION account_sign_in_failed(target_id bigint, max_failures integer, lock_base interval)
RETURNS integer
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
DECLARE
    target account%ROWTYPE;
    lock_for interval;
BEGIN
    IF max_failures IS NULL OR max_failures < 1 OR lock_base IS NULL OR lock_base <= interval '0'
       OR lock_base > interval '1 day' THEN
        RAISE EXCEPTION 'account_sign_in_failed: limit or lock out of range' USING ERRCODE = '22023';
    END IF;
    UPDATE account SET failures = failures + 1 WHERE account.id = target_id RETURNING * INTO target;
    IF NOT FOUND THEN
        RETURN 0;
    END IF;
    PERFORM account_audit(target, 'account.sign_in_failed');
    IF target.failures < max_failures THEN
        RETURN 0;
    END IF;
    lock_for := least(lock_base * power(2, least(target.lockouts, 20)), interval '1 day');
    UPDATE account SET failures = 0, lockouts = lockouts + 1, locked_until = now() + lock_for
    WHERE account.id = target_id;
    PERFORM account_audit(target, 'account.locked', jsonb_build_object('seconds', extract(epoch FROM lock_for)::integer));
    RETURN ceil(extract(epoch FROM lock_for))::integer;
END
$$;

-- A right password: the count starts again, and, when no second factor is owed, the session opens
-- (`pending` when the code is still to come). A locked or inactive account opens nothing.
CREATE FUNCTION account_session_open(
    target_id bigint, session_sha256 text, csrf text, lifetime interval, agent text, second_factor_pending boolean
) RETURNS boolean
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
DECLARE
    target account%ROWTYPE;
BEGIN
    DELETE FROM web_session WHERE expires_at < now();
    SELECT a.* INTO target FROM account a
    WHERE a.id = target_id AND a.active AND (a.locked_until IS NULL OR a.locked_until <= now()) FOR UPDATE;
    IF NOT FOUND THEN
        RETURN false;
    END IF;
    IF NOT second_factor_pending THEN
        UPDATE account SET failures = 0, lockouts = 0, locked_until = NULL, last_sign_in_at = now()
        WHERE account.id = target_id;
        PERFORM account_audit(target, 'account.sign_in');
    END IF;
    INSERT INTO web_session (sha256, account_id, csrf, expires_at, pending, user_agent)
    VALUES (session_sha256, target_id, csrf, now() + lifetime, second_factor_pending, left(agent, 300));
    RETURN true;
END
$$;

-- The second factor was given: a pending session becomes a full one.
CREATE FUNCTION account_session_confirm(session_sha256 text) RETURNS boolean
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
DECLARE
    target account%ROWTYPE;
BEGIN
    SELECT a.* INTO target FROM web_session s JOIN account a ON a.id = s.account_id
    WHERE s.sha256 = session_sha256 AND s.pending AND s.expires_at >= now() AND a.active
      AND (a.locked_until IS NULL OR a.locked_until <= now());
    IF NOT FOUND THEN
        RETURN false;
    END IF;
    UPDATE web_session SET pending = false WHERE sha256 = session_sha256;
    UPDATE account SET failures = 0, lockouts = 0, locked_until = NULL, last_sign_in_at = now()
    WHERE account.id = target.id;
    PERFORM account_audit(target, 'account.sign_in');
    RETURN true;
END
$$;

-- The account behind a session, pending or not, with its TOTP secret when it has one (the service
-- checks the code): only for the second-factor step and the enrollment page.
CREATE FUNCTION account_session_factor(session_sha256 text)
RETURNS TABLE (id bigint, email text, role text, pending boolean, totp_secret text, totp_confirmed boolean,
               csrf text)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
    SELECT a.id, a.email, a.role, s.pending, a.totp_secret, a.totp_confirmed_at IS NOT NULL, s.csrf
    FROM web_session s JOIN account a ON a.id = s.account_id
    WHERE s.sha256 = session_sha256 AND s.expires_at >= now() AND a.active
$$;

-- Two-factor enrollment: a new secret (unconfirmed until its first code), then the confirmation
-- with the recovery codes' hashes, which replace any earlier ones.
CREATE FUNCTION account_totp_begin(session_sha256 text, secret text) RETURNS boolean
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
DECLARE
    holder bigint;
BEGIN
    SELECT s.account_id INTO holder FROM web_session s
    WHERE s.sha256 = session_sha256 AND s.expires_at >= now() AND s.account_id IS NOT NULL;
    IF NOT FOUND THEN
        RETURN false;
    END IF;
    -- A confirmed secret is replaced only by a new confirmation; until then the old one stands.
    UPDATE account SET totp_secret = secret WHERE id = holder AND totp_confirmed_at IS NULL;
    RETURN FOUND;
END
$$;

CREATE FUNCTION account_totp_confirm(session_sha256 text, recovery_sha256 text[]) RETURNS boolean
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
DECLARE
    target account%ROWTYPE;
BEGIN
    SELECT a.* INTO target FROM web_session s JOIN account a ON a.id = s.account_id
    WHERE s.sha256 = session_sha256 AND s.expires_at >= now() AND a.totp_secret IS NOT NULL FOR UPDATE OF a;
    IF NOT FOUND OR cardinality(recovery_sha256) <> 10 THEN
        RETURN false;
    END IF;
    UPDATE account SET totp_confirmed_at = now() WHERE id = target.id;
    DELETE FROM account_recovery_code WHERE account_id = target.id;
    INSERT INTO account_recovery_code (account_id, sha256) SELECT target.id, h FROM unnest(recovery_sha256) AS h;
    PERFORM account_audit(target, 'account.two_factor_enabled');
    RETURN true;
END
$$;

-- A recovery code in place of the TOTP code: true once per code.
CREATE FUNCTION account_recovery_use(session_sha256 text, code_sha256 text) RETURNS boolean
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
DECLARE
    target account%ROWTYPE;
BEGIN
    SELECT a.* INTO target FROM web_session s JOIN account a ON a.id = s.account_id
    WHERE s.sha256 = session_sha256 AND s.expires_at >= now();
    IF NOT FOUND THEN
        RETURN false;
    END IF;
    UPDATE account_recovery_code SET used_at = now()
    WHERE account_id = target.id AND sha256 = code_sha256 AND used_at IS NULL;
    IF NOT FOUND THEN
        RETURN false;
    END IF;
    PERFORM account_audit(target, 'account.recovery_code_used');
    RETURN true;
END
$$;

-- Whom a session stands for: a token's holder (as before) or an account, while the session, and
-- its token or account, are valid; a pending session stands for no one yet.
DROP FUNCTION session_identity(text);
CREATE FUNCTION session_identity(session_sha256 text)
RETURNS TABLE (name text, role text, agency_code text, csrf text, account_id bigint, label text)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
    SELECT t.name, t.role, t.agency_code::text, s.csrf, NULL::bigint, t.name
    FROM web_session s JOIN api_token t ON t.id = s.token_id
    WHERE s.sha256 = session_sha256 AND s.expires_at >= now() AND t.revoked_at IS NULL
      AND (t.expires_on IS NULL OR t.expires_on >= (now() AT TIME ZONE 'UTC')::date)
    UNION ALL
    SELECT lower(a.email), a.role, a.agency_code::text, s.csrf, a.id, a.name
    FROM web_session s JOIN account a ON a.id = s.account_id
    WHERE s.sha256 = session_sha256 AND s.expires_at >= now() AND NOT s.pending AND a.active
$$;

-- "Mis sesiones": the account's own sessions, and closing one of them.
CREATE FUNCTION account_sessions(session_sha256 text)
RETURNS TABLE (id bigint, created_at timestamptz, expires_at timestamptz, user_agent text, current boolean)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
    SELECT o.id, o.created_at, o.expires_at, o.user_agent, o.sha256 = session_sha256
    FROM web_session me JOIN web_session o ON o.account_id = me.account_id
    WHERE me.sha256 = session_sha256 AND me.expires_at >= now() AND NOT me.pending
      AND o.expires_at >= now() AND NOT o.pending
    ORDER BY o.created_at DESC
$$;

CREATE FUNCTION account_session_end(session_sha256 text, other_id bigint) RETURNS boolean
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
BEGIN
    DELETE FROM web_session o USING web_session me
    WHERE me.sha256 = session_sha256 AND me.account_id IS NOT NULL AND NOT me.pending
      AND o.account_id = me.account_id AND o.id = other_id;
    RETURN FOUND;
END
$$;

-- Bearer tokens of an account stand while the account is active.
CREATE OR REPLACE FUNCTION token_identity(token_sha256 text)
RETURNS TABLE (id bigint, name text, role text, agency_code text)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
    SELECT t.id, coalesce(lower(a.email), t.name), t.role, t.agency_code::text
    FROM api_token t LEFT JOIN account a ON a.id = t.account_id
    WHERE t.sha256 = token_sha256 AND t.revoked_at IS NULL
      AND (t.expires_on IS NULL OR t.expires_on >= (now() AT TIME ZONE 'UTC')::date)
      AND (t.account_id IS NULL OR a.active)
$$;

DO $$
DECLARE
    f text;
BEGIN
    FOREACH f IN ARRAY ARRAY[
        'account_may_manage(text, text, text[])', 'account_audit(account, text, jsonb)',
        'account_create(text, text, text, text, text[], text, interval)',
        'account_reinvite(text, text, interval)', 'account_set_active(text, boolean)',
        'account_link_peek(text, text)', 'account_link_use(text, text, text, text)',
        'account_reset_request(text, text, interval)', 'account_sign_in_lookup(text)',
        'account_sign_in_failed(bigint, integer, interval)',
        'account_session_open(bigint, text, text, interval, text, boolean)', 'account_session_confirm(text)',
        'account_session_factor(text)', 'account_totp_begin(text, text)', 'account_totp_confirm(text, text[])',
        'account_recovery_use(text, text)', 'session_identity(text)', 'account_sessions(text)',
        'account_session_end(text, bigint)', 'token_identity(text)'
    ] LOOP
        EXECUTE format('ALTER FUNCTION %s OWNER TO capacita_definer', f);
        EXECUTE format('REVOKE EXECUTE ON FUNCTION %s FROM PUBLIC', f);
        EXECUTE format('GRANT EXECUTE ON FUNCTION %s TO capacita_app', f);
    END LOOP;
END
$$;
-- account_audit takes a row: only the other functions call it.
REVOKE EXECUTE ON FUNCTION account_audit(account, text, jsonb) FROM capacita_app;
