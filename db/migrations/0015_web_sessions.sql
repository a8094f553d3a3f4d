-- Sessions of the web pages (issue #16): a person signs in by pasting their token once; the
-- browser then holds a random session secret in an HttpOnly cookie. Only the secret's SHA-256 is
-- stored, beside its token, its CSRF token and its expiry. A session stands only while its token
-- does: revoked or expired, every session of it is refused at once, on every instance. As with
-- api_token, the application role never reads this table; three definer functions open, read
-- and close a session.
CREATE TABLE web_session (
    sha256     text PRIMARY KEY CHECK (sha256 ~ '^[0-9a-f]{64}$'),
    token_id   bigint NOT NULL REFERENCES api_token (id) ON DELETE CASCADE,
    csrf       text NOT NULL CHECK (length(csrf) BETWEEN 32 AND 100),
    created_at timestamptz NOT NULL DEFAULT now(),
    expires_at timestamptz NOT NULL
);
CREATE INDEX web_session_token ON web_session (token_id);

-- Opens a session for a valid token; nothing (and no row) for an unknown, revoked or expired one.
-- Sessions past their expiry are removed on the way.
CREATE FUNCTION session_open(token_sha256 text, session_sha256 text, csrf text, lifetime interval)
RETURNS TABLE (name text, role text, agency_code text)
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
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

-- Whom a session stands for, and its CSRF token: only while the session and its token are valid.
CREATE FUNCTION session_identity(session_sha256 text)
RETURNS TABLE (name text, role text, agency_code text, csrf text)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
    SELECT t.name, t.role, t.agency_code::text, s.csrf FROM web_session s JOIN api_token t ON t.id = s.token_id
    WHERE s.sha256 = session_sha256 AND s.expires_at >= now() AND t.revoked_at IS NULL
      AND (t.expires_on IS NULL OR t.expires_on >= (now() AT TIME ZONE 'UTC')::date)
$$;

CREATE FUNCTION session_close(session_sha256 text) RETURNS void
LANGUAGE sql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
    DELETE FROM web_session WHERE sha256 = session_sha256
$$;

GRANT SELECT, INSERT, DELETE ON web_session TO capacita_definer;
ALTER FUNCTION session_open(text, text, text, interval) OWNER TO capacita_definer;
ALTER FUNCTION session_identity(text) OWNER TO capacita_definer;
ALTER FUNCTION session_close(text) OWNER TO capacita_definer;
REVOKE EXECUTE ON FUNCTION session_open(text, text, text, interval) FROM PUBLIC;
REVOKE EXECUTE ON FUNCTION session_identity(text) FROM PUBLIC;
REVOKE EXECUTE ON FUNCTION session_close(text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION session_open(text, text, text, interval) TO capacita_app;
GRANT EXECUTE ON FUNCTION session_identity(text) TO capacita_app;
GRANT EXECUTE ON FUNCTION session_close(text) TO capacita_app;
