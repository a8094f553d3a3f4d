-- Accounts (issue #27), after review: the database, not only the service, holds the rules that a
-- second factor is owed, that a locked or switched-off account uses up nothing, and that a
-- session that gave its second factor is a new session.

-- A right password opens a full session only for an account that owes no second factor: one with
-- TOTP, and every administrator (TOTP is required of them), always gets a pending session here,
-- whatever the caller asked. Only a connection acting for no one (the sign-in form) opens one.
CREATE OR REPLACE FUNCTION account_session_open(
    target_id bigint, session_sha256 text, csrf text, lifetime interval, agent text, second_factor_pending boolean
) RETURNS boolean
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
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

-- The hash a password is checked against goes only to a connection acting for no one.
CREATE OR REPLACE FUNCTION account_sign_in_lookup(target_email text)
RETURNS TABLE (id bigint, email text, name text, role text, agency_code text, active boolean,
               password_hash text, locked_seconds integer, totp_confirmed boolean)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
    SELECT a.id, a.email, a.name, a.role, a.agency_code::text, a.active, a.password_hash,
           CASE WHEN a.locked_until > now() THEN greatest(ceil(extract(epoch FROM a.locked_until - now()))::integer, 1)
                ELSE 0 END,
           a.totp_confirmed_at IS NOT NULL
    FROM account a WHERE lower(a.email) = lower(btrim(target_email)) AND capacita_role() IS NULL
$$;

-- A failure while the account is locked counts nothing: the lock already stands, and counting
-- would only lengthen it for whoever is guessing.
CREATE OR REPLACE FUNCTION account_sign_in_failed(target_id bigint, max_failures integer, lock_base interval)
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

-- The second factor was given: the pending session ends and a new, full one takes its place (its
-- secret and CSRF token new, so whoever saw the pending cookie holds nothing). Refused while the
-- account is locked or off.
CREATE FUNCTION account_session_rotate(
    session_sha256 text, new_sha256 text, new_csrf text, lifetime interval
) RETURNS boolean
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
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
DROP FUNCTION account_session_confirm(text);

-- Enrollment acts only for an active account, and only once: a confirmed secret is changed by
-- nothing here (a lost phone is the recovery codes' or an administrator's business).
CREATE OR REPLACE FUNCTION account_totp_begin(session_sha256 text, secret text) RETURNS boolean
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
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

CREATE OR REPLACE FUNCTION account_totp_confirm(session_sha256 text, recovery_sha256 text[]) RETURNS boolean
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
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

-- A code (TOTP step or recovery code) is not used up by an account that is off or locked.
CREATE OR REPLACE FUNCTION account_recovery_use(session_sha256 text, code_sha256 text) RETURNS boolean
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
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

CREATE OR REPLACE FUNCTION account_totp_step_use(session_sha256 text, step bigint) RETURNS boolean
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
BEGIN
    UPDATE account a SET totp_last_step = step
    FROM web_session s
    WHERE s.sha256 = session_sha256 AND s.expires_at >= now() AND s.account_id = a.id AND a.active
      AND (a.locked_until IS NULL OR a.locked_until <= now())
      AND (a.totp_last_step IS NULL OR a.totp_last_step < step);
    RETURN FOUND;
END
$$;

-- A password set through a reset link ends the account's API tokens as well as its sessions:
-- whoever took the old password may have made tokens with it.
CREATE OR REPLACE FUNCTION account_link_use(link_sha256 text, link_kind text, new_password_hash text, new_name text)
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
    IF link_kind = 'password_reset' THEN
        UPDATE api_token SET revoked_at = now() WHERE account_id = target.id AND revoked_at IS NULL;
    END IF;
    PERFORM account_audit(target, CASE WHEN link_kind = 'invitation' THEN 'account.invitation_accepted'
                                       ELSE 'account.password_reset' END);
    RETURN QUERY SELECT target.id, target.email;
END
$$;

-- A token is made only for an account still active once the account's row is locked: a
-- deactivation that commits first (it revokes the account's tokens) is not undone by a creation
-- that read the account before it.
CREATE OR REPLACE FUNCTION account_token_create(
    session_sha256 text, token_name text, token_sha256 text, token_hint text, expires date,
    max_days integer, max_live integer
) RETURNS TABLE (outcome text, token_id bigint)
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
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

ALTER FUNCTION account_session_rotate(text, text, text, interval) OWNER TO capacita_definer;
REVOKE EXECUTE ON FUNCTION account_session_rotate(text, text, text, interval) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION account_session_rotate(text, text, text, interval) TO capacita_app;
