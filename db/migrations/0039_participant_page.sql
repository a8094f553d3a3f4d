-- Issue #30: the participants' own page (/mis-constancias). A participant asks for a link with
-- their CURP and the e-mail their agency registered; when both match a person (the e-mail of the
-- shared record or of any agency's record, compared without case) a single-use link goes to that
-- address through the outbox, unless they opposed receiving mail. The link opens a participant
-- session: not an account and not an identity of the service's (no capacita.role), but a row here
-- the definer functions below read the person from, so every read and write is about the person
-- the session names and never about a CURP a request carries. db/ACCESS.md, «The participants' own
-- page (migration 0039)», says who reads what and why.
--
-- Every function here answers only a connection acting for no one (the public pages' connection):
-- a request acting for an account or a token gets 42501. The application role holds no privilege
-- on the tables.

-- One row per link: its SHA-256 (the secret is in the e-mail only), its expiry, when it was used,
-- and the session that use opened (its SHA-256, CSRF token and expiry). A link opens one session,
-- once. Rows go when their link expired unused or their session ended (purged on the way by the
-- functions below), and with the person (ON DELETE CASCADE: a cancelled person's links and
-- sessions are deleted with their record, so they find nothing).
CREATE TABLE participant_access (
    id                 bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    curp               text COLLATE "C" NOT NULL REFERENCES person (curp) ON DELETE CASCADE,
    link_sha256        text NOT NULL UNIQUE CHECK (link_sha256 ~ '^[0-9a-f]{64}$'),
    requested_at       timestamptz NOT NULL DEFAULT now(),
    link_expires_at    timestamptz NOT NULL,
    used_at            timestamptz,
    session_sha256     text UNIQUE CHECK (session_sha256 ~ '^[0-9a-f]{64}$'),
    csrf               text CHECK (length(csrf) BETWEEN 32 AND 100),
    session_expires_at timestamptz,
    CHECK (link_expires_at > requested_at),
    CHECK ((session_sha256 IS NULL) = (csrf IS NULL) AND (session_sha256 IS NULL) = (session_expires_at IS NULL)),
    CHECK (session_sha256 IS NULL OR used_at IS NOT NULL)
);
CREATE INDEX participant_access_curp ON participant_access (curp);
CREATE INDEX participant_access_end ON participant_access ((coalesce(session_expires_at, link_expires_at)));
ALTER TABLE participant_access ENABLE ROW LEVEL SECURITY, FORCE ROW LEVEL SECURITY;
GRANT SELECT, INSERT, UPDATE, DELETE ON participant_access TO capacita_definer;

-- Requests for a link per key in a fixed window, so every instance sees one count (as
-- sign_in_failure, 0016, but apart from it: its purge follows the sign-in's window, and a
-- participant's requests must not spend the sign-in's budget of an office behind one address).
-- A key is `address:<client address>` or `curp:<keyed SHA-256 of the CURP>`: the CURP itself is
-- not kept (a cancellation must leave no table holding it), and the key under the sign-in forms'
-- secret (0016) is not a hash anyone could compute from a list of CURPs.
CREATE TABLE participant_link_attempt (
    key          text PRIMARY KEY CHECK (key ~ '^(address|curp):.+$' AND length(key) <= 200),
    attempts     integer NOT NULL CHECK (attempts >= 0),
    window_start timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX participant_link_attempt_window ON participant_link_attempt (window_start);
ALTER TABLE participant_link_attempt ENABLE ROW LEVEL SECURITY, FORCE ROW LEVEL SECURITY;
GRANT SELECT, INSERT, UPDATE, DELETE ON participant_link_attempt TO capacita_definer;

ALTER TABLE mail_outbox DROP CONSTRAINT mail_outbox_kind_check;
ALTER TABLE mail_outbox ADD CONSTRAINT mail_outbox_kind_check
    CHECK (kind IN ('invitation', 'password_reset', 'test', 'group_assignment', 'participant_link'));

-- What the functions below need besides their own tables.
GRANT INSERT ON constancia_pdf TO capacita_definer;

-- Refuses (42501) a connection acting for someone: the participant's functions are the public
-- pages' only.
CREATE FUNCTION participant_for_no_one() RETURNS void
LANGUAGE plpgsql STABLE SET search_path = pg_catalog, public, pg_temp AS $$
BEGIN
    IF capacita_role() IS NOT NULL THEN
        RAISE EXCEPTION 'the participant''s page acts for no one' USING ERRCODE = '42501';
    END IF;
END
$$;

-- One audit row about a participant's act: user `participante`, role `system`, no agency (the
-- Secretaría Técnica reads it), the target `persona <masked CURP>` as the person's other acts have.
CREATE FUNCTION participant_audit(what text, person_curp text, detail jsonb) RETURNS void
LANGUAGE sql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
    INSERT INTO audit_log (user_name, user_label, role, agency_code, action, target, request_id, detail)
    VALUES ('participante', NULL, 'system', NULL, what, 'persona ' || curp_masked(person_curp),
            nullif(current_setting('capacita.request', true), ''), detail)
$$;

-- The person a session stands for, while it lasts and the person's data was not cancelled; NULL
-- otherwise. Not the application's to call: it returns the CURP.
CREATE FUNCTION participant_of_session(session_sha256 text) RETURNS text
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
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

-- A request for a link. Counts the request against the client address's key and the CURP's
-- (each row stays locked until the caller's transaction ends, so requests sent at once are counted
-- one after another) and returns the seconds to wait when either is past its limit; nothing else
-- happens then. Otherwise returns 0 after the same steps whether or not the pair matches: the
-- person is looked up, the request audited (`participant.link`, the masked CURP, its outcome), and
-- only for a match whose person did not oppose mail, the person's earlier unused links stop
-- working, the new link's hash is stored and the message (made by the caller, with the link) is
-- queued to the address as the agency registered it. The caller answers the same in every case.
CREATE FUNCTION participant_link_request(
    asked_curp text, asked_email text, client_address text, link_sha256 text, link_lifetime interval,
    mail_subject text, mail_text text, mail_html text, per_address integer, per_curp integer, window_length interval
) RETURNS integer
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
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
$$;

-- Whether a link is good (unused, unexpired, its person's data not cancelled): the page that
-- shows the button using it. Uses nothing.
CREATE FUNCTION participant_link_peek(link_sha256 text) RETURNS boolean
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
BEGIN
    PERFORM participant_for_no_one();
    RETURN EXISTS (
        SELECT 1 FROM participant_access s
        WHERE s.link_sha256 = participant_link_peek.link_sha256 AND s.used_at IS NULL AND s.link_expires_at >= now()
          AND NOT EXISTS (SELECT 1 FROM person_anonymized x WHERE x.curp = s.curp));
END
$$;

-- Uses a link once: its row takes the new session (its SHA-256, CSRF token, expiry), audited as
-- `participant.sign_in`. False for a link unknown, used, expired, or of a cancelled person.
CREATE FUNCTION participant_session_open(link_sha256 text, session_sha256 text, csrf text, lifetime interval)
RETURNS boolean
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
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

-- Ends a session (the page's «Salir»).
CREATE FUNCTION participant_session_close(session_sha256 text) RETURNS void
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
BEGIN
    PERFORM participant_for_no_one();
    DELETE FROM participant_access s WHERE s.session_sha256 = participant_session_close.session_sha256;
END
$$;

-- The session's person as the page greets them (the shared record's name, the CURP masked), its
-- CSRF token and when it ends (Mexico City's clock, as the register's days); nothing without a
-- valid session.
CREATE FUNCTION participant_session(session_sha256 text)
RETURNS TABLE (given_names text, first_surname text, second_surname text, curp_masked text, csrf text,
               expires_at text)
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
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

-- The session's person's enrollments: group, course, agency, dates, status, attendance and scores,
-- newest group first.
CREATE FUNCTION participant_enrollments(session_sha256 text)
RETURNS TABLE (group_code text, course_code text, course_title text, agency_name text, starts_on text,
               ends_on text, modality text, status text, attendance numeric, pre_score numeric, post_score numeric,
               final_score numeric)
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
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

-- The session's person's marks in the attendance register, by group and session.
CREATE FUNCTION participant_attendance(session_sha256 text)
RETURNS TABLE (group_code text, session_date text, starts_at text, mark text)
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
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

-- The session's person's constancias, revoked ones too (with their day), newest first.
CREATE FUNCTION participant_constancias(session_sha256 text)
RETURNS TABLE (folio text, code text, group_code text, course_title text, issued_on text, revoked_on text)
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
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

-- The requests in the register that name the session's person (whoever filed them): kind,
-- channel, days received and due, state. Not their free text.
CREATE FUNCTION participant_requests(session_sha256 text)
RETURNS TABLE (id bigint, kind text, channel text, received_on text, due_on text, state text)
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
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

-- What the PDF of one of the session's person's constancias shows: `constancia_documents`' columns
-- (0028) for that folio, only when the constancia is the person's. Revoked: `revoked_on` set.
CREATE FUNCTION participant_constancia_document(session_sha256 text, only_folio text)
RETURNS TABLE (folio text, code text, group_code text, given_names text, first_surname text, second_surname text,
               agency_name text, course_code text, course_title text, hours float8, starts_on text, ends_on text,
               issued_on text, revoked_on text)
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
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

-- Records that a PDF of one of the session's person's valid constancias was given out (as
-- `ConstanciaDocuments.recordIssued` does for the staff): true when the constancia is theirs and
-- not revoked (the same PDF again records nothing new).
CREATE FUNCTION participant_constancia_issued(session_sha256 text, issued_folio text, pdf_sha256 text)
RETURNS boolean
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
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

-- Files a request of the session's person in the register, through the channel `participante`
-- (`arco_request_file`, 0037, which audits `arco.file`), and audits `participant.request`. Only
-- rectification, cancellation and opposition; one open request of each kind from this page at a
-- time: while one is open it is returned (`created` false) and nothing is filed. Nothing without a
-- valid session.
CREATE FUNCTION participant_request_file(session_sha256 text, new_kind text, received date, due date,
                                         new_detail text)
RETURNS TABLE (id bigint, due_on date, created boolean)
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
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
    made := arco_request_file(new_kind, who, received, due, 'participante', new_detail);
    PERFORM participant_audit('participant.request', who, jsonb_build_object('request', made, 'kind', new_kind));
    RETURN QUERY SELECT made, due, true;
END
$$;

-- A person's export (0037) gains the links and sessions of their page (when, not the secrets' hashes
-- or the CSRF token) and the audit rows of their page's acts (`participant.*` with their masked
-- CURP; a request for a link that matched no one is left out: it may have been anyone's). The rest
-- is 0037's function as it was.
CREATE OR REPLACE FUNCTION person_export(target_curp text)
RETURNS TABLE (source text, row_no bigint, ordinal bigint, key text, value text, kind text)
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
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

ALTER FUNCTION participant_for_no_one() OWNER TO capacita_definer;
ALTER FUNCTION participant_audit(text, text, jsonb) OWNER TO capacita_definer;
ALTER FUNCTION participant_of_session(text) OWNER TO capacita_definer;
ALTER FUNCTION participant_link_request(text, text, text, text, interval, text, text, text, integer, integer, interval)
    OWNER TO capacita_definer;
ALTER FUNCTION participant_link_peek(text) OWNER TO capacita_definer;
ALTER FUNCTION participant_session_open(text, text, text, interval) OWNER TO capacita_definer;
ALTER FUNCTION participant_session_close(text) OWNER TO capacita_definer;
ALTER FUNCTION participant_session(text) OWNER TO capacita_definer;
ALTER FUNCTION participant_enrollments(text) OWNER TO capacita_definer;
ALTER FUNCTION participant_attendance(text) OWNER TO capacita_definer;
ALTER FUNCTION participant_constancias(text) OWNER TO capacita_definer;
ALTER FUNCTION participant_requests(text) OWNER TO capacita_definer;
ALTER FUNCTION participant_constancia_document(text, text) OWNER TO capacita_definer;
ALTER FUNCTION participant_constancia_issued(text, text, text) OWNER TO capacita_definer;
ALTER FUNCTION participant_request_file(text, text, date, date, text) OWNER TO capacita_definer;
ALTER FUNCTION person_export(text) OWNER TO capacita_definer;

REVOKE EXECUTE ON FUNCTION participant_for_no_one(), participant_audit(text, text, jsonb),
    participant_of_session(text),
    participant_link_request(text, text, text, text, interval, text, text, text, integer, integer, interval),
    participant_link_peek(text), participant_session_open(text, text, text, interval),
    participant_session_close(text), participant_session(text), participant_enrollments(text),
    participant_attendance(text), participant_constancias(text), participant_requests(text),
    participant_constancia_document(text, text), participant_constancia_issued(text, text, text),
    participant_request_file(text, text, date, date, text)
    FROM PUBLIC;
-- The helpers that audit and that return the CURP are not the application's.
GRANT EXECUTE ON FUNCTION
    participant_link_request(text, text, text, text, interval, text, text, text, integer, integer, interval),
    participant_link_peek(text), participant_session_open(text, text, text, interval),
    participant_session_close(text), participant_session(text), participant_enrollments(text),
    participant_attendance(text), participant_constancias(text), participant_requests(text),
    participant_constancia_document(text, text), participant_constancia_issued(text, text, text),
    participant_request_file(text, text, date, date, text)
    TO capacita_app;
