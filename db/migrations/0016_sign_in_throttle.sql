-- Signing in on the pages (issue #25): failed attempts are counted per key in PostgreSQL, so every
-- instance behind a load balancer sees the same count, and the sign-in form's CSRF token is one
-- the server issued, usable once. Showing the form writes nothing: the token carries its own
-- proof (a MAC under a secret every instance shares, kept here), and only a post that uses one
-- records it. As with web_session, the application role (which has no identity at sign-in) never
-- reads these tables: definer functions write and read them, and purge what has expired on the
-- way, so the tables stay bounded.

-- Failed sign-ins per key in a fixed window. A key names what is counted: `address:<client
-- address>` today; `account:<user>` once accounts exist (the caller passes every key that applies,
-- and any key past its limit refuses the attempt).
CREATE TABLE sign_in_failure (
    key          text PRIMARY KEY CHECK (key ~ '^(address|account):.+$' AND length(key) <= 200),
    failures     integer NOT NULL CHECK (failures >= 0),
    window_start timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX sign_in_failure_window ON sign_in_failure (window_start);

-- Counts one attempt against each key before the token is checked, so attempts sent at once
-- cannot all pass the check before any is counted (the key's row stays locked until the caller's
-- transaction ends). Returns 0 when the attempt may go on, or the seconds until the oldest
-- window among the keys past their limit ends. A count stops at limit + 1: a refused attempt does
-- not move the window. Windows that ended are purged first.
CREATE FUNCTION sign_in_attempt(keys text[], max_failures integer, window_length interval)
RETURNS integer
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
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

-- A sign-in that succeeded takes back its own attempt; it does not clear earlier failures (with
-- one valid token of their own, someone could otherwise reset the count between guesses).
CREATE FUNCTION sign_in_succeeded(keys text[]) RETURNS void
LANGUAGE sql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
    UPDATE sign_in_failure SET failures = greatest(failures - 1, 0) WHERE key = ANY (keys)
$$;

-- The key of the sign-in form's tokens (HMAC-SHA256), one for every instance: 64 hex digits from
-- two version-4 UUIDs, 244 bits from PostgreSQL's strong random source (pgcrypto is not assumed).
-- Changing it (UPDATE, then restart the instances) only makes the forms being shown fail once.
CREATE TABLE sign_in_secret (
    only_row boolean PRIMARY KEY DEFAULT true CHECK (only_row),
    secret   text NOT NULL CHECK (secret ~ '^[0-9a-f]{64}$')
);
INSERT INTO sign_in_secret (secret)
VALUES (replace(gen_random_uuid()::text || gen_random_uuid()::text, '-', ''));

-- The key, for the service to read once at start.
CREATE FUNCTION sign_in_form_key() RETURNS text
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
    SELECT secret FROM sign_in_secret WHERE only_row
$$;

-- The sign-in form's tokens already used (their SHA-256), until their own expiry: after it the
-- token is refused anyway, so its row can go.
CREATE TABLE sign_in_form_used (
    sha256     text PRIMARY KEY CHECK (sha256 ~ '^[0-9a-f]{64}$'),
    expires_at timestamptz NOT NULL
);
CREATE INDEX sign_in_form_used_expiry ON sign_in_form_used (expires_at);

-- Uses a token the service has verified (its MAC and expiry): true the first time, false if it
-- was used before or has expired by this clock. The insert is the check (a second use meets the
-- primary key, and one sent at once waits for the first's transaction). The expiry is this
-- server's too: a token whose row was purged is past it, so purging cannot make a token usable
-- again. Expired rows are purged first.
CREATE FUNCTION sign_in_form_use(token_sha256 text, token_expires_at timestamptz) RETURNS boolean
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
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

GRANT SELECT, INSERT, UPDATE, DELETE ON sign_in_failure TO capacita_definer;
GRANT SELECT ON sign_in_secret TO capacita_definer;
GRANT SELECT, INSERT, DELETE ON sign_in_form_used TO capacita_definer;
ALTER FUNCTION sign_in_attempt(text[], integer, interval) OWNER TO capacita_definer;
ALTER FUNCTION sign_in_succeeded(text[]) OWNER TO capacita_definer;
ALTER FUNCTION sign_in_form_key() OWNER TO capacita_definer;
ALTER FUNCTION sign_in_form_use(text, timestamptz) OWNER TO capacita_definer;
REVOKE EXECUTE ON FUNCTION sign_in_attempt(text[], integer, interval) FROM PUBLIC;
REVOKE EXECUTE ON FUNCTION sign_in_succeeded(text[]) FROM PUBLIC;
REVOKE EXECUTE ON FUNCTION sign_in_form_key() FROM PUBLIC;
REVOKE EXECUTE ON FUNCTION sign_in_form_use(text, timestamptz) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION sign_in_attempt(text[], integer, interval) TO capacita_app;
GRANT EXECUTE ON FUNCTION sign_in_succeeded(text[]) TO capacita_app;
GRANT EXECUTE ON FUNCTION sign_in_form_key() TO capacita_app;
GRANT EXECUTE ON FUNCTION sign_in_form_use(text, timestamptz) TO capacita_app;
