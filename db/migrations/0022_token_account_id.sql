-- The request log names an account by its id and e-mail (issue #27): whom a token stands for now
-- carries its account's id too (null for a token of its own).
DROP FUNCTION token_identity(text);
CREATE FUNCTION token_identity(token_sha256 text)
RETURNS TABLE (id bigint, name text, role text, agency_code text, account_id bigint)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
    SELECT t.id, coalesce(lower(a.email), t.name), t.role, t.agency_code::text, t.account_id
    FROM api_token t LEFT JOIN account a ON a.id = t.account_id
    WHERE t.sha256 = token_sha256 AND t.revoked_at IS NULL
      AND (t.expires_on IS NULL OR t.expires_on >= (now() AT TIME ZONE 'UTC')::date)
      AND (t.account_id IS NULL OR a.active)
$$;
ALTER FUNCTION token_identity(text) OWNER TO capacita_definer;
REVOKE EXECUTE ON FUNCTION token_identity(text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION token_identity(text) TO capacita_app;
