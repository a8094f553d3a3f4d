-- Issue #30: a person's data on request (the ARCO rights of the Ley General de Protección de Datos
-- Personales en Posesión de Sujetos Obligados: acceso, rectificación, cancelación, oposición) and
-- retention. db/ACCESS.md, «Personal data on request (migration 0037)», says who reads what and
-- why each choice was made.
--
-- Everything here is the Secretaría Técnica's (an administrator, or the operator on the command
-- line: a superuser acting for no one). Enlaces and instructors read none of these tables, and
-- every write goes through a definer function that checks the caller and writes its audit row.

-- The Secretaría Técnica, or the operator on the command line.
CREATE FUNCTION personal_data_admin() RETURNS boolean
LANGUAGE sql STABLE SET search_path = pg_catalog, public, pg_temp AS $$
    SELECT CASE WHEN capacita_role() IS NULL
                THEN coalesce((SELECT r.rolsuper FROM pg_roles r WHERE r.rolname = session_user), false)
                ELSE capacita_role() = 'admin' END
$$;

-- The first four characters of a CURP and asterisks: what a log or an audit row may hold.
CREATE FUNCTION curp_masked(value text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE SET search_path = pg_catalog, public, pg_temp AS $$
    SELECT left(value, 4) || repeat('*', greatest(length(value) - 4, 0))
$$;

-- Whether free text (a reason, a baja's reason) names the person: one of `needles` (their CURP,
-- e-mails, names) as whole words, case and punctuation aside. Both sides are cut into words the
-- same way, so a name inside another word («Ana» in «mañana») does not count.
CREATE FUNCTION personal_data_mentions(haystack text, needles text[]) RETURNS boolean
LANGUAGE sql IMMUTABLE PARALLEL SAFE SET search_path = pg_catalog, public, pg_temp AS $$
    SELECT haystack IS NOT NULL AND EXISTS (
        SELECT 1 FROM unnest(needles) AS n
        WHERE n IS NOT NULL AND length(btrim(n)) >= 2
          AND position(' ' || btrim(regexp_replace(lower(n), '[^[:alnum:]@.]+', ' ', 'g')) || ' '
                       IN ' ' || regexp_replace(lower(haystack), '[^[:alnum:]@.]+', ' ', 'g') || ' ') > 0)
$$;

-- The register of requests. The CURP is the one the request names (kept when capacita holds no
-- data of it: the answer is then that none is held); not a foreign key, so a request may name a
-- CURP capacita does not hold. When the person's data is cancelled the register keeps the request
-- under the person's surrogate, and drops its free text (it may name them). `due_on` is computed
-- when filed from the legal term and the calendar of non-working days (Sources/Capacita/
-- PersonalData/WorkingCalendar.swift, db/seed/dias-inhabiles.csv) and kept: a later calendar does
-- not move a deadline already given.
CREATE TABLE arco_request (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    kind        text NOT NULL CHECK (kind IN ('acceso', 'rectificacion', 'cancelacion', 'oposicion')),
    curp        text COLLATE "C" NOT NULL
                CHECK (curp ~ '^[A-Z][AEIOUX][A-Z]{2}[0-9]{6}[HMX][A-Z]{2}[B-DF-HJ-NP-TV-Z]{3}[0-9A-Z][0-9]$'),
    -- How it arrived: in writing at the office, by e-mail, through the Plataforma Nacional de
    -- Transparencia, or from the participant's own page.
    channel     text NOT NULL CHECK (channel IN ('escrito', 'correo', 'pnt', 'participante')),
    received_on date NOT NULL CHECK (received_on >= DATE '2017-01-27'),
    due_on      date NOT NULL CHECK (due_on > received_on),
    detail      text CHECK (length(detail) <= 2000 AND detail !~ '[[:cntrl:]]'),
    state       text NOT NULL DEFAULT 'recibida'
                CHECK (state IN ('recibida', 'en_proceso', 'atendida', 'improcedente')),
    outcome     text CHECK (length(outcome) <= 2000 AND outcome !~ '[[:cntrl:]]'),
    filed_by    text NOT NULL,
    filed_at    timestamptz NOT NULL DEFAULT now(),
    closed_by   text,
    closed_at   timestamptz,
    CHECK ((state IN ('atendida', 'improcedente')) = (closed_at IS NOT NULL)),
    CHECK (closed_at IS NULL OR (closed_by IS NOT NULL AND btrim(coalesce(outcome, '')) <> ''))
);
CREATE INDEX arco_request_curp ON arco_request (curp);
CREATE INDEX arco_request_open ON arco_request (due_on) WHERE closed_at IS NULL;
ALTER TABLE arco_request ENABLE ROW LEVEL SECURITY, FORCE ROW LEVEL SECURITY;
CREATE POLICY admin_reads ON arco_request FOR SELECT TO capacita_app USING (capacita_role() = 'admin');
GRANT SELECT ON arco_request TO capacita_app;
GRANT SELECT, INSERT, UPDATE ON arco_request TO capacita_definer;

-- A rectification is linked to the history row it wrote (the old values, kept by the person's
-- history trigger as for any other change).
ALTER TABLE person_history ADD COLUMN arco_request_id bigint REFERENCES arco_request (id);

-- Opposition: the people who asked to receive no e-mail from capacita. mail_enqueue (below) looks
-- here for every message.
CREATE TABLE person_mail_opt_out (
    curp       text COLLATE "C" PRIMARY KEY REFERENCES person (curp),
    since      timestamptz NOT NULL DEFAULT now(),
    request_id bigint REFERENCES arco_request (id),
    set_by     text NOT NULL
);
ALTER TABLE person_mail_opt_out ENABLE ROW LEVEL SECURITY, FORCE ROW LEVEL SECURITY;
CREATE POLICY admin_reads ON person_mail_opt_out FOR SELECT TO capacita_app USING (capacita_role() = 'admin');
GRANT SELECT ON person_mail_opt_out TO capacita_app;
GRANT SELECT, INSERT, DELETE ON person_mail_opt_out TO capacita_definer;

-- The surrogates of cancelled people, with the day (no time, no reason, no link to who they
-- were). The shape is the surrogate's (SurrogateCurp.swift): XXXX, two digits, month 00 (no real
-- CURP has it), two digits, the sex of the original, XX, three consonants, a letter or digit and
-- a digit.
CREATE TABLE person_anonymized (
    curp          text COLLATE "C" PRIMARY KEY REFERENCES person (curp)
                  CHECK (curp ~ '^XXXX[0-9]{2}00[0-9]{2}[HMX]XX[B-DF-HJ-NP-TV-Z]{3}[0-9A-Z][0-9]$'),
    anonymized_on date NOT NULL DEFAULT current_date
);
ALTER TABLE person_anonymized ENABLE ROW LEVEL SECURITY, FORCE ROW LEVEL SECURITY;
CREATE POLICY admin_reads ON person_anonymized FOR SELECT TO capacita_app USING (capacita_role() = 'admin');
GRANT SELECT ON person_anonymized TO capacita_app;
GRANT SELECT, INSERT ON person_anonymized TO capacita_definer;

-- What the functions below read and change besides their own tables.
GRANT SELECT, UPDATE, DELETE ON person_history TO capacita_definer;
GRANT SELECT ON result_history, audit_log, account_person TO capacita_definer;
GRANT DELETE ON person TO capacita_definer;
GRANT UPDATE ON constancia TO capacita_definer;
GRANT DELETE ON constancia_pdf TO capacita_definer;

-- One audit row for these functions: who (the transaction's identity, or the operator), what,
-- about which request or masked person, and a detail without personal data.
CREATE FUNCTION personal_data_audit(what text, about text, detail jsonb) RETURNS void
LANGUAGE sql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
    INSERT INTO audit_log (user_name, user_label, role, agency_code, action, target, request_id, detail)
    VALUES (coalesce(capacita_user(), session_user), capacita_user(), coalesce(capacita_role(), 'system'),
            capacita_agency(), what, about, nullif(current_setting('capacita.request', true), ''), detail)
$$;

-- A request linked to an act on a person must be of that kind, name that person and be open.
CREATE FUNCTION arco_request_check(arco_id bigint, wanted_kind text, person_curp text) RETURNS void
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
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

-- Files a request; its id. The Secretaría Técnica files any; the participant's own page, acting for
-- no one, files one only through the channel `participante` (it has checked who the person is).
CREATE FUNCTION arco_request_file(new_kind text, new_curp text, received date, due date, new_channel text,
                                  new_detail text)
RETURNS bigint
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
DECLARE
    made bigint;
BEGIN
    IF NOT (personal_data_admin() OR (capacita_role() IS NULL AND new_channel = 'participante')) THEN
        RAISE EXCEPTION 'arco_request_file: not allowed' USING ERRCODE = '42501';
    END IF;
    IF received IS NULL OR received > current_date + 1 THEN
        RAISE EXCEPTION 'arco_request_file: a request is not received in the future' USING ERRCODE = '22023';
    END IF;
    INSERT INTO arco_request (kind, curp, channel, received_on, due_on, detail, filed_by)
    VALUES (new_kind, new_curp, new_channel, received, due, nullif(btrim(new_detail), ''),
            coalesce(capacita_user(), CASE WHEN new_channel = 'participante' THEN 'participante' ELSE session_user END))
    RETURNING id INTO made;
    PERFORM personal_data_audit('arco.file', 'solicitud ' || made,
                                jsonb_build_object('kind', new_kind, 'channel', new_channel, 'due_on', due));
    RETURN made;
END
$$;

-- Moves a request on: en_proceso, or closed as atendida or improcedente with what was done. False
-- when there is no such request; 22023 when it is closed already.
CREATE FUNCTION arco_request_set_state(arco_id bigint, new_state text, new_outcome text) RETURNS boolean
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
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

-- Closes a request linked to an act, as atendida with what was done (inside that act's transaction).
CREATE FUNCTION arco_request_done(arco_id bigint, what_was_done text) RETURNS void
LANGUAGE sql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
    UPDATE arco_request SET state = 'atendida', outcome = what_was_done,
        closed_by = coalesce(capacita_user(), session_user), closed_at = now()
    WHERE id = arco_id AND closed_at IS NULL
$$;

-- Access: every row capacita holds about the person, one (source, row, column) a line in order,
-- each value as text with its JSON type, so the export keeps each table's columns and their order.
-- The sources and their order are PersonExport.sources (Swift). The mail outbox gives its
-- envelope, never its bodies (a pending invitation's link is a secret). Audit rows about the
-- person: those of the batches that wrote their rows, of a baja of theirs (group and masked CURP,
-- as the row holds it), of their requests, of acts on their record (masked CURP) and of their
-- linked account. The log keeps a masked CURP, so another person with the same first four
-- characters and an act of the same kind on the same day could come too: the Secretaría Técnica
-- reviews the export before giving it.
CREATE FUNCTION person_export(target_curp text)
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
           OR EXISTS (SELECT 1 FROM accounts ac WHERE t.target LIKE 'cuenta ' || ac.account_id || ' %')
    )
    SELECT f.source, f.n, j.ordinality, j.key,
           CASE json_typeof(j.value) WHEN 'null' THEN NULL WHEN 'string' THEN j.value #>> '{}' ELSE j.value::text END,
           json_typeof(j.value)
    FROM found f, json_each(f.r) WITH ORDINALITY AS j(key, value, ordinality)
    ORDER BY f.sort, f.n, j.ordinality;
END
$$;

-- Rectification: the shared record and every agency's record of the person take the corrected
-- values; the history trigger keeps the old ones, and its rows are linked to the request. Returns
-- the fields that changed (none: nothing written, the request left open).
CREATE FUNCTION person_rectify(target_curp text, arco_id bigint, new_given text, new_first text, new_second text,
                               new_sex text, new_email text)
RETURNS text[]
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
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

-- Opposition: the person receives no e-mail from capacita (true), or again (false). Messages to
-- their addresses still waiting are given up at once, their bodies blanked. True when it changed.
CREATE FUNCTION person_mail_opt_out_set(target_curp text, arco_id bigint, opted_out boolean) RETURNS boolean
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
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

-- The outbox refuses no message (what causes one, an invitation, must not fail for it), but a
-- message to someone who opposed is recorded given up at once, without its bodies: nothing is
-- ever sent to them. 0019's body otherwise.
CREATE OR REPLACE FUNCTION mail_enqueue(recipient text, subject text, body_text text, body_html text, kind text)
RETURNS bigint
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
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

-- Cancellation: the person's identity (CURP, names, e-mail) leaves every table, and what the
-- reports count stays under `new_curp`, a surrogate drawn by the caller from a strong random
-- source (SurrogateCurp.swift) that keeps the CURP's shape and its sex (character 11, which the
-- events table counts). In one transaction: the surrogate person is inserted, the agency records
-- and enrollments move to it (attendance marks, constancias and results history follow through
-- their ON UPDATE CASCADE keys), the names and e-mail are replaced, the history of old values is
-- deleted, the constancias annulled and the hashes of their PDFs deleted, messages to the person's
-- addresses deleted, their requests kept under the surrogate without their free text, the trained
-- summary recomputed, and the act audited without the data. Refused while an account is linked to
-- the person or holds one of their e-mails (the account is a working identity of its own: deal
-- with it first), and when `why` names the person. A surrogate already in use is a
-- unique_violation: the caller draws another.
CREATE FUNCTION person_anonymize(target_curp text, new_curp text, why text, arco_id bigint)
RETURNS TABLE (enrollments integer, constancias integer, messages integer, history integer)
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
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
$$;

-- A constancia is never issued to a cancelled person again (a later change of their results
-- would otherwise issue one to the surrogate): the row is skipped, not refused, so the write that
-- caused it goes on.
CREATE FUNCTION constancia_not_after_cancellation() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
BEGIN
    IF EXISTS (SELECT 1 FROM person_anonymized a WHERE a.curp = NEW.curp) THEN
        RETURN NULL;
    END IF;
    RETURN NEW;
END
$$;
CREATE TRIGGER constancia_not_after_cancellation BEFORE INSERT ON constancia
    FOR EACH ROW EXECUTE FUNCTION constancia_not_after_cancellation();
ALTER TABLE constancia ENABLE ALWAYS TRIGGER constancia_not_after_cancellation;

-- Retention: the people whose last activity (the latest of their record's and enrollments'
-- changes and of the days of their groups) is before `cutoff`, not cancelled yet, with why one
-- cannot be cancelled now (`cuenta`: an account is theirs; `solicitud`: a request of theirs is
-- open). The cutoff is the caller's: today less the retention years (RetentionPolicy.swift).
CREATE FUNCTION retention_due(cutoff date)
RETURNS TABLE (curp text, last_activity date, blocked text)
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
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

-- The public verification (0011's) says when the holder's data was cancelled: no name, the day of
-- the cancellation as the day it was annulled, and `cancelled`.
DROP FUNCTION constancia_verify(text);
CREATE FUNCTION constancia_verify(code text)
RETURNS TABLE (folio text, given_names text, first_initial text, second_initial text, course_title text,
               hours float8, starts_on text, ends_on text, issued_on text, revoked_on text, cancelled boolean)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
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

ALTER FUNCTION personal_data_admin() OWNER TO capacita_definer;
ALTER FUNCTION curp_masked(text) OWNER TO capacita_definer;
ALTER FUNCTION personal_data_mentions(text, text[]) OWNER TO capacita_definer;
ALTER FUNCTION personal_data_audit(text, text, jsonb) OWNER TO capacita_definer;
ALTER FUNCTION arco_request_check(bigint, text, text) OWNER TO capacita_definer;
ALTER FUNCTION arco_request_file(text, text, date, date, text, text) OWNER TO capacita_definer;
ALTER FUNCTION arco_request_set_state(bigint, text, text) OWNER TO capacita_definer;
ALTER FUNCTION arco_request_done(bigint, text) OWNER TO capacita_definer;
ALTER FUNCTION person_export(text) OWNER TO capacita_definer;
ALTER FUNCTION person_rectify(text, bigint, text, text, text, text, text) OWNER TO capacita_definer;
ALTER FUNCTION person_mail_opt_out_set(text, bigint, boolean) OWNER TO capacita_definer;
ALTER FUNCTION person_anonymize(text, text, text, bigint) OWNER TO capacita_definer;
ALTER FUNCTION constancia_not_after_cancellation() OWNER TO capacita_definer;
ALTER FUNCTION retention_due(date) OWNER TO capacita_definer;
ALTER FUNCTION constancia_verify(text) OWNER TO capacita_definer;

REVOKE EXECUTE ON FUNCTION personal_data_admin(), curp_masked(text), personal_data_mentions(text, text[]),
    personal_data_audit(text, text, jsonb), arco_request_check(bigint, text, text),
    arco_request_file(text, text, date, date, text, text), arco_request_set_state(bigint, text, text),
    arco_request_done(bigint, text), person_export(text),
    person_rectify(text, bigint, text, text, text, text, text), person_mail_opt_out_set(text, bigint, boolean),
    person_anonymize(text, text, text, bigint), constancia_not_after_cancellation(), retention_due(date),
    constancia_verify(text) FROM PUBLIC;
-- What the application calls. The helpers (the audit row, the request's check and closing) are
-- the functions' own: called alone they would write an audit row or close a request unchecked.
GRANT EXECUTE ON FUNCTION personal_data_admin(), curp_masked(text), personal_data_mentions(text, text[]),
    arco_request_file(text, text, date, date, text, text), arco_request_set_state(bigint, text, text),
    person_export(text), person_rectify(text, bigint, text, text, text, text, text),
    person_mail_opt_out_set(text, bigint, boolean), person_anonymize(text, text, text, bigint), retention_due(date),
    constancia_verify(text) TO capacita_app;
