-- Tokens de acceso (issue #27): a signed-in person creates and revokes their own API tokens, each
-- with a name and an expiry; such a token acts as its account (token_identity, migration 0020) and
-- ends with it. Names are unique per account among its live tokens (a revoked name may be used
-- again), and unique among the tokens without an account as before (their name is the user name
-- an instructor's groups are keyed by). The application role still never reads api_token: these
-- definer functions take the SHA-256 of the caller's session and act only on that account's rows.
ALTER TABLE api_token DROP CONSTRAINT api_token_name_key;
CREATE UNIQUE INDEX api_token_name ON api_token (name) WHERE account_id IS NULL;
CREATE UNIQUE INDEX api_token_account_name ON api_token (account_id, name)
    WHERE account_id IS NOT NULL AND revoked_at IS NULL;

GRANT USAGE ON SEQUENCE api_token_id_seq TO capacita_definer;

-- The account a live, complete session stands for.
CREATE FUNCTION account_of_session(session_sha256 text) RETURNS account
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
    SELECT a.* FROM web_session s JOIN account a ON a.id = s.account_id
    WHERE s.sha256 = session_sha256 AND s.expires_at >= now() AND NOT s.pending AND a.active
$$;

-- Creates a token for the session's account: 'created' with its id, or 'name_taken', 'too_many'
-- (at most max_live live tokens an account), 'no_account'. The expiry's bounds are checked here
-- by the database's clock (from tomorrow to max_days ahead), so no instance's clock decides it.
CREATE FUNCTION account_token_create(
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
    PERFORM 1 FROM account WHERE id = me.id FOR UPDATE;
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

-- The session's account's tokens, newest first: never a secret or its hash.
CREATE FUNCTION account_tokens(session_sha256 text)
RETURNS TABLE (id bigint, name text, hint text, created_at timestamptz, expires_on date, revoked_at timestamptz)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
    SELECT t.id, t.name, t.hint, t.created_at, t.expires_on, t.revoked_at
    FROM api_token t WHERE t.account_id = (account_of_session(session_sha256)).id
    ORDER BY t.id DESC
$$;

-- Revokes one of the session's account's live tokens; false when it is not one.
CREATE FUNCTION account_token_revoke(session_sha256 text, target_id bigint) RETURNS boolean
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
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

DO $$
DECLARE f text;
BEGIN
    FOREACH f IN ARRAY ARRAY['account_of_session(text)',
        'account_token_create(text, text, text, text, date, integer, integer)',
        'account_tokens(text)', 'account_token_revoke(text, bigint)'] LOOP
        EXECUTE format('ALTER FUNCTION %s OWNER TO capacita_definer', f);
        EXECUTE format('REVOKE EXECUTE ON FUNCTION %s FROM PUBLIC', f);
    END LOOP;
END
$$;
-- account_of_session returns the whole row (the password hash too): only the functions call it.
GRANT EXECUTE ON FUNCTION account_token_create(text, text, text, text, date, integer, integer),
    account_tokens(text), account_token_revoke(text, bigint) TO capacita_app;
