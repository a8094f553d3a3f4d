-- The schema of a freshly migrated database: db/migrations/ applied in order by
-- `capacita db migrate`, dumped with pg_dump --schema-only, normalized by scripts/schema.
-- Generated; do not edit. Change the schema with a new migration, then run
-- `scripts/schema write`. `scripts/test` fails when this file and the migrations disagree.

--
-- Name: account; Type: TABLE; Schema: public
--

CREATE TABLE public.account (
    id bigint NOT NULL,
    email text NOT NULL,
    name text NOT NULL,
    role text NOT NULL,
    agency_code text COLLATE pg_catalog."C",
    active boolean DEFAULT true NOT NULL,
    created_by text NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    last_sign_in_at timestamp with time zone,
    password_hash text,
    password_set_at timestamp with time zone,
    totp_secret text,
    totp_confirmed_at timestamp with time zone,
    failures integer DEFAULT 0 NOT NULL,
    locked_until timestamp with time zone,
    lockouts integer DEFAULT 0 NOT NULL,
    totp_last_step bigint,
    CONSTRAINT account_check CHECK (((role = 'enlace'::text) = (agency_code IS NOT NULL))),
    CONSTRAINT account_check1 CHECK (((totp_confirmed_at IS NULL) OR (totp_secret IS NOT NULL))),
    CONSTRAINT account_email_check CHECK (((length(email) <= 254) AND (email ~ '^[^[:space:][:cntrl:]@]+@[^[:space:][:cntrl:]@]+$'::text))),
    CONSTRAINT account_failures_check CHECK ((failures >= 0)),
    CONSTRAINT account_lockouts_check CHECK ((lockouts >= 0)),
    CONSTRAINT account_name_check CHECK (((btrim(name) <> ''::text) AND (length(name) <= 200) AND (name !~ '[[:cntrl:]]'::text))),
    CONSTRAINT account_password_hash_check CHECK ((password_hash ~ '^\$2[abxy]\$[0-9]{2}\$[./A-Za-z0-9]{53}$'::text)),
    CONSTRAINT account_role_check CHECK ((role = ANY (ARRAY['admin'::text, 'enlace'::text, 'instructor'::text]))),
    CONSTRAINT account_totp_secret_check CHECK (((length(totp_secret) >= 16) AND (length(totp_secret) <= 64)))
);

ALTER TABLE ONLY public.account FORCE ROW LEVEL SECURITY;

--
-- Name: account_audit(public.account, text, jsonb); Type: FUNCTION; Schema: public
--

CREATE FUNCTION public.account_audit(subject public.account, action text, detail jsonb DEFAULT NULL::jsonb) RETURNS void
    LANGUAGE sql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
    INSERT INTO audit_log (user_name, user_label, role, agency_code, action, target, request_id, detail)
    VALUES (coalesce(capacita_user(), lower(subject.email), session_user),
            coalesce(capacita_user(), 'cuenta ' || subject.id),
            coalesce(capacita_role(), subject.role, 'system'),
            CASE WHEN capacita_role() IS NULL THEN subject.agency_code ELSE capacita_agency() END,
            action, 'cuenta ' || subject.id || ' ' || lower(subject.email),
            nullif(current_setting('capacita.request', true), ''), detail)
$$;

ALTER FUNCTION public.account_audit(subject public.account, action text, detail jsonb) OWNER TO capacita_definer;

--
-- Name: account_create(text, text, text, text, text[], text, interval); Type: FUNCTION; Schema: public
--

CREATE FUNCTION public.account_create(new_email text, new_name text, new_role text, new_agency text, new_groups text[], link_sha256 text, link_lifetime interval) RETURNS bigint
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
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

ALTER FUNCTION public.account_create(new_email text, new_name text, new_role text, new_agency text, new_groups text[], link_sha256 text, link_lifetime interval) OWNER TO capacita_definer;

--
-- Name: account_invite_instructor(text, text, text[], text, interval); Type: FUNCTION; Schema: public
--

CREATE FUNCTION public.account_invite_instructor(new_email text, new_name text, new_groups text[], link_sha256 text, link_lifetime interval) RETURNS TABLE(invitation_id bigint, account_created boolean)
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
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

ALTER FUNCTION public.account_invite_instructor(new_email text, new_name text, new_groups text[], link_sha256 text, link_lifetime interval) OWNER TO capacita_definer;

--
-- Name: account_link_peek(text, text); Type: FUNCTION; Schema: public
--

CREATE FUNCTION public.account_link_peek(link_sha256 text, link_kind text) RETURNS TABLE(id bigint, email text, name text)
    LANGUAGE sql STABLE SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
    SELECT a.id, a.email, a.name FROM account_link l JOIN account a ON a.id = l.account_id
    WHERE l.sha256 = link_sha256 AND l.kind = link_kind AND l.used_at IS NULL AND l.expires_at >= now() AND a.active
$$;

ALTER FUNCTION public.account_link_peek(link_sha256 text, link_kind text) OWNER TO capacita_definer;

--
-- Name: account_link_use(text, text, text, text); Type: FUNCTION; Schema: public
--

CREATE FUNCTION public.account_link_use(link_sha256 text, link_kind text, new_password_hash text, new_name text) RETURNS TABLE(id bigint, email text)
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
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
    IF link_kind = 'password_reset' THEN
        UPDATE api_token SET revoked_at = now() WHERE account_id = target.id AND revoked_at IS NULL;
    END IF;
    PERFORM account_audit(target, CASE WHEN link_kind = 'invitation' THEN 'account.invitation_accepted'
                                       ELSE 'account.password_reset' END);
    RETURN QUERY SELECT target.id, target.email;
END
$$;

ALTER FUNCTION public.account_link_use(link_sha256 text, link_kind text, new_password_hash text, new_name text) OWNER TO capacita_definer;

--
-- Name: account_may_manage(text, text, text[]); Type: FUNCTION; Schema: public
--

CREATE FUNCTION public.account_may_manage(target_role text, target_agency text, target_groups text[]) RETURNS boolean
    LANGUAGE sql STABLE SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
    SELECT CASE
        WHEN capacita_role() IS NULL THEN (SELECT rolsuper FROM pg_roles WHERE rolname = session_user)
        ELSE capacita_role() = 'admin'
    END
$$;

ALTER FUNCTION public.account_may_manage(target_role text, target_agency text, target_groups text[]) OWNER TO capacita_definer;

--
-- Name: account_of_session(text); Type: FUNCTION; Schema: public
--

CREATE FUNCTION public.account_of_session(session_sha256 text) RETURNS public.account
    LANGUAGE sql STABLE SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
    SELECT a.* FROM web_session s JOIN account a ON a.id = s.account_id
    WHERE s.sha256 = session_sha256 AND s.expires_at >= now() AND NOT s.pending AND a.active
$$;

ALTER FUNCTION public.account_of_session(session_sha256 text) OWNER TO capacita_definer;

--
-- Name: account_person_link(text, text); Type: FUNCTION; Schema: public
--

CREATE FUNCTION public.account_person_link(target_email text, person_curp text) RETURNS boolean
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
DECLARE
    target account%ROWTYPE;
    previous text;
    allowed boolean := CASE WHEN capacita_role() IS NULL
                            THEN coalesce((SELECT r.rolsuper FROM pg_roles r WHERE r.rolname = session_user), false)
                            ELSE capacita_role() = 'admin' END;
BEGIN
    IF NOT allowed THEN
        RAISE EXCEPTION 'account_person_link: not allowed' USING ERRCODE = '42501';
    END IF;
    SELECT a.* INTO target FROM account a WHERE lower(a.email) = lower(btrim(target_email)) FOR UPDATE;
    IF NOT FOUND THEN
        RETURN false;
    END IF;
    IF target.role <> 'instructor' THEN
        RAISE EXCEPTION 'account_person_link: only an instructor''s account names a person' USING ERRCODE = '22023';
    END IF;
    SELECT ap.curp INTO previous FROM account_person ap WHERE ap.account_id = target.id;
    IF person_curp IS NULL THEN
        IF previous IS NOT NULL THEN
            DELETE FROM account_person WHERE account_id = target.id;
            PERFORM account_audit(target, 'account.person_unlink',
                                  jsonb_build_object('curp', left(previous, 4) || repeat('*', length(previous) - 4)));
        END IF;
        RETURN true;
    END IF;
    IF previous IS DISTINCT FROM person_curp THEN
        INSERT INTO account_person (account_id, curp, linked_by)
        VALUES (target.id, person_curp, coalesce(capacita_user(), session_user))
        ON CONFLICT (account_id) DO UPDATE SET curp = EXCLUDED.curp, linked_by = EXCLUDED.linked_by, linked_at = now();
        PERFORM account_audit(target, 'account.person_link',
                              jsonb_build_object('curp', left(person_curp, 4) || repeat('*', length(person_curp) - 4)));
    END IF;
    RETURN true;
END
$$;

ALTER FUNCTION public.account_person_link(target_email text, person_curp text) OWNER TO capacita_definer;

--
-- Name: account_recovery_use(text, text); Type: FUNCTION; Schema: public
--

CREATE FUNCTION public.account_recovery_use(session_sha256 text, code_sha256 text) RETURNS boolean
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
DECLARE
    target account%ROWTYPE;
BEGIN
    SELECT a.* INTO target FROM web_session s JOIN account a ON a.id = s.account_id
    WHERE s.sha256 = session_sha256 AND s.expires_at >= now() AND a.active
      AND (a.locked_until IS NULL OR a.locked_until <= now());
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

ALTER FUNCTION public.account_recovery_use(session_sha256 text, code_sha256 text) OWNER TO capacita_definer;

--
-- Name: account_reinvite(text, text, interval); Type: FUNCTION; Schema: public
--

CREATE FUNCTION public.account_reinvite(target_email text, link_sha256 text, link_lifetime interval) RETURNS TABLE(id bigint, email text, name text)
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
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

ALTER FUNCTION public.account_reinvite(target_email text, link_sha256 text, link_lifetime interval) OWNER TO capacita_definer;

--
-- Name: account_reset_request(text, text, interval); Type: FUNCTION; Schema: public
--

CREATE FUNCTION public.account_reset_request(target_email text, link_sha256 text, link_lifetime interval) RETURNS TABLE(id bigint, email text, name text)
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
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

ALTER FUNCTION public.account_reset_request(target_email text, link_sha256 text, link_lifetime interval) OWNER TO capacita_definer;

--
-- Name: account_session_end(text, bigint); Type: FUNCTION; Schema: public
--

CREATE FUNCTION public.account_session_end(session_sha256 text, other_id bigint) RETURNS boolean
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
BEGIN
    DELETE FROM web_session o USING web_session me
    WHERE me.sha256 = session_sha256 AND me.account_id IS NOT NULL AND NOT me.pending
      AND o.account_id = me.account_id AND o.id = other_id;
    RETURN FOUND;
END
$$;

ALTER FUNCTION public.account_session_end(session_sha256 text, other_id bigint) OWNER TO capacita_definer;

--
-- Name: account_session_factor(text); Type: FUNCTION; Schema: public
--

CREATE FUNCTION public.account_session_factor(session_sha256 text) RETURNS TABLE(id bigint, email text, role text, pending boolean, totp_secret text, totp_confirmed boolean, csrf text)
    LANGUAGE sql STABLE SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
    SELECT a.id, a.email, a.role, s.pending, a.totp_secret, a.totp_confirmed_at IS NOT NULL, s.csrf
    FROM web_session s JOIN account a ON a.id = s.account_id
    WHERE s.sha256 = session_sha256 AND s.expires_at >= now() AND a.active
$$;

ALTER FUNCTION public.account_session_factor(session_sha256 text) OWNER TO capacita_definer;

--
-- Name: account_session_open(bigint, text, text, interval, text, boolean); Type: FUNCTION; Schema: public
--

CREATE FUNCTION public.account_session_open(target_id bigint, session_sha256 text, csrf text, lifetime interval, agent text, second_factor_pending boolean) RETURNS boolean
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
DECLARE
    target account%ROWTYPE;
    owed boolean;
BEGIN
    IF capacita_role() IS NOT NULL THEN
        RAISE EXCEPTION 'account_session_open: only the sign-in form opens sessions' USING ERRCODE = '42501';
    END IF;
    DELETE FROM web_session WHERE expires_at < now();
    SELECT a.* INTO target FROM account a
    WHERE a.id = target_id AND a.active AND (a.locked_until IS NULL OR a.locked_until <= now()) FOR UPDATE;
    IF NOT FOUND THEN
        RETURN false;
    END IF;
    owed := coalesce(second_factor_pending, true) OR target.totp_confirmed_at IS NOT NULL OR target.role = 'admin';
    IF NOT owed THEN
        UPDATE account SET failures = 0, lockouts = 0, locked_until = NULL, last_sign_in_at = now()
        WHERE account.id = target_id;
        PERFORM account_audit(target, 'account.sign_in');
    END IF;
    INSERT INTO web_session (sha256, account_id, csrf, expires_at, pending, user_agent)
    VALUES (session_sha256, target_id, csrf, now() + lifetime, owed, left(agent, 300));
    RETURN true;
END
$$;

ALTER FUNCTION public.account_session_open(target_id bigint, session_sha256 text, csrf text, lifetime interval, agent text, second_factor_pending boolean) OWNER TO capacita_definer;

--
-- Name: account_session_rotate(text, text, text, interval); Type: FUNCTION; Schema: public
--

CREATE FUNCTION public.account_session_rotate(session_sha256 text, new_sha256 text, new_csrf text, lifetime interval) RETURNS boolean
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
DECLARE
    target account%ROWTYPE;
    old web_session%ROWTYPE;
BEGIN
    SELECT s.* INTO old FROM web_session s
    WHERE s.sha256 = session_sha256 AND s.pending AND s.expires_at >= now() FOR UPDATE;
    IF NOT FOUND THEN
        RETURN false;
    END IF;
    SELECT a.* INTO target FROM account a
    WHERE a.id = old.account_id AND a.active AND (a.locked_until IS NULL OR a.locked_until <= now()) FOR UPDATE;
    IF NOT FOUND THEN
        RETURN false;
    END IF;
    DELETE FROM web_session WHERE sha256 = session_sha256;
    INSERT INTO web_session (sha256, account_id, csrf, expires_at, pending, user_agent)
    VALUES (new_sha256, target.id, new_csrf, now() + lifetime, false, old.user_agent);
    UPDATE account SET failures = 0, lockouts = 0, locked_until = NULL, last_sign_in_at = now()
    WHERE account.id = target.id;
    PERFORM account_audit(target, 'account.sign_in');
    RETURN true;
END
$$;

ALTER FUNCTION public.account_session_rotate(session_sha256 text, new_sha256 text, new_csrf text, lifetime interval) OWNER TO capacita_definer;

--
-- Name: account_sessions(text); Type: FUNCTION; Schema: public
--

CREATE FUNCTION public.account_sessions(session_sha256 text) RETURNS TABLE(id bigint, created_at timestamp with time zone, expires_at timestamp with time zone, user_agent text, current boolean)
    LANGUAGE sql STABLE SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
    SELECT o.id, o.created_at, o.expires_at, o.user_agent, o.sha256 = session_sha256
    FROM web_session me JOIN web_session o ON o.account_id = me.account_id
    WHERE me.sha256 = session_sha256 AND me.expires_at >= now() AND NOT me.pending
      AND o.expires_at >= now() AND NOT o.pending
    ORDER BY o.created_at DESC
$$;

ALTER FUNCTION public.account_sessions(session_sha256 text) OWNER TO capacita_definer;

--
-- Name: account_set_active(text, boolean); Type: FUNCTION; Schema: public
--

CREATE FUNCTION public.account_set_active(target_email text, make_active boolean) RETURNS boolean
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
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

ALTER FUNCTION public.account_set_active(target_email text, make_active boolean) OWNER TO capacita_definer;

--
-- Name: account_sign_in_failed(bigint, integer, interval); Type: FUNCTION; Schema: public
--

CREATE FUNCTION public.account_sign_in_failed(target_id bigint, max_failures integer, lock_base interval) RETURNS integer
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
DECLARE
    target account%ROWTYPE;
    lock_for interval;
BEGIN
    IF max_failures IS NULL OR max_failures < 1 OR lock_base IS NULL OR lock_base <= interval '0'
       OR lock_base > interval '1 day' THEN
        RAISE EXCEPTION 'account_sign_in_failed: limit or lock out of range' USING ERRCODE = '22023';
    END IF;
    UPDATE account SET failures = failures + 1
    WHERE account.id = target_id AND (locked_until IS NULL OR locked_until <= now())
    RETURNING * INTO target;
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

ALTER FUNCTION public.account_sign_in_failed(target_id bigint, max_failures integer, lock_base interval) OWNER TO capacita_definer;

--
-- Name: account_sign_in_lookup(text); Type: FUNCTION; Schema: public
--

CREATE FUNCTION public.account_sign_in_lookup(target_email text) RETURNS TABLE(id bigint, email text, name text, role text, agency_code text, active boolean, password_hash text, locked_seconds integer, totp_confirmed boolean)
    LANGUAGE sql STABLE SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
    SELECT a.id, a.email, a.name, a.role, a.agency_code::text, a.active, a.password_hash,
           CASE WHEN a.locked_until > now() THEN greatest(ceil(extract(epoch FROM a.locked_until - now()))::integer, 1)
                ELSE 0 END,
           a.totp_confirmed_at IS NOT NULL
    FROM account a WHERE lower(a.email) = lower(btrim(target_email)) AND capacita_role() IS NULL
$$;

ALTER FUNCTION public.account_sign_in_lookup(target_email text) OWNER TO capacita_definer;

--
-- Name: account_token_create(text, text, text, text, date, integer, integer); Type: FUNCTION; Schema: public
--

CREATE FUNCTION public.account_token_create(session_sha256 text, token_name text, token_sha256 text, token_hint text, expires date, max_days integer, max_live integer) RETURNS TABLE(outcome text, token_id bigint)
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
DECLARE
    me account := account_of_session(session_sha256);
    today date := (now() AT TIME ZONE 'UTC')::date;
    made bigint;
BEGIN
    IF me.id IS NULL THEN RETURN QUERY SELECT 'no_account', NULL::bigint; RETURN; END IF;
    IF expires IS NULL OR expires <= today OR expires > today + max_days THEN
        RETURN QUERY SELECT 'bad_expiry', NULL::bigint; RETURN;
    END IF;
    -- One creation at a time per account, so the count below holds.
    PERFORM 1 FROM account WHERE id = me.id AND active FOR UPDATE;
    IF NOT FOUND OR NOT EXISTS (
        SELECT 1 FROM web_session s WHERE s.sha256 = session_sha256 AND s.expires_at >= now() AND NOT s.pending) THEN
        RETURN QUERY SELECT 'no_account', NULL::bigint; RETURN;
    END IF;
    IF (SELECT count(*) FROM api_token WHERE account_id = me.id AND revoked_at IS NULL
        AND (expires_on IS NULL OR expires_on >= today)) >= max_live THEN
        RETURN QUERY SELECT 'too_many', NULL::bigint; RETURN;
    END IF;
    IF EXISTS (SELECT 1 FROM api_token WHERE account_id = me.id AND name = token_name AND revoked_at IS NULL) THEN
        RETURN QUERY SELECT 'name_taken', NULL::bigint; RETURN;
    END IF;
    INSERT INTO api_token (name, role, agency_code, sha256, hint, created_by, expires_on, account_id)
    VALUES (token_name, me.role, me.agency_code, token_sha256, token_hint, lower(me.email), expires, me.id)
    RETURNING id INTO made;
    PERFORM account_audit(me, 'token.create', jsonb_build_object('token', made, 'expires_on', expires));
    RETURN QUERY SELECT 'created', made;
END
$$;

ALTER FUNCTION public.account_token_create(session_sha256 text, token_name text, token_sha256 text, token_hint text, expires date, max_days integer, max_live integer) OWNER TO capacita_definer;

--
-- Name: account_token_revoke(text, bigint); Type: FUNCTION; Schema: public
--

CREATE FUNCTION public.account_token_revoke(session_sha256 text, target_id bigint) RETURNS boolean
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
DECLARE
    me account := account_of_session(session_sha256);
BEGIN
    IF me.id IS NULL THEN RETURN false; END IF;
    UPDATE api_token SET revoked_at = now() WHERE id = target_id AND account_id = me.id AND revoked_at IS NULL;
    IF NOT FOUND THEN RETURN false; END IF;
    PERFORM account_audit(me, 'token.revoke', jsonb_build_object('token', target_id));
    RETURN true;
END
$$;

ALTER FUNCTION public.account_token_revoke(session_sha256 text, target_id bigint) OWNER TO capacita_definer;

--
-- Name: account_tokens(text); Type: FUNCTION; Schema: public
--

CREATE FUNCTION public.account_tokens(session_sha256 text) RETURNS TABLE(id bigint, name text, hint text, created_at timestamp with time zone, expires_on date, revoked_at timestamp with time zone)
    LANGUAGE sql STABLE SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
    SELECT t.id, t.name, t.hint, t.created_at, t.expires_on, t.revoked_at
    FROM api_token t WHERE t.account_id = (account_of_session(session_sha256)).id
    ORDER BY t.id DESC
$$;

ALTER FUNCTION public.account_tokens(session_sha256 text) OWNER TO capacita_definer;

--
-- Name: account_totp_begin(text, text); Type: FUNCTION; Schema: public
--

CREATE FUNCTION public.account_totp_begin(session_sha256 text, secret text) RETURNS boolean
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
DECLARE
    holder bigint;
BEGIN
    SELECT s.account_id INTO holder FROM web_session s JOIN account a ON a.id = s.account_id
    WHERE s.sha256 = session_sha256 AND s.expires_at >= now() AND a.active;
    IF NOT FOUND THEN
        RETURN false;
    END IF;
    UPDATE account SET totp_secret = secret WHERE id = holder AND totp_confirmed_at IS NULL;
    RETURN FOUND;
END
$$;

ALTER FUNCTION public.account_totp_begin(session_sha256 text, secret text) OWNER TO capacita_definer;

--
-- Name: account_totp_confirm(text, text[]); Type: FUNCTION; Schema: public
--

CREATE FUNCTION public.account_totp_confirm(session_sha256 text, recovery_sha256 text[]) RETURNS boolean
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
DECLARE
    target account%ROWTYPE;
BEGIN
    SELECT a.* INTO target FROM web_session s JOIN account a ON a.id = s.account_id
    WHERE s.sha256 = session_sha256 AND s.expires_at >= now() AND a.active
      AND a.totp_secret IS NOT NULL AND a.totp_confirmed_at IS NULL
    FOR UPDATE OF a;
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

ALTER FUNCTION public.account_totp_confirm(session_sha256 text, recovery_sha256 text[]) OWNER TO capacita_definer;

--
-- Name: account_totp_step_use(text, bigint); Type: FUNCTION; Schema: public
--

CREATE FUNCTION public.account_totp_step_use(session_sha256 text, step bigint) RETURNS boolean
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
BEGIN
    UPDATE account a SET totp_last_step = step
    FROM web_session s
    WHERE s.sha256 = session_sha256 AND s.expires_at >= now() AND s.account_id = a.id AND a.active
      AND (a.locked_until IS NULL OR a.locked_until <= now())
      AND (a.totp_last_step IS NULL OR a.totp_last_step < step);
    RETURN FOUND;
END
$$;

ALTER FUNCTION public.account_totp_step_use(session_sha256 text, step bigint) OWNER TO capacita_definer;

--
-- Name: arco_request_check(bigint, text, text); Type: FUNCTION; Schema: public
--

CREATE FUNCTION public.arco_request_check(arco_id bigint, wanted_kind text, person_curp text) RETURNS void
    LANGUAGE plpgsql STABLE SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
BEGIN
    IF arco_id IS NULL THEN
        RETURN;
    END IF;
    IF NOT EXISTS (SELECT 1 FROM arco_request r WHERE r.id = arco_id AND r.kind = wanted_kind AND r.curp = person_curp
                   AND r.closed_at IS NULL) THEN
        RAISE EXCEPTION 'the request is not an open % request of this person', wanted_kind USING ERRCODE = 'CA001';
    END IF;
END
$$;

ALTER FUNCTION public.arco_request_check(arco_id bigint, wanted_kind text, person_curp text) OWNER TO capacita_definer;

--
-- Name: arco_request_done(bigint, text); Type: FUNCTION; Schema: public
--

CREATE FUNCTION public.arco_request_done(arco_id bigint, what_was_done text) RETURNS void
    LANGUAGE sql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
    UPDATE arco_request SET state = 'atendida', outcome = what_was_done,
        closed_by = coalesce(capacita_user(), session_user), closed_at = now()
    WHERE id = arco_id AND closed_at IS NULL
$$;

ALTER FUNCTION public.arco_request_done(arco_id bigint, what_was_done text) OWNER TO capacita_definer;

--
-- Name: arco_request_file(text, text, date, date, text, text); Type: FUNCTION; Schema: public
--

CREATE FUNCTION public.arco_request_file(new_kind text, new_curp text, received date, due date, new_channel text, new_detail text) RETURNS bigint
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
BEGIN
    IF NOT personal_data_admin() THEN
        RAISE EXCEPTION 'arco_request_file: not allowed' USING ERRCODE = '42501';
    END IF;
    RETURN arco_request_insert(new_kind, new_curp, received, due, new_channel, new_detail,
                               coalesce(capacita_user(), session_user));
END
$$;

ALTER FUNCTION public.arco_request_file(new_kind text, new_curp text, received date, due date, new_channel text, new_detail text) OWNER TO capacita_definer;

--
-- Name: arco_request_insert(text, text, date, date, text, text, text); Type: FUNCTION; Schema: public
--

CREATE FUNCTION public.arco_request_insert(new_kind text, new_curp text, received date, due date, new_channel text, new_detail text, filer text) RETURNS bigint
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
DECLARE
    made bigint;
BEGIN
    IF received IS NULL OR received > current_date + 1 THEN
        RAISE EXCEPTION 'arco_request_file: a request is not received in the future' USING ERRCODE = '22023';
    END IF;
    INSERT INTO arco_request (kind, curp, channel, received_on, due_on, detail, filed_by)
    VALUES (new_kind, new_curp, new_channel, received, due, nullif(btrim(new_detail), ''), filer)
    RETURNING id INTO made;
    PERFORM personal_data_audit('arco.file', 'solicitud ' || made,
                                jsonb_build_object('kind', new_kind, 'channel', new_channel, 'due_on', due));
    RETURN made;
END
$$;

ALTER FUNCTION public.arco_request_insert(new_kind text, new_curp text, received date, due date, new_channel text, new_detail text, filer text) OWNER TO capacita_definer;

--
-- Name: arco_request_set_state(bigint, text, text); Type: FUNCTION; Schema: public
--

CREATE FUNCTION public.arco_request_set_state(arco_id bigint, new_state text, new_outcome text) RETURNS boolean
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
DECLARE
    current_state text;
    closing boolean := new_state IN ('atendida', 'improcedente');
BEGIN
    IF NOT personal_data_admin() THEN
        RAISE EXCEPTION 'arco_request_set_state: not allowed' USING ERRCODE = '42501';
    END IF;
    IF new_state IS NULL OR new_state NOT IN ('en_proceso', 'atendida', 'improcedente') THEN
        RAISE EXCEPTION 'arco_request_set_state: unknown state' USING ERRCODE = '22023';
    END IF;
    SELECT r.state INTO current_state FROM arco_request r WHERE r.id = arco_id FOR UPDATE;
    IF NOT FOUND THEN
        RETURN false;
    END IF;
    IF current_state IN ('atendida', 'improcedente') THEN
        RAISE EXCEPTION 'arco_request_set_state: the request is closed' USING ERRCODE = 'CA001';
    END IF;
    UPDATE arco_request SET state = new_state, outcome = coalesce(nullif(btrim(new_outcome), ''), outcome),
        closed_by = CASE WHEN closing THEN coalesce(capacita_user(), session_user) END,
        closed_at = CASE WHEN closing THEN now() END
    WHERE id = arco_id;
    PERFORM personal_data_audit('arco.state', 'solicitud ' || arco_id, jsonb_build_object('state', new_state));
    RETURN true;
END
$$;

ALTER FUNCTION public.arco_request_set_state(arco_id bigint, new_state text, new_outcome text) OWNER TO capacita_definer;

--
-- Name: attendance_from_register(text[]); Type: FUNCTION; Schema: public
--

CREATE FUNCTION public.attendance_from_register(groups text[]) RETURNS TABLE(group_code text, curp text, agency_code text, present bigint, excused bigint, counted bigint, attendance numeric)
    LANGUAGE sql STABLE
    AS $$
    WITH counted AS (
        SELECT d.group_code, d.agency_code, count(*) AS sessions
        FROM (SELECT DISTINCT m.group_code, o.agency_code, m.session_date, m.starts_at
              FROM attendance_mark m JOIN enrollment o ON o.group_code = m.group_code AND o.curp = m.curp
              WHERE m.group_code = ANY(groups)) d
        GROUP BY 1, 2
    ), tally AS (
        SELECT m.group_code, m.curp, count(*) FILTER (WHERE m.mark = 'present') AS present,
               count(*) FILTER (WHERE m.mark = 'excused') AS excused
        FROM attendance_mark m WHERE m.group_code = ANY(groups)
        GROUP BY 1, 2
    )
    SELECT e.group_code::text, e.curp::text, e.agency_code::text, COALESCE(t.present, 0), COALESCE(t.excused, 0),
           c.sessions,
           attendance_percent(COALESCE(t.present, 0), COALESCE(t.excused, 0), c.sessions, co.justified_absences)
    FROM enrollment e
    JOIN counted c ON c.group_code = e.group_code AND c.agency_code = e.agency_code
    JOIN training_group g ON g.code = e.group_code
    JOIN course co ON co.code = g.course_code
    LEFT JOIN tally t ON t.group_code = e.group_code AND t.curp = e.curp
    WHERE e.status <> 'baja'
$$;

--
-- Name: attendance_group_sessions_check(); Type: FUNCTION; Schema: public
--

CREATE FUNCTION public.attendance_group_sessions_check() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        PERFORM attendance_sessions_check(ARRAY(SELECT DISTINCT group_code::text FROM old_rows));
    ELSIF TG_TABLE_NAME = 'training_group' THEN
        PERFORM attendance_sessions_check(ARRAY(
            SELECT n.code::text FROM new_rows n JOIN old_rows o ON o.code = n.code
            WHERE (n.starts_on, n.ends_on) IS DISTINCT FROM (o.starts_on, o.ends_on)));
    ELSE
        PERFORM attendance_sessions_check(ARRAY(SELECT DISTINCT group_code::text FROM new_rows));
    END IF;
    RETURN NULL;
END
$$;

ALTER FUNCTION public.attendance_group_sessions_check() OWNER TO capacita_definer;

--
-- Name: attendance_mark_session_check(); Type: FUNCTION; Schema: public
--

CREATE FUNCTION public.attendance_mark_session_check() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
BEGIN
    PERFORM attendance_sessions_check(ARRAY(SELECT DISTINCT group_code::text FROM new_rows));
    RETURN NULL;
END
$$;

ALTER FUNCTION public.attendance_mark_session_check() OWNER TO capacita_definer;

--
-- Name: attendance_marked_sessions(text[]); Type: FUNCTION; Schema: public
--

CREATE FUNCTION public.attendance_marked_sessions(groups text[]) RETURNS TABLE(group_code text, session_date date, starts_at time without time zone)
    LANGUAGE sql STABLE SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
    SELECT DISTINCT m.group_code::text, m.session_date, m.starts_at
    FROM attendance_mark m
    WHERE m.group_code = ANY(groups) AND capacita_require_identity() IS NOT NULL
$$;

ALTER FUNCTION public.attendance_marked_sessions(groups text[]) OWNER TO capacita_definer;

--
-- Name: attendance_percent(bigint, bigint, bigint, text); Type: FUNCTION; Schema: public
--

CREATE FUNCTION public.attendance_percent(present bigint, excused bigint, counted bigint, justified text) RETURNS numeric
    LANGUAGE sql IMMUTABLE
    AS $$
    SELECT CASE
        WHEN counted <= 0 THEN NULL
        WHEN justified = 'asistencia' THEN round(100.0 * (present + excused) / counted, 2)
        WHEN justified = 'falta' THEN round(100.0 * present / counted, 2)
        WHEN counted - excused <= 0 THEN NULL
        ELSE round(100.0 * present / (counted - excused), 2)
    END
$$;

--
-- Name: attendance_sessions_check(text[]); Type: FUNCTION; Schema: public
--

CREATE FUNCTION public.attendance_sessions_check(groups text[]) RETURNS void
    LANGUAGE plpgsql STABLE SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
DECLARE
    missing record;
BEGIN
    SELECT * INTO missing FROM attendance_sessions_missing(groups) LIMIT 1;
    IF FOUND THEN
        RAISE EXCEPTION 'attendance marks name a session group % does not have (% %)',
            missing.group_code, missing.session_date, COALESCE(missing.starts_at::text, 'a day of the group')
            USING ERRCODE = 'foreign_key_violation', CONSTRAINT = 'attendance_mark_session';
    END IF;
END
$$;

ALTER FUNCTION public.attendance_sessions_check(groups text[]) OWNER TO capacita_definer;

--
-- Name: attendance_sessions_missing(text[]); Type: FUNCTION; Schema: public
--

CREATE FUNCTION public.attendance_sessions_missing(groups text[]) RETURNS TABLE(group_code text, session_date date, starts_at time without time zone)
    LANGUAGE sql STABLE SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
    SELECT DISTINCT m.group_code::text, m.session_date, m.starts_at
    FROM attendance_mark m JOIN training_group g ON g.code = m.group_code
    WHERE m.group_code = ANY(groups)
      AND CASE WHEN EXISTS (SELECT 1 FROM group_session s WHERE s.group_code = m.group_code)
               THEN m.starts_at IS NULL
                    OR NOT EXISTS (SELECT 1 FROM group_session s
                                   WHERE s.group_code = m.group_code AND s.session_date = m.session_date
                                     AND s.starts_at = m.starts_at)
               -- One computed session a day, from the start to the end (the start without an end),
               -- at most 366 of them (GroupSession.defaultDayLimit).
               ELSE m.starts_at IS NOT NULL OR m.session_date < g.starts_on
                    OR m.session_date > LEAST(COALESCE(g.ends_on, g.starts_on), g.starts_on + 365)
          END
$$;

ALTER FUNCTION public.attendance_sessions_missing(groups text[]) OWNER TO capacita_definer;

--
-- Name: audit_log_refuse(); Type: FUNCTION; Schema: public
--

CREATE FUNCTION public.audit_log_refuse() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
BEGIN
    RAISE EXCEPTION 'audit_log is append-only: % refused', TG_OP USING ERRCODE = 'insufficient_privilege';
END
$$;

--
-- Name: capacita_agency(); Type: FUNCTION; Schema: public
--

CREATE FUNCTION public.capacita_agency() RETURNS text
    LANGUAGE sql STABLE PARALLEL SAFE
    AS $$
    SELECT nullif(current_setting('capacita.agency', true), '') COLLATE "C"
$$;

--
-- Name: capacita_require_identity(); Type: FUNCTION; Schema: public
--

CREATE FUNCTION public.capacita_require_identity() RETURNS text
    LANGUAGE plpgsql STABLE
    AS $$
DECLARE
    r text := capacita_role();
BEGIN
    IF r IS NULL OR (r = 'enlace' AND capacita_agency() IS NULL) OR (r = 'instructor' AND capacita_user() IS NULL) THEN
        RAISE EXCEPTION 'no capacita identity in this transaction' USING ERRCODE = 'insufficient_privilege',
            HINT = 'set_config(''capacita.role'', …, true) (and capacita.agency / capacita.user) first';
    END IF;
    RETURN r;
END
$$;

--
-- Name: capacita_role(); Type: FUNCTION; Schema: public
--

CREATE FUNCTION public.capacita_role() RETURNS text
    LANGUAGE sql STABLE PARALLEL SAFE
    AS $$
    SELECT CASE WHEN current_setting('capacita.role', true) IN ('admin', 'enlace', 'instructor')
                THEN current_setting('capacita.role', true) END
$$;

--
-- Name: capacita_user(); Type: FUNCTION; Schema: public
--

CREATE FUNCTION public.capacita_user() RETURNS text
    LANGUAGE sql STABLE PARALLEL SAFE
    AS $$
    SELECT nullif(current_setting('capacita.user', true), '')
$$;

--
-- Name: capacita_written_by_this_transaction(xid); Type: FUNCTION; Schema: public
--

CREATE FUNCTION public.capacita_written_by_this_transaction(x xid) RETURNS boolean
    LANGUAGE plpgsql
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
DECLARE
    top bigint := pg_current_xact_id()::text::bigint;
BEGIN
    IF x = pg_current_xact_id()::xid THEN
        RETURN true;
    END IF;
    -- A subtransaction's id follows the top-level one, in the same epoch but right at a wrap.
    RETURN pg_xact_status((((top >> 32) + CASE WHEN x::text::bigint < (top & 4294967295) THEN 1 ELSE 0 END) << 32
                           | x::text::bigint)::text::xid8) = 'in progress';
EXCEPTION WHEN OTHERS THEN
    RETURN false;
END
$$;

--
-- Name: constancia_documents(text, text, text, integer); Type: FUNCTION; Schema: public
--

CREATE FUNCTION public.constancia_documents(only_group text, only_folio text, after_folio text, max_rows integer) RETURNS TABLE(folio text, code text, group_code text, given_names text, first_surname text, second_surname text, agency_name text, course_code text, course_title text, hours double precision, starts_on text, ends_on text, issued_on text, revoked_on text)
    LANGUAGE plpgsql STABLE SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
DECLARE
    who text := capacita_require_identity();
    mine text := capacita_agency();
    me text := capacita_user();
BEGIN
    IF only_group IS NULL AND only_folio IS NULL THEN
        RAISE EXCEPTION 'constancia_documents needs a group or a folio' USING ERRCODE = 'invalid_parameter_value';
    END IF;
    RETURN QUERY
    SELECT c.folio::text, c.code::text, c.group_code::text, p.given_names, p.first_surname, p.second_surname,
           a.name, co.code::text, co.title, co.hours::float8, g.starts_on::text, g.ends_on::text,
           to_char(c.issued_at, 'YYYY-MM-DD'), to_char(c.revoked_at, 'YYYY-MM-DD')
    FROM constancia c
    JOIN enrollment e ON e.group_code = c.group_code AND e.curp = c.curp
    JOIN person p ON p.curp = c.curp
    JOIN agency a ON a.code = e.agency_code
    JOIN training_group g ON g.code = c.group_code
    JOIN course co ON co.code = g.course_code
    WHERE (only_folio IS NULL OR c.folio = only_folio)
      AND (only_group IS NULL OR c.group_code = only_group)
      AND (after_folio IS NULL OR c.folio > after_folio)
      AND (who = 'admin'
           OR (who = 'enlace' AND e.agency_code = mine)
           OR (who = 'instructor'
               AND EXISTS (SELECT 1 FROM group_instructor gi WHERE gi.group_code = c.group_code AND gi.user_name = me)))
    ORDER BY c.folio
    LIMIT greatest(least(coalesce(max_rows, 1), 1000), 1);
END
$$;

ALTER FUNCTION public.constancia_documents(only_group text, only_folio text, after_folio text, max_rows integer) OWNER TO capacita_definer;

--
-- Name: constancia_not_after_cancellation(); Type: FUNCTION; Schema: public
--

CREATE FUNCTION public.constancia_not_after_cancellation() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
BEGIN
    IF EXISTS (SELECT 1 FROM person_anonymized a WHERE a.curp = NEW.curp) THEN
        RETURN NULL;
    END IF;
    RETURN NEW;
END
$$;

ALTER FUNCTION public.constancia_not_after_cancellation() OWNER TO capacita_definer;

--
-- Name: constancia_verify(text); Type: FUNCTION; Schema: public
--

CREATE FUNCTION public.constancia_verify(code text) RETURNS TABLE(folio text, given_names text, first_initial text, second_initial text, course_title text, hours double precision, starts_on text, ends_on text, issued_on text, revoked_on text, cancelled boolean)
    LANGUAGE sql STABLE SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
    SELECT c.folio::text,
           CASE WHEN x.curp IS NULL THEN p.given_names ELSE '' END,
           CASE WHEN x.curp IS NULL THEN left(p.first_surname, 1) ELSE '' END,
           CASE WHEN x.curp IS NULL THEN nullif(left(coalesce(p.second_surname, ''), 1), '') END,
           co.title, co.hours::float8, g.starts_on::text, g.ends_on::text,
           to_char(c.issued_at, 'YYYY-MM-DD'),
           coalesce(to_char(c.revoked_at, 'YYYY-MM-DD'), to_char(x.anonymized_on, 'YYYY-MM-DD')),
           x.curp IS NOT NULL
    FROM constancia c
    JOIN person p ON p.curp = c.curp
    JOIN training_group g ON g.code = c.group_code
    JOIN course co ON co.code = g.course_code
    LEFT JOIN person_anonymized x ON x.curp = c.curp
    WHERE c.code = upper(constancia_verify.code)
$$;

ALTER FUNCTION public.constancia_verify(code text) OWNER TO capacita_definer;

--
-- Name: constancia_verify_pdfs(text); Type: FUNCTION; Schema: public
--

CREATE FUNCTION public.constancia_verify_pdfs(code text) RETURNS TABLE(sha256 text, issued_on text)
    LANGUAGE sql STABLE SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
    SELECT d.sha256::text, to_char(d.issued_at, 'YYYY-MM-DD')
    FROM constancia c JOIN constancia_pdf d ON d.folio = c.folio
    WHERE c.code = upper(constancia_verify_pdfs.code)
    ORDER BY d.issued_at, d.sha256
$$;

ALTER FUNCTION public.constancia_verify_pdfs(code text) OWNER TO capacita_definer;

--
-- Name: curp_masked(text); Type: FUNCTION; Schema: public
--

CREATE FUNCTION public.curp_masked(value text) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
    SELECT left(value, 4) || repeat('*', greatest(length(value) - 4, 0))
$$;

ALTER FUNCTION public.curp_masked(value text) OWNER TO capacita_definer;

--
-- Name: enrollment_import_apply(bigint); Type: FUNCTION; Schema: public
--

CREATE FUNCTION public.enrollment_import_apply(batch bigint) RETURNS TABLE(people_stored integer, people_added integer, people_updated integer, people_kept integer, enrollments_added integer, enrollments_updated integer)
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    SET session_replication_role TO 'replica'
    AS $$
DECLARE
    who text := capacita_require_identity();
    mine text := capacita_agency();
    bad_groups bigint;
    bad_agencies bigint;
    forbidden bigint;
    n_stored integer;
    n_added integer;
    n_people bigint;
    extra_people bigint;
    missing_people bigint;
    n_updated integer;
    n_kept integer := 0;
    e_added integer;
    e_updated integer;
BEGIN
    IF who = 'instructor' THEN
        RAISE EXCEPTION 'an instructor does not enroll people' USING ERRCODE = 'insufficient_privilege';
    END IF;
    PERFORM stage_table('enrollment_stage');
    PERFORM stage_table('stage_person');
    PERFORM stage_table('stage_existing');
    -- The batch: this transaction's, this caller's, an enrollment import; locked like a key.
    PERFORM 1 FROM import_batch b
    WHERE b.id = batch AND b.kind = 'enrollment' AND capacita_written_by_this_transaction(b.xmin)
      AND (who = 'admin' OR b.agency_code = mine)
    FOR KEY SHARE;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'batch % is not an enrollment batch opened by this transaction for this caller', batch
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    -- Groups and agencies of every staged row, locked as the foreign keys would lock them.
    PERFORM 1 FROM training_group g WHERE g.code IN (SELECT DISTINCT s.group_code FROM pg_temp.enrollment_stage s)
    ORDER BY g.code FOR KEY SHARE;
    PERFORM 1 FROM agency a WHERE a.code IN (SELECT DISTINCT s.agency_code FROM pg_temp.enrollment_stage s)
    ORDER BY a.code FOR KEY SHARE;
    -- One pass over the stage: references that exist, and rows the caller may write.
    SELECT count(*) FILTER (WHERE g.code IS NULL), count(*) FILTER (WHERE a.code IS NULL),
           count(*) FILTER (WHERE NOT (who = 'admin' OR (s.agency_code = mine AND g.agency_code = mine)))
    INTO bad_groups, bad_agencies, forbidden
    FROM pg_temp.enrollment_stage s
    LEFT JOIN training_group g ON g.code = s.group_code
    LEFT JOIN agency a ON a.code = s.agency_code;
    IF bad_groups > 0 OR bad_agencies > 0 THEN
        RAISE EXCEPTION '% staged rows name a missing group, % a missing agency', bad_groups, bad_agencies
            USING ERRCODE = 'foreign_key_violation';
    END IF;
    IF forbidden > 0 THEN
        RAISE EXCEPTION '% staged rows are enrollments this caller may not write', forbidden
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    -- Stored enrollments the file changes must be the caller's to change, whoever stored them.
    IF who <> 'admin' AND EXISTS (
        SELECT 1 FROM pg_temp.stage_existing x
        JOIN enrollment e ON e.group_code = x.group_code AND e.curp = x.curp
        JOIN training_group g ON g.code = e.group_code
        WHERE x.enrollment_changed AND e.agency_code <> mine) THEN
        RAISE EXCEPTION 'the file changes enrollments of another agency' USING ERRCODE = 'insufficient_privilege';
    END IF;

    -- People: exactly those the staged rows name (one full hash join, counted: an EXISTS here
    -- would be planned for its first row, a nested loop that goes quadratic when person's
    -- statistics are stale). Stored ones locked in CURP order, as the foreign key would.
    SELECT count(*) FILTER (WHERE s.curp IS NULL), count(*) FILTER (WHERE sp.curp IS NULL), count(sp.curp)
    INTO extra_people, missing_people, n_people
    FROM (SELECT DISTINCT x.curp FROM pg_temp.enrollment_stage x) s
    FULL JOIN pg_temp.stage_person sp ON sp.curp = s.curp;
    IF extra_people > 0 OR missing_people > 0 THEN
        RAISE EXCEPTION 'stage_person does not match the staged rows (% extra, % missing)', extra_people, missing_people
            USING ERRCODE = 'foreign_key_violation';
    END IF;
    -- Stored people are locked as the enrollment's foreign key would lock them only when the
    -- file adds enrollments that will reference them; a file sent again adds none and locks no
    -- one (300,000 row locks were 1.2 s of such a re-import).
    IF (SELECT count(*) FROM pg_temp.enrollment_stage) > (SELECT count(*) FROM pg_temp.stage_existing) THEN
        SELECT count(*) INTO n_stored FROM (
            SELECT 1 FROM person p WHERE p.curp IN (SELECT sp.curp FROM pg_temp.stage_person sp)
            ORDER BY p.curp FOR KEY SHARE) locked;
    ELSE
        SELECT count(*) INTO n_stored FROM person p WHERE p.curp IN (SELECT sp.curp FROM pg_temp.stage_person sp);
    END IF;
    n_updated := 0;
    IF n_stored > 0 THEN
        -- The shared record follows the agency that trains the person now (README, "Who may see
        -- and change what"); what each agency supplied is kept apart in person_agency, below,
        -- and is all an enlace ever reads. Whether the shared record took the file's data is not
        -- reported: it would tell where else the person trains.
        UPDATE person p SET
            given_names = sp.given_names, first_surname = sp.first_surname, second_surname = sp.second_surname,
            sex = sp.sex, email = COALESCE(sp.email, p.email), batch_id = batch, updated_at = now()
        FROM pg_temp.stage_person sp
        WHERE p.curp = sp.curp
          AND (p.given_names, p.first_surname, p.second_surname, p.sex, p.email)
              IS DISTINCT FROM (sp.given_names, sp.first_surname, sp.second_surname, sp.sex, COALESCE(sp.email, p.email))
          AND (who = 'admin' OR COALESCE((
                  SELECT e.agency_code = mine FROM enrollment e JOIN training_group g ON g.code = e.group_code
                  WHERE e.curp = sp.curp
                  ORDER BY COALESCE(g.ends_on, g.starts_on) DESC, g.starts_on DESC, g.code DESC LIMIT 1), true));
        GET DIAGNOSTICS n_updated = ROW_COUNT;
        INSERT INTO person (curp, given_names, first_surname, second_surname, sex, email, batch_id)
        SELECT sp.curp, sp.given_names, sp.first_surname, sp.second_surname, sp.sex, sp.email, batch
        FROM pg_temp.stage_person sp
        WHERE NOT EXISTS (SELECT 1 FROM person p WHERE p.curp = sp.curp)
        ORDER BY sp.curp
        ON CONFLICT (curp) DO NOTHING;
    ELSE
        INSERT INTO person (curp, given_names, first_surname, second_surname, sex, email, batch_id)
        SELECT sp.curp, sp.given_names, sp.first_surname, sp.second_surname, sp.sex, sp.email, batch
        FROM pg_temp.stage_person sp
        ORDER BY sp.curp
        ON CONFLICT (curp) DO NOTHING;
    END IF;
    GET DIAGNOSTICS n_added = ROW_COUNT;
    -- Another import added some of the same new people meanwhile (the insert waited for it on the
    -- key and skipped them): they are stored now, locked like the others; their data stays as
    -- that import wrote it.
    IF n_stored + n_added < n_people THEN
        SELECT count(*) - n_added INTO n_stored FROM (
            SELECT 1 FROM person p WHERE p.curp IN (SELECT sp.curp FROM pg_temp.stage_person sp)
            ORDER BY p.curp FOR KEY SHARE) locked;
    END IF;
    -- Every staged person exists now (stored and locked, or inserted here): the check the person
    -- foreign key would make, by count. A stage_person repeating a CURP fails the primary key.
    IF n_stored + n_added <> n_people THEN
        RAISE EXCEPTION '% staged people are neither stored nor added', n_people - n_stored - n_added
            USING ERRCODE = 'foreign_key_violation';
    END IF;

    PERFORM person_agency_merge(batch);

    -- New enrollments, in file order, no per-row foreign-key triggers (replica).
    INSERT INTO enrollment (group_code, curp, agency_code, tier, position_title, batch_id)
    SELECT s.group_code, s.curp, s.agency_code, s.tier, s.position_title, batch
    FROM pg_temp.enrollment_stage s
    WHERE NOT EXISTS (SELECT 1 FROM pg_temp.stage_existing x WHERE x.line = s.line);
    GET DIAGNOSTICS e_added = ROW_COUNT;
    UPDATE enrollment e SET
        agency_code = s.agency_code, tier = s.tier,
        position_title = COALESCE(s.position_title, e.position_title), batch_id = batch, updated_at = now()
    FROM pg_temp.stage_existing x JOIN pg_temp.enrollment_stage s ON s.line = x.line
    WHERE x.enrollment_changed AND e.group_code = s.group_code AND e.curp = s.curp;
    GET DIAGNOSTICS e_updated = ROW_COUNT;
    RETURN QUERY SELECT n_stored, n_added, n_updated, n_kept, e_added, e_updated;
END
$$;

ALTER FUNCTION public.enrollment_import_apply(batch bigint) OWNER TO capacita_definer;

--
-- Name: enrollment_instructor_guard(); Type: FUNCTION; Schema: public
--

CREATE FUNCTION public.enrollment_instructor_guard() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
BEGIN
    IF (NEW.group_code, NEW.curp, NEW.agency_code, NEW.tier, NEW.position_title, NEW.batch_id, NEW.drop_reason, NEW.dropped_at)
       IS DISTINCT FROM
       (OLD.group_code, OLD.curp, OLD.agency_code, OLD.tier, OLD.position_title, OLD.batch_id, OLD.drop_reason, OLD.dropped_at)
       OR (NEW.status = 'baja') IS DISTINCT FROM (OLD.status = 'baja') THEN
        RAISE EXCEPTION 'an instructor may change results only' USING ERRCODE = 'insufficient_privilege';
    END IF;
    RETURN NEW;
END
$$;

--
-- Name: enrollment_lock_groups(text[], text[]); Type: FUNCTION; Schema: public
--

CREATE FUNCTION public.enrollment_lock_groups(groups text[], agencies text[] DEFAULT '{}'::text[]) RETURNS TABLE(group_code text, agency_code text, capacity integer, taken bigint)
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
BEGIN
    IF capacita_require_identity() = 'instructor' THEN
        RAISE EXCEPTION 'an instructor does not enroll people' USING ERRCODE = 'insufficient_privilege';
    END IF;
    PERFORM 1 FROM training_group g WHERE g.code = ANY (groups) ORDER BY g.code FOR UPDATE;
    PERFORM 1 FROM agency a WHERE a.code = ANY (agencies) ORDER BY a.code FOR KEY SHARE;
    RETURN QUERY
    SELECT g.code::text, g.agency_code::text, g.capacity,
           (SELECT count(*) FROM enrollment e WHERE e.group_code = g.code AND e.status <> 'baja')
    FROM training_group g WHERE g.code = ANY (groups);
END
$$;

ALTER FUNCTION public.enrollment_lock_groups(groups text[], agencies text[]) OWNER TO capacita_definer;

--
-- Name: enrollment_stage_existing(); Type: FUNCTION; Schema: public
--

CREATE FUNCTION public.enrollment_stage_existing() RETURNS TABLE(line integer, group_code text, curp text, enrollment_changed boolean, writable boolean)
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
DECLARE
    who text := capacita_require_identity();
    mine text := capacita_agency();
BEGIN
    PERFORM stage_table('enrollment_stage');
    RETURN QUERY
    SELECT s.line, s.group_code::text, s.curp::text,
           (e.agency_code <> s.agency_code OR e.tier <> s.tier
            OR (s.position_title IS NOT NULL AND e.position_title IS DISTINCT FROM s.position_title)),
           who = 'admin' OR (who = 'enlace' AND e.agency_code = mine)
    FROM pg_temp.enrollment_stage s
    JOIN enrollment e ON e.group_code = s.group_code AND e.curp = s.curp
    JOIN training_group g ON g.code = e.group_code;
END
$$;

ALTER FUNCTION public.enrollment_stage_existing() OWNER TO capacita_definer;

--
-- Name: enrollment_stage_missing_prerequisites(text[]); Type: FUNCTION; Schema: public
--

CREATE FUNCTION public.enrollment_stage_missing_prerequisites(groups text[]) RETURNS TABLE(line integer, group_code text, course_code text, missing text)
    LANGUAGE plpgsql STABLE SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
DECLARE
    who text := capacita_require_identity();
    mine text := capacita_agency();
BEGIN
    PERFORM stage_table('enrollment_stage');
    PERFORM stage_table('stage_existing');
    RETURN QUERY
    SELECT s.line, s.group_code::text, g.course_code::text, string_agg(p.requires_code, ', ' ORDER BY p.requires_code)
    FROM pg_temp.enrollment_stage s
    JOIN training_group g ON g.code = s.group_code
    JOIN course_prerequisite p ON p.course_code = g.course_code
    WHERE s.group_code = ANY (groups)
      AND NOT EXISTS (SELECT 1 FROM pg_temp.stage_existing x WHERE x.line = s.line)
      AND NOT EXISTS (SELECT 1 FROM enrollment e JOIN training_group done ON done.code = e.group_code
                      WHERE e.curp = s.curp AND e.status = 'acreditado' AND done.course_code = p.requires_code
                        AND (who = 'admin' OR e.agency_code = mine))
    GROUP BY s.line, s.group_code, g.course_code
    ORDER BY s.line;
END
$$;

ALTER FUNCTION public.enrollment_stage_missing_prerequisites(groups text[]) OWNER TO capacita_definer;

--
-- Name: enrollment_status(numeric, numeric, numeric, numeric); Type: FUNCTION; Schema: public
--

CREATE FUNCTION public.enrollment_status(attendance numeric, final_score numeric, min_score numeric, min_attendance numeric) RETURNS text
    LANGUAGE sql IMMUTABLE
    AS $$
    SELECT CASE
        WHEN attendance IS NULL OR (min_score > 0 AND final_score IS NULL) THEN 'inscrito'
        WHEN attendance >= min_attendance AND (min_score = 0 OR final_score >= min_score) THEN 'acreditado'
        ELSE 'no_acreditado'
    END
$$;

--
-- Name: event_counts(date, date); Type: FUNCTION; Schema: public
--

CREATE FUNCTION public.event_counts(from_day date, to_day date) RETURNS TABLE(agency_code text, kind text, state text, format text, partner text, events integer, general_public integer, servants integer, enrolled_h integer, enrolled_m integer, enrolled_x integer)
    LANGUAGE plpgsql STABLE SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
BEGIN
    PERFORM capacita_require_identity();
    RETURN QUERY
    WITH per_group AS (
        SELECT g.code, g.agency_code, g.kind, g.state, g.format, g.partner, g.general_public, g.public_servants,
               count(e.curp) FILTER (WHERE e.status <> 'baja' AND substr(e.curp, 11, 1) = 'H') AS h,
               count(e.curp) FILTER (WHERE e.status <> 'baja' AND substr(e.curp, 11, 1) = 'M') AS m,
               count(e.curp) FILTER (WHERE e.status <> 'baja' AND substr(e.curp, 11, 1) = 'X') AS x
        FROM training_group g LEFT JOIN enrollment e ON e.group_code = g.code
        WHERE g.starts_on BETWEEN from_day AND to_day
        GROUP BY g.code
    )
    SELECT p.agency_code::text, p.kind, p.state, p.format, p.partner, count(*)::int, sum(p.general_public)::int,
           sum(p.public_servants + p.h + p.m + p.x)::int, sum(p.h)::int, sum(p.m)::int, sum(p.x)::int
    FROM per_group p
    GROUP BY p.agency_code, p.kind, p.state, p.format, p.partner
    ORDER BY 1, 2, 3, 4, 5;
END
$$;

ALTER FUNCTION public.event_counts(from_day date, to_day date) OWNER TO capacita_definer;

--
-- Name: ficha_national(integer); Type: FUNCTION; Schema: public
--

CREATE FUNCTION public.ficha_national(year integer) RETURNS TABLE(agency_code text, document jsonb)
    LANGUAGE plpgsql STABLE SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
BEGIN
    PERFORM capacita_require_identity();
    RETURN QUERY SELECT f.agency_code::text, f.document - 'observaciones'
    FROM ficha f WHERE f.year = ficha_national.year AND f.superseded_at IS NULL ORDER BY f.agency_code;
END
$$;

ALTER FUNCTION public.ficha_national(year integer) OWNER TO capacita_definer;

--
-- Name: group_counts(text[]); Type: FUNCTION; Schema: public
--

CREATE FUNCTION public.group_counts(codes text[]) RETURNS TABLE(group_code text, enrolled bigint, acreditados bigint, bajas bigint)
    LANGUAGE sql STABLE SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
    SELECT e.group_code::text, count(*) FILTER (WHERE e.status <> 'baja'),
           count(*) FILTER (WHERE e.status = 'acreditado'), count(*) FILTER (WHERE e.status = 'baja')
    FROM enrollment e
    WHERE e.group_code = ANY (codes) AND capacita_role() IS NOT NULL
    GROUP BY e.group_code
$$;

ALTER FUNCTION public.group_counts(codes text[]) OWNER TO capacita_definer;

--
-- Name: mail_claim(integer, interval, timestamp with time zone, bigint); Type: FUNCTION; Schema: public
--

CREATE FUNCTION public.mail_claim(max_messages integer, lease interval, due_by timestamp with time zone, after_id bigint) RETURNS TABLE(id bigint, recipient text, subject text, body_text text, body_html text, kind text, attempts integer)
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
BEGIN
    IF capacita_role() IS NOT NULL THEN
        RAISE EXCEPTION 'mail_claim: only the deliverer, acting for no one, claims mail' USING ERRCODE = '42501';
    END IF;
    IF max_messages IS NULL OR max_messages NOT BETWEEN 1 AND 1000 OR lease IS NULL
       OR lease < interval '1 second' OR lease > interval '1 day' THEN
        RAISE EXCEPTION 'mail_claim: limit or lease out of range' USING ERRCODE = '22023';
    END IF;
    DELETE FROM mail_outbox m WHERE coalesce(m.sent_at, m.failed_at) < now() - interval '30 days';
    RETURN QUERY
    WITH due AS (
        SELECT m.id FROM mail_outbox m
        WHERE m.sent_at IS NULL AND m.failed_at IS NULL
          AND m.id > coalesce(after_id, 0)
          AND m.next_attempt_at <= coalesce(due_by, now())
          AND (m.claimed_until IS NULL OR m.claimed_until <= now())
        ORDER BY m.id
        LIMIT max_messages
        FOR UPDATE SKIP LOCKED
    )
    UPDATE mail_outbox m SET claimed_until = now() + lease
    FROM due WHERE m.id = due.id
    RETURNING m.id, m.recipient, m.subject, m.body_text, m.body_html, m.kind, m.attempts;
END
$$;

ALTER FUNCTION public.mail_claim(max_messages integer, lease interval, due_by timestamp with time zone, after_id bigint) OWNER TO capacita_definer;

--
-- Name: mail_enqueue(text, text, text, text, text); Type: FUNCTION; Schema: public
--

CREATE FUNCTION public.mail_enqueue(recipient text, subject text, body_text text, body_html text, kind text) RETURNS bigint
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
#variable_conflict use_column
DECLARE
    made bigint;
    opposed boolean := EXISTS (
        SELECT 1 FROM person_mail_opt_out o JOIN person p ON p.curp = o.curp
        WHERE lower(p.email) = lower(mail_enqueue.recipient)
        UNION ALL
        SELECT 1 FROM person_mail_opt_out o JOIN person_agency a ON a.curp = o.curp
        WHERE lower(a.email) = lower(mail_enqueue.recipient));
BEGIN
    IF opposed THEN
        INSERT INTO mail_outbox (recipient, subject, body_text, body_html, kind, failed_at, last_error)
        VALUES (mail_enqueue.recipient, mail_enqueue.subject, '', '', mail_enqueue.kind, now(),
                'oposición: la persona pidió no recibir correo de capacita')
        RETURNING id INTO made;
    ELSE
        INSERT INTO mail_outbox (recipient, subject, body_text, body_html, kind)
        VALUES (mail_enqueue.recipient, mail_enqueue.subject, mail_enqueue.body_text, mail_enqueue.body_html,
                mail_enqueue.kind)
        RETURNING id INTO made;
    END IF;
    RETURN made;
END
$$;

ALTER FUNCTION public.mail_enqueue(recipient text, subject text, body_text text, body_html text, kind text) OWNER TO capacita_definer;

--
-- Name: mail_failed(bigint, text, timestamp with time zone, boolean); Type: FUNCTION; Schema: public
--

CREATE FUNCTION public.mail_failed(message_id bigint, error_text text, retry_at timestamp with time zone, give_up boolean) RETURNS boolean
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
BEGIN
    IF capacita_role() IS NOT NULL THEN
        RAISE EXCEPTION 'mail_failed: only the deliverer records deliveries' USING ERRCODE = '42501';
    END IF;
    IF NOT coalesce(give_up, false) AND retry_at IS NULL THEN
        RAISE EXCEPTION 'mail_failed: a retry time, or give up' USING ERRCODE = '22023';
    END IF;
    UPDATE mail_outbox m
    SET attempts = m.attempts + 1, claimed_until = NULL,
        last_error = left(regexp_replace(coalesce(error_text, ''), '[[:cntrl:]]+', ' ', 'g'), 500),
        next_attempt_at = CASE WHEN coalesce(give_up, false) THEN m.next_attempt_at ELSE retry_at END,
        failed_at = CASE WHEN coalesce(give_up, false) THEN now() END,
        body_text = CASE WHEN coalesce(give_up, false) THEN '' ELSE m.body_text END,
        body_html = CASE WHEN coalesce(give_up, false) THEN '' ELSE m.body_html END
    WHERE m.id = message_id AND m.sent_at IS NULL AND m.failed_at IS NULL;
    RETURN FOUND;
END
$$;

ALTER FUNCTION public.mail_failed(message_id bigint, error_text text, retry_at timestamp with time zone, give_up boolean) OWNER TO capacita_definer;

--
-- Name: mail_list(integer); Type: FUNCTION; Schema: public
--

CREATE FUNCTION public.mail_list(max_rows integer) RETURNS TABLE(id bigint, recipient text, subject text, kind text, status text, attempts integer, created_at timestamp with time zone, next_attempt_at timestamp with time zone, failed_at timestamp with time zone, last_error text)
    LANGUAGE plpgsql STABLE SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
BEGIN
    IF capacita_role() IS DISTINCT FROM 'admin' AND capacita_role() IS NOT NULL THEN
        RAISE EXCEPTION 'mail_list: only the Secretaría Técnica lists mail' USING ERRCODE = '42501';
    END IF;
    RETURN QUERY
    SELECT m.id, m.recipient, m.subject, m.kind,
           CASE WHEN m.failed_at IS NOT NULL THEN 'failed'
                WHEN m.claimed_until > now() THEN 'sending'
                ELSE 'pending' END,
           m.attempts, m.created_at,
           CASE WHEN m.failed_at IS NULL THEN m.next_attempt_at END,
           m.failed_at, m.last_error
    FROM mail_outbox m
    WHERE m.sent_at IS NULL
    ORDER BY m.id
    LIMIT greatest(least(coalesce(max_rows, 1000), 10000), 1);
END
$$;

ALTER FUNCTION public.mail_list(max_rows integer) OWNER TO capacita_definer;

--
-- Name: mail_outbox_counts(); Type: FUNCTION; Schema: public
--

CREATE FUNCTION public.mail_outbox_counts() RETURNS TABLE(pending bigint, failed bigint)
    LANGUAGE sql STABLE SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
    SELECT count(*) FILTER (WHERE m.failed_at IS NULL), count(*) FILTER (WHERE m.failed_at IS NOT NULL)
    FROM mail_outbox m WHERE m.sent_at IS NULL
$$;

ALTER FUNCTION public.mail_outbox_counts() OWNER TO capacita_definer;

--
-- Name: mail_sent(bigint); Type: FUNCTION; Schema: public
--

CREATE FUNCTION public.mail_sent(message_id bigint) RETURNS boolean
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
BEGIN
    IF capacita_role() IS NOT NULL THEN
        RAISE EXCEPTION 'mail_sent: only the deliverer records deliveries' USING ERRCODE = '42501';
    END IF;
    UPDATE mail_outbox m
    SET sent_at = now(), attempts = m.attempts + 1, claimed_until = NULL, last_error = NULL,
        body_text = '', body_html = ''
    WHERE m.id = message_id AND m.sent_at IS NULL AND m.failed_at IS NULL;
    RETURN FOUND;
END
$$;

ALTER FUNCTION public.mail_sent(message_id bigint) OWNER TO capacita_definer;

--
-- Name: multiplier_rows(date, date); Type: FUNCTION; Schema: public
--

CREATE FUNCTION public.multiplier_rows(from_day date, to_day date) RETURNS TABLE(curp text, agency_code text, given_names text, first_surname text, second_surname text, formador_group text, formador_course text, formador_ended date, linked boolean, group_code text, group_course text, group_agency text, group_starts date, enrolled integer, aggregate integer)
    LANGUAGE plpgsql STABLE SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
#variable_conflict use_column
DECLARE
    who text := capacita_require_identity();
    mine text := capacita_agency();
BEGIN
    IF who NOT IN ('admin', 'enlace') THEN
        RAISE EXCEPTION 'multiplier_rows: for the Secretaría Técnica and enlaces' USING ERRCODE = '42501';
    END IF;
    IF from_day IS NULL OR to_day IS NULL OR from_day > to_day THEN
        RAISE EXCEPTION 'multiplier_rows: the days are out of order' USING ERRCODE = '22023';
    END IF;
    RETURN QUERY
    WITH passed AS (
        SELECT DISTINCT ON (e.curp) e.curp, e.agency_code, g.code AS group_code, g.course_code,
               coalesce(g.ends_on, g.starts_on) AS ended
        FROM enrollment e
        JOIN training_group g ON g.code = e.group_code
        JOIN course c ON c.code = g.course_code
        WHERE e.status = 'acreditado' AND c.level = 'formador' AND coalesce(g.ends_on, g.starts_on) <= to_day
          AND (who = 'admin' OR e.agency_code = mine)
        ORDER BY e.curp, coalesce(g.ends_on, g.starts_on), g.code
    ),
    taught AS (
        SELECT DISTINCT p.curp, t.code
        FROM passed p
        JOIN account_person ap ON ap.curp = p.curp
        JOIN account a ON a.id = ap.account_id
        JOIN group_instructor gi ON gi.user_name = lower(a.email)
        JOIN training_group t ON t.code = gi.group_code
        WHERE t.starts_on > p.ended AND t.starts_on BETWEEN from_day AND to_day
    ),
    reach AS (
        SELECT r.code, count(e.curp) FILTER (WHERE e.status <> 'baja')::integer AS enrolled
        FROM (SELECT DISTINCT x.code FROM taught x) r
        LEFT JOIN enrollment e ON e.group_code = r.code
        GROUP BY r.code
    )
    SELECT p.curp::text, p.agency_code::text, n.given_names, n.first_surname, n.second_surname,
           p.group_code::text, p.course_code::text, p.ended,
           EXISTS (SELECT 1 FROM account_person ap WHERE ap.curp = p.curp),
           t.code::text, g.course_code::text, g.agency_code::text, g.starts_on,
           r.enrolled, (g.general_public + g.public_servants)::integer
    FROM passed p
    LEFT JOIN LATERAL (
        SELECT pe.given_names, pe.first_surname, pe.second_surname FROM person pe
        WHERE pe.curp = p.curp AND who = 'admin'
        UNION ALL
        SELECT pa.given_names, pa.first_surname, pa.second_surname FROM person_agency pa
        WHERE pa.curp = p.curp AND pa.agency_code = mine AND who = 'enlace'
    ) n ON true
    LEFT JOIN taught t ON t.curp = p.curp
    LEFT JOIN training_group g ON g.code = t.code
    LEFT JOIN reach r ON r.code = t.code
    ORDER BY p.agency_code, p.curp, g.starts_on, t.code;
END
$$;

ALTER FUNCTION public.multiplier_rows(from_day date, to_day date) OWNER TO capacita_definer;

--
-- Name: participant_attendance(text); Type: FUNCTION; Schema: public
--

CREATE FUNCTION public.participant_attendance(session_sha256 text) RETURNS TABLE(group_code text, session_date text, starts_at text, mark text)
    LANGUAGE plpgsql STABLE SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
DECLARE
    who text := participant_of_session(session_sha256);
BEGIN
    IF who IS NULL THEN
        RETURN;
    END IF;
    RETURN QUERY
    SELECT m.group_code::text, m.session_date::text, to_char(m.starts_at, 'HH24:MI'), m.mark
    FROM attendance_mark m
    WHERE m.curp = who
    ORDER BY m.group_code, m.session_date, m.starts_at NULLS FIRST;
END
$$;

ALTER FUNCTION public.participant_attendance(session_sha256 text) OWNER TO capacita_definer;

--
-- Name: participant_audit(text, text, jsonb); Type: FUNCTION; Schema: public
--

CREATE FUNCTION public.participant_audit(what text, person_curp text, detail jsonb) RETURNS void
    LANGUAGE sql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
    INSERT INTO audit_log (user_name, user_label, role, agency_code, action, target, request_id, detail)
    VALUES ('participante', NULL, 'system', NULL, what, 'persona ' || curp_masked(person_curp),
            nullif(current_setting('capacita.request', true), ''), detail)
$$;

ALTER FUNCTION public.participant_audit(what text, person_curp text, detail jsonb) OWNER TO capacita_definer;

--
-- Name: participant_constancia_document(text, text); Type: FUNCTION; Schema: public
--

CREATE FUNCTION public.participant_constancia_document(session_sha256 text, only_folio text) RETURNS TABLE(folio text, code text, group_code text, given_names text, first_surname text, second_surname text, agency_name text, course_code text, course_title text, hours double precision, starts_on text, ends_on text, issued_on text, revoked_on text)
    LANGUAGE plpgsql STABLE SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
DECLARE
    who text := participant_of_session(session_sha256);
BEGIN
    IF who IS NULL THEN
        RETURN;
    END IF;
    RETURN QUERY
    SELECT c.folio::text, c.code::text, c.group_code::text, p.given_names, p.first_surname, p.second_surname,
           a.name, co.code::text, co.title, co.hours::float8, g.starts_on::text, g.ends_on::text,
           to_char(c.issued_at, 'YYYY-MM-DD'), to_char(c.revoked_at, 'YYYY-MM-DD')
    FROM constancia c
    JOIN enrollment e ON e.group_code = c.group_code AND e.curp = c.curp
    JOIN person p ON p.curp = c.curp
    JOIN agency a ON a.code = e.agency_code
    JOIN training_group g ON g.code = c.group_code
    JOIN course co ON co.code = g.course_code
    WHERE c.folio = only_folio AND c.curp = who;
END
$$;

ALTER FUNCTION public.participant_constancia_document(session_sha256 text, only_folio text) OWNER TO capacita_definer;

--
-- Name: participant_constancia_issued(text, text, text); Type: FUNCTION; Schema: public
--

CREATE FUNCTION public.participant_constancia_issued(session_sha256 text, issued_folio text, pdf_sha256 text) RETURNS boolean
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
DECLARE
    who text := participant_of_session(session_sha256);
BEGIN
    IF who IS NULL OR NOT EXISTS (SELECT 1 FROM constancia c WHERE c.folio = issued_folio AND c.curp = who
                                                             AND c.revoked_at IS NULL) THEN
        RETURN false;
    END IF;
    INSERT INTO constancia_pdf (folio, sha256) VALUES (issued_folio, pdf_sha256) ON CONFLICT DO NOTHING;
    RETURN true;
END
$$;

ALTER FUNCTION public.participant_constancia_issued(session_sha256 text, issued_folio text, pdf_sha256 text) OWNER TO capacita_definer;

--
-- Name: participant_constancias(text); Type: FUNCTION; Schema: public
--

CREATE FUNCTION public.participant_constancias(session_sha256 text) RETURNS TABLE(folio text, code text, group_code text, course_title text, issued_on text, revoked_on text)
    LANGUAGE plpgsql STABLE SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
DECLARE
    who text := participant_of_session(session_sha256);
BEGIN
    IF who IS NULL THEN
        RETURN;
    END IF;
    RETURN QUERY
    SELECT c.folio::text, c.code::text, c.group_code::text, coalesce(co.title, c.group_code::text),
           to_char(c.issued_at, 'YYYY-MM-DD'), to_char(c.revoked_at, 'YYYY-MM-DD')
    FROM constancia c
    JOIN training_group g ON g.code = c.group_code
    LEFT JOIN course co ON co.code = g.course_code
    WHERE c.curp = who
    ORDER BY c.issued_at DESC, c.folio;
END
$$;

ALTER FUNCTION public.participant_constancias(session_sha256 text) OWNER TO capacita_definer;

--
-- Name: participant_enrollments(text); Type: FUNCTION; Schema: public
--

CREATE FUNCTION public.participant_enrollments(session_sha256 text) RETURNS TABLE(group_code text, course_code text, course_title text, agency_name text, starts_on text, ends_on text, modality text, status text, attendance numeric, pre_score numeric, post_score numeric, final_score numeric)
    LANGUAGE plpgsql STABLE SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
DECLARE
    who text := participant_of_session(session_sha256);
BEGIN
    IF who IS NULL THEN
        RETURN;
    END IF;
    RETURN QUERY
    SELECT e.group_code::text, g.course_code::text, co.title, a.name, g.starts_on::text, g.ends_on::text, g.modality,
           e.status, e.attendance, e.pre_score, e.post_score, e.final_score
    FROM enrollment e
    JOIN training_group g ON g.code = e.group_code
    JOIN agency a ON a.code = e.agency_code
    LEFT JOIN course co ON co.code = g.course_code
    WHERE e.curp = who
    ORDER BY g.starts_on DESC, e.group_code;
END
$$;

ALTER FUNCTION public.participant_enrollments(session_sha256 text) OWNER TO capacita_definer;

--
-- Name: participant_for_no_one(); Type: FUNCTION; Schema: public
--

CREATE FUNCTION public.participant_for_no_one() RETURNS void
    LANGUAGE plpgsql STABLE
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
BEGIN
    IF capacita_role() IS NOT NULL THEN
        RAISE EXCEPTION 'the participant''s page acts for no one' USING ERRCODE = '42501';
    END IF;
END
$$;

ALTER FUNCTION public.participant_for_no_one() OWNER TO capacita_definer;

--
-- Name: participant_link_peek(text); Type: FUNCTION; Schema: public
--

CREATE FUNCTION public.participant_link_peek(link_sha256 text) RETURNS boolean
    LANGUAGE plpgsql STABLE SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
BEGIN
    PERFORM participant_for_no_one();
    RETURN EXISTS (
        SELECT 1 FROM participant_access s
        WHERE s.link_sha256 = participant_link_peek.link_sha256 AND s.used_at IS NULL AND s.link_expires_at >= now()
          AND NOT EXISTS (SELECT 1 FROM person_anonymized x WHERE x.curp = s.curp));
END
$$;

ALTER FUNCTION public.participant_link_peek(link_sha256 text) OWNER TO capacita_definer;

--
-- Name: participant_link_request(text, text, text, text, interval, text, text, text, integer, integer, interval); Type: FUNCTION; Schema: public
--

CREATE FUNCTION public.participant_link_request(asked_curp text, asked_email text, client_address text, link_sha256 text, link_lifetime interval, mail_subject text, mail_text text, mail_html text, per_address integer, per_curp integer, window_length interval) RETURNS integer
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $_$
DECLARE
    wait integer := 0;
    counted participant_link_attempt%ROWTYPE;
    curp_key text;
    found_curp text;
    found_email text;
    outcome text;
BEGIN
    PERFORM participant_for_no_one();
    IF asked_curp IS NULL OR asked_curp !~ '^[A-Z][AEIOUX][A-Z]{2}[0-9]{6}[HMX][A-Z]{2}[B-DF-HJ-NP-TV-Z]{3}[0-9A-Z][0-9]$'
       OR asked_email IS NULL OR length(asked_email) > 254 OR client_address IS NULL OR client_address = ''
       OR link_sha256 IS NULL OR link_sha256 !~ '^[0-9a-f]{64}$'
       OR link_lifetime IS NULL OR link_lifetime < interval '1 minute' OR link_lifetime > interval '1 day'
       OR per_address IS NULL OR per_address < 1 OR per_curp IS NULL OR per_curp < 1
       OR window_length IS NULL OR window_length <= interval '0' OR window_length > interval '1 day' THEN
        RAISE EXCEPTION 'participant_link_request: an argument out of range' USING ERRCODE = '22023';
    END IF;
    SELECT 'curp:' || encode(sha256(convert_to(s.secret || ':participant:' || asked_curp, 'UTF8')), 'hex')
    INTO curp_key FROM sign_in_secret s WHERE s.only_row;
    DELETE FROM participant_link_attempt WHERE window_start < now() - window_length;
    FOR counted IN
        INSERT INTO participant_link_attempt AS f (key, attempts, window_start)
        VALUES ('address:' || left(client_address, 150), 1, now()), (curp_key, 1, now())
        ON CONFLICT (key) DO UPDATE
        SET attempts = CASE WHEN f.window_start < now() - window_length THEN 1
                            ELSE least(f.attempts + 1,
                                       CASE WHEN f.key LIKE 'address:%' THEN per_address ELSE per_curp END + 1) END,
            window_start = CASE WHEN f.window_start < now() - window_length THEN now() ELSE f.window_start END
        RETURNING f.*
    LOOP
        IF counted.attempts > (CASE WHEN counted.key LIKE 'address:%' THEN per_address ELSE per_curp END) THEN
            wait := greatest(wait, ceil(extract(epoch FROM counted.window_start + window_length - now()))::integer, 1);
        END IF;
    END LOOP;
    IF wait > 0 THEN
        RETURN wait;
    END IF;
    SELECT p.curp, m.email INTO found_curp, found_email
    FROM person p
    JOIN LATERAL (SELECT p.email AS email, 0 AS rank
                  UNION ALL SELECT a.email, 1 FROM person_agency a WHERE a.curp = p.curp) m
      ON lower(btrim(m.email)) = lower(btrim(asked_email))
    WHERE p.curp = asked_curp AND NOT EXISTS (SELECT 1 FROM person_anonymized x WHERE x.curp = p.curp)
    ORDER BY m.rank
    LIMIT 1;
    IF found_curp IS NULL THEN
        outcome := 'sin_coincidencia';
    ELSIF EXISTS (SELECT 1 FROM person_mail_opt_out o WHERE o.curp = found_curp) THEN
        outcome := 'oposicion';
    ELSE
        UPDATE participant_access SET used_at = now() WHERE curp = found_curp AND used_at IS NULL;
        INSERT INTO participant_access (curp, link_sha256, link_expires_at)
        VALUES (found_curp, participant_link_request.link_sha256, now() + link_lifetime);
        PERFORM mail_enqueue(btrim(found_email), mail_subject, mail_text, mail_html, 'participant_link');
        outcome := 'enviado';
    END IF;
    DELETE FROM participant_access WHERE coalesce(session_expires_at, link_expires_at) < now();
    PERFORM participant_audit('participant.link', asked_curp, jsonb_build_object('outcome', outcome));
    RETURN 0;
END
$_$;

ALTER FUNCTION public.participant_link_request(asked_curp text, asked_email text, client_address text, link_sha256 text, link_lifetime interval, mail_subject text, mail_text text, mail_html text, per_address integer, per_curp integer, window_length interval) OWNER TO capacita_definer;

--
-- Name: participant_of_session(text); Type: FUNCTION; Schema: public
--

CREATE FUNCTION public.participant_of_session(session_sha256 text) RETURNS text
    LANGUAGE plpgsql STABLE SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
DECLARE
    found_curp text;
BEGIN
    PERFORM participant_for_no_one();
    SELECT s.curp INTO found_curp FROM participant_access s
    WHERE s.session_sha256 = participant_of_session.session_sha256 AND s.session_expires_at >= now()
      AND NOT EXISTS (SELECT 1 FROM person_anonymized x WHERE x.curp = s.curp);
    RETURN found_curp;
END
$$;

ALTER FUNCTION public.participant_of_session(session_sha256 text) OWNER TO capacita_definer;

--
-- Name: participant_request_file(text, text, date, date, text); Type: FUNCTION; Schema: public
--

CREATE FUNCTION public.participant_request_file(session_sha256 text, new_kind text, received date, due date, new_detail text) RETURNS TABLE(id bigint, due_on date, created boolean)
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
DECLARE
    who text := participant_of_session(session_sha256);
    open_one arco_request%ROWTYPE;
    made bigint;
BEGIN
    IF who IS NULL THEN
        RETURN;
    END IF;
    IF new_kind IS NULL OR new_kind NOT IN ('rectificacion', 'cancelacion', 'oposicion') THEN
        RAISE EXCEPTION 'participant_request_file: rectificacion, cancelacion or oposicion' USING ERRCODE = '22023';
    END IF;
    -- One person's requests one after another: two posts at once do not both file.
    PERFORM 1 FROM person p WHERE p.curp = who FOR UPDATE;
    SELECT r.* INTO open_one FROM arco_request r
    WHERE r.curp = who AND r.kind = new_kind AND r.channel = 'participante' AND r.closed_at IS NULL
    ORDER BY r.id LIMIT 1;
    IF FOUND THEN
        RETURN QUERY SELECT open_one.id, open_one.due_on, false;
        RETURN;
    END IF;
    made := arco_request_insert(new_kind, who, received, due, 'participante', new_detail, 'participante');
    PERFORM participant_audit('participant.request', who, jsonb_build_object('request', made, 'kind', new_kind));
    RETURN QUERY SELECT made, due, true;
END
$$;

ALTER FUNCTION public.participant_request_file(session_sha256 text, new_kind text, received date, due date, new_detail text) OWNER TO capacita_definer;

--
-- Name: participant_requests(text); Type: FUNCTION; Schema: public
--

CREATE FUNCTION public.participant_requests(session_sha256 text) RETURNS TABLE(id bigint, kind text, channel text, received_on text, due_on text, state text)
    LANGUAGE plpgsql STABLE SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
DECLARE
    who text := participant_of_session(session_sha256);
BEGIN
    IF who IS NULL THEN
        RETURN;
    END IF;
    RETURN QUERY
    SELECT r.id, r.kind, r.channel, r.received_on::text, r.due_on::text, r.state
    FROM arco_request r
    WHERE r.curp = who
    ORDER BY r.id DESC;
END
$$;

ALTER FUNCTION public.participant_requests(session_sha256 text) OWNER TO capacita_definer;

--
-- Name: participant_session(text); Type: FUNCTION; Schema: public
--

CREATE FUNCTION public.participant_session(session_sha256 text) RETURNS TABLE(given_names text, first_surname text, second_surname text, curp_masked text, csrf text, expires_at text)
    LANGUAGE plpgsql STABLE SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
DECLARE
    who text := participant_of_session(session_sha256);
BEGIN
    IF who IS NULL THEN
        RETURN;
    END IF;
    RETURN QUERY
    SELECT p.given_names, p.first_surname, p.second_surname, curp_masked(p.curp), s.csrf,
           to_char(s.session_expires_at AT TIME ZONE 'America/Mexico_City', 'HH24:MI')
    FROM participant_access s JOIN person p ON p.curp = s.curp
    WHERE s.session_sha256 = participant_session.session_sha256;
END
$$;

ALTER FUNCTION public.participant_session(session_sha256 text) OWNER TO capacita_definer;

--
-- Name: participant_session_close(text); Type: FUNCTION; Schema: public
--

CREATE FUNCTION public.participant_session_close(session_sha256 text) RETURNS void
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
BEGIN
    PERFORM participant_for_no_one();
    DELETE FROM participant_access s WHERE s.session_sha256 = participant_session_close.session_sha256;
END
$$;

ALTER FUNCTION public.participant_session_close(session_sha256 text) OWNER TO capacita_definer;

--
-- Name: participant_session_open(text, text, text, interval); Type: FUNCTION; Schema: public
--

CREATE FUNCTION public.participant_session_open(link_sha256 text, session_sha256 text, csrf text, lifetime interval) RETURNS boolean
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
DECLARE
    access participant_access%ROWTYPE;
BEGIN
    PERFORM participant_for_no_one();
    IF lifetime IS NULL OR lifetime < interval '1 minute' OR lifetime > interval '1 day' THEN
        RAISE EXCEPTION 'participant_session_open: lifetime out of range' USING ERRCODE = '22023';
    END IF;
    DELETE FROM participant_access WHERE coalesce(session_expires_at, link_expires_at) < now();
    SELECT s.* INTO access FROM participant_access s
    WHERE s.link_sha256 = participant_session_open.link_sha256 AND s.used_at IS NULL AND s.link_expires_at >= now()
    FOR UPDATE;
    IF NOT FOUND OR EXISTS (SELECT 1 FROM person_anonymized x WHERE x.curp = access.curp) THEN
        RETURN false;
    END IF;
    UPDATE participant_access
    SET used_at = now(), session_sha256 = participant_session_open.session_sha256,
        csrf = participant_session_open.csrf, session_expires_at = now() + lifetime
    WHERE id = access.id;
    PERFORM participant_audit('participant.sign_in', access.curp, NULL);
    RETURN true;
END
$$;

ALTER FUNCTION public.participant_session_open(link_sha256 text, session_sha256 text, csrf text, lifetime interval) OWNER TO capacita_definer;

--
-- Name: pending_upload_owner(); Type: FUNCTION; Schema: public
--

CREATE FUNCTION public.pending_upload_owner() RETURNS text
    LANGUAGE sql STABLE PARALLEL SAFE
    AS $$
    SELECT nullif(current_setting('capacita.upload_owner', true), '') COLLATE "C"
$$;

--
-- Name: pending_upload_sweep(); Type: FUNCTION; Schema: public
--

CREATE FUNCTION public.pending_upload_sweep() RETURNS integer
    LANGUAGE sql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
    WITH gone AS (
        DELETE FROM pending_upload WHERE id IN (
            SELECT p.id FROM pending_upload p WHERE p.expires_at < now() FOR UPDATE SKIP LOCKED)
        RETURNING 1)
    SELECT count(*)::integer FROM gone
$$;

ALTER FUNCTION public.pending_upload_sweep() OWNER TO capacita_definer;

--
-- Name: person_agency_merge(bigint); Type: FUNCTION; Schema: public
--

CREATE FUNCTION public.person_agency_merge(batch bigint) RETURNS integer
    LANGUAGE plpgsql
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
DECLARE
    written integer;
BEGIN
    INSERT INTO person_agency AS pa (curp, agency_code, given_names, first_surname, second_surname, sex, email, batch_id)
    SELECT DISTINCT ON (s.curp, s.agency_code) s.curp, s.agency_code, sp.given_names, sp.first_surname,
           sp.second_surname, sp.sex, sp.email, batch
    FROM pg_temp.enrollment_stage s JOIN pg_temp.stage_person sp ON sp.curp = s.curp
    ORDER BY s.curp, s.agency_code
    ON CONFLICT (curp, agency_code) DO UPDATE SET
        given_names = EXCLUDED.given_names, first_surname = EXCLUDED.first_surname,
        second_surname = EXCLUDED.second_surname, sex = EXCLUDED.sex, email = COALESCE(EXCLUDED.email, pa.email),
        batch_id = EXCLUDED.batch_id, updated_at = now()
    WHERE (pa.given_names, pa.first_surname, pa.second_surname, pa.sex, pa.email)
          IS DISTINCT FROM (EXCLUDED.given_names, EXCLUDED.first_surname, EXCLUDED.second_surname, EXCLUDED.sex,
                            COALESCE(EXCLUDED.email, pa.email));
    GET DIAGNOSTICS written = ROW_COUNT;
    RETURN written;
END
$$;

ALTER FUNCTION public.person_agency_merge(batch bigint) OWNER TO capacita_definer;

--
-- Name: person_anonymize(text, text, text, bigint); Type: FUNCTION; Schema: public
--

CREATE FUNCTION public.person_anonymize(target_curp text, new_curp text, why text, arco_id bigint) RETURNS TABLE(enrollments integer, constancias integer, messages integer, history integer)
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $_$
#variable_conflict use_column
DECLARE
    previous person%ROWTYPE;
    emails text[];
    needles text[];
    moved integer;
    annulled integer;
    deleted_messages integer;
    deleted_history integer;
BEGIN
    IF NOT personal_data_admin() THEN
        RAISE EXCEPTION 'person_anonymize: for the Secretaría Técnica' USING ERRCODE = '42501';
    END IF;
    IF new_curp IS NULL OR new_curp !~ '^XXXX[0-9]{2}00[0-9]{2}[HMX]XX[B-DF-HJ-NP-TV-Z]{3}[0-9A-Z][0-9]$' THEN
        RAISE EXCEPTION 'person_anonymize: the surrogate has not the surrogate''s shape' USING ERRCODE = '22023';
    END IF;
    SELECT * INTO previous FROM person p WHERE p.curp = target_curp FOR UPDATE;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'person_anonymize: no such person' USING ERRCODE = 'CA002';
    END IF;
    IF EXISTS (SELECT 1 FROM person_anonymized a WHERE a.curp = target_curp) THEN
        RAISE EXCEPTION 'person_anonymize: already cancelled' USING ERRCODE = 'CA005';
    END IF;
    IF substr(new_curp, 11, 1) <> substr(target_curp, 11, 1) THEN
        RAISE EXCEPTION 'person_anonymize: the surrogate must keep the sex of the CURP' USING ERRCODE = '22023';
    END IF;
    SELECT array_agg(DISTINCT lower(e)) INTO emails FROM (
        SELECT previous.email
        UNION ALL SELECT a.email FROM person_agency a WHERE a.curp = target_curp
        UNION ALL SELECT h.email FROM person_history h WHERE h.curp = target_curp) s(e)
    WHERE e IS NOT NULL;
    emails := coalesce(emails, '{}');
    IF EXISTS (SELECT 1 FROM account_person ap WHERE ap.curp = target_curp)
       OR EXISTS (SELECT 1 FROM account a WHERE lower(a.email) = ANY (emails))
       OR EXISTS (SELECT 1 FROM account_invitation i WHERE lower(i.email) = ANY (emails)) THEN
        RAISE EXCEPTION 'person_anonymize: an account is linked to the person or holds their e-mail'
            USING ERRCODE = 'CA003';
    END IF;
    SELECT array_agg(DISTINCT n) INTO needles FROM (
        SELECT target_curp UNION ALL SELECT unnest(emails)
        UNION ALL SELECT unnest(ARRAY[x.given_names, x.first_surname, x.second_surname,
                                      x.given_names || ' ' || x.first_surname])
        FROM (SELECT p.given_names, p.first_surname, p.second_surname FROM person p WHERE p.curp = target_curp
              UNION SELECT a.given_names, a.first_surname, a.second_surname FROM person_agency a WHERE a.curp = target_curp
              UNION SELECT h.given_names, h.first_surname, h.second_surname FROM person_history h
              WHERE h.curp = target_curp) x) s(n)
    WHERE n IS NOT NULL;
    IF why IS NULL OR btrim(why) = '' OR length(why) > 500 OR why ~ '[[:cntrl:]]' THEN
        RAISE EXCEPTION 'person_anonymize: a reason of 1 to 500 characters' USING ERRCODE = '22023';
    END IF;
    IF personal_data_mentions(why, needles) THEN
        RAISE EXCEPTION 'person_anonymize: the reason names the person' USING ERRCODE = 'CA004';
    END IF;
    PERFORM arco_request_check(arco_id, 'cancelacion', target_curp);

    INSERT INTO person (curp, given_names, first_surname, second_surname, sex, email, batch_id)
    VALUES (new_curp, 'Persona', 'Anonimizada', NULL, previous.sex, NULL, NULL);
    UPDATE person_agency SET curp = new_curp, given_names = 'Persona', first_surname = 'Anonimizada',
        second_surname = NULL, email = NULL, updated_at = now()
    WHERE curp = target_curp;
    -- attendance_mark, constancia and result_history follow (ON UPDATE CASCADE); the trained
    -- summary's triggers mark both CURPs; the results history trigger writes nothing (the key changed).
    UPDATE enrollment SET curp = new_curp, position_title = NULL,
        drop_reason = CASE WHEN personal_data_mentions(drop_reason, needles)
                           THEN 'motivo suprimido por la cancelación de datos' ELSE drop_reason END
    WHERE curp = target_curp;
    GET DIAGNOSTICS moved = ROW_COUNT;
    UPDATE constancia SET revoked_at = coalesce(revoked_at, now()),
        revoked_reason = CASE WHEN revoked_at IS NULL THEN 'anulada por cancelación de datos'
                              WHEN personal_data_mentions(revoked_reason, needles)
                              THEN 'motivo suprimido por la cancelación de datos'
                              ELSE revoked_reason END
    WHERE curp = new_curp;
    GET DIAGNOSTICS annulled = ROW_COUNT;
    DELETE FROM constancia_pdf d USING constancia c WHERE c.folio = d.folio AND c.curp = new_curp;
    DELETE FROM person_history WHERE curp = target_curp;
    GET DIAGNOSTICS deleted_history = ROW_COUNT;
    DELETE FROM person_mail_opt_out WHERE curp = target_curp;
    UPDATE arco_request SET curp = new_curp, detail = NULL,
        outcome = CASE WHEN outcome IS NULL THEN NULL ELSE 'texto suprimido por la cancelación de datos' END
    WHERE curp = target_curp;
    DELETE FROM person WHERE curp = target_curp;
    DELETE FROM mail_outbox m WHERE lower(m.recipient) = ANY (emails);
    GET DIAGNOSTICS deleted_messages = ROW_COUNT;
    -- The summary now, so no row of it names the old CURP even inside this transaction.
    PERFORM trained_mark(ARRAY[target_curp, new_curp]);
    PERFORM trained_refresh();
    INSERT INTO person_anonymized (curp) VALUES (new_curp);
    IF arco_id IS NOT NULL THEN
        PERFORM arco_request_done(arco_id,
            'Datos de identidad cancelados (CURP, nombre y correo); las cifras se conservan bajo una clave sustituta.');
    END IF;
    PERFORM personal_data_audit('person.anonymize',
                                CASE WHEN arco_id IS NOT NULL THEN 'solicitud ' || arco_id END,
                                jsonb_build_object('reason', why, 'enrollments', moved, 'constancias', annulled));
    RETURN QUERY SELECT moved, annulled, deleted_messages, deleted_history;
END
$_$;

ALTER FUNCTION public.person_anonymize(target_curp text, new_curp text, why text, arco_id bigint) OWNER TO capacita_definer;

--
-- Name: person_export(text); Type: FUNCTION; Schema: public
--

CREATE FUNCTION public.person_export(target_curp text) RETURNS TABLE(source text, row_no bigint, ordinal bigint, key text, value text, kind text)
    LANGUAGE plpgsql STABLE SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
#variable_conflict use_column
DECLARE
    masked text := curp_masked(target_curp);
    emails text[];
    full_names text[];
BEGIN
    IF NOT personal_data_admin() THEN
        RAISE EXCEPTION 'person_export: for the Secretaría Técnica' USING ERRCODE = '42501';
    END IF;
    SELECT array_agg(DISTINCT lower(e)) INTO emails FROM (
        SELECT p.email FROM person p WHERE p.curp = target_curp
        UNION ALL SELECT a.email FROM person_agency a WHERE a.curp = target_curp
        UNION ALL SELECT h.email FROM person_history h WHERE h.curp = target_curp) s(e)
    WHERE e IS NOT NULL;
    SELECT array_agg(DISTINCT n) INTO full_names FROM (
        SELECT p.given_names || ' ' || p.first_surname FROM person p WHERE p.curp = target_curp
        UNION ALL SELECT a.given_names || ' ' || a.first_surname FROM person_agency a WHERE a.curp = target_curp) s(n);
    RETURN QUERY
    WITH batches AS (
        SELECT b FROM (
            SELECT p.batch_id FROM person p WHERE p.curp = target_curp
            UNION SELECT a.batch_id FROM person_agency a WHERE a.curp = target_curp
            UNION SELECT h.batch_id FROM person_history h WHERE h.curp = target_curp
            UNION SELECT h.changed_by_batch FROM person_history h WHERE h.curp = target_curp
            UNION SELECT e.batch_id FROM enrollment e WHERE e.curp = target_curp
            UNION SELECT e.results_batch_id FROM enrollment e WHERE e.curp = target_curp
            UNION SELECT m.batch_id FROM attendance_mark m WHERE m.curp = target_curp
            UNION SELECT r.results_batch_id FROM result_history r WHERE r.curp = target_curp
            UNION SELECT r.changed_by_batch FROM result_history r WHERE r.curp = target_curp) s(b)
        WHERE b IS NOT NULL
    ),
    accounts AS (SELECT ap.account_id FROM account_person ap WHERE ap.curp = target_curp),
    found(sort, source, n, r) AS (
        SELECT 1, 'person', row_number() OVER (), to_json(t) FROM person t WHERE t.curp = target_curp
        UNION ALL
        SELECT 2, 'person_agency', row_number() OVER (ORDER BY t.agency_code), to_json(t)
        FROM person_agency t WHERE t.curp = target_curp
        UNION ALL
        SELECT 3, 'person_history', row_number() OVER (ORDER BY t.id), to_json(t)
        FROM person_history t WHERE t.curp = target_curp
        UNION ALL
        SELECT 4, 'enrollment', row_number() OVER (ORDER BY t.group_code), to_json(t)
        FROM enrollment t WHERE t.curp = target_curp
        UNION ALL
        SELECT 5, 'result_history', row_number() OVER (ORDER BY t.id), to_json(t)
        FROM result_history t WHERE t.curp = target_curp
        UNION ALL
        SELECT 6, 'attendance_mark', row_number() OVER (ORDER BY t.group_code, t.session_date, t.starts_at), to_json(t)
        FROM attendance_mark t WHERE t.curp = target_curp
        UNION ALL
        SELECT 7, 'constancia', row_number() OVER (ORDER BY t.folio), to_json(t)
        FROM constancia t WHERE t.curp = target_curp
        UNION ALL
        SELECT 8, 'constancia_pdf', row_number() OVER (ORDER BY t.folio, t.issued_at), to_json(t)
        FROM constancia_pdf t JOIN constancia c ON c.folio = t.folio WHERE c.curp = target_curp
        UNION ALL
        SELECT 9, 'trained_year', row_number() OVER (ORDER BY t.year), to_json(t)
        FROM trained_year t WHERE t.curp = target_curp
        UNION ALL
        SELECT 10, 'account_person', row_number() OVER (ORDER BY t.account_id), to_json(t)
        FROM account_person t WHERE t.curp = target_curp
        UNION ALL
        SELECT 11, 'account', row_number() OVER (ORDER BY x.id), to_json(x)
        FROM (SELECT a.id, a.email, a.name, a.role, a.agency_code, a.active, a.created_by, a.created_at,
                     a.last_sign_in_at
              FROM account a WHERE a.id IN (SELECT account_id FROM accounts)) x
        UNION ALL
        SELECT 12, 'group_instructor', row_number() OVER (ORDER BY t.group_code), to_json(t)
        FROM group_instructor t
        WHERE t.user_name IN (SELECT lower(a.email) FROM account a WHERE a.id IN (SELECT account_id FROM accounts))
        UNION ALL
        SELECT 13, 'mail_outbox', row_number() OVER (ORDER BY x.id), to_json(x)
        FROM (SELECT m.id, m.recipient, m.subject, m.kind, m.created_at, m.attempts, m.sent_at, m.failed_at,
                     m.last_error
              FROM mail_outbox m WHERE lower(m.recipient) = ANY (coalesce(emails, '{}'))) x
        UNION ALL
        SELECT 14, 'person_mail_opt_out', row_number() OVER (), to_json(t)
        FROM person_mail_opt_out t WHERE t.curp = target_curp
        UNION ALL
        SELECT 15, 'arco_request', row_number() OVER (ORDER BY t.id), to_json(t)
        FROM arco_request t WHERE t.curp = target_curp
        UNION ALL
        SELECT 16, 'ficha', row_number() OVER (ORDER BY t.id), to_json(t)
        FROM ficha t
        WHERE position(target_curp IN t.document::text) > 0
           OR EXISTS (SELECT 1 FROM unnest(coalesce(full_names, '{}')) f WHERE position(lower(f) IN lower(t.document::text)) > 0)
        UNION ALL
        SELECT 17, 'audit_log', row_number() OVER (ORDER BY t.id), to_json(t)
        FROM audit_log t
        WHERE t.batch_id IN (SELECT b FROM batches)
           OR t.target IN (SELECT e.group_code || ' ' || masked FROM enrollment e WHERE e.curp = target_curp)
           OR t.target IN (SELECT 'solicitud ' || r.id FROM arco_request r WHERE r.curp = target_curp)
           OR (t.action LIKE 'person.%' AND t.target = 'persona ' || masked)
           OR (t.action LIKE 'participant.%' AND t.target = 'persona ' || masked
               AND coalesce(t.detail ->> 'outcome', '') <> 'sin_coincidencia')
           OR EXISTS (SELECT 1 FROM accounts ac WHERE t.target LIKE 'cuenta ' || ac.account_id || ' %')
        UNION ALL
        SELECT 18, 'participant_access', row_number() OVER (ORDER BY x.id), to_json(x)
        FROM (SELECT s.id, s.curp, s.requested_at, s.link_expires_at, s.used_at, s.session_expires_at
              FROM participant_access s WHERE s.curp = target_curp) x
    )
    SELECT f.source, f.n, j.ordinality, j.key,
           CASE json_typeof(j.value) WHEN 'null' THEN NULL WHEN 'string' THEN j.value #>> '{}' ELSE j.value::text END,
           json_typeof(j.value)
    FROM found f, json_each(f.r) WITH ORDINALITY AS j(key, value, ordinality)
    ORDER BY f.sort, f.n, j.ordinality;
END
$$;

ALTER FUNCTION public.person_export(target_curp text) OWNER TO capacita_definer;

--
-- Name: person_history_capture(); Type: FUNCTION; Schema: public
--

CREATE FUNCTION public.person_history_capture() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
BEGIN
    INSERT INTO person_history (curp, given_names, first_surname, second_surname, sex, email, batch_id,
                                changed_by_batch, changed_by)
    SELECT o.curp, o.given_names, o.first_surname, o.second_surname, o.sex, o.email, o.batch_id, n.batch_id,
           capacita_user()
    FROM old_rows o JOIN new_rows n ON n.curp = o.curp
    WHERE (o.given_names, o.first_surname, o.second_surname, o.sex, o.email)
          IS DISTINCT FROM (n.given_names, n.first_surname, n.second_surname, n.sex, n.email);
    RETURN NULL;
END
$$;

ALTER FUNCTION public.person_history_capture() OWNER TO capacita_definer;

--
-- Name: person_mail_opt_out_set(text, bigint, boolean); Type: FUNCTION; Schema: public
--

CREATE FUNCTION public.person_mail_opt_out_set(target_curp text, arco_id bigint, opted_out boolean) RETURNS boolean
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
DECLARE
    changed integer;
BEGIN
    IF NOT personal_data_admin() THEN
        RAISE EXCEPTION 'person_mail_opt_out_set: for the Secretaría Técnica' USING ERRCODE = '42501';
    END IF;
    IF NOT EXISTS (SELECT 1 FROM person p WHERE p.curp = target_curp) THEN
        RAISE EXCEPTION 'person_mail_opt_out_set: no such person' USING ERRCODE = 'CA002';
    END IF;
    PERFORM arco_request_check(arco_id, 'oposicion', target_curp);
    IF opted_out THEN
        INSERT INTO person_mail_opt_out (curp, request_id, set_by)
        VALUES (target_curp, arco_id, coalesce(capacita_user(), session_user))
        ON CONFLICT (curp) DO NOTHING;
        GET DIAGNOSTICS changed = ROW_COUNT;
        UPDATE mail_outbox m SET failed_at = now(), body_text = '', body_html = '', claimed_until = NULL,
            last_error = 'oposición: la persona pidió no recibir correo de capacita'
        WHERE m.sent_at IS NULL AND m.failed_at IS NULL
          AND lower(m.recipient) IN (SELECT lower(p.email) FROM person p WHERE p.curp = target_curp AND p.email IS NOT NULL
                                     UNION SELECT lower(a.email) FROM person_agency a
                                     WHERE a.curp = target_curp AND a.email IS NOT NULL);
        IF arco_id IS NOT NULL THEN
            PERFORM arco_request_done(arco_id, 'La persona no recibirá correo de capacita.');
        END IF;
    ELSE
        DELETE FROM person_mail_opt_out WHERE curp = target_curp;
        GET DIAGNOSTICS changed = ROW_COUNT;
    END IF;
    IF changed > 0 THEN
        PERFORM personal_data_audit(CASE WHEN opted_out THEN 'person.mail_opt_out' ELSE 'person.mail_opt_in' END,
                                    CASE WHEN arco_id IS NULL THEN 'persona ' || curp_masked(target_curp)
                                         ELSE 'solicitud ' || arco_id END, NULL);
    END IF;
    RETURN changed > 0;
END
$$;

ALTER FUNCTION public.person_mail_opt_out_set(target_curp text, arco_id bigint, opted_out boolean) OWNER TO capacita_definer;

--
-- Name: person_rectify(text, bigint, text, text, text, text, text); Type: FUNCTION; Schema: public
--

CREATE FUNCTION public.person_rectify(target_curp text, arco_id bigint, new_given text, new_first text, new_second text, new_sex text, new_email text) RETURNS text[]
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
DECLARE
    previous person%ROWTYPE;
    changed text[] := '{}';
    last_history bigint;
BEGIN
    IF NOT personal_data_admin() THEN
        RAISE EXCEPTION 'person_rectify: for the Secretaría Técnica' USING ERRCODE = '42501';
    END IF;
    SELECT * INTO previous FROM person p WHERE p.curp = target_curp FOR UPDATE;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'person_rectify: no such person' USING ERRCODE = 'CA002';
    END IF;
    IF EXISTS (SELECT 1 FROM person_anonymized a WHERE a.curp = target_curp) THEN
        RAISE EXCEPTION 'person_rectify: the person''s data was cancelled' USING ERRCODE = 'CA005';
    END IF;
    PERFORM arco_request_check(arco_id, 'rectificacion', target_curp);
    IF new_given IS DISTINCT FROM previous.given_names THEN changed := array_append(changed, 'given_names'); END IF;
    IF new_first IS DISTINCT FROM previous.first_surname THEN changed := array_append(changed, 'first_surname'); END IF;
    IF new_second IS DISTINCT FROM previous.second_surname THEN changed := array_append(changed, 'second_surname'); END IF;
    IF new_sex IS DISTINCT FROM previous.sex THEN changed := array_append(changed, 'sex'); END IF;
    IF new_email IS DISTINCT FROM previous.email THEN changed := array_append(changed, 'email'); END IF;
    IF cardinality(changed) = 0 THEN
        RETURN changed;
    END IF;
    SELECT coalesce(max(h.id), 0) INTO last_history FROM person_history h;
    UPDATE person SET given_names = new_given, first_surname = new_first, second_surname = new_second, sex = new_sex,
        email = new_email, updated_at = now()
    WHERE curp = target_curp;
    UPDATE person_history SET arco_request_id = arco_id WHERE curp = target_curp AND id > last_history;
    UPDATE person_agency SET given_names = new_given, first_surname = new_first, second_surname = new_second,
        sex = new_sex, email = new_email, updated_at = now()
    WHERE curp = target_curp;
    IF arco_id IS NOT NULL THEN
        PERFORM arco_request_done(arco_id, 'Datos rectificados: ' || array_to_string(changed, ', ') || '.');
    END IF;
    PERFORM personal_data_audit('person.rectify',
                                CASE WHEN arco_id IS NULL THEN 'persona ' || curp_masked(target_curp)
                                     ELSE 'solicitud ' || arco_id END,
                                jsonb_build_object('fields', to_jsonb(changed)));
    RETURN changed;
END
$$;

ALTER FUNCTION public.person_rectify(target_curp text, arco_id bigint, new_given text, new_first text, new_second text, new_sex text, new_email text) OWNER TO capacita_definer;

--
-- Name: personal_data_admin(); Type: FUNCTION; Schema: public
--

CREATE FUNCTION public.personal_data_admin() RETURNS boolean
    LANGUAGE sql STABLE
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
    SELECT CASE WHEN capacita_role() IS NULL
                THEN coalesce((SELECT r.rolsuper FROM pg_roles r WHERE r.rolname = session_user), false)
                ELSE capacita_role() = 'admin' END
$$;

ALTER FUNCTION public.personal_data_admin() OWNER TO capacita_definer;

--
-- Name: personal_data_audit(text, text, jsonb); Type: FUNCTION; Schema: public
--

CREATE FUNCTION public.personal_data_audit(what text, about text, detail jsonb) RETURNS void
    LANGUAGE sql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
    INSERT INTO audit_log (user_name, user_label, role, agency_code, action, target, request_id, detail)
    VALUES (coalesce(capacita_user(), session_user), capacita_user(), coalesce(capacita_role(), 'system'),
            capacita_agency(), what, about, nullif(current_setting('capacita.request', true), ''), detail)
$$;

ALTER FUNCTION public.personal_data_audit(what text, about text, detail jsonb) OWNER TO capacita_definer;

--
-- Name: personal_data_mentions(text, text[]); Type: FUNCTION; Schema: public
--

CREATE FUNCTION public.personal_data_mentions(haystack text, needles text[]) RETURNS boolean
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
    SELECT haystack IS NOT NULL AND EXISTS (
        SELECT 1 FROM unnest(needles) AS n
        WHERE n IS NOT NULL AND length(btrim(n)) >= 2
          AND position(' ' || btrim(regexp_replace(lower(n), '[^[:alnum:]@.]+', ' ', 'g')) || ' '
                       IN ' ' || regexp_replace(lower(haystack), '[^[:alnum:]@.]+', ' ', 'g') || ' ') > 0)
$$;

ALTER FUNCTION public.personal_data_mentions(haystack text, needles text[]) OWNER TO capacita_definer;

--
-- Name: report_change_note(); Type: FUNCTION; Schema: public
--

CREATE FUNCTION public.report_change_note() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
BEGIN
    INSERT INTO report_change DEFAULT VALUES;
    RETURN NULL;
END
$$;

ALTER FUNCTION public.report_change_note() OWNER TO capacita_definer;

--
-- Name: report_version(); Type: FUNCTION; Schema: public
--

CREATE FUNCTION public.report_version(OUT version bigint, OUT settled boolean) RETURNS record
    LANGUAGE sql STABLE SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
    SELECT (SELECT coalesce(max(id), 0) FROM report_change),
           NOT EXISTS (SELECT 1 FROM pg_snapshot_xip(pg_current_snapshot()))
$$;

ALTER FUNCTION public.report_version(OUT version bigint, OUT settled boolean) OWNER TO capacita_definer;

--
-- Name: result_history_capture(); Type: FUNCTION; Schema: public
--

CREATE FUNCTION public.result_history_capture() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
BEGIN
    INSERT INTO result_history (group_code, curp, agency_code, status, attendance, pre_score, post_score, final_score,
                                reaction_methodology, reaction_instructors, reaction_contents, reaction_infrastructure,
                                rule_min_score, rule_min_attendance, results_batch_id, changed_by_batch, changed_by)
    SELECT o.group_code, o.curp, o.agency_code, o.status, o.attendance, o.pre_score, o.post_score, o.final_score,
           o.reaction_methodology, o.reaction_instructors, o.reaction_contents, o.reaction_infrastructure,
           o.rule_min_score, o.rule_min_attendance, o.results_batch_id, n.results_batch_id, capacita_user()
    FROM (SELECT * FROM old_rows
          WHERE results_batch_id IS NOT NULL OR attendance IS NOT NULL OR final_score IS NOT NULL) o
    JOIN new_rows n ON n.group_code = o.group_code AND n.curp = o.curp
    WHERE (o.attendance, o.pre_score, o.post_score, o.final_score, o.reaction_methodology, o.reaction_instructors,
           o.reaction_contents, o.reaction_infrastructure)
          IS DISTINCT FROM
          (n.attendance, n.pre_score, n.post_score, n.final_score, n.reaction_methodology, n.reaction_instructors,
           n.reaction_contents, n.reaction_infrastructure);
    RETURN NULL;
END
$$;

ALTER FUNCTION public.result_history_capture() OWNER TO capacita_definer;

--
-- Name: retention_due(date); Type: FUNCTION; Schema: public
--

CREATE FUNCTION public.retention_due(cutoff date) RETURNS TABLE(curp text, last_activity date, blocked text)
    LANGUAGE plpgsql STABLE SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
#variable_conflict use_column
BEGIN
    IF NOT personal_data_admin() THEN
        RAISE EXCEPTION 'retention_due: for the Secretaría Técnica' USING ERRCODE = '42501';
    END IF;
    RETURN QUERY
    WITH activity AS (
        SELECT p.curp, p.email, greatest(p.updated_at::date,
                        (SELECT max(a.updated_at)::date FROM person_agency a WHERE a.curp = p.curp),
                        (SELECT max(greatest(e.updated_at::date, coalesce(g.ends_on, g.starts_on)))
                         FROM enrollment e JOIN training_group g ON g.code = e.group_code WHERE e.curp = p.curp))
               AS last_activity
        FROM person p
        WHERE NOT EXISTS (SELECT 1 FROM person_anonymized x WHERE x.curp = p.curp)
    )
    SELECT a.curp::text, a.last_activity,
           CASE WHEN EXISTS (SELECT 1 FROM account_person ap WHERE ap.curp = a.curp)
                     OR EXISTS (SELECT 1 FROM account ac
                                WHERE lower(ac.email) IN (SELECT lower(a.email) UNION
                                                          SELECT lower(pa.email) FROM person_agency pa WHERE pa.curp = a.curp))
                THEN 'cuenta'
                WHEN EXISTS (SELECT 1 FROM arco_request r WHERE r.curp = a.curp AND r.closed_at IS NULL)
                THEN 'solicitud' END
    FROM activity a
    WHERE a.last_activity < cutoff
    ORDER BY a.last_activity, a.curp;
END
$$;

ALTER FUNCTION public.retention_due(cutoff date) OWNER TO capacita_definer;

--
-- Name: session_close(text); Type: FUNCTION; Schema: public
--

CREATE FUNCTION public.session_close(session_sha256 text) RETURNS void
    LANGUAGE sql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
    DELETE FROM web_session WHERE sha256 = session_sha256
$$;

ALTER FUNCTION public.session_close(session_sha256 text) OWNER TO capacita_definer;

--
-- Name: session_evidence_access(text); Type: FUNCTION; Schema: public
--

CREATE FUNCTION public.session_evidence_access(target_group text) RETURNS text
    LANGUAGE plpgsql STABLE SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
DECLARE
    organizer text;
BEGIN
    PERFORM capacita_require_identity();
    SELECT g.agency_code INTO organizer FROM training_group g WHERE g.code = target_group;
    IF NOT FOUND THEN
        RETURN NULL;
    END IF;
    IF capacita_role() = 'admin' OR (capacita_role() = 'enlace' AND organizer = capacita_agency()) THEN
        RETURN 'full';
    END IF;
    IF capacita_role() = 'instructor' AND EXISTS (
        SELECT 1 FROM group_instructor i WHERE i.group_code = target_group AND i.user_name = capacita_user()) THEN
        RETURN 'upload';
    END IF;
    RETURN NULL;
END
$$;

ALTER FUNCTION public.session_evidence_access(target_group text) OWNER TO capacita_definer;

--
-- Name: session_evidence_attach(text, date, time without time zone, text, bytea); Type: FUNCTION; Schema: public
--

CREATE FUNCTION public.session_evidence_attach(target_group text, target_date date, target_start time without time zone, new_name text, new_content bytea) RETURNS TABLE(id bigint, media_type text, size_bytes integer, sha256 text, file_name text, created boolean, attached_at timestamp with time zone)
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
DECLARE
    g training_group%ROWTYPE;
    found_type text;
    digest text;
    made session_evidence%ROWTYPE;
BEGIN
    IF session_evidence_access(target_group) IS NULL THEN
        RAISE EXCEPTION 'session_evidence_attach: not allowed' USING ERRCODE = '42501';
    END IF;
    -- The group's calendar stays as it is until this transaction ends.
    SELECT * INTO g FROM training_group t WHERE t.code = target_group FOR KEY SHARE;
    IF EXISTS (SELECT 1 FROM group_session s WHERE s.group_code = target_group) THEN
        IF target_start IS NULL OR NOT EXISTS (
            SELECT 1 FROM group_session s
            WHERE s.group_code = target_group AND s.session_date = target_date AND s.starts_at = target_start) THEN
            RAISE EXCEPTION 'session_evidence_attach: no such session' USING ERRCODE = 'P0002';
        END IF;
    ELSIF target_start IS NOT NULL OR target_date < g.starts_on OR target_date > coalesce(g.ends_on, g.starts_on)
          OR target_date - g.starts_on >= 366 THEN
        RAISE EXCEPTION 'session_evidence_attach: no such session' USING ERRCODE = 'P0002';
    END IF;
    found_type := CASE
        WHEN substring(new_content FROM 1 FOR 5) = '\x255044462d'::bytea THEN 'application/pdf'
        WHEN substring(new_content FROM 1 FOR 3) = '\xffd8ff'::bytea THEN 'image/jpeg'
        WHEN substring(new_content FROM 1 FOR 8) = '\x89504e470d0a1a0a'::bytea THEN 'image/png'
    END;
    IF found_type IS NULL THEN
        RAISE EXCEPTION 'session_evidence_attach: not a PDF, JPEG or PNG' USING ERRCODE = '22023';
    END IF;
    digest := encode(sha256(new_content), 'hex');
    INSERT INTO session_evidence AS e (group_code, session_date, starts_at, media_type, file_name, size_bytes, sha256,
                                       content, attached_by, attached_role)
    VALUES (target_group, target_date, target_start, found_type, new_name, octet_length(new_content), digest,
            new_content, capacita_user(), capacita_role())
    ON CONFLICT ON CONSTRAINT session_evidence_once DO NOTHING
    RETURNING e.* INTO made;
    IF made.id IS NULL THEN
        RETURN QUERY SELECT e.id, e.media_type, e.size_bytes, e.sha256::text, e.file_name, false, e.attached_at
        FROM session_evidence e
        WHERE e.group_code = target_group AND e.session_date = target_date
          AND e.starts_at IS NOT DISTINCT FROM target_start AND e.sha256 = digest;
        RETURN;
    END IF;
    -- The organizing agency's row: its enlace reads in the audit log who attached what.
    INSERT INTO audit_log (user_name, user_label, role, agency_code, action, target, request_id, detail)
    VALUES (capacita_user(), capacita_user(), capacita_role(), g.agency_code, 'evidence.attach',
            session_evidence_code(target_group, target_date, target_start),
            nullif(current_setting('capacita.request', true), ''),
            jsonb_build_object('evidence', made.id, 'media_type', made.media_type, 'size', made.size_bytes,
                               'sha256', made.sha256));
    RETURN QUERY SELECT made.id, made.media_type, made.size_bytes, made.sha256::text, made.file_name, true,
        made.attached_at;
END
$$;

ALTER FUNCTION public.session_evidence_attach(target_group text, target_date date, target_start time without time zone, new_name text, new_content bytea) OWNER TO capacita_definer;

--
-- Name: session_evidence_code(text, date, time without time zone); Type: FUNCTION; Schema: public
--

CREATE FUNCTION public.session_evidence_code(group_code text, session_date date, starts_at time without time zone) RETURNS text
    LANGUAGE sql STABLE
    SET search_path TO 'pg_catalog'
    AS $$
    SELECT group_code || '-S' || to_char(session_date, 'YYYYMMDD') || coalesce('-' || to_char(starts_at, 'HH24MI'), '')
$$;

--
-- Name: session_evidence_counts(text); Type: FUNCTION; Schema: public
--

CREATE FUNCTION public.session_evidence_counts(target_group text) RETURNS TABLE(session_date date, starts_at time without time zone, scans integer, last_attached_at timestamp with time zone)
    LANGUAGE plpgsql STABLE SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
BEGIN
    IF session_evidence_access(target_group) IS NULL THEN
        RETURN;
    END IF;
    RETURN QUERY SELECT e.session_date, e.starts_at, count(*)::integer, max(e.attached_at)
    FROM session_evidence e WHERE e.group_code = target_group
    GROUP BY e.session_date, e.starts_at ORDER BY e.session_date, e.starts_at NULLS FIRST;
END
$$;

ALTER FUNCTION public.session_evidence_counts(target_group text) OWNER TO capacita_definer;

--
-- Name: session_evidence_detach(bigint); Type: FUNCTION; Schema: public
--

CREATE FUNCTION public.session_evidence_detach(target_id bigint) RETURNS TABLE(id bigint, group_code text, session_date date, starts_at time without time zone, file_name text, sha256 text)
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
DECLARE
    scan_group text;
    gone record;
    organizer text;
BEGIN
    PERFORM capacita_require_identity();
    SELECT e.group_code INTO scan_group FROM session_evidence e WHERE e.id = target_id;
    IF NOT FOUND OR session_evidence_access(scan_group) IS DISTINCT FROM 'full' THEN
        RETURN;
    END IF;
    -- Removed by a request at the same time: the second finds nothing.
    DELETE FROM session_evidence e WHERE e.id = target_id
    RETURNING e.id, e.group_code, e.session_date, e.starts_at, e.file_name, e.media_type, e.size_bytes, e.sha256,
              e.attached_by, e.attached_at INTO gone;
    IF NOT FOUND THEN
        RETURN;
    END IF;
    SELECT g.agency_code INTO organizer FROM training_group g WHERE g.code = gone.group_code;
    INSERT INTO audit_log (user_name, user_label, role, agency_code, action, target, request_id, detail)
    VALUES (capacita_user(), capacita_user(), capacita_role(), organizer, 'evidence.detach',
            session_evidence_code(gone.group_code, gone.session_date, gone.starts_at),
            nullif(current_setting('capacita.request', true), ''),
            jsonb_build_object('evidence', gone.id, 'media_type', gone.media_type, 'size', gone.size_bytes,
                               'sha256', gone.sha256, 'attached_by', gone.attached_by,
                               'attached_at', gone.attached_at));
    RETURN QUERY SELECT gone.id::bigint, gone.group_code::text, gone.session_date::date, gone.starts_at::time,
        gone.file_name::text, gone.sha256::text;
END
$$;

ALTER FUNCTION public.session_evidence_detach(target_id bigint) OWNER TO capacita_definer;

--
-- Name: session_identity(text); Type: FUNCTION; Schema: public
--

CREATE FUNCTION public.session_identity(session_sha256 text) RETURNS TABLE(name text, role text, agency_code text, csrf text, account_id bigint, label text)
    LANGUAGE sql STABLE SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
    SELECT t.name, t.role, t.agency_code::text, s.csrf, NULL::bigint, t.name
    FROM web_session s JOIN api_token t ON t.id = s.token_id
    WHERE s.sha256 = session_sha256 AND s.expires_at >= now() AND t.revoked_at IS NULL
      AND (t.expires_on IS NULL OR t.expires_on >= (now() AT TIME ZONE 'UTC')::date)
    UNION ALL
    SELECT lower(a.email), a.role, a.agency_code::text, s.csrf, a.id, a.name
    FROM web_session s JOIN account a ON a.id = s.account_id
    WHERE s.sha256 = session_sha256 AND s.expires_at >= now() AND NOT s.pending AND a.active
$$;

ALTER FUNCTION public.session_identity(session_sha256 text) OWNER TO capacita_definer;

--
-- Name: session_open(text, text, text, interval); Type: FUNCTION; Schema: public
--

CREATE FUNCTION public.session_open(token_sha256 text, session_sha256 text, csrf text, lifetime interval) RETURNS TABLE(name text, role text, agency_code text)
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
DECLARE
    granted api_token%ROWTYPE;
BEGIN
    DELETE FROM web_session WHERE expires_at < now();
    SELECT t.* INTO granted FROM api_token t
    WHERE t.sha256 = token_sha256 AND t.revoked_at IS NULL
      AND (t.expires_on IS NULL OR t.expires_on >= (now() AT TIME ZONE 'UTC')::date);
    IF NOT FOUND THEN
        RETURN;
    END IF;
    INSERT INTO web_session (sha256, token_id, csrf, expires_at)
    VALUES (session_sha256, granted.id, csrf, now() + lifetime);
    RETURN QUERY SELECT granted.name, granted.role, granted.agency_code::text;
END
$$;

ALTER FUNCTION public.session_open(token_sha256 text, session_sha256 text, csrf text, lifetime interval) OWNER TO capacita_definer;

--
-- Name: sign_in_attempt(text[], integer, interval); Type: FUNCTION; Schema: public
--

CREATE FUNCTION public.sign_in_attempt(keys text[], max_failures integer, window_length interval) RETURNS integer
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
DECLARE
    wait integer := 0;
    counted sign_in_failure%ROWTYPE;
BEGIN
    IF keys IS NULL OR cardinality(keys) NOT BETWEEN 1 AND 4 OR max_failures IS NULL OR max_failures < 1
       OR window_length IS NULL OR window_length <= interval '0' OR window_length > interval '1 day' THEN
        RAISE EXCEPTION 'sign_in_attempt: keys, limit or window out of range' USING ERRCODE = '22023';
    END IF;
    DELETE FROM sign_in_failure WHERE window_start < now() - window_length;
    FOR counted IN
        INSERT INTO sign_in_failure AS f (key, failures, window_start)
        SELECT DISTINCT k, 1, now() FROM unnest(keys) AS k
        ON CONFLICT (key) DO UPDATE
        SET failures = CASE WHEN f.window_start < now() - window_length THEN 1
                            ELSE least(f.failures + 1, max_failures + 1) END,
            window_start = CASE WHEN f.window_start < now() - window_length THEN now() ELSE f.window_start END
        RETURNING f.*
    LOOP
        IF counted.failures > max_failures THEN
            wait := greatest(wait, ceil(extract(epoch FROM counted.window_start + window_length - now()))::integer, 1);
        END IF;
    END LOOP;
    RETURN wait;
END
$$;

ALTER FUNCTION public.sign_in_attempt(keys text[], max_failures integer, window_length interval) OWNER TO capacita_definer;

--
-- Name: sign_in_form_key(); Type: FUNCTION; Schema: public
--

CREATE FUNCTION public.sign_in_form_key() RETURNS text
    LANGUAGE sql STABLE SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
    SELECT secret FROM sign_in_secret WHERE only_row
$$;

ALTER FUNCTION public.sign_in_form_key() OWNER TO capacita_definer;

--
-- Name: sign_in_form_use(text, timestamp with time zone); Type: FUNCTION; Schema: public
--

CREATE FUNCTION public.sign_in_form_use(token_sha256 text, token_expires_at timestamp with time zone) RETURNS boolean
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
DECLARE
    inserted integer;
BEGIN
    DELETE FROM sign_in_form_used WHERE expires_at < now();
    IF token_sha256 IS NULL OR token_expires_at IS NULL OR token_expires_at < now()
       OR token_expires_at > now() + interval '1 day' THEN
        RETURN false;
    END IF;
    INSERT INTO sign_in_form_used (sha256, expires_at) VALUES (token_sha256, token_expires_at)
    ON CONFLICT (sha256) DO NOTHING;
    GET DIAGNOSTICS inserted = ROW_COUNT;
    RETURN inserted = 1;
END
$$;

ALTER FUNCTION public.sign_in_form_use(token_sha256 text, token_expires_at timestamp with time zone) OWNER TO capacita_definer;

--
-- Name: sign_in_succeeded(text[]); Type: FUNCTION; Schema: public
--

CREATE FUNCTION public.sign_in_succeeded(keys text[]) RETURNS void
    LANGUAGE sql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
    UPDATE sign_in_failure SET failures = greatest(failures - 1, 0) WHERE key = ANY (keys)
$$;

ALTER FUNCTION public.sign_in_succeeded(keys text[]) OWNER TO capacita_definer;

--
-- Name: stage_table(text); Type: FUNCTION; Schema: public
--

CREATE FUNCTION public.stage_table(stage_name text) RETURNS regclass
    LANGUAGE plpgsql STABLE
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
DECLARE
    rel regclass;
BEGIN
    SELECT c.oid INTO rel FROM pg_class c
    WHERE c.relnamespace = pg_my_temp_schema() AND c.relname = stage_name
      AND c.relkind = 'r' AND c.relpersistence = 't' AND NOT c.relhassubclass AND NOT c.relrowsecurity
      AND NOT EXISTS (SELECT 1 FROM pg_attribute a
                      WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped AND a.atttypid >= 16384);
    IF rel IS NULL THEN
        RAISE EXCEPTION 'stage table pg_temp.% is missing or not a plain temporary table', stage_name
            USING ERRCODE = 'invalid_table_definition';
    END IF;
    RETURN rel;
END
$$;

--
-- Name: token_identity(text); Type: FUNCTION; Schema: public
--

CREATE FUNCTION public.token_identity(token_sha256 text) RETURNS TABLE(id bigint, name text, role text, agency_code text, account_id bigint)
    LANGUAGE sql STABLE SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
    SELECT t.id, coalesce(lower(a.email), t.name), t.role, t.agency_code::text, t.account_id
    FROM api_token t LEFT JOIN account a ON a.id = t.account_id
    WHERE t.sha256 = token_sha256 AND t.revoked_at IS NULL
      AND (t.expires_on IS NULL OR t.expires_on >= (now() AT TIME ZONE 'UTC')::date)
      AND (t.account_id IS NULL OR a.active)
$$;

ALTER FUNCTION public.token_identity(token_sha256 text) OWNER TO capacita_definer;

--
-- Name: trained_counts(integer, integer, text[]); Type: FUNCTION; Schema: public
--

CREATE FUNCTION public.trained_counts(from_year integer, to_year integer, levels text[] DEFAULT NULL::text[]) RETURNS TABLE(agency_code text, tier text, people integer)
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
BEGIN
    PERFORM capacita_require_identity();
    IF EXISTS (SELECT 1 FROM trained_dirty) THEN
        PERFORM trained_refresh();
    END IF;
    IF levels IS NULL THEN
        RETURN QUERY
        SELECT t.agency_code::text, t.tier, count(*)::int
        FROM trained_year t
        WHERE t.year BETWEEN from_year AND to_year AND (t.next_year IS NULL OR t.next_year > to_year)
        GROUP BY t.agency_code, t.tier;
    ELSE
        RETURN QUERY
        SELECT latest.agency_code::text, latest.tier, count(*)::int FROM (
            SELECT DISTINCT ON (e.curp) e.agency_code, e.tier
            FROM enrollment e
            JOIN training_group g ON g.code = e.group_code
            JOIN course c ON c.code = g.course_code
            WHERE e.status = 'acreditado' AND c.counts_for_indicator AND c.level = ANY (levels)
              AND COALESCE(g.ends_on, g.starts_on) BETWEEN make_date(from_year, 1, 1) AND make_date(to_year, 12, 31)
            ORDER BY e.curp, COALESCE(g.ends_on, g.starts_on) DESC, g.starts_on DESC, g.code DESC
        ) latest
        GROUP BY latest.agency_code, latest.tier;
    END IF;
END
$$;

ALTER FUNCTION public.trained_counts(from_year integer, to_year integer, levels text[]) OWNER TO capacita_definer;

--
-- Name: trained_counts_approved(integer, integer, text[], date); Type: FUNCTION; Schema: public
--

CREATE FUNCTION public.trained_counts_approved(from_year integer, to_year integer, levels text[], approved_by date) RETURNS TABLE(agency_code text, tier text, people integer)
    LANGUAGE plpgsql STABLE SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
BEGIN
    PERFORM capacita_require_identity();
    RETURN QUERY
    SELECT latest.agency_code::text, latest.tier, count(*)::int FROM (
        SELECT DISTINCT ON (e.curp) e.agency_code, e.tier
        FROM enrollment e
        JOIN training_group g ON g.code = e.group_code
        JOIN course c ON c.code = g.course_code
        WHERE e.status = 'acreditado' AND c.counts_for_indicator
          AND (levels IS NULL OR c.level = ANY (levels))
          AND EXISTS (
              SELECT 1 FROM jsonb_array_elements(COALESCE(c.document -> 'history', '[]'::jsonb)) h
              WHERE h ->> 'kind' = 'aprobacion' AND (h ->> 'date')::date <= approved_by)
          AND COALESCE(g.ends_on, g.starts_on) BETWEEN make_date(from_year, 1, 1) AND make_date(to_year, 12, 31)
        ORDER BY e.curp, COALESCE(g.ends_on, g.starts_on) DESC, g.starts_on DESC, g.code DESC
    ) latest
    GROUP BY latest.agency_code, latest.tier;
END
$$;

ALTER FUNCTION public.trained_counts_approved(from_year integer, to_year integer, levels text[], approved_by date) OWNER TO capacita_definer;

--
-- Name: trained_counts_by_sex(integer, integer, text[], date); Type: FUNCTION; Schema: public
--

CREATE FUNCTION public.trained_counts_by_sex(from_year integer, to_year integer, levels text[], approved_by date) RETURNS TABLE(agency_code text, tier text, sex text, people integer)
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
BEGIN
    PERFORM capacita_require_identity();
    IF levels IS NULL AND approved_by IS NULL THEN
        IF EXISTS (SELECT 1 FROM trained_dirty) THEN
            PERFORM trained_refresh();
        END IF;
        RETURN QUERY
        SELECT t.agency_code::text, t.tier, substr(t.curp, 11, 1), count(*)::int
        FROM trained_year t
        WHERE t.year BETWEEN from_year AND to_year AND (t.next_year IS NULL OR t.next_year > to_year)
        GROUP BY 1, 2, 3;
    ELSE
        RETURN QUERY
        SELECT latest.agency_code::text, latest.tier, substr(latest.curp, 11, 1), count(*)::int FROM (
            SELECT DISTINCT ON (e.curp) e.curp, e.agency_code, e.tier
            FROM enrollment e
            JOIN training_group g ON g.code = e.group_code
            JOIN course c ON c.code = g.course_code
            WHERE e.status = 'acreditado' AND c.counts_for_indicator
              AND (levels IS NULL OR c.level = ANY (levels))
              AND (approved_by IS NULL OR EXISTS (
                  SELECT 1 FROM jsonb_array_elements(COALESCE(c.document -> 'history', '[]'::jsonb)) h
                  WHERE h ->> 'kind' = 'aprobacion' AND (h ->> 'date')::date <= approved_by))
              AND COALESCE(g.ends_on, g.starts_on) BETWEEN make_date(from_year, 1, 1) AND make_date(to_year, 12, 31)
            ORDER BY e.curp, COALESCE(g.ends_on, g.starts_on) DESC, g.starts_on DESC, g.code DESC
        ) latest
        GROUP BY 1, 2, 3;
    END IF;
END
$$;

ALTER FUNCTION public.trained_counts_by_sex(from_year integer, to_year integer, levels text[], approved_by date) OWNER TO capacita_definer;

--
-- Name: trained_mark(text[]); Type: FUNCTION; Schema: public
--

CREATE FUNCTION public.trained_mark(people text[]) RETURNS void
    LANGUAGE sql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
    INSERT INTO trained_dirty (curps) SELECT people WHERE people IS NOT NULL
$$;

ALTER FUNCTION public.trained_mark(people text[]) OWNER TO capacita_definer;

--
-- Name: trained_mark_course(); Type: FUNCTION; Schema: public
--

CREATE FUNCTION public.trained_mark_course() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
DECLARE
    people text[];
BEGIN
    SELECT array_agg(DISTINCT e.curp) INTO people
    FROM new_rows n
    JOIN old_rows o ON o.code = n.code AND o.counts_for_indicator IS DISTINCT FROM n.counts_for_indicator
    JOIN training_group g ON g.course_code = n.code
    JOIN enrollment e ON e.group_code = g.code
    WHERE e.status = 'acreditado';
    PERFORM trained_mark(people);
    RETURN NULL;
END
$$;

ALTER FUNCTION public.trained_mark_course() OWNER TO capacita_definer;

--
-- Name: trained_mark_enrollment(); Type: FUNCTION; Schema: public
--

CREATE FUNCTION public.trained_mark_enrollment() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
DECLARE
    people text[];
BEGIN
    IF TG_OP = 'INSERT' THEN
        SELECT array_agg(DISTINCT curp) INTO people FROM new_rows WHERE status = 'acreditado';
    ELSIF TG_OP = 'DELETE' THEN
        SELECT array_agg(DISTINCT curp) INTO people FROM old_rows WHERE status = 'acreditado';
    ELSE
        SELECT array_agg(DISTINCT curp) INTO people FROM (
            SELECT curp FROM old_rows WHERE status = 'acreditado'
            UNION ALL
            SELECT curp FROM new_rows WHERE status = 'acreditado') changed;
    END IF;
    PERFORM trained_mark(people);
    RETURN NULL;
END
$$;

--
-- Name: trained_mark_group(); Type: FUNCTION; Schema: public
--

CREATE FUNCTION public.trained_mark_group() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
DECLARE
    people text[];
BEGIN
    SELECT array_agg(DISTINCT e.curp) INTO people
    FROM new_rows n JOIN enrollment e ON e.group_code = n.code
    WHERE e.status = 'acreditado'
      AND NOT EXISTS (SELECT 1 FROM old_rows o
                      WHERE o.code = n.code AND o.starts_on = n.starts_on AND o.ends_on IS NOT DISTINCT FROM n.ends_on
                        AND o.course_code IS NOT DISTINCT FROM n.course_code);
    PERFORM trained_mark(people);
    RETURN NULL;
END
$$;

ALTER FUNCTION public.trained_mark_group() OWNER TO capacita_definer;

--
-- Name: trained_refresh(integer); Type: FUNCTION; Schema: public
--

CREATE FUNCTION public.trained_refresh(full_rebuild_from integer DEFAULT 100000) RETURNS integer
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
DECLARE
    people text[];
BEGIN
    IF NOT EXISTS (SELECT 1 FROM trained_dirty) THEN
        RETURN 0;
    END IF;
    PERFORM pg_advisory_xact_lock(hashtext('capacita.trained_year'));
    WITH gone AS (DELETE FROM trained_dirty RETURNING curps)
    SELECT array_agg(DISTINCT c) INTO people FROM gone, unnest(gone.curps) AS c;
    IF people IS NULL THEN
        RETURN 0;
    END IF;
    IF cardinality(people) >= full_rebuild_from THEN
        DELETE FROM trained_year;
        INSERT INTO trained_year SELECT * FROM trained_year_source(NULL);
    ELSE
        DELETE FROM trained_year WHERE curp = ANY (people);
        INSERT INTO trained_year SELECT * FROM trained_year_source(people);
    END IF;
    RETURN cardinality(people);
END
$$;

ALTER FUNCTION public.trained_refresh(full_rebuild_from integer) OWNER TO capacita_definer;

--
-- Name: trained_refresh_at_commit(); Type: FUNCTION; Schema: public
--

CREATE FUNCTION public.trained_refresh_at_commit() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
BEGIN
    PERFORM trained_refresh();
    RETURN NULL;
END
$$;

--
-- Name: trained_year_source(text[]); Type: FUNCTION; Schema: public
--

CREATE FUNCTION public.trained_year_source(people text[]) RETURNS TABLE(curp text, year integer, agency_code text, tier text, next_year integer)
    LANGUAGE sql STABLE
    AS $$
    SELECT curp, year, agency_code, tier, lead(year) OVER (PARTITION BY curp ORDER BY year)
    FROM (
        SELECT DISTINCT ON (e.curp, extract(year FROM COALESCE(g.ends_on, g.starts_on)))
               e.curp, extract(year FROM COALESCE(g.ends_on, g.starts_on))::integer AS year, e.agency_code, e.tier
        FROM enrollment e
        JOIN training_group g ON g.code = e.group_code
        JOIN course c ON c.code = g.course_code
        WHERE e.status = 'acreditado' AND c.counts_for_indicator
          AND (people IS NULL OR e.curp = ANY (people))
        ORDER BY e.curp, extract(year FROM COALESCE(g.ends_on, g.starts_on)),
                 COALESCE(g.ends_on, g.starts_on) DESC, g.starts_on DESC, g.code DESC
    ) latest
$$;

--
-- Name: account_id_seq; Type: SEQUENCE; Schema: public
--

CREATE SEQUENCE public.account_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;

--
-- Name: account_id_seq; Type: SEQUENCE OWNED BY; Schema: public
--

ALTER SEQUENCE public.account_id_seq OWNED BY public.account.id;

--
-- Name: account_invitation; Type: TABLE; Schema: public
--

CREATE TABLE public.account_invitation (
    id bigint NOT NULL,
    agency_code text NOT NULL COLLATE pg_catalog."C",
    email text NOT NULL,
    name text NOT NULL,
    groups text[] NOT NULL,
    invited_by text NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT account_invitation_email_check CHECK (((length(email) <= 254) AND (email ~ '^[^[:space:][:cntrl:]@]+@[^[:space:][:cntrl:]@]+$'::text))),
    CONSTRAINT account_invitation_groups_check CHECK (((cardinality(groups) >= 1) AND (cardinality(groups) <= 200))),
    CONSTRAINT account_invitation_name_check CHECK (((btrim(name) <> ''::text) AND (length(name) <= 200) AND (name !~ '[[:cntrl:]]'::text)))
);

ALTER TABLE ONLY public.account_invitation FORCE ROW LEVEL SECURITY;

--
-- Name: account_invitation_id_seq; Type: SEQUENCE; Schema: public
--

CREATE SEQUENCE public.account_invitation_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;

--
-- Name: account_invitation_id_seq; Type: SEQUENCE OWNED BY; Schema: public
--

ALTER SEQUENCE public.account_invitation_id_seq OWNED BY public.account_invitation.id;

--
-- Name: account_link; Type: TABLE; Schema: public
--

CREATE TABLE public.account_link (
    sha256 text NOT NULL,
    account_id bigint NOT NULL,
    kind text NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    expires_at timestamp with time zone NOT NULL,
    used_at timestamp with time zone,
    CONSTRAINT account_link_kind_check CHECK ((kind = ANY (ARRAY['invitation'::text, 'password_reset'::text]))),
    CONSTRAINT account_link_sha256_check CHECK ((sha256 ~ '^[0-9a-f]{64}$'::text))
);

--
-- Name: account_person; Type: TABLE; Schema: public
--

CREATE TABLE public.account_person (
    account_id bigint NOT NULL,
    curp text NOT NULL COLLATE pg_catalog."C",
    linked_by text NOT NULL,
    linked_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT account_person_curp_check CHECK ((curp ~ '^[A-Z][AEIOUX][A-Z]{2}[0-9]{6}[HMX][A-Z]{2}[B-DF-HJ-NP-TV-Z]{3}[0-9A-Z][0-9]$'::text))
);

ALTER TABLE ONLY public.account_person FORCE ROW LEVEL SECURITY;

--
-- Name: account_recovery_code; Type: TABLE; Schema: public
--

CREATE TABLE public.account_recovery_code (
    account_id bigint NOT NULL,
    sha256 text NOT NULL,
    used_at timestamp with time zone,
    CONSTRAINT account_recovery_code_sha256_check CHECK ((sha256 ~ '^[0-9a-f]{64}$'::text))
);

--
-- Name: agency; Type: TABLE; Schema: public
--

CREATE TABLE public.agency (
    code text NOT NULL COLLATE pg_catalog."C",
    name text NOT NULL,
    government_order text NOT NULL,
    state text,
    counts_in_indicator boolean DEFAULT false NOT NULL,
    updated_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT agency_code_check CHECK ((code ~ '^[A-Z0-9_-]+$'::text)),
    CONSTRAINT agency_government_order_check CHECK ((government_order = ANY (ARRAY['federal'::text, 'estatal'::text, 'municipal'::text]))),
    CONSTRAINT agency_name_check CHECK ((btrim(name) <> ''::text)),
    CONSTRAINT agency_state_check CHECK ((state ~ '^[A-Z]{2}$'::text)),
    CONSTRAINT agency_state_matches_order CHECK (((government_order = 'federal'::text) = (state IS NULL)))
);

ALTER TABLE ONLY public.agency FORCE ROW LEVEL SECURITY;

--
-- Name: agency_former_name; Type: TABLE; Schema: public
--

CREATE TABLE public.agency_former_name (
    agency_code text NOT NULL COLLATE pg_catalog."C",
    name text NOT NULL,
    "position" integer NOT NULL,
    CONSTRAINT agency_former_name_name_check CHECK ((btrim(name) <> ''::text)),
    CONSTRAINT agency_former_name_position_check CHECK (("position" >= 0))
);

ALTER TABLE ONLY public.agency_former_name FORCE ROW LEVEL SECURITY;

--
-- Name: api_token; Type: TABLE; Schema: public
--

CREATE TABLE public.api_token (
    id bigint NOT NULL,
    name text NOT NULL,
    role text NOT NULL,
    agency_code text COLLATE pg_catalog."C",
    sha256 text NOT NULL,
    hint text NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    created_by text,
    expires_on date,
    revoked_at timestamp with time zone,
    account_id bigint,
    CONSTRAINT api_token_check CHECK (((role = 'enlace'::text) = (agency_code IS NOT NULL))),
    CONSTRAINT api_token_name_check CHECK (((btrim(name) <> ''::text) AND (length(name) <= 100) AND (name !~ '[[:cntrl:]]'::text))),
    CONSTRAINT api_token_role_check CHECK ((role = ANY (ARRAY['admin'::text, 'enlace'::text, 'instructor'::text]))),
    CONSTRAINT api_token_sha256_check CHECK ((sha256 ~ '^[0-9a-f]{64}$'::text))
);

--
-- Name: api_token_id_seq; Type: SEQUENCE; Schema: public
--

CREATE SEQUENCE public.api_token_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;

--
-- Name: api_token_id_seq; Type: SEQUENCE OWNED BY; Schema: public
--

ALTER SEQUENCE public.api_token_id_seq OWNED BY public.api_token.id;

--
-- Name: arco_request; Type: TABLE; Schema: public
--

CREATE TABLE public.arco_request (
    id bigint NOT NULL,
    kind text NOT NULL,
    curp text NOT NULL COLLATE pg_catalog."C",
    channel text NOT NULL,
    received_on date NOT NULL,
    due_on date NOT NULL,
    detail text,
    state text DEFAULT 'recibida'::text NOT NULL,
    outcome text,
    filed_by text NOT NULL,
    filed_at timestamp with time zone DEFAULT now() NOT NULL,
    closed_by text,
    closed_at timestamp with time zone,
    CONSTRAINT arco_request_channel_check CHECK ((channel = ANY (ARRAY['escrito'::text, 'correo'::text, 'pnt'::text, 'participante'::text]))),
    CONSTRAINT arco_request_check CHECK ((due_on > received_on)),
    CONSTRAINT arco_request_check1 CHECK (((state = ANY (ARRAY['atendida'::text, 'improcedente'::text])) = (closed_at IS NOT NULL))),
    CONSTRAINT arco_request_check2 CHECK (((closed_at IS NULL) OR ((closed_by IS NOT NULL) AND (btrim(COALESCE(outcome, ''::text)) <> ''::text)))),
    CONSTRAINT arco_request_curp_check CHECK ((curp ~ '^[A-Z][AEIOUX][A-Z]{2}[0-9]{6}[HMX][A-Z]{2}[B-DF-HJ-NP-TV-Z]{3}[0-9A-Z][0-9]$'::text)),
    CONSTRAINT arco_request_detail_check CHECK (((length(detail) <= 2000) AND (detail !~ '[[:cntrl:]]'::text))),
    CONSTRAINT arco_request_kind_check CHECK ((kind = ANY (ARRAY['acceso'::text, 'rectificacion'::text, 'cancelacion'::text, 'oposicion'::text]))),
    CONSTRAINT arco_request_outcome_check CHECK (((length(outcome) <= 2000) AND (outcome !~ '[[:cntrl:]]'::text))),
    CONSTRAINT arco_request_received_on_check CHECK ((received_on >= '2017-01-27'::date)),
    CONSTRAINT arco_request_state_check CHECK ((state = ANY (ARRAY['recibida'::text, 'en_proceso'::text, 'atendida'::text, 'improcedente'::text])))
);

ALTER TABLE ONLY public.arco_request FORCE ROW LEVEL SECURITY;

--
-- Name: arco_request_id_seq; Type: SEQUENCE; Schema: public
--

ALTER TABLE public.arco_request ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY (
    SEQUENCE NAME public.arco_request_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);

--
-- Name: attendance_mark; Type: TABLE; Schema: public
--

CREATE TABLE public.attendance_mark (
    group_code text NOT NULL COLLATE pg_catalog."C",
    curp text NOT NULL COLLATE pg_catalog."C",
    session_date date NOT NULL,
    starts_at time(0) without time zone,
    mark text NOT NULL,
    batch_id bigint NOT NULL,
    marked_by text DEFAULT COALESCE(public.capacita_user(), (SESSION_USER)::text) NOT NULL,
    marked_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT attendance_mark_mark_check CHECK ((mark = ANY (ARRAY['present'::text, 'absent'::text, 'excused'::text])))
);

ALTER TABLE ONLY public.attendance_mark FORCE ROW LEVEL SECURITY;

--
-- Name: audit_log; Type: TABLE; Schema: public
--

CREATE TABLE public.audit_log (
    id bigint NOT NULL,
    at timestamp with time zone DEFAULT clock_timestamp() NOT NULL,
    user_name text DEFAULT public.capacita_user() NOT NULL,
    user_label text,
    role text DEFAULT public.capacita_role() NOT NULL,
    agency_code text DEFAULT public.capacita_agency() COLLATE pg_catalog."C",
    action text NOT NULL,
    target text,
    batch_id bigint,
    request_id text,
    detail jsonb,
    CONSTRAINT audit_log_action_check CHECK ((action ~ '^[a-z_]+(\.[a-z_]+)*$'::text)),
    CONSTRAINT audit_log_role_check CHECK ((role = ANY (ARRAY['admin'::text, 'enlace'::text, 'instructor'::text, 'system'::text])))
);

ALTER TABLE ONLY public.audit_log FORCE ROW LEVEL SECURITY;

--
-- Name: audit_log_id_seq; Type: SEQUENCE; Schema: public
--

CREATE SEQUENCE public.audit_log_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;

--
-- Name: audit_log_id_seq; Type: SEQUENCE OWNED BY; Schema: public
--

ALTER SEQUENCE public.audit_log_id_seq OWNED BY public.audit_log.id;

--
-- Name: constancia; Type: TABLE; Schema: public
--

CREATE TABLE public.constancia (
    folio text NOT NULL COLLATE pg_catalog."C",
    year integer NOT NULL,
    sequence integer NOT NULL,
    code text NOT NULL COLLATE pg_catalog."C",
    group_code text NOT NULL COLLATE pg_catalog."C",
    curp text NOT NULL COLLATE pg_catalog."C",
    issued_at timestamp with time zone DEFAULT now() NOT NULL,
    revoked_at timestamp with time zone,
    revoked_reason text,
    CONSTRAINT constancia_check CHECK (((revoked_at IS NULL) = (revoked_reason IS NULL))),
    CONSTRAINT constancia_code_check CHECK ((code ~ '^[23456789ABCDEFGHJKMNPQRSTUVWXYZ]{12}$'::text)),
    CONSTRAINT constancia_folio_check CHECK ((folio ~ '^PNC-[0-9]{4}-[0-9]{6,}$'::text)),
    CONSTRAINT constancia_sequence_check CHECK ((sequence > 0))
);

ALTER TABLE ONLY public.constancia FORCE ROW LEVEL SECURITY;

--
-- Name: constancia_pdf; Type: TABLE; Schema: public
--

CREATE TABLE public.constancia_pdf (
    folio text NOT NULL COLLATE pg_catalog."C",
    sha256 text NOT NULL COLLATE pg_catalog."C",
    issued_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT constancia_pdf_sha256_check CHECK ((sha256 ~ '^[0-9a-f]{64}$'::text))
);

ALTER TABLE ONLY public.constancia_pdf FORCE ROW LEVEL SECURITY;

--
-- Name: constancia_sequence; Type: TABLE; Schema: public
--

CREATE TABLE public.constancia_sequence (
    year integer NOT NULL,
    last integer NOT NULL,
    CONSTRAINT constancia_sequence_last_check CHECK ((last >= 0))
);

--
-- Name: course; Type: TABLE; Schema: public
--

CREATE TABLE public.course (
    code text NOT NULL COLLATE pg_catalog."C",
    program text NOT NULL,
    level text NOT NULL,
    kind text NOT NULL,
    title text NOT NULL,
    modalities text[] NOT NULL,
    hours numeric(7,2) NOT NULL,
    audience text NOT NULL,
    objectives text[] NOT NULL,
    temario jsonb NOT NULL,
    evaluation text[] NOT NULL,
    min_score numeric(5,2) NOT NULL,
    min_attendance numeric(5,2) NOT NULL,
    max_group_size integer NOT NULL,
    counts_for_indicator boolean NOT NULL,
    source_file text NOT NULL,
    document jsonb NOT NULL,
    updated_at timestamp with time zone DEFAULT now() NOT NULL,
    justified_absences text DEFAULT 'excluida'::text NOT NULL,
    CONSTRAINT course_code_check CHECK ((code ~ '^[A-Z0-9-]+$'::text)),
    CONSTRAINT course_evaluation_check CHECK ((evaluation <@ ARRAY['reaccion'::text, 'pre'::text, 'post'::text])),
    CONSTRAINT course_hours_check CHECK ((hours > (0)::numeric)),
    CONSTRAINT course_justified_absences_check CHECK ((justified_absences = ANY (ARRAY['asistencia'::text, 'excluida'::text, 'falta'::text]))),
    CONSTRAINT course_kind_check CHECK ((kind = ANY (ARRAY['capacitacion'::text, 'sensibilizacion'::text]))),
    CONSTRAINT course_level_check CHECK ((level = ANY (ARRAY['sensibilizacion'::text, 'basico'::text, 'intermedio'::text, 'formador'::text, 'especializado'::text, 'capacitacion'::text, 'especializacion'::text]))),
    CONSTRAINT course_max_group_size_check CHECK ((max_group_size > 0)),
    CONSTRAINT course_min_attendance_check CHECK (((min_attendance >= (0)::numeric) AND (min_attendance <= (100)::numeric))),
    CONSTRAINT course_min_score_check CHECK (((min_score >= (0)::numeric) AND (min_score <= (100)::numeric))),
    CONSTRAINT course_modalities_check CHECK (((cardinality(modalities) > 0) AND (modalities <@ ARRAY['presencial'::text, 'en_linea'::text, 'mixta'::text]))),
    CONSTRAINT course_program_check CHECK ((program ~ '^pnc-[0-9]{4}$'::text)),
    CONSTRAINT course_temario_check CHECK ((jsonb_typeof(temario) = 'array'::text)),
    CONSTRAINT course_title_check CHECK ((btrim(title) <> ''::text))
);

ALTER TABLE ONLY public.course FORCE ROW LEVEL SECURITY;

--
-- Name: course_prerequisite; Type: TABLE; Schema: public
--

CREATE TABLE public.course_prerequisite (
    course_code text NOT NULL COLLATE pg_catalog."C",
    requires_code text NOT NULL COLLATE pg_catalog."C",
    CONSTRAINT course_prerequisite_check CHECK ((course_code <> requires_code))
);

ALTER TABLE ONLY public.course_prerequisite FORCE ROW LEVEL SECURITY;

--
-- Name: enrollment; Type: TABLE; Schema: public
--

CREATE TABLE public.enrollment (
    group_code text NOT NULL COLLATE pg_catalog."C",
    curp text NOT NULL COLLATE pg_catalog."C",
    agency_code text NOT NULL COLLATE pg_catalog."C",
    tier text NOT NULL,
    position_title text,
    status text DEFAULT 'inscrito'::text NOT NULL,
    batch_id bigint NOT NULL,
    enrolled_at timestamp with time zone DEFAULT now() NOT NULL,
    updated_at timestamp with time zone DEFAULT now() NOT NULL,
    attendance numeric(5,2),
    pre_score numeric(5,2),
    post_score numeric(5,2),
    final_score numeric(5,2),
    reaction_methodology smallint,
    reaction_instructors smallint,
    reaction_contents smallint,
    reaction_infrastructure smallint,
    rule_min_score numeric(5,2),
    rule_min_attendance numeric(5,2),
    results_batch_id bigint,
    drop_reason text,
    dropped_at timestamp with time zone,
    CONSTRAINT enrollment_attendance_check CHECK (((attendance >= (0)::numeric) AND (attendance <= (100)::numeric))),
    CONSTRAINT enrollment_drop_has_reason CHECK (((status = 'baja'::text) = (drop_reason IS NOT NULL))),
    CONSTRAINT enrollment_final_score_check CHECK (((final_score >= (0)::numeric) AND (final_score <= (100)::numeric))),
    CONSTRAINT enrollment_post_score_check CHECK (((post_score >= (0)::numeric) AND (post_score <= (100)::numeric))),
    CONSTRAINT enrollment_pre_score_check CHECK (((pre_score >= (0)::numeric) AND (pre_score <= (100)::numeric))),
    CONSTRAINT enrollment_reaction_contents_check CHECK (((reaction_contents >= 1) AND (reaction_contents <= 5))),
    CONSTRAINT enrollment_reaction_infrastructure_check CHECK (((reaction_infrastructure >= 1) AND (reaction_infrastructure <= 5))),
    CONSTRAINT enrollment_reaction_instructors_check CHECK (((reaction_instructors >= 1) AND (reaction_instructors <= 5))),
    CONSTRAINT enrollment_reaction_methodology_check CHECK (((reaction_methodology >= 1) AND (reaction_methodology <= 5))),
    CONSTRAINT enrollment_status_check CHECK ((status = ANY (ARRAY['inscrito'::text, 'acreditado'::text, 'no_acreditado'::text, 'baja'::text]))),
    CONSTRAINT enrollment_tier_check CHECK ((tier = ANY (ARRAY['alto'::text, 'medio'::text, 'operativo'::text])))
);

ALTER TABLE ONLY public.enrollment FORCE ROW LEVEL SECURITY;

--
-- Name: ficha; Type: TABLE; Schema: public
--

CREATE TABLE public.ficha (
    id bigint NOT NULL,
    agency_code text NOT NULL COLLATE pg_catalog."C",
    year integer NOT NULL,
    version integer NOT NULL,
    total integer NOT NULL,
    document jsonb NOT NULL,
    source_file text NOT NULL,
    batch_id bigint,
    imported_at timestamp with time zone DEFAULT now() NOT NULL,
    superseded_at timestamp with time zone,
    CONSTRAINT ficha_total_check CHECK ((total >= 0)),
    CONSTRAINT ficha_version_check CHECK ((version > 0)),
    CONSTRAINT ficha_year_check CHECK (((year >= 2000) AND (year <= 2100)))
);

ALTER TABLE ONLY public.ficha FORCE ROW LEVEL SECURITY;

--
-- Name: ficha_id_seq; Type: SEQUENCE; Schema: public
--

CREATE SEQUENCE public.ficha_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;

--
-- Name: ficha_id_seq; Type: SEQUENCE OWNED BY; Schema: public
--

ALTER SEQUENCE public.ficha_id_seq OWNED BY public.ficha.id;

--
-- Name: group_instructor; Type: TABLE; Schema: public
--

CREATE TABLE public.group_instructor (
    group_code text NOT NULL COLLATE pg_catalog."C",
    user_name text NOT NULL,
    assigned_by text,
    assigned_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT group_instructor_user_name_check CHECK ((btrim(user_name) <> ''::text))
);

ALTER TABLE ONLY public.group_instructor FORCE ROW LEVEL SECURITY;

--
-- Name: group_session; Type: TABLE; Schema: public
--

CREATE TABLE public.group_session (
    group_code text NOT NULL COLLATE pg_catalog."C",
    session_date date NOT NULL,
    starts_at time(0) without time zone NOT NULL,
    ends_at time(0) without time zone NOT NULL,
    place text,
    place_kind text,
    updated_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT group_session_link_https CHECK (((place_kind IS DISTINCT FROM 'link'::text) OR (place ~* '^https://[^/[:space:]]+'::text))),
    CONSTRAINT group_session_place_has_kind CHECK (((place IS NULL) = (place_kind IS NULL))),
    CONSTRAINT group_session_place_kind_check CHECK ((place_kind = ANY (ARRAY['place'::text, 'link'::text]))),
    CONSTRAINT group_session_place_text CHECK (((place IS NULL) OR ((btrim(place) <> ''::text) AND (length(place) <= 500) AND (place !~ '[[:cntrl:]]'::text)))),
    CONSTRAINT group_session_starts_before_end CHECK ((starts_at < ends_at))
);

ALTER TABLE ONLY public.group_session FORCE ROW LEVEL SECURITY;

--
-- Name: headcount; Type: TABLE; Schema: public
--

CREATE TABLE public.headcount (
    agency_code text NOT NULL COLLATE pg_catalog."C",
    year integer NOT NULL,
    alto integer NOT NULL,
    medio integer NOT NULL,
    operativo integer NOT NULL,
    batch_id bigint,
    updated_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT headcount_alto_check CHECK ((alto >= 0)),
    CONSTRAINT headcount_medio_check CHECK ((medio >= 0)),
    CONSTRAINT headcount_operativo_check CHECK ((operativo >= 0)),
    CONSTRAINT headcount_year_check CHECK (((year >= 2000) AND (year <= 2100)))
);

ALTER TABLE ONLY public.headcount FORCE ROW LEVEL SECURITY;

--
-- Name: import_batch; Type: TABLE; Schema: public
--

CREATE TABLE public.import_batch (
    id bigint NOT NULL,
    kind text NOT NULL,
    file_name text NOT NULL,
    sha256 text NOT NULL,
    agency_code text COLLATE pg_catalog."C",
    rows integer NOT NULL,
    imported integer NOT NULL,
    updated integer NOT NULL,
    unchanged integer NOT NULL,
    ran_by text NOT NULL,
    ran_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT import_batch_imported_check CHECK ((imported >= 0)),
    CONSTRAINT import_batch_kind_check CHECK ((kind = ANY (ARRAY['groups'::text, 'enrollment'::text, 'results'::text, 'headcount'::text, 'ficha'::text, 'sessions'::text, 'attendance'::text]))),
    CONSTRAINT import_batch_rows_check CHECK ((rows >= 0)),
    CONSTRAINT import_batch_sha256_check CHECK ((sha256 ~ '^[0-9a-f]{64}$'::text)),
    CONSTRAINT import_batch_unchanged_check CHECK ((unchanged >= 0)),
    CONSTRAINT import_batch_updated_check CHECK ((updated >= 0))
);

ALTER TABLE ONLY public.import_batch FORCE ROW LEVEL SECURITY;

--
-- Name: import_batch_id_seq; Type: SEQUENCE; Schema: public
--

CREATE SEQUENCE public.import_batch_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;

--
-- Name: import_batch_id_seq; Type: SEQUENCE OWNED BY; Schema: public
--

ALTER SEQUENCE public.import_batch_id_seq OWNED BY public.import_batch.id;

--
-- Name: mail_outbox; Type: TABLE; Schema: public
--

CREATE TABLE public.mail_outbox (
    id bigint NOT NULL,
    recipient text NOT NULL,
    subject text NOT NULL,
    body_text text NOT NULL,
    body_html text NOT NULL,
    kind text NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    attempts integer DEFAULT 0 NOT NULL,
    next_attempt_at timestamp with time zone DEFAULT now() NOT NULL,
    claimed_until timestamp with time zone,
    sent_at timestamp with time zone,
    failed_at timestamp with time zone,
    last_error text,
    CONSTRAINT mail_outbox_attempts_check CHECK ((attempts >= 0)),
    CONSTRAINT mail_outbox_body_html_check CHECK ((length(body_html) <= 65536)),
    CONSTRAINT mail_outbox_body_text_check CHECK ((length(body_text) <= 65536)),
    CONSTRAINT mail_outbox_check CHECK (((sent_at IS NULL) OR (failed_at IS NULL))),
    CONSTRAINT mail_outbox_kind_check CHECK ((kind = ANY (ARRAY['invitation'::text, 'password_reset'::text, 'test'::text, 'group_assignment'::text, 'participant_link'::text]))),
    CONSTRAINT mail_outbox_last_error_check CHECK ((length(last_error) <= 500)),
    CONSTRAINT mail_outbox_recipient_check CHECK (((length(recipient) <= 254) AND (recipient ~ '^[^[:space:][:cntrl:]@<>]+@[^[:space:][:cntrl:]@<>]+$'::text))),
    CONSTRAINT mail_outbox_subject_check CHECK (((btrim(subject) <> ''::text) AND (length(subject) <= 200) AND (subject !~ '[[:cntrl:]]'::text)))
);

--
-- Name: mail_outbox_id_seq; Type: SEQUENCE; Schema: public
--

CREATE SEQUENCE public.mail_outbox_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;

--
-- Name: mail_outbox_id_seq; Type: SEQUENCE OWNED BY; Schema: public
--

ALTER SEQUENCE public.mail_outbox_id_seq OWNED BY public.mail_outbox.id;

--
-- Name: participant_access; Type: TABLE; Schema: public
--

CREATE TABLE public.participant_access (
    id bigint NOT NULL,
    curp text NOT NULL COLLATE pg_catalog."C",
    link_sha256 text NOT NULL,
    requested_at timestamp with time zone DEFAULT now() NOT NULL,
    link_expires_at timestamp with time zone NOT NULL,
    used_at timestamp with time zone,
    session_sha256 text,
    csrf text,
    session_expires_at timestamp with time zone,
    CONSTRAINT participant_access_check CHECK ((link_expires_at > requested_at)),
    CONSTRAINT participant_access_check1 CHECK ((((session_sha256 IS NULL) = (csrf IS NULL)) AND ((session_sha256 IS NULL) = (session_expires_at IS NULL)))),
    CONSTRAINT participant_access_check2 CHECK (((session_sha256 IS NULL) OR (used_at IS NOT NULL))),
    CONSTRAINT participant_access_csrf_check CHECK (((length(csrf) >= 32) AND (length(csrf) <= 100))),
    CONSTRAINT participant_access_link_sha256_check CHECK ((link_sha256 ~ '^[0-9a-f]{64}$'::text)),
    CONSTRAINT participant_access_session_sha256_check CHECK ((session_sha256 ~ '^[0-9a-f]{64}$'::text))
);

ALTER TABLE ONLY public.participant_access FORCE ROW LEVEL SECURITY;

--
-- Name: participant_access_id_seq; Type: SEQUENCE; Schema: public
--

ALTER TABLE public.participant_access ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY (
    SEQUENCE NAME public.participant_access_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);

--
-- Name: participant_link_attempt; Type: TABLE; Schema: public
--

CREATE TABLE public.participant_link_attempt (
    key text NOT NULL,
    attempts integer NOT NULL,
    window_start timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT participant_link_attempt_attempts_check CHECK ((attempts >= 0)),
    CONSTRAINT participant_link_attempt_key_check CHECK (((key ~ '^(address|curp):.+$'::text) AND (length(key) <= 200)))
);

ALTER TABLE ONLY public.participant_link_attempt FORCE ROW LEVEL SECURITY;

--
-- Name: pending_upload; Type: TABLE; Schema: public
--

CREATE TABLE public.pending_upload (
    id bigint NOT NULL,
    owner_hash text NOT NULL COLLATE pg_catalog."C",
    sha256 text NOT NULL COLLATE pg_catalog."C",
    kind text NOT NULL,
    file_name text NOT NULL,
    group_code text,
    agency text,
    size_bytes bigint NOT NULL,
    issues jsonb,
    kept_at timestamp with time zone DEFAULT now() NOT NULL,
    expires_at timestamp with time zone NOT NULL,
    CONSTRAINT pending_upload_agency_check CHECK ((((char_length(agency) >= 1) AND (char_length(agency) <= 200)) AND (agency !~ '[[:cntrl:]]'::text))),
    CONSTRAINT pending_upload_check CHECK ((expires_at >= kept_at)),
    CONSTRAINT pending_upload_file_name_check CHECK ((((char_length(file_name) >= 1) AND (char_length(file_name) <= 100)) AND (file_name !~ '[[:cntrl:]/\\]'::text))),
    CONSTRAINT pending_upload_group_code_check CHECK (((char_length(group_code) >= 1) AND (char_length(group_code) <= 64))),
    CONSTRAINT pending_upload_kind_check CHECK ((kind = ANY (ARRAY['inscripcion'::text, 'resultados'::text, 'plantillas'::text]))),
    CONSTRAINT pending_upload_owner_hash_check CHECK ((owner_hash ~ '^[0-9a-f]{64}$'::text)),
    CONSTRAINT pending_upload_sha256_check CHECK ((sha256 ~ '^[0-9a-f]{64}$'::text)),
    CONSTRAINT pending_upload_size_bytes_check CHECK ((size_bytes >= 0))
);

ALTER TABLE ONLY public.pending_upload FORCE ROW LEVEL SECURITY;

--
-- Name: pending_upload_id_seq; Type: SEQUENCE; Schema: public
--

ALTER TABLE public.pending_upload ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY (
    SEQUENCE NAME public.pending_upload_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);

--
-- Name: pending_upload_part; Type: TABLE; Schema: public
--

CREATE TABLE public.pending_upload_part (
    upload_id bigint NOT NULL,
    part integer NOT NULL,
    bytes bytea NOT NULL,
    CONSTRAINT pending_upload_part_bytes_check CHECK (((octet_length(bytes) >= 1) AND (octet_length(bytes) <= 1048576))),
    CONSTRAINT pending_upload_part_part_check CHECK ((part >= 0))
);

ALTER TABLE ONLY public.pending_upload_part FORCE ROW LEVEL SECURITY;

--
-- Name: person; Type: TABLE; Schema: public
--

CREATE TABLE public.person (
    curp text NOT NULL COLLATE pg_catalog."C",
    given_names text NOT NULL,
    first_surname text NOT NULL,
    second_surname text,
    sex text NOT NULL,
    email text,
    updated_at timestamp with time zone DEFAULT now() NOT NULL,
    batch_id bigint,
    CONSTRAINT person_curp_check CHECK ((curp ~ '^[A-Z][AEIOUX][A-Z]{2}[0-9]{6}[HMX][A-Z]{2}[B-DF-HJ-NP-TV-Z]{3}[0-9A-Z][0-9]$'::text)),
    CONSTRAINT person_first_surname_check CHECK ((btrim(first_surname) <> ''::text)),
    CONSTRAINT person_given_names_check CHECK ((btrim(given_names) <> ''::text)),
    CONSTRAINT person_sex_check CHECK ((sex = ANY (ARRAY['H'::text, 'M'::text, 'X'::text])))
);

ALTER TABLE ONLY public.person FORCE ROW LEVEL SECURITY;

--
-- Name: person_agency; Type: TABLE; Schema: public
--

CREATE TABLE public.person_agency (
    curp text NOT NULL COLLATE pg_catalog."C",
    agency_code text NOT NULL COLLATE pg_catalog."C",
    given_names text NOT NULL,
    first_surname text NOT NULL,
    second_surname text,
    sex text NOT NULL,
    email text,
    batch_id bigint,
    updated_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT person_agency_first_surname_check CHECK ((btrim(first_surname) <> ''::text)),
    CONSTRAINT person_agency_given_names_check CHECK ((btrim(given_names) <> ''::text)),
    CONSTRAINT person_agency_sex_check CHECK ((sex = ANY (ARRAY['H'::text, 'M'::text, 'X'::text])))
);

ALTER TABLE ONLY public.person_agency FORCE ROW LEVEL SECURITY;

--
-- Name: person_anonymized; Type: TABLE; Schema: public
--

CREATE TABLE public.person_anonymized (
    curp text NOT NULL COLLATE pg_catalog."C",
    anonymized_on date DEFAULT CURRENT_DATE NOT NULL,
    CONSTRAINT person_anonymized_curp_check CHECK ((curp ~ '^XXXX[0-9]{2}00[0-9]{2}[HMX]XX[B-DF-HJ-NP-TV-Z]{3}[0-9A-Z][0-9]$'::text))
);

ALTER TABLE ONLY public.person_anonymized FORCE ROW LEVEL SECURITY;

--
-- Name: person_history; Type: TABLE; Schema: public
--

CREATE TABLE public.person_history (
    id bigint NOT NULL,
    curp text NOT NULL COLLATE pg_catalog."C",
    given_names text NOT NULL,
    first_surname text NOT NULL,
    second_surname text,
    sex text NOT NULL,
    email text,
    batch_id bigint,
    changed_by_batch bigint,
    changed_by text,
    changed_at timestamp with time zone DEFAULT now() NOT NULL,
    arco_request_id bigint
);

ALTER TABLE ONLY public.person_history FORCE ROW LEVEL SECURITY;

--
-- Name: person_history_id_seq; Type: SEQUENCE; Schema: public
--

CREATE SEQUENCE public.person_history_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;

--
-- Name: person_history_id_seq; Type: SEQUENCE OWNED BY; Schema: public
--

ALTER SEQUENCE public.person_history_id_seq OWNED BY public.person_history.id;

--
-- Name: person_mail_opt_out; Type: TABLE; Schema: public
--

CREATE TABLE public.person_mail_opt_out (
    curp text NOT NULL COLLATE pg_catalog."C",
    since timestamp with time zone DEFAULT now() NOT NULL,
    request_id bigint,
    set_by text NOT NULL
);

ALTER TABLE ONLY public.person_mail_opt_out FORCE ROW LEVEL SECURITY;

--
-- Name: report_change; Type: TABLE; Schema: public
--

CREATE TABLE public.report_change (
    id bigint NOT NULL,
    at timestamp with time zone DEFAULT now() NOT NULL
);

--
-- Name: report_change_id_seq; Type: SEQUENCE; Schema: public
--

CREATE SEQUENCE public.report_change_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;

--
-- Name: report_change_id_seq; Type: SEQUENCE OWNED BY; Schema: public
--

ALTER SEQUENCE public.report_change_id_seq OWNED BY public.report_change.id;

--
-- Name: result_history; Type: TABLE; Schema: public
--

CREATE TABLE public.result_history (
    id bigint NOT NULL,
    group_code text NOT NULL COLLATE pg_catalog."C",
    curp text NOT NULL COLLATE pg_catalog."C",
    agency_code text NOT NULL COLLATE pg_catalog."C",
    status text NOT NULL,
    attendance numeric(5,2),
    pre_score numeric(5,2),
    post_score numeric(5,2),
    final_score numeric(5,2),
    reaction_methodology smallint,
    reaction_instructors smallint,
    reaction_contents smallint,
    reaction_infrastructure smallint,
    rule_min_score numeric(5,2),
    rule_min_attendance numeric(5,2),
    results_batch_id bigint,
    changed_by_batch bigint,
    changed_by text,
    changed_at timestamp with time zone DEFAULT now() NOT NULL
);

ALTER TABLE ONLY public.result_history FORCE ROW LEVEL SECURITY;

--
-- Name: result_history_id_seq; Type: SEQUENCE; Schema: public
--

CREATE SEQUENCE public.result_history_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;

--
-- Name: result_history_id_seq; Type: SEQUENCE OWNED BY; Schema: public
--

ALTER SEQUENCE public.result_history_id_seq OWNED BY public.result_history.id;

--
-- Name: schema_migration; Type: TABLE; Schema: public
--

CREATE TABLE public.schema_migration (
    version integer NOT NULL,
    name text NOT NULL,
    checksum text NOT NULL,
    applied_at timestamp with time zone DEFAULT now() NOT NULL
);

--
-- Name: session_evidence; Type: TABLE; Schema: public
--

CREATE TABLE public.session_evidence (
    id bigint NOT NULL,
    group_code text NOT NULL COLLATE pg_catalog."C",
    session_date date NOT NULL,
    starts_at time(0) without time zone,
    media_type text NOT NULL,
    file_name text NOT NULL,
    size_bytes integer NOT NULL,
    sha256 text NOT NULL COLLATE pg_catalog."C",
    content bytea NOT NULL,
    attached_by text NOT NULL,
    attached_role text NOT NULL,
    attached_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT session_evidence_attached_by_check CHECK ((btrim(attached_by) <> ''::text)),
    CONSTRAINT session_evidence_attached_role_check CHECK ((attached_role = ANY (ARRAY['admin'::text, 'enlace'::text, 'instructor'::text]))),
    CONSTRAINT session_evidence_file_name_check CHECK ((((char_length(file_name) >= 1) AND (char_length(file_name) <= 100)) AND (file_name !~ '[[:cntrl:]/\\]'::text))),
    CONSTRAINT session_evidence_media_type_check CHECK ((media_type = ANY (ARRAY['application/pdf'::text, 'image/jpeg'::text, 'image/png'::text]))),
    CONSTRAINT session_evidence_sha256 CHECK ((sha256 = encode(sha256(content), 'hex'::text))),
    CONSTRAINT session_evidence_sha256_check CHECK ((sha256 ~ '^[0-9a-f]{64}$'::text)),
    CONSTRAINT session_evidence_size CHECK ((size_bytes = octet_length(content))),
    CONSTRAINT session_evidence_size_bytes_check CHECK ((size_bytes > 0)),
    CONSTRAINT session_evidence_type CHECK ((((media_type = 'application/pdf'::text) AND (SUBSTRING(content FROM 1 FOR 5) = '\x255044462d'::bytea)) OR ((media_type = 'image/jpeg'::text) AND (SUBSTRING(content FROM 1 FOR 3) = '\xffd8ff'::bytea)) OR ((media_type = 'image/png'::text) AND (SUBSTRING(content FROM 1 FOR 8) = '\x89504e470d0a1a0a'::bytea))))
);
ALTER TABLE ONLY public.session_evidence ALTER COLUMN content SET STORAGE EXTERNAL;

ALTER TABLE ONLY public.session_evidence FORCE ROW LEVEL SECURITY;

--
-- Name: session_evidence_id_seq; Type: SEQUENCE; Schema: public
--

ALTER TABLE public.session_evidence ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY (
    SEQUENCE NAME public.session_evidence_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);

--
-- Name: sign_in_failure; Type: TABLE; Schema: public
--

CREATE TABLE public.sign_in_failure (
    key text NOT NULL,
    failures integer NOT NULL,
    window_start timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT sign_in_failure_failures_check CHECK ((failures >= 0)),
    CONSTRAINT sign_in_failure_key_check CHECK (((key ~ '^(address|account):.+$'::text) AND (length(key) <= 200)))
);

--
-- Name: sign_in_form_used; Type: TABLE; Schema: public
--

CREATE TABLE public.sign_in_form_used (
    sha256 text NOT NULL,
    expires_at timestamp with time zone NOT NULL,
    CONSTRAINT sign_in_form_used_sha256_check CHECK ((sha256 ~ '^[0-9a-f]{64}$'::text))
);

--
-- Name: sign_in_secret; Type: TABLE; Schema: public
--

CREATE TABLE public.sign_in_secret (
    only_row boolean DEFAULT true NOT NULL,
    secret text NOT NULL,
    CONSTRAINT sign_in_secret_only_row_check CHECK (only_row),
    CONSTRAINT sign_in_secret_secret_check CHECK ((secret ~ '^[0-9a-f]{64}$'::text))
);

--
-- Name: trained_dirty; Type: TABLE; Schema: public
--

CREATE TABLE public.trained_dirty (
    id bigint NOT NULL,
    curps text[] NOT NULL COLLATE pg_catalog."C"
);

ALTER TABLE ONLY public.trained_dirty FORCE ROW LEVEL SECURITY;

--
-- Name: trained_dirty_id_seq; Type: SEQUENCE; Schema: public
--

CREATE SEQUENCE public.trained_dirty_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;

--
-- Name: trained_dirty_id_seq; Type: SEQUENCE OWNED BY; Schema: public
--

ALTER SEQUENCE public.trained_dirty_id_seq OWNED BY public.trained_dirty.id;

--
-- Name: trained_year; Type: TABLE; Schema: public
--

CREATE TABLE public.trained_year (
    curp text NOT NULL COLLATE pg_catalog."C",
    year integer NOT NULL,
    agency_code text NOT NULL COLLATE pg_catalog."C",
    tier text NOT NULL,
    next_year integer,
    CONSTRAINT trained_year_check CHECK ((next_year > year))
);

ALTER TABLE ONLY public.trained_year FORCE ROW LEVEL SECURITY;

--
-- Name: training_group; Type: TABLE; Schema: public
--

CREATE TABLE public.training_group (
    code text NOT NULL COLLATE pg_catalog."C",
    course_code text COLLATE pg_catalog."C",
    kind text NOT NULL,
    agency_code text NOT NULL COLLATE pg_catalog."C",
    starts_on date NOT NULL,
    ends_on date,
    modality text,
    state text,
    capacity integer,
    general_public integer DEFAULT 0 NOT NULL,
    public_servants integer DEFAULT 0 NOT NULL,
    batch_id bigint,
    updated_at timestamp with time zone DEFAULT now() NOT NULL,
    format text,
    partner text,
    CONSTRAINT training_group_capacity_check CHECK ((capacity > 0)),
    CONSTRAINT training_group_check CHECK ((ends_on >= starts_on)),
    CONSTRAINT training_group_code_check CHECK (((code <> ''::text) AND (code = upper(code)))),
    CONSTRAINT training_group_course_has_capacity CHECK (((course_code IS NULL) OR (capacity IS NOT NULL))),
    CONSTRAINT training_group_format_known CHECK ((format = ANY (ARRAY['platica'::text, 'curso'::text, 'taller'::text, 'conferencia'::text, 'obra_de_teatro'::text, 'video'::text, 'otro'::text]))),
    CONSTRAINT training_group_general_public_check CHECK ((general_public >= 0)),
    CONSTRAINT training_group_kind_check CHECK ((kind = ANY (ARRAY['capacitacion'::text, 'sensibilizacion'::text]))),
    CONSTRAINT training_group_modality_check CHECK ((modality = ANY (ARRAY['presencial'::text, 'en_linea'::text, 'mixta'::text]))),
    CONSTRAINT training_group_partner_clean CHECK (((partner IS NULL) OR (((char_length(partner) >= 1) AND (char_length(partner) <= 200)) AND (partner = btrim(partner)) AND (POSITION(('  '::text) IN (partner)) = 0) AND (partner !~ '[[:cntrl:]]'::text)))),
    CONSTRAINT training_group_public_servants_check CHECK ((public_servants >= 0)),
    CONSTRAINT training_group_state_check CHECK ((state ~ '^[A-Z]{2}$'::text))
);

ALTER TABLE ONLY public.training_group FORCE ROW LEVEL SECURITY;

--
-- Name: web_session; Type: TABLE; Schema: public
--

CREATE TABLE public.web_session (
    sha256 text NOT NULL,
    token_id bigint,
    csrf text NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    expires_at timestamp with time zone NOT NULL,
    account_id bigint,
    pending boolean DEFAULT false NOT NULL,
    user_agent text,
    id bigint NOT NULL,
    CONSTRAINT web_session_csrf_check CHECK (((length(csrf) >= 32) AND (length(csrf) <= 100))),
    CONSTRAINT web_session_holder CHECK (((token_id IS NULL) <> (account_id IS NULL))),
    CONSTRAINT web_session_pending CHECK (((NOT pending) OR (account_id IS NOT NULL))),
    CONSTRAINT web_session_sha256_check CHECK ((sha256 ~ '^[0-9a-f]{64}$'::text)),
    CONSTRAINT web_session_user_agent_check CHECK ((length(user_agent) <= 300))
);

--
-- Name: web_session_id_seq; Type: SEQUENCE; Schema: public
--

CREATE SEQUENCE public.web_session_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;

--
-- Name: web_session_id_seq; Type: SEQUENCE OWNED BY; Schema: public
--

ALTER SEQUENCE public.web_session_id_seq OWNED BY public.web_session.id;

--
-- Name: account id; Type: DEFAULT; Schema: public
--

ALTER TABLE ONLY public.account ALTER COLUMN id SET DEFAULT nextval('public.account_id_seq'::regclass);

--
-- Name: account_invitation id; Type: DEFAULT; Schema: public
--

ALTER TABLE ONLY public.account_invitation ALTER COLUMN id SET DEFAULT nextval('public.account_invitation_id_seq'::regclass);

--
-- Name: api_token id; Type: DEFAULT; Schema: public
--

ALTER TABLE ONLY public.api_token ALTER COLUMN id SET DEFAULT nextval('public.api_token_id_seq'::regclass);

--
-- Name: audit_log id; Type: DEFAULT; Schema: public
--

ALTER TABLE ONLY public.audit_log ALTER COLUMN id SET DEFAULT nextval('public.audit_log_id_seq'::regclass);

--
-- Name: ficha id; Type: DEFAULT; Schema: public
--

ALTER TABLE ONLY public.ficha ALTER COLUMN id SET DEFAULT nextval('public.ficha_id_seq'::regclass);

--
-- Name: import_batch id; Type: DEFAULT; Schema: public
--

ALTER TABLE ONLY public.import_batch ALTER COLUMN id SET DEFAULT nextval('public.import_batch_id_seq'::regclass);

--
-- Name: mail_outbox id; Type: DEFAULT; Schema: public
--

ALTER TABLE ONLY public.mail_outbox ALTER COLUMN id SET DEFAULT nextval('public.mail_outbox_id_seq'::regclass);

--
-- Name: person_history id; Type: DEFAULT; Schema: public
--

ALTER TABLE ONLY public.person_history ALTER COLUMN id SET DEFAULT nextval('public.person_history_id_seq'::regclass);

--
-- Name: report_change id; Type: DEFAULT; Schema: public
--

ALTER TABLE ONLY public.report_change ALTER COLUMN id SET DEFAULT nextval('public.report_change_id_seq'::regclass);

--
-- Name: result_history id; Type: DEFAULT; Schema: public
--

ALTER TABLE ONLY public.result_history ALTER COLUMN id SET DEFAULT nextval('public.result_history_id_seq'::regclass);

--
-- Name: trained_dirty id; Type: DEFAULT; Schema: public
--

ALTER TABLE ONLY public.trained_dirty ALTER COLUMN id SET DEFAULT nextval('public.trained_dirty_id_seq'::regclass);

--
-- Name: web_session id; Type: DEFAULT; Schema: public
--

ALTER TABLE ONLY public.web_session ALTER COLUMN id SET DEFAULT nextval('public.web_session_id_seq'::regclass);

--
-- Name: account_invitation account_invitation_pkey; Type: CONSTRAINT; Schema: public
--

ALTER TABLE ONLY public.account_invitation
    ADD CONSTRAINT account_invitation_pkey PRIMARY KEY (id);

--
-- Name: account_link account_link_pkey; Type: CONSTRAINT; Schema: public
--

ALTER TABLE ONLY public.account_link
    ADD CONSTRAINT account_link_pkey PRIMARY KEY (sha256);

--
-- Name: account_person account_person_pkey; Type: CONSTRAINT; Schema: public
--

ALTER TABLE ONLY public.account_person
    ADD CONSTRAINT account_person_pkey PRIMARY KEY (account_id);

--
-- Name: account account_pkey; Type: CONSTRAINT; Schema: public
--

ALTER TABLE ONLY public.account
    ADD CONSTRAINT account_pkey PRIMARY KEY (id);

--
-- Name: account_recovery_code account_recovery_code_pkey; Type: CONSTRAINT; Schema: public
--

ALTER TABLE ONLY public.account_recovery_code
    ADD CONSTRAINT account_recovery_code_pkey PRIMARY KEY (account_id, sha256);

--
-- Name: agency_former_name agency_former_name_pkey; Type: CONSTRAINT; Schema: public
--

ALTER TABLE ONLY public.agency_former_name
    ADD CONSTRAINT agency_former_name_pkey PRIMARY KEY (agency_code, name);

--
-- Name: agency agency_pkey; Type: CONSTRAINT; Schema: public
--

ALTER TABLE ONLY public.agency
    ADD CONSTRAINT agency_pkey PRIMARY KEY (code);

--
-- Name: api_token api_token_pkey; Type: CONSTRAINT; Schema: public
--

ALTER TABLE ONLY public.api_token
    ADD CONSTRAINT api_token_pkey PRIMARY KEY (id);

--
-- Name: api_token api_token_sha256_key; Type: CONSTRAINT; Schema: public
--

ALTER TABLE ONLY public.api_token
    ADD CONSTRAINT api_token_sha256_key UNIQUE (sha256);

--
-- Name: arco_request arco_request_pkey; Type: CONSTRAINT; Schema: public
--

ALTER TABLE ONLY public.arco_request
    ADD CONSTRAINT arco_request_pkey PRIMARY KEY (id);

--
-- Name: attendance_mark attendance_mark_once; Type: CONSTRAINT; Schema: public
--

ALTER TABLE ONLY public.attendance_mark
    ADD CONSTRAINT attendance_mark_once UNIQUE NULLS NOT DISTINCT (group_code, curp, session_date, starts_at);

--
-- Name: audit_log audit_log_pkey; Type: CONSTRAINT; Schema: public
--

ALTER TABLE ONLY public.audit_log
    ADD CONSTRAINT audit_log_pkey PRIMARY KEY (id);

--
-- Name: constancia constancia_code_key; Type: CONSTRAINT; Schema: public
--

ALTER TABLE ONLY public.constancia
    ADD CONSTRAINT constancia_code_key UNIQUE (code);

--
-- Name: constancia_pdf constancia_pdf_pkey; Type: CONSTRAINT; Schema: public
--

ALTER TABLE ONLY public.constancia_pdf
    ADD CONSTRAINT constancia_pdf_pkey PRIMARY KEY (folio, sha256);

--
-- Name: constancia constancia_pkey; Type: CONSTRAINT; Schema: public
--

ALTER TABLE ONLY public.constancia
    ADD CONSTRAINT constancia_pkey PRIMARY KEY (folio);

--
-- Name: constancia_sequence constancia_sequence_pkey; Type: CONSTRAINT; Schema: public
--

ALTER TABLE ONLY public.constancia_sequence
    ADD CONSTRAINT constancia_sequence_pkey PRIMARY KEY (year);

--
-- Name: constancia constancia_year_sequence_key; Type: CONSTRAINT; Schema: public
--

ALTER TABLE ONLY public.constancia
    ADD CONSTRAINT constancia_year_sequence_key UNIQUE (year, sequence);

--
-- Name: course course_pkey; Type: CONSTRAINT; Schema: public
--

ALTER TABLE ONLY public.course
    ADD CONSTRAINT course_pkey PRIMARY KEY (code);

--
-- Name: course_prerequisite course_prerequisite_pkey; Type: CONSTRAINT; Schema: public
--

ALTER TABLE ONLY public.course_prerequisite
    ADD CONSTRAINT course_prerequisite_pkey PRIMARY KEY (course_code, requires_code);

--
-- Name: enrollment enrollment_pkey; Type: CONSTRAINT; Schema: public
--

ALTER TABLE ONLY public.enrollment
    ADD CONSTRAINT enrollment_pkey PRIMARY KEY (group_code, curp);

--
-- Name: ficha ficha_agency_code_year_version_key; Type: CONSTRAINT; Schema: public
--

ALTER TABLE ONLY public.ficha
    ADD CONSTRAINT ficha_agency_code_year_version_key UNIQUE (agency_code, year, version);

--
-- Name: ficha ficha_pkey; Type: CONSTRAINT; Schema: public
--

ALTER TABLE ONLY public.ficha
    ADD CONSTRAINT ficha_pkey PRIMARY KEY (id);

--
-- Name: group_instructor group_instructor_pkey; Type: CONSTRAINT; Schema: public
--

ALTER TABLE ONLY public.group_instructor
    ADD CONSTRAINT group_instructor_pkey PRIMARY KEY (group_code, user_name);

--
-- Name: group_session group_session_pkey; Type: CONSTRAINT; Schema: public
--

ALTER TABLE ONLY public.group_session
    ADD CONSTRAINT group_session_pkey PRIMARY KEY (group_code, session_date, starts_at);

--
-- Name: headcount headcount_pkey; Type: CONSTRAINT; Schema: public
--

ALTER TABLE ONLY public.headcount
    ADD CONSTRAINT headcount_pkey PRIMARY KEY (agency_code, year);

--
-- Name: import_batch import_batch_pkey; Type: CONSTRAINT; Schema: public
--

ALTER TABLE ONLY public.import_batch
    ADD CONSTRAINT import_batch_pkey PRIMARY KEY (id);

--
-- Name: mail_outbox mail_outbox_pkey; Type: CONSTRAINT; Schema: public
--

ALTER TABLE ONLY public.mail_outbox
    ADD CONSTRAINT mail_outbox_pkey PRIMARY KEY (id);

--
-- Name: participant_access participant_access_link_sha256_key; Type: CONSTRAINT; Schema: public
--

ALTER TABLE ONLY public.participant_access
    ADD CONSTRAINT participant_access_link_sha256_key UNIQUE (link_sha256);

--
-- Name: participant_access participant_access_pkey; Type: CONSTRAINT; Schema: public
--

ALTER TABLE ONLY public.participant_access
    ADD CONSTRAINT participant_access_pkey PRIMARY KEY (id);

--
-- Name: participant_access participant_access_session_sha256_key; Type: CONSTRAINT; Schema: public
--

ALTER TABLE ONLY public.participant_access
    ADD CONSTRAINT participant_access_session_sha256_key UNIQUE (session_sha256);

--
-- Name: participant_link_attempt participant_link_attempt_pkey; Type: CONSTRAINT; Schema: public
--

ALTER TABLE ONLY public.participant_link_attempt
    ADD CONSTRAINT participant_link_attempt_pkey PRIMARY KEY (key);

--
-- Name: pending_upload pending_upload_once; Type: CONSTRAINT; Schema: public
--

ALTER TABLE ONLY public.pending_upload
    ADD CONSTRAINT pending_upload_once UNIQUE (owner_hash, sha256);

--
-- Name: pending_upload_part pending_upload_part_pkey; Type: CONSTRAINT; Schema: public
--

ALTER TABLE ONLY public.pending_upload_part
    ADD CONSTRAINT pending_upload_part_pkey PRIMARY KEY (upload_id, part);

--
-- Name: pending_upload pending_upload_pkey; Type: CONSTRAINT; Schema: public
--

ALTER TABLE ONLY public.pending_upload
    ADD CONSTRAINT pending_upload_pkey PRIMARY KEY (id);

--
-- Name: person_agency person_agency_pkey; Type: CONSTRAINT; Schema: public
--

ALTER TABLE ONLY public.person_agency
    ADD CONSTRAINT person_agency_pkey PRIMARY KEY (curp, agency_code);

--
-- Name: person_anonymized person_anonymized_pkey; Type: CONSTRAINT; Schema: public
--

ALTER TABLE ONLY public.person_anonymized
    ADD CONSTRAINT person_anonymized_pkey PRIMARY KEY (curp);

--
-- Name: person_history person_history_pkey; Type: CONSTRAINT; Schema: public
--

ALTER TABLE ONLY public.person_history
    ADD CONSTRAINT person_history_pkey PRIMARY KEY (id);

--
-- Name: person_mail_opt_out person_mail_opt_out_pkey; Type: CONSTRAINT; Schema: public
--

ALTER TABLE ONLY public.person_mail_opt_out
    ADD CONSTRAINT person_mail_opt_out_pkey PRIMARY KEY (curp);

--
-- Name: person person_pkey; Type: CONSTRAINT; Schema: public
--

ALTER TABLE ONLY public.person
    ADD CONSTRAINT person_pkey PRIMARY KEY (curp);

--
-- Name: report_change report_change_pkey; Type: CONSTRAINT; Schema: public
--

ALTER TABLE ONLY public.report_change
    ADD CONSTRAINT report_change_pkey PRIMARY KEY (id);

--
-- Name: result_history result_history_pkey; Type: CONSTRAINT; Schema: public
--

ALTER TABLE ONLY public.result_history
    ADD CONSTRAINT result_history_pkey PRIMARY KEY (id);

--
-- Name: schema_migration schema_migration_pkey; Type: CONSTRAINT; Schema: public
--

ALTER TABLE ONLY public.schema_migration
    ADD CONSTRAINT schema_migration_pkey PRIMARY KEY (version);

--
-- Name: session_evidence session_evidence_once; Type: CONSTRAINT; Schema: public
--

ALTER TABLE ONLY public.session_evidence
    ADD CONSTRAINT session_evidence_once UNIQUE NULLS NOT DISTINCT (group_code, session_date, starts_at, sha256);

--
-- Name: session_evidence session_evidence_pkey; Type: CONSTRAINT; Schema: public
--

ALTER TABLE ONLY public.session_evidence
    ADD CONSTRAINT session_evidence_pkey PRIMARY KEY (id);

--
-- Name: sign_in_failure sign_in_failure_pkey; Type: CONSTRAINT; Schema: public
--

ALTER TABLE ONLY public.sign_in_failure
    ADD CONSTRAINT sign_in_failure_pkey PRIMARY KEY (key);

--
-- Name: sign_in_form_used sign_in_form_used_pkey; Type: CONSTRAINT; Schema: public
--

ALTER TABLE ONLY public.sign_in_form_used
    ADD CONSTRAINT sign_in_form_used_pkey PRIMARY KEY (sha256);

--
-- Name: sign_in_secret sign_in_secret_pkey; Type: CONSTRAINT; Schema: public
--

ALTER TABLE ONLY public.sign_in_secret
    ADD CONSTRAINT sign_in_secret_pkey PRIMARY KEY (only_row);

--
-- Name: trained_dirty trained_dirty_pkey; Type: CONSTRAINT; Schema: public
--

ALTER TABLE ONLY public.trained_dirty
    ADD CONSTRAINT trained_dirty_pkey PRIMARY KEY (id);

--
-- Name: trained_year trained_year_pkey; Type: CONSTRAINT; Schema: public
--

ALTER TABLE ONLY public.trained_year
    ADD CONSTRAINT trained_year_pkey PRIMARY KEY (curp, year);

--
-- Name: training_group training_group_pkey; Type: CONSTRAINT; Schema: public
--

ALTER TABLE ONLY public.training_group
    ADD CONSTRAINT training_group_pkey PRIMARY KEY (code);

--
-- Name: web_session web_session_id_key; Type: CONSTRAINT; Schema: public
--

ALTER TABLE ONLY public.web_session
    ADD CONSTRAINT web_session_id_key UNIQUE (id);

--
-- Name: web_session web_session_pkey; Type: CONSTRAINT; Schema: public
--

ALTER TABLE ONLY public.web_session
    ADD CONSTRAINT web_session_pkey PRIMARY KEY (sha256);

--
-- Name: account_email; Type: INDEX; Schema: public
--

CREATE UNIQUE INDEX account_email ON public.account USING btree (lower(email));

--
-- Name: account_invitation_agency; Type: INDEX; Schema: public
--

CREATE INDEX account_invitation_agency ON public.account_invitation USING btree (agency_code, id);

--
-- Name: account_link_account; Type: INDEX; Schema: public
--

CREATE INDEX account_link_account ON public.account_link USING btree (account_id);

--
-- Name: account_person_curp; Type: INDEX; Schema: public
--

CREATE INDEX account_person_curp ON public.account_person USING btree (curp);

--
-- Name: api_token_account_name; Type: INDEX; Schema: public
--

CREATE UNIQUE INDEX api_token_account_name ON public.api_token USING btree (account_id, name) WHERE ((account_id IS NOT NULL) AND (revoked_at IS NULL));

--
-- Name: api_token_name; Type: INDEX; Schema: public
--

CREATE UNIQUE INDEX api_token_name ON public.api_token USING btree (name) WHERE (account_id IS NULL);

--
-- Name: arco_request_curp; Type: INDEX; Schema: public
--

CREATE INDEX arco_request_curp ON public.arco_request USING btree (curp);

--
-- Name: arco_request_open; Type: INDEX; Schema: public
--

CREATE INDEX arco_request_open ON public.arco_request USING btree (due_on) WHERE (closed_at IS NULL);

--
-- Name: audit_log_agency_at; Type: INDEX; Schema: public
--

CREATE INDEX audit_log_agency_at ON public.audit_log USING btree (agency_code, at);

--
-- Name: audit_log_batch; Type: INDEX; Schema: public
--

CREATE INDEX audit_log_batch ON public.audit_log USING btree (batch_id) WHERE (batch_id IS NOT NULL);

--
-- Name: constancia_one_valid; Type: INDEX; Schema: public
--

CREATE UNIQUE INDEX constancia_one_valid ON public.constancia USING btree (group_code, curp) WHERE (revoked_at IS NULL);

--
-- Name: enrollment_acreditado; Type: INDEX; Schema: public
--

CREATE INDEX enrollment_acreditado ON public.enrollment USING btree (group_code) INCLUDE (curp, agency_code, tier) WHERE (status = 'acreditado'::text);

--
-- Name: enrollment_acreditado_curp; Type: INDEX; Schema: public
--

CREATE INDEX enrollment_acreditado_curp ON public.enrollment USING btree (curp) WHERE (status = 'acreditado'::text);

--
-- Name: enrollment_agency; Type: INDEX; Schema: public
--

CREATE INDEX enrollment_agency ON public.enrollment USING btree (agency_code);

--
-- Name: enrollment_curp; Type: INDEX; Schema: public
--

CREATE INDEX enrollment_curp ON public.enrollment USING btree (curp);

--
-- Name: enrollment_results_batch; Type: INDEX; Schema: public
--

CREATE INDEX enrollment_results_batch ON public.enrollment USING btree (results_batch_id) WHERE (results_batch_id IS NOT NULL);

--
-- Name: ficha_current; Type: INDEX; Schema: public
--

CREATE UNIQUE INDEX ficha_current ON public.ficha USING btree (agency_code, year) WHERE (superseded_at IS NULL);

--
-- Name: group_instructor_user; Type: INDEX; Schema: public
--

CREATE INDEX group_instructor_user ON public.group_instructor USING btree (user_name);

--
-- Name: import_batch_agency; Type: INDEX; Schema: public
--

CREATE INDEX import_batch_agency ON public.import_batch USING btree (agency_code);

--
-- Name: mail_outbox_done; Type: INDEX; Schema: public
--

CREATE INDEX mail_outbox_done ON public.mail_outbox USING btree (COALESCE(sent_at, failed_at));

--
-- Name: mail_outbox_pending; Type: INDEX; Schema: public
--

CREATE INDEX mail_outbox_pending ON public.mail_outbox USING btree (id) WHERE ((sent_at IS NULL) AND (failed_at IS NULL));

--
-- Name: participant_access_curp; Type: INDEX; Schema: public
--

CREATE INDEX participant_access_curp ON public.participant_access USING btree (curp);

--
-- Name: participant_access_end; Type: INDEX; Schema: public
--

CREATE INDEX participant_access_end ON public.participant_access USING btree (COALESCE(session_expires_at, link_expires_at));

--
-- Name: participant_link_attempt_window; Type: INDEX; Schema: public
--

CREATE INDEX participant_link_attempt_window ON public.participant_link_attempt USING btree (window_start);

--
-- Name: pending_upload_expiry; Type: INDEX; Schema: public
--

CREATE INDEX pending_upload_expiry ON public.pending_upload USING btree (expires_at);

--
-- Name: person_agency_agency; Type: INDEX; Schema: public
--

CREATE INDEX person_agency_agency ON public.person_agency USING btree (agency_code);

--
-- Name: person_history_curp; Type: INDEX; Schema: public
--

CREATE INDEX person_history_curp ON public.person_history USING btree (curp);

--
-- Name: result_history_enrollment; Type: INDEX; Schema: public
--

CREATE INDEX result_history_enrollment ON public.result_history USING btree (group_code, curp);

--
-- Name: session_evidence_group; Type: INDEX; Schema: public
--

CREATE INDEX session_evidence_group ON public.session_evidence USING btree (group_code, session_date, starts_at);

--
-- Name: sign_in_failure_window; Type: INDEX; Schema: public
--

CREATE INDEX sign_in_failure_window ON public.sign_in_failure USING btree (window_start);

--
-- Name: sign_in_form_used_expiry; Type: INDEX; Schema: public
--

CREATE INDEX sign_in_form_used_expiry ON public.sign_in_form_used USING btree (expires_at);

--
-- Name: trained_year_year; Type: INDEX; Schema: public
--

CREATE INDEX trained_year_year ON public.trained_year USING btree (year) INCLUDE (next_year, agency_code, tier);

--
-- Name: training_group_agency; Type: INDEX; Schema: public
--

CREATE INDEX training_group_agency ON public.training_group USING btree (agency_code);

--
-- Name: training_group_course; Type: INDEX; Schema: public
--

CREATE INDEX training_group_course ON public.training_group USING btree (course_code);

--
-- Name: training_group_ended_on; Type: INDEX; Schema: public
--

CREATE INDEX training_group_ended_on ON public.training_group USING btree (COALESCE(ends_on, starts_on));

--
-- Name: training_group_starts_on; Type: INDEX; Schema: public
--

CREATE INDEX training_group_starts_on ON public.training_group USING btree (starts_on);

--
-- Name: web_session_account; Type: INDEX; Schema: public
--

CREATE INDEX web_session_account ON public.web_session USING btree (account_id);

--
-- Name: web_session_token; Type: INDEX; Schema: public
--

CREATE INDEX web_session_token ON public.web_session USING btree (token_id);

--
-- Name: training_group attendance_group_dates; Type: TRIGGER; Schema: public
--

CREATE TRIGGER attendance_group_dates AFTER UPDATE ON public.training_group REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION public.attendance_group_sessions_check();

--
-- Name: attendance_mark attendance_mark_session_insert; Type: TRIGGER; Schema: public
--

CREATE TRIGGER attendance_mark_session_insert AFTER INSERT ON public.attendance_mark REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION public.attendance_mark_session_check();

--
-- Name: attendance_mark attendance_mark_session_update; Type: TRIGGER; Schema: public
--

CREATE TRIGGER attendance_mark_session_update AFTER UPDATE ON public.attendance_mark REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION public.attendance_mark_session_check();

--
-- Name: group_session attendance_sessions_delete; Type: TRIGGER; Schema: public
--

CREATE TRIGGER attendance_sessions_delete AFTER DELETE ON public.group_session REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION public.attendance_group_sessions_check();

--
-- Name: group_session attendance_sessions_insert; Type: TRIGGER; Schema: public
--

CREATE TRIGGER attendance_sessions_insert AFTER INSERT ON public.group_session REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION public.attendance_group_sessions_check();

--
-- Name: group_session attendance_sessions_update; Type: TRIGGER; Schema: public
--

CREATE TRIGGER attendance_sessions_update AFTER UPDATE ON public.group_session REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION public.attendance_group_sessions_check();

--
-- Name: audit_log audit_log_no_truncate; Type: TRIGGER; Schema: public
--

CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON public.audit_log FOR EACH STATEMENT EXECUTE FUNCTION public.audit_log_refuse();

ALTER TABLE public.audit_log ENABLE ALWAYS TRIGGER audit_log_no_truncate;

--
-- Name: audit_log audit_log_no_update; Type: TRIGGER; Schema: public
--

CREATE TRIGGER audit_log_no_update BEFORE DELETE OR UPDATE ON public.audit_log FOR EACH ROW EXECUTE FUNCTION public.audit_log_refuse();

ALTER TABLE public.audit_log ENABLE ALWAYS TRIGGER audit_log_no_update;

--
-- Name: constancia constancia_not_after_cancellation; Type: TRIGGER; Schema: public
--

CREATE TRIGGER constancia_not_after_cancellation BEFORE INSERT ON public.constancia FOR EACH ROW EXECUTE FUNCTION public.constancia_not_after_cancellation();

ALTER TABLE public.constancia ENABLE ALWAYS TRIGGER constancia_not_after_cancellation;

--
-- Name: enrollment enrollment_instructor_guard; Type: TRIGGER; Schema: public
--

CREATE TRIGGER enrollment_instructor_guard BEFORE UPDATE ON public.enrollment FOR EACH ROW WHEN ((NULLIF(current_setting('capacita.role'::text, true), ''::text) = 'instructor'::text)) EXECUTE FUNCTION public.enrollment_instructor_guard();

--
-- Name: person person_history; Type: TRIGGER; Schema: public
--

CREATE TRIGGER person_history AFTER UPDATE ON public.person REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION public.person_history_capture();

ALTER TABLE public.person ENABLE ALWAYS TRIGGER person_history;

--
-- Name: agency report_change; Type: TRIGGER; Schema: public
--

CREATE TRIGGER report_change AFTER INSERT OR DELETE OR UPDATE OR TRUNCATE ON public.agency FOR EACH STATEMENT EXECUTE FUNCTION public.report_change_note();

ALTER TABLE public.agency ENABLE ALWAYS TRIGGER report_change;

--
-- Name: agency_former_name report_change; Type: TRIGGER; Schema: public
--

CREATE TRIGGER report_change AFTER INSERT OR DELETE OR UPDATE OR TRUNCATE ON public.agency_former_name FOR EACH STATEMENT EXECUTE FUNCTION public.report_change_note();

ALTER TABLE public.agency_former_name ENABLE ALWAYS TRIGGER report_change;

--
-- Name: course report_change; Type: TRIGGER; Schema: public
--

CREATE TRIGGER report_change AFTER INSERT OR DELETE OR UPDATE OR TRUNCATE ON public.course FOR EACH STATEMENT EXECUTE FUNCTION public.report_change_note();

ALTER TABLE public.course ENABLE ALWAYS TRIGGER report_change;

--
-- Name: course_prerequisite report_change; Type: TRIGGER; Schema: public
--

CREATE TRIGGER report_change AFTER INSERT OR DELETE OR UPDATE OR TRUNCATE ON public.course_prerequisite FOR EACH STATEMENT EXECUTE FUNCTION public.report_change_note();

ALTER TABLE public.course_prerequisite ENABLE ALWAYS TRIGGER report_change;

--
-- Name: enrollment report_change; Type: TRIGGER; Schema: public
--

CREATE TRIGGER report_change AFTER INSERT OR DELETE OR UPDATE OR TRUNCATE ON public.enrollment FOR EACH STATEMENT EXECUTE FUNCTION public.report_change_note();

ALTER TABLE public.enrollment ENABLE ALWAYS TRIGGER report_change;

--
-- Name: headcount report_change; Type: TRIGGER; Schema: public
--

CREATE TRIGGER report_change AFTER INSERT OR DELETE OR UPDATE OR TRUNCATE ON public.headcount FOR EACH STATEMENT EXECUTE FUNCTION public.report_change_note();

ALTER TABLE public.headcount ENABLE ALWAYS TRIGGER report_change;

--
-- Name: trained_year report_change; Type: TRIGGER; Schema: public
--

CREATE TRIGGER report_change AFTER INSERT OR DELETE OR UPDATE OR TRUNCATE ON public.trained_year FOR EACH STATEMENT EXECUTE FUNCTION public.report_change_note();

ALTER TABLE public.trained_year ENABLE ALWAYS TRIGGER report_change;

--
-- Name: training_group report_change; Type: TRIGGER; Schema: public
--

CREATE TRIGGER report_change AFTER INSERT OR DELETE OR UPDATE OR TRUNCATE ON public.training_group FOR EACH STATEMENT EXECUTE FUNCTION public.report_change_note();

ALTER TABLE public.training_group ENABLE ALWAYS TRIGGER report_change;

--
-- Name: enrollment result_history; Type: TRIGGER; Schema: public
--

CREATE TRIGGER result_history AFTER UPDATE ON public.enrollment REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION public.result_history_capture();

ALTER TABLE public.enrollment ENABLE ALWAYS TRIGGER result_history;

--
-- Name: course trained_mark_course; Type: TRIGGER; Schema: public
--

CREATE TRIGGER trained_mark_course AFTER UPDATE ON public.course REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION public.trained_mark_course();

ALTER TABLE public.course ENABLE ALWAYS TRIGGER trained_mark_course;

--
-- Name: enrollment trained_mark_delete; Type: TRIGGER; Schema: public
--

CREATE TRIGGER trained_mark_delete AFTER DELETE ON public.enrollment REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION public.trained_mark_enrollment();

ALTER TABLE public.enrollment ENABLE ALWAYS TRIGGER trained_mark_delete;

--
-- Name: training_group trained_mark_group; Type: TRIGGER; Schema: public
--

CREATE TRIGGER trained_mark_group AFTER UPDATE ON public.training_group REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION public.trained_mark_group();

ALTER TABLE public.training_group ENABLE ALWAYS TRIGGER trained_mark_group;

--
-- Name: enrollment trained_mark_insert; Type: TRIGGER; Schema: public
--

CREATE TRIGGER trained_mark_insert AFTER INSERT ON public.enrollment REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION public.trained_mark_enrollment();

ALTER TABLE public.enrollment ENABLE ALWAYS TRIGGER trained_mark_insert;

--
-- Name: enrollment trained_mark_update; Type: TRIGGER; Schema: public
--

CREATE TRIGGER trained_mark_update AFTER UPDATE ON public.enrollment REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION public.trained_mark_enrollment();

ALTER TABLE public.enrollment ENABLE ALWAYS TRIGGER trained_mark_update;

--
-- Name: trained_dirty trained_refresh_at_commit; Type: TRIGGER; Schema: public
--

CREATE CONSTRAINT TRIGGER trained_refresh_at_commit AFTER INSERT ON public.trained_dirty DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION public.trained_refresh_at_commit();

ALTER TABLE public.trained_dirty ENABLE ALWAYS TRIGGER trained_refresh_at_commit;

--
-- Name: account account_agency_code_fkey; Type: FK CONSTRAINT; Schema: public
--

ALTER TABLE ONLY public.account
    ADD CONSTRAINT account_agency_code_fkey FOREIGN KEY (agency_code) REFERENCES public.agency(code) ON UPDATE CASCADE;

--
-- Name: account_invitation account_invitation_agency_code_fkey; Type: FK CONSTRAINT; Schema: public
--

ALTER TABLE ONLY public.account_invitation
    ADD CONSTRAINT account_invitation_agency_code_fkey FOREIGN KEY (agency_code) REFERENCES public.agency(code) ON UPDATE CASCADE;

--
-- Name: account_link account_link_account_id_fkey; Type: FK CONSTRAINT; Schema: public
--

ALTER TABLE ONLY public.account_link
    ADD CONSTRAINT account_link_account_id_fkey FOREIGN KEY (account_id) REFERENCES public.account(id) ON DELETE CASCADE;

--
-- Name: account_person account_person_account_id_fkey; Type: FK CONSTRAINT; Schema: public
--

ALTER TABLE ONLY public.account_person
    ADD CONSTRAINT account_person_account_id_fkey FOREIGN KEY (account_id) REFERENCES public.account(id) ON DELETE CASCADE;

--
-- Name: account_recovery_code account_recovery_code_account_id_fkey; Type: FK CONSTRAINT; Schema: public
--

ALTER TABLE ONLY public.account_recovery_code
    ADD CONSTRAINT account_recovery_code_account_id_fkey FOREIGN KEY (account_id) REFERENCES public.account(id) ON DELETE CASCADE;

--
-- Name: agency_former_name agency_former_name_agency_code_fkey; Type: FK CONSTRAINT; Schema: public
--

ALTER TABLE ONLY public.agency_former_name
    ADD CONSTRAINT agency_former_name_agency_code_fkey FOREIGN KEY (agency_code) REFERENCES public.agency(code) ON UPDATE CASCADE ON DELETE CASCADE;

--
-- Name: api_token api_token_account_id_fkey; Type: FK CONSTRAINT; Schema: public
--

ALTER TABLE ONLY public.api_token
    ADD CONSTRAINT api_token_account_id_fkey FOREIGN KEY (account_id) REFERENCES public.account(id) ON DELETE CASCADE;

--
-- Name: api_token api_token_agency_code_fkey; Type: FK CONSTRAINT; Schema: public
--

ALTER TABLE ONLY public.api_token
    ADD CONSTRAINT api_token_agency_code_fkey FOREIGN KEY (agency_code) REFERENCES public.agency(code) ON UPDATE CASCADE;

--
-- Name: attendance_mark attendance_mark_batch_id_fkey; Type: FK CONSTRAINT; Schema: public
--

ALTER TABLE ONLY public.attendance_mark
    ADD CONSTRAINT attendance_mark_batch_id_fkey FOREIGN KEY (batch_id) REFERENCES public.import_batch(id);

--
-- Name: attendance_mark attendance_mark_enrollment; Type: FK CONSTRAINT; Schema: public
--

ALTER TABLE ONLY public.attendance_mark
    ADD CONSTRAINT attendance_mark_enrollment FOREIGN KEY (group_code, curp) REFERENCES public.enrollment(group_code, curp) ON UPDATE CASCADE;

--
-- Name: audit_log audit_log_agency_code_fkey; Type: FK CONSTRAINT; Schema: public
--

ALTER TABLE ONLY public.audit_log
    ADD CONSTRAINT audit_log_agency_code_fkey FOREIGN KEY (agency_code) REFERENCES public.agency(code) ON UPDATE CASCADE;

--
-- Name: audit_log audit_log_batch_id_fkey; Type: FK CONSTRAINT; Schema: public
--

ALTER TABLE ONLY public.audit_log
    ADD CONSTRAINT audit_log_batch_id_fkey FOREIGN KEY (batch_id) REFERENCES public.import_batch(id);

--
-- Name: constancia constancia_group_code_curp_fkey; Type: FK CONSTRAINT; Schema: public
--

ALTER TABLE ONLY public.constancia
    ADD CONSTRAINT constancia_group_code_curp_fkey FOREIGN KEY (group_code, curp) REFERENCES public.enrollment(group_code, curp) ON UPDATE CASCADE;

--
-- Name: constancia_pdf constancia_pdf_folio_fkey; Type: FK CONSTRAINT; Schema: public
--

ALTER TABLE ONLY public.constancia_pdf
    ADD CONSTRAINT constancia_pdf_folio_fkey FOREIGN KEY (folio) REFERENCES public.constancia(folio);

--
-- Name: course_prerequisite course_prerequisite_course_code_fkey; Type: FK CONSTRAINT; Schema: public
--

ALTER TABLE ONLY public.course_prerequisite
    ADD CONSTRAINT course_prerequisite_course_code_fkey FOREIGN KEY (course_code) REFERENCES public.course(code) ON DELETE CASCADE;

--
-- Name: course_prerequisite course_prerequisite_requires_code_fkey; Type: FK CONSTRAINT; Schema: public
--

ALTER TABLE ONLY public.course_prerequisite
    ADD CONSTRAINT course_prerequisite_requires_code_fkey FOREIGN KEY (requires_code) REFERENCES public.course(code);

--
-- Name: enrollment enrollment_agency_code_fkey; Type: FK CONSTRAINT; Schema: public
--

ALTER TABLE ONLY public.enrollment
    ADD CONSTRAINT enrollment_agency_code_fkey FOREIGN KEY (agency_code) REFERENCES public.agency(code) ON UPDATE CASCADE;

--
-- Name: enrollment enrollment_batch_fk; Type: FK CONSTRAINT; Schema: public
--

ALTER TABLE ONLY public.enrollment
    ADD CONSTRAINT enrollment_batch_fk FOREIGN KEY (batch_id) REFERENCES public.import_batch(id);

--
-- Name: enrollment enrollment_curp_fkey; Type: FK CONSTRAINT; Schema: public
--

ALTER TABLE ONLY public.enrollment
    ADD CONSTRAINT enrollment_curp_fkey FOREIGN KEY (curp) REFERENCES public.person(curp);

--
-- Name: enrollment enrollment_group_code_fkey; Type: FK CONSTRAINT; Schema: public
--

ALTER TABLE ONLY public.enrollment
    ADD CONSTRAINT enrollment_group_code_fkey FOREIGN KEY (group_code) REFERENCES public.training_group(code) ON UPDATE CASCADE;

--
-- Name: enrollment enrollment_results_batch_fk; Type: FK CONSTRAINT; Schema: public
--

ALTER TABLE ONLY public.enrollment
    ADD CONSTRAINT enrollment_results_batch_fk FOREIGN KEY (results_batch_id) REFERENCES public.import_batch(id);

--
-- Name: ficha ficha_agency_code_fkey; Type: FK CONSTRAINT; Schema: public
--

ALTER TABLE ONLY public.ficha
    ADD CONSTRAINT ficha_agency_code_fkey FOREIGN KEY (agency_code) REFERENCES public.agency(code) ON UPDATE CASCADE;

--
-- Name: ficha ficha_batch_id_fkey; Type: FK CONSTRAINT; Schema: public
--

ALTER TABLE ONLY public.ficha
    ADD CONSTRAINT ficha_batch_id_fkey FOREIGN KEY (batch_id) REFERENCES public.import_batch(id);

--
-- Name: group_instructor group_instructor_group_code_fkey; Type: FK CONSTRAINT; Schema: public
--

ALTER TABLE ONLY public.group_instructor
    ADD CONSTRAINT group_instructor_group_code_fkey FOREIGN KEY (group_code) REFERENCES public.training_group(code) ON UPDATE CASCADE ON DELETE CASCADE;

--
-- Name: group_session group_session_group_code_fkey; Type: FK CONSTRAINT; Schema: public
--

ALTER TABLE ONLY public.group_session
    ADD CONSTRAINT group_session_group_code_fkey FOREIGN KEY (group_code) REFERENCES public.training_group(code) ON UPDATE CASCADE;

--
-- Name: headcount headcount_agency_code_fkey; Type: FK CONSTRAINT; Schema: public
--

ALTER TABLE ONLY public.headcount
    ADD CONSTRAINT headcount_agency_code_fkey FOREIGN KEY (agency_code) REFERENCES public.agency(code) ON UPDATE CASCADE;

--
-- Name: headcount headcount_batch_id_fkey; Type: FK CONSTRAINT; Schema: public
--

ALTER TABLE ONLY public.headcount
    ADD CONSTRAINT headcount_batch_id_fkey FOREIGN KEY (batch_id) REFERENCES public.import_batch(id);

--
-- Name: import_batch import_batch_agency_code_fkey; Type: FK CONSTRAINT; Schema: public
--

ALTER TABLE ONLY public.import_batch
    ADD CONSTRAINT import_batch_agency_code_fkey FOREIGN KEY (agency_code) REFERENCES public.agency(code) ON UPDATE CASCADE;

--
-- Name: participant_access participant_access_curp_fkey; Type: FK CONSTRAINT; Schema: public
--

ALTER TABLE ONLY public.participant_access
    ADD CONSTRAINT participant_access_curp_fkey FOREIGN KEY (curp) REFERENCES public.person(curp) ON DELETE CASCADE;

--
-- Name: pending_upload_part pending_upload_part_upload_id_fkey; Type: FK CONSTRAINT; Schema: public
--

ALTER TABLE ONLY public.pending_upload_part
    ADD CONSTRAINT pending_upload_part_upload_id_fkey FOREIGN KEY (upload_id) REFERENCES public.pending_upload(id) ON DELETE CASCADE;

--
-- Name: person_agency person_agency_agency_code_fkey; Type: FK CONSTRAINT; Schema: public
--

ALTER TABLE ONLY public.person_agency
    ADD CONSTRAINT person_agency_agency_code_fkey FOREIGN KEY (agency_code) REFERENCES public.agency(code) ON UPDATE CASCADE;

--
-- Name: person_agency person_agency_curp_fkey; Type: FK CONSTRAINT; Schema: public
--

ALTER TABLE ONLY public.person_agency
    ADD CONSTRAINT person_agency_curp_fkey FOREIGN KEY (curp) REFERENCES public.person(curp);

--
-- Name: person_anonymized person_anonymized_curp_fkey; Type: FK CONSTRAINT; Schema: public
--

ALTER TABLE ONLY public.person_anonymized
    ADD CONSTRAINT person_anonymized_curp_fkey FOREIGN KEY (curp) REFERENCES public.person(curp);

--
-- Name: person person_batch_fk; Type: FK CONSTRAINT; Schema: public
--

ALTER TABLE ONLY public.person
    ADD CONSTRAINT person_batch_fk FOREIGN KEY (batch_id) REFERENCES public.import_batch(id);

--
-- Name: person_history person_history_arco_request_id_fkey; Type: FK CONSTRAINT; Schema: public
--

ALTER TABLE ONLY public.person_history
    ADD CONSTRAINT person_history_arco_request_id_fkey FOREIGN KEY (arco_request_id) REFERENCES public.arco_request(id);

--
-- Name: person_history person_history_batch_id_fkey; Type: FK CONSTRAINT; Schema: public
--

ALTER TABLE ONLY public.person_history
    ADD CONSTRAINT person_history_batch_id_fkey FOREIGN KEY (batch_id) REFERENCES public.import_batch(id);

--
-- Name: person_history person_history_changed_by_batch_fkey; Type: FK CONSTRAINT; Schema: public
--

ALTER TABLE ONLY public.person_history
    ADD CONSTRAINT person_history_changed_by_batch_fkey FOREIGN KEY (changed_by_batch) REFERENCES public.import_batch(id);

--
-- Name: person_history person_history_curp_fkey; Type: FK CONSTRAINT; Schema: public
--

ALTER TABLE ONLY public.person_history
    ADD CONSTRAINT person_history_curp_fkey FOREIGN KEY (curp) REFERENCES public.person(curp);

--
-- Name: person_mail_opt_out person_mail_opt_out_curp_fkey; Type: FK CONSTRAINT; Schema: public
--

ALTER TABLE ONLY public.person_mail_opt_out
    ADD CONSTRAINT person_mail_opt_out_curp_fkey FOREIGN KEY (curp) REFERENCES public.person(curp);

--
-- Name: person_mail_opt_out person_mail_opt_out_request_id_fkey; Type: FK CONSTRAINT; Schema: public
--

ALTER TABLE ONLY public.person_mail_opt_out
    ADD CONSTRAINT person_mail_opt_out_request_id_fkey FOREIGN KEY (request_id) REFERENCES public.arco_request(id);

--
-- Name: result_history result_history_changed_by_batch_fkey; Type: FK CONSTRAINT; Schema: public
--

ALTER TABLE ONLY public.result_history
    ADD CONSTRAINT result_history_changed_by_batch_fkey FOREIGN KEY (changed_by_batch) REFERENCES public.import_batch(id);

--
-- Name: result_history result_history_group_code_curp_fkey; Type: FK CONSTRAINT; Schema: public
--

ALTER TABLE ONLY public.result_history
    ADD CONSTRAINT result_history_group_code_curp_fkey FOREIGN KEY (group_code, curp) REFERENCES public.enrollment(group_code, curp) ON UPDATE CASCADE;

--
-- Name: result_history result_history_results_batch_id_fkey; Type: FK CONSTRAINT; Schema: public
--

ALTER TABLE ONLY public.result_history
    ADD CONSTRAINT result_history_results_batch_id_fkey FOREIGN KEY (results_batch_id) REFERENCES public.import_batch(id);

--
-- Name: session_evidence session_evidence_group_code_fkey; Type: FK CONSTRAINT; Schema: public
--

ALTER TABLE ONLY public.session_evidence
    ADD CONSTRAINT session_evidence_group_code_fkey FOREIGN KEY (group_code) REFERENCES public.training_group(code) ON UPDATE CASCADE;

--
-- Name: training_group training_group_agency_code_fkey; Type: FK CONSTRAINT; Schema: public
--

ALTER TABLE ONLY public.training_group
    ADD CONSTRAINT training_group_agency_code_fkey FOREIGN KEY (agency_code) REFERENCES public.agency(code) ON UPDATE CASCADE;

--
-- Name: training_group training_group_batch_id_fkey; Type: FK CONSTRAINT; Schema: public
--

ALTER TABLE ONLY public.training_group
    ADD CONSTRAINT training_group_batch_id_fkey FOREIGN KEY (batch_id) REFERENCES public.import_batch(id);

--
-- Name: training_group training_group_course_code_fkey; Type: FK CONSTRAINT; Schema: public
--

ALTER TABLE ONLY public.training_group
    ADD CONSTRAINT training_group_course_code_fkey FOREIGN KEY (course_code) REFERENCES public.course(code);

--
-- Name: web_session web_session_account_id_fkey; Type: FK CONSTRAINT; Schema: public
--

ALTER TABLE ONLY public.web_session
    ADD CONSTRAINT web_session_account_id_fkey FOREIGN KEY (account_id) REFERENCES public.account(id) ON DELETE CASCADE;

--
-- Name: web_session web_session_token_id_fkey; Type: FK CONSTRAINT; Schema: public
--

ALTER TABLE ONLY public.web_session
    ADD CONSTRAINT web_session_token_id_fkey FOREIGN KEY (token_id) REFERENCES public.api_token(id) ON DELETE CASCADE;

--
-- Name: account; Type: ROW SECURITY; Schema: public
--

ALTER TABLE public.account ENABLE ROW LEVEL SECURITY;

--
-- Name: account_invitation; Type: ROW SECURITY; Schema: public
--

ALTER TABLE public.account_invitation ENABLE ROW LEVEL SECURITY;

--
-- Name: account_person; Type: ROW SECURITY; Schema: public
--

ALTER TABLE public.account_person ENABLE ROW LEVEL SECURITY;

--
-- Name: person add; Type: POLICY; Schema: public
--

CREATE POLICY add ON public.person FOR INSERT WITH CHECK ((public.capacita_role() = ANY (ARRAY['admin'::text, 'enlace'::text])));

--
-- Name: enrollment admin_all; Type: POLICY; Schema: public
--

CREATE POLICY admin_all ON public.enrollment USING ((public.capacita_role() = 'admin'::text)) WITH CHECK ((public.capacita_role() = 'admin'::text));

--
-- Name: arco_request admin_reads; Type: POLICY; Schema: public
--

CREATE POLICY admin_reads ON public.arco_request FOR SELECT TO capacita_app USING ((public.capacita_role() = 'admin'::text));

--
-- Name: person_anonymized admin_reads; Type: POLICY; Schema: public
--

CREATE POLICY admin_reads ON public.person_anonymized FOR SELECT TO capacita_app USING ((public.capacita_role() = 'admin'::text));

--
-- Name: person_mail_opt_out admin_reads; Type: POLICY; Schema: public
--

CREATE POLICY admin_reads ON public.person_mail_opt_out FOR SELECT TO capacita_app USING ((public.capacita_role() = 'admin'::text));

--
-- Name: agency admin_writes; Type: POLICY; Schema: public
--

CREATE POLICY admin_writes ON public.agency USING ((public.capacita_role() = 'admin'::text)) WITH CHECK ((public.capacita_role() = 'admin'::text));

--
-- Name: agency_former_name admin_writes; Type: POLICY; Schema: public
--

CREATE POLICY admin_writes ON public.agency_former_name USING ((public.capacita_role() = 'admin'::text)) WITH CHECK ((public.capacita_role() = 'admin'::text));

--
-- Name: course admin_writes; Type: POLICY; Schema: public
--

CREATE POLICY admin_writes ON public.course USING ((public.capacita_role() = 'admin'::text)) WITH CHECK ((public.capacita_role() = 'admin'::text));

--
-- Name: course_prerequisite admin_writes; Type: POLICY; Schema: public
--

CREATE POLICY admin_writes ON public.course_prerequisite USING ((public.capacita_role() = 'admin'::text)) WITH CHECK ((public.capacita_role() = 'admin'::text));

--
-- Name: headcount admin_writes; Type: POLICY; Schema: public
--

CREATE POLICY admin_writes ON public.headcount USING ((public.capacita_role() = 'admin'::text)) WITH CHECK ((public.capacita_role() = 'admin'::text));

--
-- Name: agency; Type: ROW SECURITY; Schema: public
--

ALTER TABLE public.agency ENABLE ROW LEVEL SECURITY;

--
-- Name: agency_former_name; Type: ROW SECURITY; Schema: public
--

ALTER TABLE public.agency_former_name ENABLE ROW LEVEL SECURITY;

--
-- Name: audit_log append_own; Type: POLICY; Schema: public
--

CREATE POLICY append_own ON public.audit_log FOR INSERT WITH CHECK (((public.capacita_role() IS NOT NULL) AND (role = public.capacita_role()) AND (NOT (user_name IS DISTINCT FROM public.capacita_user())) AND (NOT (agency_code IS DISTINCT FROM public.capacita_agency()))));

--
-- Name: arco_request; Type: ROW SECURITY; Schema: public
--

ALTER TABLE public.arco_request ENABLE ROW LEVEL SECURITY;

--
-- Name: group_instructor assign; Type: POLICY; Schema: public
--

CREATE POLICY assign ON public.group_instructor USING (((public.capacita_role() = 'admin'::text) OR ((public.capacita_role() = 'enlace'::text) AND (group_code IN ( SELECT g.code
   FROM public.training_group g
  WHERE (g.agency_code = public.capacita_agency())))))) WITH CHECK (((public.capacita_role() = 'admin'::text) OR ((public.capacita_role() = 'enlace'::text) AND (group_code IN ( SELECT g.code
   FROM public.training_group g
  WHERE (g.agency_code = public.capacita_agency()))))));

--
-- Name: attendance_mark; Type: ROW SECURITY; Schema: public
--

ALTER TABLE public.attendance_mark ENABLE ROW LEVEL SECURITY;

--
-- Name: audit_log; Type: ROW SECURITY; Schema: public
--

ALTER TABLE public.audit_log ENABLE ROW LEVEL SECURITY;

--
-- Name: person change; Type: POLICY; Schema: public
--

CREATE POLICY change ON public.person FOR UPDATE USING ((public.capacita_role() = 'admin'::text)) WITH CHECK ((public.capacita_role() = 'admin'::text));

--
-- Name: constancia; Type: ROW SECURITY; Schema: public
--

ALTER TABLE public.constancia ENABLE ROW LEVEL SECURITY;

--
-- Name: constancia_pdf; Type: ROW SECURITY; Schema: public
--

ALTER TABLE public.constancia_pdf ENABLE ROW LEVEL SECURITY;

--
-- Name: course; Type: ROW SECURITY; Schema: public
--

ALTER TABLE public.course ENABLE ROW LEVEL SECURITY;

--
-- Name: course_prerequisite; Type: ROW SECURITY; Schema: public
--

ALTER TABLE public.course_prerequisite ENABLE ROW LEVEL SECURITY;

--
-- Name: enrollment enlace_own; Type: POLICY; Schema: public
--

CREATE POLICY enlace_own ON public.enrollment USING (((public.capacita_role() = 'enlace'::text) AND (agency_code = public.capacita_agency()))) WITH CHECK (((public.capacita_role() = 'enlace'::text) AND (agency_code = public.capacita_agency())));

--
-- Name: enrollment; Type: ROW SECURITY; Schema: public
--

ALTER TABLE public.enrollment ENABLE ROW LEVEL SECURITY;

--
-- Name: ficha; Type: ROW SECURITY; Schema: public
--

ALTER TABLE public.ficha ENABLE ROW LEVEL SECURITY;

--
-- Name: group_instructor; Type: ROW SECURITY; Schema: public
--

ALTER TABLE public.group_instructor ENABLE ROW LEVEL SECURITY;

--
-- Name: group_session; Type: ROW SECURITY; Schema: public
--

ALTER TABLE public.group_session ENABLE ROW LEVEL SECURITY;

--
-- Name: headcount; Type: ROW SECURITY; Schema: public
--

ALTER TABLE public.headcount ENABLE ROW LEVEL SECURITY;

--
-- Name: import_batch; Type: ROW SECURITY; Schema: public
--

ALTER TABLE public.import_batch ENABLE ROW LEVEL SECURITY;

--
-- Name: enrollment instructor_read; Type: POLICY; Schema: public
--

CREATE POLICY instructor_read ON public.enrollment FOR SELECT USING (((public.capacita_role() = 'instructor'::text) AND (group_code IN ( SELECT gi.group_code
   FROM public.group_instructor gi
  WHERE (gi.user_name = public.capacita_user())))));

--
-- Name: enrollment instructor_results; Type: POLICY; Schema: public
--

CREATE POLICY instructor_results ON public.enrollment FOR UPDATE USING (((public.capacita_role() = 'instructor'::text) AND (group_code IN ( SELECT gi.group_code
   FROM public.group_instructor gi
  WHERE (gi.user_name = public.capacita_user()))))) WITH CHECK (((public.capacita_role() = 'instructor'::text) AND (group_code IN ( SELECT gi.group_code
   FROM public.group_instructor gi
  WHERE (gi.user_name = public.capacita_user())))));

--
-- Name: constancia_pdf issue_as_constancia; Type: POLICY; Schema: public
--

CREATE POLICY issue_as_constancia ON public.constancia_pdf FOR INSERT WITH CHECK (((public.capacita_role() IS NOT NULL) AND (EXISTS ( SELECT 1
   FROM public.constancia c
  WHERE ((c.folio = constancia_pdf.folio) AND (c.revoked_at IS NULL))))));

--
-- Name: attendance_mark keepers_add; Type: POLICY; Schema: public
--

CREATE POLICY keepers_add ON public.attendance_mark FOR INSERT WITH CHECK (((public.capacita_role() = 'admin'::text) OR ((public.capacita_role() = 'enlace'::text) AND (group_code IN ( SELECT g.code
   FROM public.training_group g
  WHERE (g.agency_code = public.capacita_agency()))) AND (EXISTS ( SELECT 1
   FROM public.enrollment e
  WHERE ((e.group_code = attendance_mark.group_code) AND (e.curp = attendance_mark.curp))))) OR ((public.capacita_role() = 'instructor'::text) AND (group_code IN ( SELECT gi.group_code
   FROM public.group_instructor gi
  WHERE (gi.user_name = public.capacita_user()))))));

--
-- Name: attendance_mark keepers_correct; Type: POLICY; Schema: public
--

CREATE POLICY keepers_correct ON public.attendance_mark FOR UPDATE USING (((public.capacita_role() = 'admin'::text) OR ((public.capacita_role() = 'enlace'::text) AND (group_code IN ( SELECT g.code
   FROM public.training_group g
  WHERE (g.agency_code = public.capacita_agency()))) AND (EXISTS ( SELECT 1
   FROM public.enrollment e
  WHERE ((e.group_code = attendance_mark.group_code) AND (e.curp = attendance_mark.curp))))) OR ((public.capacita_role() = 'instructor'::text) AND (group_code IN ( SELECT gi.group_code
   FROM public.group_instructor gi
  WHERE (gi.user_name = public.capacita_user())))))) WITH CHECK (((public.capacita_role() = 'admin'::text) OR ((public.capacita_role() = 'enlace'::text) AND (group_code IN ( SELECT g.code
   FROM public.training_group g
  WHERE (g.agency_code = public.capacita_agency()))) AND (EXISTS ( SELECT 1
   FROM public.enrollment e
  WHERE ((e.group_code = attendance_mark.group_code) AND (e.curp = attendance_mark.curp))))) OR ((public.capacita_role() = 'instructor'::text) AND (group_code IN ( SELECT gi.group_code
   FROM public.group_instructor gi
  WHERE (gi.user_name = public.capacita_user()))))));

--
-- Name: session_evidence organizer_reads; Type: POLICY; Schema: public
--

CREATE POLICY organizer_reads ON public.session_evidence FOR SELECT USING (((public.capacita_role() = 'admin'::text) OR ((public.capacita_role() = 'enlace'::text) AND (group_code IN ( SELECT g.code
   FROM public.training_group g
  WHERE (g.agency_code = public.capacita_agency()))))));

--
-- Name: pending_upload owner_only; Type: POLICY; Schema: public
--

CREATE POLICY owner_only ON public.pending_upload USING ((owner_hash = public.pending_upload_owner())) WITH CHECK ((owner_hash = public.pending_upload_owner()));

--
-- Name: pending_upload_part owner_only; Type: POLICY; Schema: public
--

CREATE POLICY owner_only ON public.pending_upload_part USING ((EXISTS ( SELECT 1
   FROM public.pending_upload u
  WHERE (u.id = pending_upload_part.upload_id)))) WITH CHECK ((EXISTS ( SELECT 1
   FROM public.pending_upload u
  WHERE (u.id = pending_upload_part.upload_id))));

--
-- Name: participant_access; Type: ROW SECURITY; Schema: public
--

ALTER TABLE public.participant_access ENABLE ROW LEVEL SECURITY;

--
-- Name: participant_link_attempt; Type: ROW SECURITY; Schema: public
--

ALTER TABLE public.participant_link_attempt ENABLE ROW LEVEL SECURITY;

--
-- Name: pending_upload; Type: ROW SECURITY; Schema: public
--

ALTER TABLE public.pending_upload ENABLE ROW LEVEL SECURITY;

--
-- Name: pending_upload_part; Type: ROW SECURITY; Schema: public
--

ALTER TABLE public.pending_upload_part ENABLE ROW LEVEL SECURITY;

--
-- Name: person; Type: ROW SECURITY; Schema: public
--

ALTER TABLE public.person ENABLE ROW LEVEL SECURITY;

--
-- Name: person_agency; Type: ROW SECURITY; Schema: public
--

ALTER TABLE public.person_agency ENABLE ROW LEVEL SECURITY;

--
-- Name: person_anonymized; Type: ROW SECURITY; Schema: public
--

ALTER TABLE public.person_anonymized ENABLE ROW LEVEL SECURITY;

--
-- Name: person_history; Type: ROW SECURITY; Schema: public
--

ALTER TABLE public.person_history ENABLE ROW LEVEL SECURITY;

--
-- Name: person_mail_opt_out; Type: ROW SECURITY; Schema: public
--

ALTER TABLE public.person_mail_opt_out ENABLE ROW LEVEL SECURITY;

--
-- Name: constancia_pdf read_as_constancia; Type: POLICY; Schema: public
--

CREATE POLICY read_as_constancia ON public.constancia_pdf FOR SELECT USING (((public.capacita_role() IS NOT NULL) AND (EXISTS ( SELECT 1
   FROM public.constancia c
  WHERE (c.folio = constancia_pdf.folio)))));

--
-- Name: attendance_mark read_as_enrollment; Type: POLICY; Schema: public
--

CREATE POLICY read_as_enrollment ON public.attendance_mark FOR SELECT USING (((public.capacita_role() = 'admin'::text) OR (EXISTS ( SELECT 1
   FROM public.enrollment e
  WHERE ((e.group_code = attendance_mark.group_code) AND (e.curp = attendance_mark.curp))))));

--
-- Name: group_session read_as_group; Type: POLICY; Schema: public
--

CREATE POLICY read_as_group ON public.group_session FOR SELECT USING (((public.capacita_role() IS NOT NULL) AND (EXISTS ( SELECT 1
   FROM public.training_group g
  WHERE (g.code = group_session.group_code)))));

--
-- Name: agency read_identified; Type: POLICY; Schema: public
--

CREATE POLICY read_identified ON public.agency FOR SELECT USING ((public.capacita_role() IS NOT NULL));

--
-- Name: agency_former_name read_identified; Type: POLICY; Schema: public
--

CREATE POLICY read_identified ON public.agency_former_name FOR SELECT USING ((public.capacita_role() IS NOT NULL));

--
-- Name: course read_identified; Type: POLICY; Schema: public
--

CREATE POLICY read_identified ON public.course FOR SELECT USING ((public.capacita_role() IS NOT NULL));

--
-- Name: course_prerequisite read_identified; Type: POLICY; Schema: public
--

CREATE POLICY read_identified ON public.course_prerequisite FOR SELECT USING ((public.capacita_role() IS NOT NULL));

--
-- Name: headcount read_identified; Type: POLICY; Schema: public
--

CREATE POLICY read_identified ON public.headcount FOR SELECT USING ((public.capacita_role() IS NOT NULL));

--
-- Name: training_group read_identified; Type: POLICY; Schema: public
--

CREATE POLICY read_identified ON public.training_group FOR SELECT USING ((public.capacita_role() IS NOT NULL));

--
-- Name: audit_log read_scoped; Type: POLICY; Schema: public
--

CREATE POLICY read_scoped ON public.audit_log FOR SELECT USING (((public.capacita_role() = 'admin'::text) OR ((public.capacita_role() = 'enlace'::text) AND (agency_code = public.capacita_agency())) OR ((public.capacita_role() = 'instructor'::text) AND (user_name = public.capacita_user()))));

--
-- Name: result_history; Type: ROW SECURITY; Schema: public
--

ALTER TABLE public.result_history ENABLE ROW LEVEL SECURITY;

--
-- Name: account scoped; Type: POLICY; Schema: public
--

CREATE POLICY scoped ON public.account FOR SELECT TO capacita_app USING (((public.capacita_role() = 'admin'::text) OR (lower(email) = lower(public.capacita_user())) OR ((public.capacita_role() = 'enlace'::text) AND (agency_code = public.capacita_agency()))));

--
-- Name: account_invitation scoped; Type: POLICY; Schema: public
--

CREATE POLICY scoped ON public.account_invitation FOR SELECT TO capacita_app USING (((public.capacita_role() = 'admin'::text) OR ((public.capacita_role() = 'enlace'::text) AND (agency_code = public.capacita_agency()))));

--
-- Name: account_person scoped; Type: POLICY; Schema: public
--

CREATE POLICY scoped ON public.account_person FOR SELECT TO capacita_app USING (((public.capacita_role() = 'admin'::text) OR ((public.capacita_role() = 'instructor'::text) AND (EXISTS ( SELECT 1
   FROM public.account a
  WHERE ((a.id = account_person.account_id) AND (lower(a.email) = lower(public.capacita_user())))))) OR ((public.capacita_role() = 'enlace'::text) AND (EXISTS ( SELECT 1
   FROM public.enrollment e
  WHERE ((e.curp = account_person.curp) AND (e.agency_code = public.capacita_agency())))))));

--
-- Name: ficha scoped; Type: POLICY; Schema: public
--

CREATE POLICY scoped ON public.ficha USING (((public.capacita_role() = 'admin'::text) OR ((public.capacita_role() = 'enlace'::text) AND (agency_code = public.capacita_agency())))) WITH CHECK (((public.capacita_role() = 'admin'::text) OR ((public.capacita_role() = 'enlace'::text) AND (agency_code = public.capacita_agency()))));

--
-- Name: group_instructor scoped; Type: POLICY; Schema: public
--

CREATE POLICY scoped ON public.group_instructor FOR SELECT USING (((public.capacita_role() = 'admin'::text) OR ((public.capacita_role() = 'instructor'::text) AND (user_name = public.capacita_user())) OR ((public.capacita_role() = 'enlace'::text) AND (group_code IN ( SELECT g.code
   FROM public.training_group g
  WHERE (g.agency_code = public.capacita_agency()))))));

--
-- Name: import_batch scoped; Type: POLICY; Schema: public
--

CREATE POLICY scoped ON public.import_batch USING (((public.capacita_role() = 'admin'::text) OR ((public.capacita_role() = 'enlace'::text) AND (agency_code = public.capacita_agency())) OR ((public.capacita_role() = 'instructor'::text) AND (ran_by = public.capacita_user())))) WITH CHECK (((public.capacita_role() = 'admin'::text) OR ((public.capacita_role() = 'enlace'::text) AND (agency_code = public.capacita_agency())) OR ((public.capacita_role() = 'instructor'::text) AND (ran_by = public.capacita_user()) AND (agency_code IS NULL))));

--
-- Name: person_agency scoped; Type: POLICY; Schema: public
--

CREATE POLICY scoped ON public.person_agency USING (((public.capacita_role() = 'admin'::text) OR ((public.capacita_role() = 'enlace'::text) AND (agency_code = public.capacita_agency())))) WITH CHECK (((public.capacita_role() = 'admin'::text) OR ((public.capacita_role() = 'enlace'::text) AND (agency_code = public.capacita_agency()))));

--
-- Name: group_session scoped_writes; Type: POLICY; Schema: public
--

CREATE POLICY scoped_writes ON public.group_session USING (((public.capacita_role() = 'admin'::text) OR ((public.capacita_role() = 'enlace'::text) AND (group_code IN ( SELECT g.code
   FROM public.training_group g
  WHERE (g.agency_code = public.capacita_agency())))))) WITH CHECK (((public.capacita_role() = 'admin'::text) OR ((public.capacita_role() = 'enlace'::text) AND (group_code IN ( SELECT g.code
   FROM public.training_group g
  WHERE (g.agency_code = public.capacita_agency()))))));

--
-- Name: training_group scoped_writes; Type: POLICY; Schema: public
--

CREATE POLICY scoped_writes ON public.training_group USING (((public.capacita_role() = 'admin'::text) OR ((public.capacita_role() = 'enlace'::text) AND (agency_code = public.capacita_agency())))) WITH CHECK (((public.capacita_role() = 'admin'::text) OR ((public.capacita_role() = 'enlace'::text) AND (agency_code = public.capacita_agency()))));

--
-- Name: session_evidence; Type: ROW SECURITY; Schema: public
--

ALTER TABLE public.session_evidence ENABLE ROW LEVEL SECURITY;

--
-- Name: trained_dirty; Type: ROW SECURITY; Schema: public
--

ALTER TABLE public.trained_dirty ENABLE ROW LEVEL SECURITY;

--
-- Name: trained_year; Type: ROW SECURITY; Schema: public
--

ALTER TABLE public.trained_year ENABLE ROW LEVEL SECURITY;

--
-- Name: training_group; Type: ROW SECURITY; Schema: public
--

ALTER TABLE public.training_group ENABLE ROW LEVEL SECURITY;

--
-- Name: constancia visible; Type: POLICY; Schema: public
--

CREATE POLICY visible ON public.constancia USING (((public.capacita_role() = 'admin'::text) OR (EXISTS ( SELECT 1
   FROM public.enrollment e
  WHERE ((e.group_code = constancia.group_code) AND (e.curp = constancia.curp)))))) WITH CHECK (((public.capacita_role() = 'admin'::text) OR (EXISTS ( SELECT 1
   FROM public.enrollment e
  WHERE ((e.group_code = constancia.group_code) AND (e.curp = constancia.curp))))));

--
-- Name: person visible; Type: POLICY; Schema: public
--

CREATE POLICY visible ON public.person FOR SELECT USING (((public.capacita_role() = 'admin'::text) OR ((public.capacita_role() = 'instructor'::text) AND (EXISTS ( SELECT 1
   FROM public.enrollment e
  WHERE (e.curp = person.curp))))));

--
-- Name: person_history visible; Type: POLICY; Schema: public
--

CREATE POLICY visible ON public.person_history FOR SELECT USING (((public.capacita_role() = 'admin'::text) OR (EXISTS ( SELECT 1
   FROM public.person p
  WHERE (p.curp = person_history.curp)))));

--
-- Name: result_history visible; Type: POLICY; Schema: public
--

CREATE POLICY visible ON public.result_history FOR SELECT USING (((public.capacita_role() = 'admin'::text) OR (EXISTS ( SELECT 1
   FROM public.enrollment e
  WHERE ((e.group_code = result_history.group_code) AND (e.curp = result_history.curp))))));

--
-- Name: SCHEMA public; Type: ACL; Schema: -
--

GRANT USAGE ON SCHEMA public TO capacita_app;
GRANT USAGE ON SCHEMA public TO capacita_definer;

--
-- Name: TABLE account; Type: ACL; Schema: public
--

GRANT SELECT,INSERT,DELETE,UPDATE ON TABLE public.account TO capacita_definer;

--
-- Name: COLUMN account.id; Type: ACL; Schema: public
--

GRANT SELECT(id) ON TABLE public.account TO capacita_app;

--
-- Name: COLUMN account.email; Type: ACL; Schema: public
--

GRANT SELECT(email) ON TABLE public.account TO capacita_app;

--
-- Name: COLUMN account.name; Type: ACL; Schema: public
--

GRANT SELECT(name) ON TABLE public.account TO capacita_app;

--
-- Name: COLUMN account.role; Type: ACL; Schema: public
--

GRANT SELECT(role) ON TABLE public.account TO capacita_app;

--
-- Name: COLUMN account.agency_code; Type: ACL; Schema: public
--

GRANT SELECT(agency_code) ON TABLE public.account TO capacita_app;

--
-- Name: COLUMN account.active; Type: ACL; Schema: public
--

GRANT SELECT(active) ON TABLE public.account TO capacita_app;

--
-- Name: COLUMN account.created_by; Type: ACL; Schema: public
--

GRANT SELECT(created_by) ON TABLE public.account TO capacita_app;

--
-- Name: COLUMN account.created_at; Type: ACL; Schema: public
--

GRANT SELECT(created_at) ON TABLE public.account TO capacita_app;

--
-- Name: COLUMN account.last_sign_in_at; Type: ACL; Schema: public
--

GRANT SELECT(last_sign_in_at) ON TABLE public.account TO capacita_app;

--
-- Name: COLUMN account.totp_confirmed_at; Type: ACL; Schema: public
--

GRANT SELECT(totp_confirmed_at) ON TABLE public.account TO capacita_app;

--
-- Name: FUNCTION account_audit(subject public.account, action text, detail jsonb); Type: ACL; Schema: public
--

REVOKE ALL ON FUNCTION public.account_audit(subject public.account, action text, detail jsonb) FROM PUBLIC;

--
-- Name: FUNCTION account_create(new_email text, new_name text, new_role text, new_agency text, new_groups text[], link_sha256 text, link_lifetime interval); Type: ACL; Schema: public
--

REVOKE ALL ON FUNCTION public.account_create(new_email text, new_name text, new_role text, new_agency text, new_groups text[], link_sha256 text, link_lifetime interval) FROM PUBLIC;
GRANT ALL ON FUNCTION public.account_create(new_email text, new_name text, new_role text, new_agency text, new_groups text[], link_sha256 text, link_lifetime interval) TO capacita_app;

--
-- Name: FUNCTION account_invite_instructor(new_email text, new_name text, new_groups text[], link_sha256 text, link_lifetime interval); Type: ACL; Schema: public
--

REVOKE ALL ON FUNCTION public.account_invite_instructor(new_email text, new_name text, new_groups text[], link_sha256 text, link_lifetime interval) FROM PUBLIC;
GRANT ALL ON FUNCTION public.account_invite_instructor(new_email text, new_name text, new_groups text[], link_sha256 text, link_lifetime interval) TO capacita_app;

--
-- Name: FUNCTION account_link_peek(link_sha256 text, link_kind text); Type: ACL; Schema: public
--

REVOKE ALL ON FUNCTION public.account_link_peek(link_sha256 text, link_kind text) FROM PUBLIC;
GRANT ALL ON FUNCTION public.account_link_peek(link_sha256 text, link_kind text) TO capacita_app;

--
-- Name: FUNCTION account_link_use(link_sha256 text, link_kind text, new_password_hash text, new_name text); Type: ACL; Schema: public
--

REVOKE ALL ON FUNCTION public.account_link_use(link_sha256 text, link_kind text, new_password_hash text, new_name text) FROM PUBLIC;
GRANT ALL ON FUNCTION public.account_link_use(link_sha256 text, link_kind text, new_password_hash text, new_name text) TO capacita_app;

--
-- Name: FUNCTION account_may_manage(target_role text, target_agency text, target_groups text[]); Type: ACL; Schema: public
--

REVOKE ALL ON FUNCTION public.account_may_manage(target_role text, target_agency text, target_groups text[]) FROM PUBLIC;
GRANT ALL ON FUNCTION public.account_may_manage(target_role text, target_agency text, target_groups text[]) TO capacita_app;

--
-- Name: FUNCTION account_of_session(session_sha256 text); Type: ACL; Schema: public
--

REVOKE ALL ON FUNCTION public.account_of_session(session_sha256 text) FROM PUBLIC;

--
-- Name: FUNCTION account_person_link(target_email text, person_curp text); Type: ACL; Schema: public
--

REVOKE ALL ON FUNCTION public.account_person_link(target_email text, person_curp text) FROM PUBLIC;
GRANT ALL ON FUNCTION public.account_person_link(target_email text, person_curp text) TO capacita_app;

--
-- Name: FUNCTION account_recovery_use(session_sha256 text, code_sha256 text); Type: ACL; Schema: public
--

REVOKE ALL ON FUNCTION public.account_recovery_use(session_sha256 text, code_sha256 text) FROM PUBLIC;
GRANT ALL ON FUNCTION public.account_recovery_use(session_sha256 text, code_sha256 text) TO capacita_app;

--
-- Name: FUNCTION account_reinvite(target_email text, link_sha256 text, link_lifetime interval); Type: ACL; Schema: public
--

REVOKE ALL ON FUNCTION public.account_reinvite(target_email text, link_sha256 text, link_lifetime interval) FROM PUBLIC;
GRANT ALL ON FUNCTION public.account_reinvite(target_email text, link_sha256 text, link_lifetime interval) TO capacita_app;

--
-- Name: FUNCTION account_reset_request(target_email text, link_sha256 text, link_lifetime interval); Type: ACL; Schema: public
--

REVOKE ALL ON FUNCTION public.account_reset_request(target_email text, link_sha256 text, link_lifetime interval) FROM PUBLIC;
GRANT ALL ON FUNCTION public.account_reset_request(target_email text, link_sha256 text, link_lifetime interval) TO capacita_app;

--
-- Name: FUNCTION account_session_end(session_sha256 text, other_id bigint); Type: ACL; Schema: public
--

REVOKE ALL ON FUNCTION public.account_session_end(session_sha256 text, other_id bigint) FROM PUBLIC;
GRANT ALL ON FUNCTION public.account_session_end(session_sha256 text, other_id bigint) TO capacita_app;

--
-- Name: FUNCTION account_session_factor(session_sha256 text); Type: ACL; Schema: public
--

REVOKE ALL ON FUNCTION public.account_session_factor(session_sha256 text) FROM PUBLIC;
GRANT ALL ON FUNCTION public.account_session_factor(session_sha256 text) TO capacita_app;

--
-- Name: FUNCTION account_session_open(target_id bigint, session_sha256 text, csrf text, lifetime interval, agent text, second_factor_pending boolean); Type: ACL; Schema: public
--

REVOKE ALL ON FUNCTION public.account_session_open(target_id bigint, session_sha256 text, csrf text, lifetime interval, agent text, second_factor_pending boolean) FROM PUBLIC;
GRANT ALL ON FUNCTION public.account_session_open(target_id bigint, session_sha256 text, csrf text, lifetime interval, agent text, second_factor_pending boolean) TO capacita_app;

--
-- Name: FUNCTION account_session_rotate(session_sha256 text, new_sha256 text, new_csrf text, lifetime interval); Type: ACL; Schema: public
--

REVOKE ALL ON FUNCTION public.account_session_rotate(session_sha256 text, new_sha256 text, new_csrf text, lifetime interval) FROM PUBLIC;
GRANT ALL ON FUNCTION public.account_session_rotate(session_sha256 text, new_sha256 text, new_csrf text, lifetime interval) TO capacita_app;

--
-- Name: FUNCTION account_sessions(session_sha256 text); Type: ACL; Schema: public
--

REVOKE ALL ON FUNCTION public.account_sessions(session_sha256 text) FROM PUBLIC;
GRANT ALL ON FUNCTION public.account_sessions(session_sha256 text) TO capacita_app;

--
-- Name: FUNCTION account_set_active(target_email text, make_active boolean); Type: ACL; Schema: public
--

REVOKE ALL ON FUNCTION public.account_set_active(target_email text, make_active boolean) FROM PUBLIC;
GRANT ALL ON FUNCTION public.account_set_active(target_email text, make_active boolean) TO capacita_app;

--
-- Name: FUNCTION account_sign_in_failed(target_id bigint, max_failures integer, lock_base interval); Type: ACL; Schema: public
--

REVOKE ALL ON FUNCTION public.account_sign_in_failed(target_id bigint, max_failures integer, lock_base interval) FROM PUBLIC;
GRANT ALL ON FUNCTION public.account_sign_in_failed(target_id bigint, max_failures integer, lock_base interval) TO capacita_app;

--
-- Name: FUNCTION account_sign_in_lookup(target_email text); Type: ACL; Schema: public
--

REVOKE ALL ON FUNCTION public.account_sign_in_lookup(target_email text) FROM PUBLIC;
GRANT ALL ON FUNCTION public.account_sign_in_lookup(target_email text) TO capacita_app;

--
-- Name: FUNCTION account_token_create(session_sha256 text, token_name text, token_sha256 text, token_hint text, expires date, max_days integer, max_live integer); Type: ACL; Schema: public
--

REVOKE ALL ON FUNCTION public.account_token_create(session_sha256 text, token_name text, token_sha256 text, token_hint text, expires date, max_days integer, max_live integer) FROM PUBLIC;
GRANT ALL ON FUNCTION public.account_token_create(session_sha256 text, token_name text, token_sha256 text, token_hint text, expires date, max_days integer, max_live integer) TO capacita_app;

--
-- Name: FUNCTION account_token_revoke(session_sha256 text, target_id bigint); Type: ACL; Schema: public
--

REVOKE ALL ON FUNCTION public.account_token_revoke(session_sha256 text, target_id bigint) FROM PUBLIC;
GRANT ALL ON FUNCTION public.account_token_revoke(session_sha256 text, target_id bigint) TO capacita_app;

--
-- Name: FUNCTION account_tokens(session_sha256 text); Type: ACL; Schema: public
--

REVOKE ALL ON FUNCTION public.account_tokens(session_sha256 text) FROM PUBLIC;
GRANT ALL ON FUNCTION public.account_tokens(session_sha256 text) TO capacita_app;

--
-- Name: FUNCTION account_totp_begin(session_sha256 text, secret text); Type: ACL; Schema: public
--

REVOKE ALL ON FUNCTION public.account_totp_begin(session_sha256 text, secret text) FROM PUBLIC;
GRANT ALL ON FUNCTION public.account_totp_begin(session_sha256 text, secret text) TO capacita_app;

--
-- Name: FUNCTION account_totp_confirm(session_sha256 text, recovery_sha256 text[]); Type: ACL; Schema: public
--

REVOKE ALL ON FUNCTION public.account_totp_confirm(session_sha256 text, recovery_sha256 text[]) FROM PUBLIC;
GRANT ALL ON FUNCTION public.account_totp_confirm(session_sha256 text, recovery_sha256 text[]) TO capacita_app;

--
-- Name: FUNCTION account_totp_step_use(session_sha256 text, step bigint); Type: ACL; Schema: public
--

REVOKE ALL ON FUNCTION public.account_totp_step_use(session_sha256 text, step bigint) FROM PUBLIC;
GRANT ALL ON FUNCTION public.account_totp_step_use(session_sha256 text, step bigint) TO capacita_app;

--
-- Name: FUNCTION arco_request_check(arco_id bigint, wanted_kind text, person_curp text); Type: ACL; Schema: public
--

REVOKE ALL ON FUNCTION public.arco_request_check(arco_id bigint, wanted_kind text, person_curp text) FROM PUBLIC;

--
-- Name: FUNCTION arco_request_done(arco_id bigint, what_was_done text); Type: ACL; Schema: public
--

REVOKE ALL ON FUNCTION public.arco_request_done(arco_id bigint, what_was_done text) FROM PUBLIC;

--
-- Name: FUNCTION arco_request_file(new_kind text, new_curp text, received date, due date, new_channel text, new_detail text); Type: ACL; Schema: public
--

REVOKE ALL ON FUNCTION public.arco_request_file(new_kind text, new_curp text, received date, due date, new_channel text, new_detail text) FROM PUBLIC;
GRANT ALL ON FUNCTION public.arco_request_file(new_kind text, new_curp text, received date, due date, new_channel text, new_detail text) TO capacita_app;

--
-- Name: FUNCTION arco_request_insert(new_kind text, new_curp text, received date, due date, new_channel text, new_detail text, filer text); Type: ACL; Schema: public
--

REVOKE ALL ON FUNCTION public.arco_request_insert(new_kind text, new_curp text, received date, due date, new_channel text, new_detail text, filer text) FROM PUBLIC;

--
-- Name: FUNCTION arco_request_set_state(arco_id bigint, new_state text, new_outcome text); Type: ACL; Schema: public
--

REVOKE ALL ON FUNCTION public.arco_request_set_state(arco_id bigint, new_state text, new_outcome text) FROM PUBLIC;
GRANT ALL ON FUNCTION public.arco_request_set_state(arco_id bigint, new_state text, new_outcome text) TO capacita_app;

--
-- Name: FUNCTION attendance_group_sessions_check(); Type: ACL; Schema: public
--

REVOKE ALL ON FUNCTION public.attendance_group_sessions_check() FROM PUBLIC;

--
-- Name: FUNCTION attendance_mark_session_check(); Type: ACL; Schema: public
--

REVOKE ALL ON FUNCTION public.attendance_mark_session_check() FROM PUBLIC;

--
-- Name: FUNCTION attendance_marked_sessions(groups text[]); Type: ACL; Schema: public
--

REVOKE ALL ON FUNCTION public.attendance_marked_sessions(groups text[]) FROM PUBLIC;
GRANT ALL ON FUNCTION public.attendance_marked_sessions(groups text[]) TO capacita_app;

--
-- Name: FUNCTION attendance_sessions_check(groups text[]); Type: ACL; Schema: public
--

REVOKE ALL ON FUNCTION public.attendance_sessions_check(groups text[]) FROM PUBLIC;

--
-- Name: FUNCTION attendance_sessions_missing(groups text[]); Type: ACL; Schema: public
--

REVOKE ALL ON FUNCTION public.attendance_sessions_missing(groups text[]) FROM PUBLIC;

--
-- Name: FUNCTION audit_log_refuse(); Type: ACL; Schema: public
--

REVOKE ALL ON FUNCTION public.audit_log_refuse() FROM PUBLIC;
GRANT ALL ON FUNCTION public.audit_log_refuse() TO capacita_app;

--
-- Name: FUNCTION capacita_agency(); Type: ACL; Schema: public
--

REVOKE ALL ON FUNCTION public.capacita_agency() FROM PUBLIC;
GRANT ALL ON FUNCTION public.capacita_agency() TO capacita_app;
GRANT ALL ON FUNCTION public.capacita_agency() TO capacita_definer;

--
-- Name: FUNCTION capacita_require_identity(); Type: ACL; Schema: public
--

REVOKE ALL ON FUNCTION public.capacita_require_identity() FROM PUBLIC;
GRANT ALL ON FUNCTION public.capacita_require_identity() TO capacita_app;
GRANT ALL ON FUNCTION public.capacita_require_identity() TO capacita_definer;

--
-- Name: FUNCTION capacita_role(); Type: ACL; Schema: public
--

REVOKE ALL ON FUNCTION public.capacita_role() FROM PUBLIC;
GRANT ALL ON FUNCTION public.capacita_role() TO capacita_app;
GRANT ALL ON FUNCTION public.capacita_role() TO capacita_definer;

--
-- Name: FUNCTION capacita_user(); Type: ACL; Schema: public
--

REVOKE ALL ON FUNCTION public.capacita_user() FROM PUBLIC;
GRANT ALL ON FUNCTION public.capacita_user() TO capacita_app;
GRANT ALL ON FUNCTION public.capacita_user() TO capacita_definer;

--
-- Name: FUNCTION constancia_documents(only_group text, only_folio text, after_folio text, max_rows integer); Type: ACL; Schema: public
--

REVOKE ALL ON FUNCTION public.constancia_documents(only_group text, only_folio text, after_folio text, max_rows integer) FROM PUBLIC;
GRANT ALL ON FUNCTION public.constancia_documents(only_group text, only_folio text, after_folio text, max_rows integer) TO capacita_app;

--
-- Name: FUNCTION constancia_not_after_cancellation(); Type: ACL; Schema: public
--

REVOKE ALL ON FUNCTION public.constancia_not_after_cancellation() FROM PUBLIC;

--
-- Name: FUNCTION constancia_verify(code text); Type: ACL; Schema: public
--

REVOKE ALL ON FUNCTION public.constancia_verify(code text) FROM PUBLIC;
GRANT ALL ON FUNCTION public.constancia_verify(code text) TO capacita_app;

--
-- Name: FUNCTION constancia_verify_pdfs(code text); Type: ACL; Schema: public
--

REVOKE ALL ON FUNCTION public.constancia_verify_pdfs(code text) FROM PUBLIC;
GRANT ALL ON FUNCTION public.constancia_verify_pdfs(code text) TO capacita_app;

--
-- Name: FUNCTION curp_masked(value text); Type: ACL; Schema: public
--

REVOKE ALL ON FUNCTION public.curp_masked(value text) FROM PUBLIC;
GRANT ALL ON FUNCTION public.curp_masked(value text) TO capacita_app;

--
-- Name: FUNCTION enrollment_import_apply(batch bigint); Type: ACL; Schema: public
--

REVOKE ALL ON FUNCTION public.enrollment_import_apply(batch bigint) FROM PUBLIC;
GRANT ALL ON FUNCTION public.enrollment_import_apply(batch bigint) TO capacita_app;

--
-- Name: FUNCTION enrollment_instructor_guard(); Type: ACL; Schema: public
--

REVOKE ALL ON FUNCTION public.enrollment_instructor_guard() FROM PUBLIC;
GRANT ALL ON FUNCTION public.enrollment_instructor_guard() TO capacita_app;

--
-- Name: FUNCTION enrollment_lock_groups(groups text[], agencies text[]); Type: ACL; Schema: public
--

REVOKE ALL ON FUNCTION public.enrollment_lock_groups(groups text[], agencies text[]) FROM PUBLIC;
GRANT ALL ON FUNCTION public.enrollment_lock_groups(groups text[], agencies text[]) TO capacita_app;

--
-- Name: FUNCTION enrollment_stage_existing(); Type: ACL; Schema: public
--

REVOKE ALL ON FUNCTION public.enrollment_stage_existing() FROM PUBLIC;
GRANT ALL ON FUNCTION public.enrollment_stage_existing() TO capacita_app;

--
-- Name: FUNCTION enrollment_stage_missing_prerequisites(groups text[]); Type: ACL; Schema: public
--

REVOKE ALL ON FUNCTION public.enrollment_stage_missing_prerequisites(groups text[]) FROM PUBLIC;
GRANT ALL ON FUNCTION public.enrollment_stage_missing_prerequisites(groups text[]) TO capacita_app;

--
-- Name: FUNCTION enrollment_status(attendance numeric, final_score numeric, min_score numeric, min_attendance numeric); Type: ACL; Schema: public
--

REVOKE ALL ON FUNCTION public.enrollment_status(attendance numeric, final_score numeric, min_score numeric, min_attendance numeric) FROM PUBLIC;
GRANT ALL ON FUNCTION public.enrollment_status(attendance numeric, final_score numeric, min_score numeric, min_attendance numeric) TO capacita_app;
GRANT ALL ON FUNCTION public.enrollment_status(attendance numeric, final_score numeric, min_score numeric, min_attendance numeric) TO capacita_definer;

--
-- Name: FUNCTION event_counts(from_day date, to_day date); Type: ACL; Schema: public
--

REVOKE ALL ON FUNCTION public.event_counts(from_day date, to_day date) FROM PUBLIC;
GRANT ALL ON FUNCTION public.event_counts(from_day date, to_day date) TO capacita_app;

--
-- Name: FUNCTION ficha_national(year integer); Type: ACL; Schema: public
--

REVOKE ALL ON FUNCTION public.ficha_national(year integer) FROM PUBLIC;
GRANT ALL ON FUNCTION public.ficha_national(year integer) TO capacita_app;

--
-- Name: FUNCTION group_counts(codes text[]); Type: ACL; Schema: public
--

REVOKE ALL ON FUNCTION public.group_counts(codes text[]) FROM PUBLIC;
GRANT ALL ON FUNCTION public.group_counts(codes text[]) TO capacita_app;

--
-- Name: FUNCTION mail_claim(max_messages integer, lease interval, due_by timestamp with time zone, after_id bigint); Type: ACL; Schema: public
--

REVOKE ALL ON FUNCTION public.mail_claim(max_messages integer, lease interval, due_by timestamp with time zone, after_id bigint) FROM PUBLIC;
GRANT ALL ON FUNCTION public.mail_claim(max_messages integer, lease interval, due_by timestamp with time zone, after_id bigint) TO capacita_app;

--
-- Name: FUNCTION mail_enqueue(recipient text, subject text, body_text text, body_html text, kind text); Type: ACL; Schema: public
--

REVOKE ALL ON FUNCTION public.mail_enqueue(recipient text, subject text, body_text text, body_html text, kind text) FROM PUBLIC;
GRANT ALL ON FUNCTION public.mail_enqueue(recipient text, subject text, body_text text, body_html text, kind text) TO capacita_app;

--
-- Name: FUNCTION mail_failed(message_id bigint, error_text text, retry_at timestamp with time zone, give_up boolean); Type: ACL; Schema: public
--

REVOKE ALL ON FUNCTION public.mail_failed(message_id bigint, error_text text, retry_at timestamp with time zone, give_up boolean) FROM PUBLIC;
GRANT ALL ON FUNCTION public.mail_failed(message_id bigint, error_text text, retry_at timestamp with time zone, give_up boolean) TO capacita_app;

--
-- Name: FUNCTION mail_list(max_rows integer); Type: ACL; Schema: public
--

REVOKE ALL ON FUNCTION public.mail_list(max_rows integer) FROM PUBLIC;
GRANT ALL ON FUNCTION public.mail_list(max_rows integer) TO capacita_app;

--
-- Name: FUNCTION mail_outbox_counts(); Type: ACL; Schema: public
--

REVOKE ALL ON FUNCTION public.mail_outbox_counts() FROM PUBLIC;
GRANT ALL ON FUNCTION public.mail_outbox_counts() TO capacita_app;

--
-- Name: FUNCTION mail_sent(message_id bigint); Type: ACL; Schema: public
--

REVOKE ALL ON FUNCTION public.mail_sent(message_id bigint) FROM PUBLIC;
GRANT ALL ON FUNCTION public.mail_sent(message_id bigint) TO capacita_app;

--
-- Name: FUNCTION multiplier_rows(from_day date, to_day date); Type: ACL; Schema: public
--

REVOKE ALL ON FUNCTION public.multiplier_rows(from_day date, to_day date) FROM PUBLIC;
GRANT ALL ON FUNCTION public.multiplier_rows(from_day date, to_day date) TO capacita_app;

--
-- Name: FUNCTION participant_attendance(session_sha256 text); Type: ACL; Schema: public
--

REVOKE ALL ON FUNCTION public.participant_attendance(session_sha256 text) FROM PUBLIC;
GRANT ALL ON FUNCTION public.participant_attendance(session_sha256 text) TO capacita_app;

--
-- Name: FUNCTION participant_audit(what text, person_curp text, detail jsonb); Type: ACL; Schema: public
--

REVOKE ALL ON FUNCTION public.participant_audit(what text, person_curp text, detail jsonb) FROM PUBLIC;

--
-- Name: FUNCTION participant_constancia_document(session_sha256 text, only_folio text); Type: ACL; Schema: public
--

REVOKE ALL ON FUNCTION public.participant_constancia_document(session_sha256 text, only_folio text) FROM PUBLIC;
GRANT ALL ON FUNCTION public.participant_constancia_document(session_sha256 text, only_folio text) TO capacita_app;

--
-- Name: FUNCTION participant_constancia_issued(session_sha256 text, issued_folio text, pdf_sha256 text); Type: ACL; Schema: public
--

REVOKE ALL ON FUNCTION public.participant_constancia_issued(session_sha256 text, issued_folio text, pdf_sha256 text) FROM PUBLIC;
GRANT ALL ON FUNCTION public.participant_constancia_issued(session_sha256 text, issued_folio text, pdf_sha256 text) TO capacita_app;

--
-- Name: FUNCTION participant_constancias(session_sha256 text); Type: ACL; Schema: public
--

REVOKE ALL ON FUNCTION public.participant_constancias(session_sha256 text) FROM PUBLIC;
GRANT ALL ON FUNCTION public.participant_constancias(session_sha256 text) TO capacita_app;

--
-- Name: FUNCTION participant_enrollments(session_sha256 text); Type: ACL; Schema: public
--

REVOKE ALL ON FUNCTION public.participant_enrollments(session_sha256 text) FROM PUBLIC;
GRANT ALL ON FUNCTION public.participant_enrollments(session_sha256 text) TO capacita_app;

--
-- Name: FUNCTION participant_for_no_one(); Type: ACL; Schema: public
--

REVOKE ALL ON FUNCTION public.participant_for_no_one() FROM PUBLIC;

--
-- Name: FUNCTION participant_link_peek(link_sha256 text); Type: ACL; Schema: public
--

REVOKE ALL ON FUNCTION public.participant_link_peek(link_sha256 text) FROM PUBLIC;
GRANT ALL ON FUNCTION public.participant_link_peek(link_sha256 text) TO capacita_app;

--
-- Name: FUNCTION participant_link_request(asked_curp text, asked_email text, client_address text, link_sha256 text, link_lifetime interval, mail_subject text, mail_text text, mail_html text, per_address integer, per_curp integer, window_length interval); Type: ACL; Schema: public
--

REVOKE ALL ON FUNCTION public.participant_link_request(asked_curp text, asked_email text, client_address text, link_sha256 text, link_lifetime interval, mail_subject text, mail_text text, mail_html text, per_address integer, per_curp integer, window_length interval) FROM PUBLIC;
GRANT ALL ON FUNCTION public.participant_link_request(asked_curp text, asked_email text, client_address text, link_sha256 text, link_lifetime interval, mail_subject text, mail_text text, mail_html text, per_address integer, per_curp integer, window_length interval) TO capacita_app;

--
-- Name: FUNCTION participant_of_session(session_sha256 text); Type: ACL; Schema: public
--

REVOKE ALL ON FUNCTION public.participant_of_session(session_sha256 text) FROM PUBLIC;

--
-- Name: FUNCTION participant_request_file(session_sha256 text, new_kind text, received date, due date, new_detail text); Type: ACL; Schema: public
--

REVOKE ALL ON FUNCTION public.participant_request_file(session_sha256 text, new_kind text, received date, due date, new_detail text) FROM PUBLIC;
GRANT ALL ON FUNCTION public.participant_request_file(session_sha256 text, new_kind text, received date, due date, new_detail text) TO capacita_app;

--
-- Name: FUNCTION participant_requests(session_sha256 text); Type: ACL; Schema: public
--

REVOKE ALL ON FUNCTION public.participant_requests(session_sha256 text) FROM PUBLIC;
GRANT ALL ON FUNCTION public.participant_requests(session_sha256 text) TO capacita_app;

--
-- Name: FUNCTION participant_session(session_sha256 text); Type: ACL; Schema: public
--

REVOKE ALL ON FUNCTION public.participant_session(session_sha256 text) FROM PUBLIC;
GRANT ALL ON FUNCTION public.participant_session(session_sha256 text) TO capacita_app;

--
-- Name: FUNCTION participant_session_close(session_sha256 text); Type: ACL; Schema: public
--

REVOKE ALL ON FUNCTION public.participant_session_close(session_sha256 text) FROM PUBLIC;
GRANT ALL ON FUNCTION public.participant_session_close(session_sha256 text) TO capacita_app;

--
-- Name: FUNCTION participant_session_open(link_sha256 text, session_sha256 text, csrf text, lifetime interval); Type: ACL; Schema: public
--

REVOKE ALL ON FUNCTION public.participant_session_open(link_sha256 text, session_sha256 text, csrf text, lifetime interval) FROM PUBLIC;
GRANT ALL ON FUNCTION public.participant_session_open(link_sha256 text, session_sha256 text, csrf text, lifetime interval) TO capacita_app;

--
-- Name: FUNCTION pending_upload_sweep(); Type: ACL; Schema: public
--

REVOKE ALL ON FUNCTION public.pending_upload_sweep() FROM PUBLIC;
GRANT ALL ON FUNCTION public.pending_upload_sweep() TO capacita_app;

--
-- Name: FUNCTION person_agency_merge(batch bigint); Type: ACL; Schema: public
--

REVOKE ALL ON FUNCTION public.person_agency_merge(batch bigint) FROM PUBLIC;

--
-- Name: FUNCTION person_anonymize(target_curp text, new_curp text, why text, arco_id bigint); Type: ACL; Schema: public
--

REVOKE ALL ON FUNCTION public.person_anonymize(target_curp text, new_curp text, why text, arco_id bigint) FROM PUBLIC;
GRANT ALL ON FUNCTION public.person_anonymize(target_curp text, new_curp text, why text, arco_id bigint) TO capacita_app;

--
-- Name: FUNCTION person_export(target_curp text); Type: ACL; Schema: public
--

REVOKE ALL ON FUNCTION public.person_export(target_curp text) FROM PUBLIC;
GRANT ALL ON FUNCTION public.person_export(target_curp text) TO capacita_app;

--
-- Name: FUNCTION person_history_capture(); Type: ACL; Schema: public
--

REVOKE ALL ON FUNCTION public.person_history_capture() FROM PUBLIC;
GRANT ALL ON FUNCTION public.person_history_capture() TO capacita_app;

--
-- Name: FUNCTION person_mail_opt_out_set(target_curp text, arco_id bigint, opted_out boolean); Type: ACL; Schema: public
--

REVOKE ALL ON FUNCTION public.person_mail_opt_out_set(target_curp text, arco_id bigint, opted_out boolean) FROM PUBLIC;
GRANT ALL ON FUNCTION public.person_mail_opt_out_set(target_curp text, arco_id bigint, opted_out boolean) TO capacita_app;

--
-- Name: FUNCTION person_rectify(target_curp text, arco_id bigint, new_given text, new_first text, new_second text, new_sex text, new_email text); Type: ACL; Schema: public
--

REVOKE ALL ON FUNCTION public.person_rectify(target_curp text, arco_id bigint, new_given text, new_first text, new_second text, new_sex text, new_email text) FROM PUBLIC;
GRANT ALL ON FUNCTION public.person_rectify(target_curp text, arco_id bigint, new_given text, new_first text, new_second text, new_sex text, new_email text) TO capacita_app;

--
-- Name: FUNCTION personal_data_admin(); Type: ACL; Schema: public
--

REVOKE ALL ON FUNCTION public.personal_data_admin() FROM PUBLIC;
GRANT ALL ON FUNCTION public.personal_data_admin() TO capacita_app;

--
-- Name: FUNCTION personal_data_audit(what text, about text, detail jsonb); Type: ACL; Schema: public
--

REVOKE ALL ON FUNCTION public.personal_data_audit(what text, about text, detail jsonb) FROM PUBLIC;

--
-- Name: FUNCTION personal_data_mentions(haystack text, needles text[]); Type: ACL; Schema: public
--

REVOKE ALL ON FUNCTION public.personal_data_mentions(haystack text, needles text[]) FROM PUBLIC;
GRANT ALL ON FUNCTION public.personal_data_mentions(haystack text, needles text[]) TO capacita_app;

--
-- Name: FUNCTION report_change_note(); Type: ACL; Schema: public
--

REVOKE ALL ON FUNCTION public.report_change_note() FROM PUBLIC;

--
-- Name: FUNCTION report_version(OUT version bigint, OUT settled boolean); Type: ACL; Schema: public
--

REVOKE ALL ON FUNCTION public.report_version(OUT version bigint, OUT settled boolean) FROM PUBLIC;
GRANT ALL ON FUNCTION public.report_version(OUT version bigint, OUT settled boolean) TO capacita_app;

--
-- Name: FUNCTION result_history_capture(); Type: ACL; Schema: public
--

REVOKE ALL ON FUNCTION public.result_history_capture() FROM PUBLIC;
GRANT ALL ON FUNCTION public.result_history_capture() TO capacita_app;

--
-- Name: FUNCTION retention_due(cutoff date); Type: ACL; Schema: public
--

REVOKE ALL ON FUNCTION public.retention_due(cutoff date) FROM PUBLIC;
GRANT ALL ON FUNCTION public.retention_due(cutoff date) TO capacita_app;

--
-- Name: FUNCTION session_close(session_sha256 text); Type: ACL; Schema: public
--

REVOKE ALL ON FUNCTION public.session_close(session_sha256 text) FROM PUBLIC;
GRANT ALL ON FUNCTION public.session_close(session_sha256 text) TO capacita_app;

--
-- Name: FUNCTION session_evidence_access(target_group text); Type: ACL; Schema: public
--

REVOKE ALL ON FUNCTION public.session_evidence_access(target_group text) FROM PUBLIC;
GRANT ALL ON FUNCTION public.session_evidence_access(target_group text) TO capacita_app;

--
-- Name: FUNCTION session_evidence_attach(target_group text, target_date date, target_start time without time zone, new_name text, new_content bytea); Type: ACL; Schema: public
--

REVOKE ALL ON FUNCTION public.session_evidence_attach(target_group text, target_date date, target_start time without time zone, new_name text, new_content bytea) FROM PUBLIC;
GRANT ALL ON FUNCTION public.session_evidence_attach(target_group text, target_date date, target_start time without time zone, new_name text, new_content bytea) TO capacita_app;

--
-- Name: FUNCTION session_evidence_code(group_code text, session_date date, starts_at time without time zone); Type: ACL; Schema: public
--

REVOKE ALL ON FUNCTION public.session_evidence_code(group_code text, session_date date, starts_at time without time zone) FROM PUBLIC;
GRANT ALL ON FUNCTION public.session_evidence_code(group_code text, session_date date, starts_at time without time zone) TO capacita_app;
GRANT ALL ON FUNCTION public.session_evidence_code(group_code text, session_date date, starts_at time without time zone) TO capacita_definer;

--
-- Name: FUNCTION session_evidence_counts(target_group text); Type: ACL; Schema: public
--

REVOKE ALL ON FUNCTION public.session_evidence_counts(target_group text) FROM PUBLIC;
GRANT ALL ON FUNCTION public.session_evidence_counts(target_group text) TO capacita_app;

--
-- Name: FUNCTION session_evidence_detach(target_id bigint); Type: ACL; Schema: public
--

REVOKE ALL ON FUNCTION public.session_evidence_detach(target_id bigint) FROM PUBLIC;
GRANT ALL ON FUNCTION public.session_evidence_detach(target_id bigint) TO capacita_app;

--
-- Name: FUNCTION session_identity(session_sha256 text); Type: ACL; Schema: public
--

REVOKE ALL ON FUNCTION public.session_identity(session_sha256 text) FROM PUBLIC;
GRANT ALL ON FUNCTION public.session_identity(session_sha256 text) TO capacita_app;

--
-- Name: FUNCTION session_open(token_sha256 text, session_sha256 text, csrf text, lifetime interval); Type: ACL; Schema: public
--

REVOKE ALL ON FUNCTION public.session_open(token_sha256 text, session_sha256 text, csrf text, lifetime interval) FROM PUBLIC;
GRANT ALL ON FUNCTION public.session_open(token_sha256 text, session_sha256 text, csrf text, lifetime interval) TO capacita_app;

--
-- Name: FUNCTION sign_in_attempt(keys text[], max_failures integer, window_length interval); Type: ACL; Schema: public
--

REVOKE ALL ON FUNCTION public.sign_in_attempt(keys text[], max_failures integer, window_length interval) FROM PUBLIC;
GRANT ALL ON FUNCTION public.sign_in_attempt(keys text[], max_failures integer, window_length interval) TO capacita_app;

--
-- Name: FUNCTION sign_in_form_key(); Type: ACL; Schema: public
--

REVOKE ALL ON FUNCTION public.sign_in_form_key() FROM PUBLIC;
GRANT ALL ON FUNCTION public.sign_in_form_key() TO capacita_app;

--
-- Name: FUNCTION sign_in_form_use(token_sha256 text, token_expires_at timestamp with time zone); Type: ACL; Schema: public
--

REVOKE ALL ON FUNCTION public.sign_in_form_use(token_sha256 text, token_expires_at timestamp with time zone) FROM PUBLIC;
GRANT ALL ON FUNCTION public.sign_in_form_use(token_sha256 text, token_expires_at timestamp with time zone) TO capacita_app;

--
-- Name: FUNCTION sign_in_succeeded(keys text[]); Type: ACL; Schema: public
--

REVOKE ALL ON FUNCTION public.sign_in_succeeded(keys text[]) FROM PUBLIC;
GRANT ALL ON FUNCTION public.sign_in_succeeded(keys text[]) TO capacita_app;

--
-- Name: FUNCTION stage_table(stage_name text); Type: ACL; Schema: public
--

REVOKE ALL ON FUNCTION public.stage_table(stage_name text) FROM PUBLIC;
GRANT ALL ON FUNCTION public.stage_table(stage_name text) TO capacita_app;
GRANT ALL ON FUNCTION public.stage_table(stage_name text) TO capacita_definer;

--
-- Name: FUNCTION token_identity(token_sha256 text); Type: ACL; Schema: public
--

REVOKE ALL ON FUNCTION public.token_identity(token_sha256 text) FROM PUBLIC;
GRANT ALL ON FUNCTION public.token_identity(token_sha256 text) TO capacita_app;

--
-- Name: FUNCTION trained_counts(from_year integer, to_year integer, levels text[]); Type: ACL; Schema: public
--

REVOKE ALL ON FUNCTION public.trained_counts(from_year integer, to_year integer, levels text[]) FROM PUBLIC;
GRANT ALL ON FUNCTION public.trained_counts(from_year integer, to_year integer, levels text[]) TO capacita_app;

--
-- Name: FUNCTION trained_counts_approved(from_year integer, to_year integer, levels text[], approved_by date); Type: ACL; Schema: public
--

REVOKE ALL ON FUNCTION public.trained_counts_approved(from_year integer, to_year integer, levels text[], approved_by date) FROM PUBLIC;
GRANT ALL ON FUNCTION public.trained_counts_approved(from_year integer, to_year integer, levels text[], approved_by date) TO capacita_app;

--
-- Name: FUNCTION trained_counts_by_sex(from_year integer, to_year integer, levels text[], approved_by date); Type: ACL; Schema: public
--

REVOKE ALL ON FUNCTION public.trained_counts_by_sex(from_year integer, to_year integer, levels text[], approved_by date) FROM PUBLIC;
GRANT ALL ON FUNCTION public.trained_counts_by_sex(from_year integer, to_year integer, levels text[], approved_by date) TO capacita_app;

--
-- Name: FUNCTION trained_mark(people text[]); Type: ACL; Schema: public
--

REVOKE ALL ON FUNCTION public.trained_mark(people text[]) FROM PUBLIC;
GRANT ALL ON FUNCTION public.trained_mark(people text[]) TO capacita_app;

--
-- Name: FUNCTION trained_mark_course(); Type: ACL; Schema: public
--

REVOKE ALL ON FUNCTION public.trained_mark_course() FROM PUBLIC;
GRANT ALL ON FUNCTION public.trained_mark_course() TO capacita_app;

--
-- Name: FUNCTION trained_mark_enrollment(); Type: ACL; Schema: public
--

REVOKE ALL ON FUNCTION public.trained_mark_enrollment() FROM PUBLIC;
GRANT ALL ON FUNCTION public.trained_mark_enrollment() TO capacita_app;

--
-- Name: FUNCTION trained_mark_group(); Type: ACL; Schema: public
--

REVOKE ALL ON FUNCTION public.trained_mark_group() FROM PUBLIC;
GRANT ALL ON FUNCTION public.trained_mark_group() TO capacita_app;

--
-- Name: FUNCTION trained_refresh(full_rebuild_from integer); Type: ACL; Schema: public
--

REVOKE ALL ON FUNCTION public.trained_refresh(full_rebuild_from integer) FROM PUBLIC;
GRANT ALL ON FUNCTION public.trained_refresh(full_rebuild_from integer) TO capacita_app;

--
-- Name: FUNCTION trained_refresh_at_commit(); Type: ACL; Schema: public
--

REVOKE ALL ON FUNCTION public.trained_refresh_at_commit() FROM PUBLIC;
GRANT ALL ON FUNCTION public.trained_refresh_at_commit() TO capacita_app;

--
-- Name: FUNCTION trained_year_source(people text[]); Type: ACL; Schema: public
--

REVOKE ALL ON FUNCTION public.trained_year_source(people text[]) FROM PUBLIC;
GRANT ALL ON FUNCTION public.trained_year_source(people text[]) TO capacita_definer;

--
-- Name: SEQUENCE account_id_seq; Type: ACL; Schema: public
--

GRANT USAGE ON SEQUENCE public.account_id_seq TO capacita_definer;

--
-- Name: TABLE account_invitation; Type: ACL; Schema: public
--

GRANT SELECT ON TABLE public.account_invitation TO capacita_app;
GRANT SELECT,INSERT ON TABLE public.account_invitation TO capacita_definer;

--
-- Name: SEQUENCE account_invitation_id_seq; Type: ACL; Schema: public
--

GRANT USAGE ON SEQUENCE public.account_invitation_id_seq TO capacita_definer;

--
-- Name: TABLE account_link; Type: ACL; Schema: public
--

GRANT SELECT,INSERT,DELETE,UPDATE ON TABLE public.account_link TO capacita_definer;

--
-- Name: TABLE account_person; Type: ACL; Schema: public
--

GRANT SELECT ON TABLE public.account_person TO capacita_app;
GRANT SELECT,INSERT,DELETE,UPDATE ON TABLE public.account_person TO capacita_definer;

--
-- Name: TABLE account_recovery_code; Type: ACL; Schema: public
--

GRANT SELECT,INSERT,DELETE,UPDATE ON TABLE public.account_recovery_code TO capacita_definer;

--
-- Name: TABLE agency; Type: ACL; Schema: public
--

GRANT SELECT,INSERT,DELETE,UPDATE ON TABLE public.agency TO capacita_app;
GRANT SELECT,UPDATE ON TABLE public.agency TO capacita_definer;

--
-- Name: TABLE agency_former_name; Type: ACL; Schema: public
--

GRANT SELECT,INSERT,DELETE,UPDATE ON TABLE public.agency_former_name TO capacita_app;

--
-- Name: TABLE api_token; Type: ACL; Schema: public
--

GRANT SELECT,INSERT,UPDATE ON TABLE public.api_token TO capacita_definer;

--
-- Name: SEQUENCE api_token_id_seq; Type: ACL; Schema: public
--

GRANT USAGE ON SEQUENCE public.api_token_id_seq TO capacita_definer;

--
-- Name: TABLE arco_request; Type: ACL; Schema: public
--

GRANT SELECT ON TABLE public.arco_request TO capacita_app;
GRANT SELECT,INSERT,UPDATE ON TABLE public.arco_request TO capacita_definer;

--
-- Name: TABLE attendance_mark; Type: ACL; Schema: public
--

GRANT SELECT ON TABLE public.attendance_mark TO capacita_definer;
GRANT SELECT,INSERT,UPDATE ON TABLE public.attendance_mark TO capacita_app;

--
-- Name: TABLE audit_log; Type: ACL; Schema: public
--

GRANT SELECT,INSERT ON TABLE public.audit_log TO capacita_app;
GRANT SELECT,INSERT ON TABLE public.audit_log TO capacita_definer;

--
-- Name: SEQUENCE audit_log_id_seq; Type: ACL; Schema: public
--

GRANT USAGE ON SEQUENCE public.audit_log_id_seq TO capacita_app;
GRANT USAGE ON SEQUENCE public.audit_log_id_seq TO capacita_definer;

--
-- Name: TABLE constancia; Type: ACL; Schema: public
--

GRANT SELECT,INSERT,UPDATE ON TABLE public.constancia TO capacita_app;
GRANT SELECT,UPDATE ON TABLE public.constancia TO capacita_definer;

--
-- Name: TABLE constancia_pdf; Type: ACL; Schema: public
--

GRANT SELECT,INSERT ON TABLE public.constancia_pdf TO capacita_app;
GRANT SELECT,INSERT,DELETE ON TABLE public.constancia_pdf TO capacita_definer;

--
-- Name: TABLE constancia_sequence; Type: ACL; Schema: public
--

GRANT SELECT,INSERT,UPDATE ON TABLE public.constancia_sequence TO capacita_app;

--
-- Name: TABLE course; Type: ACL; Schema: public
--

GRANT SELECT,INSERT,DELETE,UPDATE ON TABLE public.course TO capacita_app;
GRANT SELECT ON TABLE public.course TO capacita_definer;

--
-- Name: TABLE course_prerequisite; Type: ACL; Schema: public
--

GRANT SELECT,INSERT,DELETE,UPDATE ON TABLE public.course_prerequisite TO capacita_app;
GRANT SELECT ON TABLE public.course_prerequisite TO capacita_definer;

--
-- Name: TABLE enrollment; Type: ACL; Schema: public
--

GRANT SELECT,INSERT,UPDATE ON TABLE public.enrollment TO capacita_app;
GRANT SELECT,INSERT,UPDATE ON TABLE public.enrollment TO capacita_definer;

--
-- Name: TABLE ficha; Type: ACL; Schema: public
--

GRANT SELECT,INSERT,UPDATE ON TABLE public.ficha TO capacita_app;
GRANT SELECT ON TABLE public.ficha TO capacita_definer;

--
-- Name: SEQUENCE ficha_id_seq; Type: ACL; Schema: public
--

GRANT USAGE ON SEQUENCE public.ficha_id_seq TO capacita_app;

--
-- Name: TABLE group_instructor; Type: ACL; Schema: public
--

GRANT SELECT,INSERT,DELETE ON TABLE public.group_instructor TO capacita_app;
GRANT SELECT,INSERT,DELETE ON TABLE public.group_instructor TO capacita_definer;

--
-- Name: TABLE group_session; Type: ACL; Schema: public
--

GRANT SELECT,INSERT,DELETE,UPDATE ON TABLE public.group_session TO capacita_app;
GRANT SELECT ON TABLE public.group_session TO capacita_definer;

--
-- Name: TABLE headcount; Type: ACL; Schema: public
--

GRANT SELECT,INSERT,UPDATE ON TABLE public.headcount TO capacita_app;

--
-- Name: TABLE import_batch; Type: ACL; Schema: public
--

GRANT SELECT,INSERT,UPDATE ON TABLE public.import_batch TO capacita_app;
GRANT SELECT,UPDATE ON TABLE public.import_batch TO capacita_definer;

--
-- Name: SEQUENCE import_batch_id_seq; Type: ACL; Schema: public
--

GRANT USAGE ON SEQUENCE public.import_batch_id_seq TO capacita_app;

--
-- Name: TABLE mail_outbox; Type: ACL; Schema: public
--

GRANT SELECT,INSERT,DELETE,UPDATE ON TABLE public.mail_outbox TO capacita_definer;

--
-- Name: SEQUENCE mail_outbox_id_seq; Type: ACL; Schema: public
--

GRANT USAGE ON SEQUENCE public.mail_outbox_id_seq TO capacita_definer;

--
-- Name: TABLE participant_access; Type: ACL; Schema: public
--

GRANT SELECT,INSERT,DELETE,UPDATE ON TABLE public.participant_access TO capacita_definer;

--
-- Name: TABLE participant_link_attempt; Type: ACL; Schema: public
--

GRANT SELECT,INSERT,DELETE,UPDATE ON TABLE public.participant_link_attempt TO capacita_definer;

--
-- Name: TABLE pending_upload; Type: ACL; Schema: public
--

GRANT SELECT,INSERT,DELETE,UPDATE ON TABLE public.pending_upload TO capacita_app;
GRANT SELECT,DELETE,UPDATE ON TABLE public.pending_upload TO capacita_definer;

--
-- Name: TABLE pending_upload_part; Type: ACL; Schema: public
--

GRANT SELECT,INSERT,DELETE,UPDATE ON TABLE public.pending_upload_part TO capacita_app;

--
-- Name: TABLE person; Type: ACL; Schema: public
--

GRANT SELECT,INSERT,UPDATE ON TABLE public.person TO capacita_app;
GRANT SELECT,INSERT,DELETE,UPDATE ON TABLE public.person TO capacita_definer;

--
-- Name: TABLE person_agency; Type: ACL; Schema: public
--

GRANT SELECT ON TABLE public.person_agency TO capacita_app;
GRANT SELECT,INSERT,UPDATE ON TABLE public.person_agency TO capacita_definer;

--
-- Name: TABLE person_anonymized; Type: ACL; Schema: public
--

GRANT SELECT ON TABLE public.person_anonymized TO capacita_app;
GRANT SELECT,INSERT ON TABLE public.person_anonymized TO capacita_definer;

--
-- Name: TABLE person_history; Type: ACL; Schema: public
--

GRANT SELECT ON TABLE public.person_history TO capacita_app;
GRANT SELECT,INSERT,DELETE,UPDATE ON TABLE public.person_history TO capacita_definer;

--
-- Name: SEQUENCE person_history_id_seq; Type: ACL; Schema: public
--

GRANT USAGE ON SEQUENCE public.person_history_id_seq TO capacita_definer;

--
-- Name: TABLE person_mail_opt_out; Type: ACL; Schema: public
--

GRANT SELECT ON TABLE public.person_mail_opt_out TO capacita_app;
GRANT SELECT,INSERT,DELETE ON TABLE public.person_mail_opt_out TO capacita_definer;

--
-- Name: TABLE report_change; Type: ACL; Schema: public
--

GRANT SELECT,INSERT ON TABLE public.report_change TO capacita_definer;

--
-- Name: SEQUENCE report_change_id_seq; Type: ACL; Schema: public
--

GRANT USAGE ON SEQUENCE public.report_change_id_seq TO capacita_definer;

--
-- Name: TABLE result_history; Type: ACL; Schema: public
--

GRANT SELECT ON TABLE public.result_history TO capacita_app;
GRANT SELECT,INSERT ON TABLE public.result_history TO capacita_definer;

--
-- Name: SEQUENCE result_history_id_seq; Type: ACL; Schema: public
--

GRANT USAGE ON SEQUENCE public.result_history_id_seq TO capacita_definer;

--
-- Name: TABLE schema_migration; Type: ACL; Schema: public
--

GRANT SELECT ON TABLE public.schema_migration TO capacita_app;

--
-- Name: TABLE session_evidence; Type: ACL; Schema: public
--

GRANT SELECT ON TABLE public.session_evidence TO capacita_app;
GRANT SELECT,INSERT,DELETE ON TABLE public.session_evidence TO capacita_definer;

--
-- Name: TABLE sign_in_failure; Type: ACL; Schema: public
--

GRANT SELECT,INSERT,DELETE,UPDATE ON TABLE public.sign_in_failure TO capacita_definer;

--
-- Name: TABLE sign_in_form_used; Type: ACL; Schema: public
--

GRANT SELECT,INSERT,DELETE ON TABLE public.sign_in_form_used TO capacita_definer;

--
-- Name: TABLE sign_in_secret; Type: ACL; Schema: public
--

GRANT SELECT ON TABLE public.sign_in_secret TO capacita_definer;

--
-- Name: TABLE trained_dirty; Type: ACL; Schema: public
--

GRANT SELECT,INSERT,DELETE ON TABLE public.trained_dirty TO capacita_definer;

--
-- Name: SEQUENCE trained_dirty_id_seq; Type: ACL; Schema: public
--

GRANT USAGE ON SEQUENCE public.trained_dirty_id_seq TO capacita_definer;

--
-- Name: TABLE trained_year; Type: ACL; Schema: public
--

GRANT SELECT,INSERT,DELETE ON TABLE public.trained_year TO capacita_definer;

--
-- Name: TABLE training_group; Type: ACL; Schema: public
--

GRANT SELECT,INSERT,UPDATE ON TABLE public.training_group TO capacita_app;
GRANT SELECT,UPDATE ON TABLE public.training_group TO capacita_definer;

--
-- Name: TABLE web_session; Type: ACL; Schema: public
--

GRANT SELECT,INSERT,DELETE,UPDATE ON TABLE public.web_session TO capacita_definer;

--
-- Name: SEQUENCE web_session_id_seq; Type: ACL; Schema: public
--

GRANT USAGE ON SEQUENCE public.web_session_id_seq TO capacita_definer;
