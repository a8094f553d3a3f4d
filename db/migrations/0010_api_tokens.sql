-- Bearer tokens of the service: created with `capacita token create`, shown once, stored as their
-- SHA-256 only. Each has a role; an enlace's names its agency; an instructor's name is the user
-- name of their group assignments (group_instructor.user_name). The application role never reads
-- this table: it authenticates through token_identity(), which answers for valid tokens only, so a
-- revoked or expired token is refused at once by every instance.
CREATE TABLE api_token (
    id          bigserial PRIMARY KEY,
    name        text NOT NULL UNIQUE CHECK (btrim(name) <> '' AND length(name) <= 100 AND name !~ '[[:cntrl:]]'),
    role        text NOT NULL CHECK (role IN ('admin', 'enlace', 'instructor')),
    agency_code text COLLATE "C" REFERENCES agency (code) ON UPDATE CASCADE,
    sha256      text NOT NULL UNIQUE CHECK (sha256 ~ '^[0-9a-f]{64}$'),
    -- The token's first characters, to recognize it in a list without being able to use it.
    hint        text NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now(),
    created_by  text,
    expires_on  date,
    revoked_at  timestamptz,
    CHECK ((role = 'enlace') = (agency_code IS NOT NULL))
);

CREATE FUNCTION token_identity(token_sha256 text)
RETURNS TABLE (id bigint, name text, role text, agency_code text)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
    SELECT t.id, t.name, t.role, t.agency_code::text FROM api_token t
    WHERE t.sha256 = token_sha256 AND t.revoked_at IS NULL
      AND (t.expires_on IS NULL OR t.expires_on >= (now() AT TIME ZONE 'UTC')::date)
$$;
ALTER FUNCTION token_identity(text) OWNER TO capacita_definer;
GRANT SELECT ON api_token TO capacita_definer;
REVOKE EXECUTE ON FUNCTION token_identity(text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION token_identity(text) TO capacita_app;
