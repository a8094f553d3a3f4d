-- A TOTP code is good for one use (RFC 6238 §5.2): the account keeps the last time step a code
-- was accepted for, and a code of that step or an earlier one is refused, so a code seen over a
-- shoulder or replayed within its 90-second window opens nothing. Every instance agrees: the
-- step is checked and moved in one UPDATE.
ALTER TABLE account ADD COLUMN totp_last_step bigint;

-- Records `step` as used by the account of the session (pending or not); false when that step,
-- or a later one, was already used.
CREATE FUNCTION account_totp_step_use(session_sha256 text, step bigint) RETURNS boolean
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
BEGIN
    UPDATE account a SET totp_last_step = step
    FROM web_session s
    WHERE s.sha256 = session_sha256 AND s.expires_at >= now() AND s.account_id = a.id AND a.active
      AND (a.totp_last_step IS NULL OR a.totp_last_step < step);
    RETURN FOUND;
END
$$;
ALTER FUNCTION account_totp_step_use(text, bigint) OWNER TO capacita_definer;
REVOKE EXECUTE ON FUNCTION account_totp_step_use(text, bigint) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION account_totp_step_use(text, bigint) TO capacita_app;
