-- Mail (issue #27): an outbox in PostgreSQL. A message is written by `mail_enqueue` in the same
-- transaction as what causes it (an invitation, a password reset), so it commits or rolls back
-- with it: nothing is sent for an account that was not created, and nothing is lost when the mail
-- server is down. Each instance of the service delivers in the background: `mail_claim` takes due
-- messages with FOR UPDATE SKIP LOCKED and leases them (claimed_until) in a short transaction of
-- its own, so another instance skips them while they are being sent; `mail_sent` and `mail_failed`
-- record the outcome (a retry time with backoff, or giving up). The bodies carry single-use links,
-- so they are blanked once a message is sent or given up, and such rows are purged after 30 days.
-- As with the sessions, the application role never reads the table: definer functions do.
CREATE TABLE mail_outbox (
    id              bigserial PRIMARY KEY,
    -- An address curl can put in RCPT TO:<…>: no spaces, controls or angle brackets, one @.
    recipient       text NOT NULL CHECK (length(recipient) <= 254
                                         AND recipient ~ '^[^[:space:][:cntrl:]@<>]+@[^[:space:][:cntrl:]@<>]+$'),
    -- No line breaks or other controls: a subject is one header line (no header injection).
    subject         text NOT NULL CHECK (btrim(subject) <> '' AND length(subject) <= 200 AND subject !~ '[[:cntrl:]]'),
    body_text       text NOT NULL CHECK (length(body_text) <= 65536),
    body_html       text NOT NULL CHECK (length(body_html) <= 65536),
    kind            text NOT NULL CHECK (kind IN ('invitation', 'password_reset', 'test')),
    created_at      timestamptz NOT NULL DEFAULT now(),
    -- Attempts made, whatever their outcome.
    attempts        integer NOT NULL DEFAULT 0 CHECK (attempts >= 0),
    next_attempt_at timestamptz NOT NULL DEFAULT now(),
    -- While in the future, an instance is sending the message and the others leave it alone.
    claimed_until   timestamptz,
    sent_at         timestamptz,
    -- Given up: too many attempts, or the server refused the message for good.
    failed_at       timestamptz,
    last_error      text CHECK (length(last_error) <= 500),
    CHECK (sent_at IS NULL OR failed_at IS NULL)
);
-- What delivery looks for: the messages not yet sent or given up.
CREATE INDEX mail_outbox_pending ON mail_outbox (id) WHERE sent_at IS NULL AND failed_at IS NULL;
-- What the purge looks for.
CREATE INDEX mail_outbox_done ON mail_outbox ((coalesce(sent_at, failed_at)));

-- Queues a message in the caller's transaction; its id. Anyone the service acts for may cause a
-- message (an invitation by an enlace, a reset asked for by someone not signed in); what may be
-- written is bounded by the table's CHECKs.
CREATE FUNCTION mail_enqueue(recipient text, subject text, body_text text, body_html text, kind text)
RETURNS bigint
LANGUAGE sql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
    INSERT INTO mail_outbox (recipient, subject, body_text, body_html, kind)
    VALUES (mail_enqueue.recipient, mail_enqueue.subject, mail_enqueue.body_text, mail_enqueue.body_html,
            mail_enqueue.kind)
    RETURNING id
$$;

-- Claims up to max_messages messages due by due_by (normally now()) whose id is above after_id (one
-- pass of a deliverer walks the queue once, upwards, so a message that fails in it is not tried
-- again in the same pass), leasing each for `lease`. Call it in a transaction of its own and commit
-- before sending: rows another transaction is claiming are skipped (SKIP LOCKED), and a committed
-- lease keeps every other instance off them until it ends. A deliverer that dies mid-send leaves
-- its lease to expire, and the message is tried again then. Only the deliverer calls it (the
-- service's own connection, or the operator's command line), never a request acting for someone:
-- it returns the bodies, which carry the links. Sent and given-up rows older than 30 days are
-- purged on the way.
CREATE FUNCTION mail_claim(max_messages integer, lease interval, due_by timestamptz, after_id bigint)
RETURNS TABLE (id bigint, recipient text, subject text, body_text text, body_html text, kind text,
               attempts integer)
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
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

-- A claimed message went out: counted, its bodies blanked. False when it was already sent or
-- given up (nothing changes).
CREATE FUNCTION mail_sent(message_id bigint) RETURNS boolean
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
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

-- A claimed message did not go out: counted, with the error (cut to 500 characters), tried again
-- at retry_at, or given up (its bodies blanked). False when it was already sent or given up.
CREATE FUNCTION mail_failed(message_id bigint, error_text text, retry_at timestamptz, give_up boolean)
RETURNS boolean
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
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

-- What is pending (waiting, or being sent) and what was given up, oldest first: never the
-- bodies. For the Secretaría Técnica and the operator (the recipients are personal data).
CREATE FUNCTION mail_list(max_rows integer)
RETURNS TABLE (id bigint, recipient text, subject text, kind text, status text, attempts integer,
               created_at timestamptz, next_attempt_at timestamptz, failed_at timestamptz, last_error text)
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
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

GRANT SELECT, INSERT, UPDATE, DELETE ON mail_outbox TO capacita_definer;
GRANT USAGE ON SEQUENCE mail_outbox_id_seq TO capacita_definer;
ALTER FUNCTION mail_enqueue(text, text, text, text, text) OWNER TO capacita_definer;
ALTER FUNCTION mail_claim(integer, interval, timestamptz, bigint) OWNER TO capacita_definer;
ALTER FUNCTION mail_sent(bigint) OWNER TO capacita_definer;
ALTER FUNCTION mail_failed(bigint, text, timestamptz, boolean) OWNER TO capacita_definer;
ALTER FUNCTION mail_list(integer) OWNER TO capacita_definer;
REVOKE EXECUTE ON FUNCTION mail_enqueue(text, text, text, text, text) FROM PUBLIC;
REVOKE EXECUTE ON FUNCTION mail_claim(integer, interval, timestamptz, bigint) FROM PUBLIC;
REVOKE EXECUTE ON FUNCTION mail_sent(bigint) FROM PUBLIC;
REVOKE EXECUTE ON FUNCTION mail_failed(bigint, text, timestamptz, boolean) FROM PUBLIC;
REVOKE EXECUTE ON FUNCTION mail_list(integer) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION mail_enqueue(text, text, text, text, text) TO capacita_app;
GRANT EXECUTE ON FUNCTION mail_claim(integer, interval, timestamptz, bigint) TO capacita_app;
GRANT EXECUTE ON FUNCTION mail_sent(bigint) TO capacita_app;
GRANT EXECUTE ON FUNCTION mail_failed(bigint, text, timestamptz, boolean) TO capacita_app;
GRANT EXECUTE ON FUNCTION mail_list(integer) TO capacita_app;
