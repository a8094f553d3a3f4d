-- Run CONNECTED AS capacita_app (not as a superuser) after seed.sql. Every check raises on failure.
\set ON_ERROR_STOP 1
\set QUIET 1
SET client_min_messages = notice;

-- 1. The role itself: logged in as capacita_app, not superuser, not BYPASSRLS, owns nothing.
DO $$
BEGIN
    PERFORM test_assert(current_user = 'capacita_app' AND session_user = 'capacita_app', 'connected as capacita_app');
    PERFORM test_assert(NOT (SELECT rolsuper OR rolbypassrls OR rolcreaterole OR rolcreatedb FROM pg_roles WHERE rolname = current_user),
                        'capacita_app is not superuser, BYPASSRLS, CREATEROLE or CREATEDB');
    PERFORM test_assert((SELECT rolcanlogin FROM pg_roles WHERE rolname = current_user), 'capacita_app can log in');
    PERFORM test_assert(NOT EXISTS (SELECT 1 FROM pg_class c WHERE c.relowner = 'capacita_app'::regrole
                                    AND c.relnamespace = 'public'::regnamespace), 'capacita_app owns no table in public');
    PERFORM test_assert(NOT EXISTS (SELECT 1 FROM pg_proc p WHERE p.proowner = 'capacita_app'::regrole), 'capacita_app owns no function');
    PERFORM test_assert(NOT pg_has_role('capacita_app', 'capacita_definer', 'USAGE'), 'capacita_app is not a member of capacita_definer');
    PERFORM test_assert(NOT has_table_privilege('audit_log', 'UPDATE') AND NOT has_table_privilege('audit_log', 'DELETE')
                        AND NOT has_table_privilege('audit_log', 'TRUNCATE'), 'no UPDATE/DELETE/TRUNCATE on audit_log');
    PERFORM test_assert(NOT has_table_privilege('trained_year', 'SELECT') AND NOT has_table_privilege('trained_dirty', 'INSERT'),
                        'no direct access to the trained summary');
    PERFORM test_assert(NOT has_table_privilege('person', 'DELETE') AND NOT has_table_privilege('enrollment', 'DELETE'),
                        'no DELETE of people or enrollments');
    PERFORM test_assert(NOT has_schema_privilege('public', 'CREATE'), 'cannot create objects in public');
    -- Tokens and web sessions are read only through their definer functions (0010, 0015).
    PERFORM test_assert(NOT has_table_privilege('api_token', 'SELECT') AND NOT has_table_privilege('web_session', 'SELECT')
                        AND NOT has_table_privilege('web_session', 'INSERT') AND NOT has_table_privilege('web_session', 'DELETE'),
                        'no direct access to api_token or web_session');
    PERFORM test_assert(NOT EXISTS (SELECT 1 FROM session_identity(repeat('0', 64))), 'an unknown session stands for no one');
    PERFORM test_assert(has_database_privilege(current_database(), 'TEMPORARY'), 'may create temporary stage tables');
    -- Every personal-data table: RLS enabled and forced.
    PERFORM test_assert((SELECT bool_and(relrowsecurity AND relforcerowsecurity) FROM pg_class
                         WHERE oid IN ('person'::regclass, 'enrollment'::regclass, 'constancia'::regclass, 'import_batch'::regclass,
                                       'audit_log'::regclass, 'ficha'::regclass, 'person_history'::regclass,
                                       'result_history'::regclass, 'trained_year'::regclass, 'group_instructor'::regclass)),
                        'RLS enabled and forced on every personal-data table');
    PERFORM test_assert((SELECT bool_and(prosecdef AND proowner = 'capacita_definer'::regrole
                                         AND array_to_string(proconfig, ',') LIKE '%search_path=pg_catalog, public, pg_temp%')
                         FROM pg_proc WHERE proname IN ('trained_refresh', 'trained_counts', 'enrollment_import_apply',
                                                        'event_counts', 'enrollment_lock_groups', 'enrollment_stage_existing',
                                                        'trained_counts_by_sex')),
                        'shared work in SECURITY DEFINER functions owned by capacita_definer with a pinned search_path');
    PERFORM test_assert((SELECT count(*) = 4 FROM pg_indexes WHERE indexname IN
                         ('enrollment_agency', 'enrollment_results_batch', 'training_group_course', 'enrollment_curp')),
                        'the four indexes exist');
END
$$;

-- 2. No identity: nothing personal is visible, and definer functions refuse.
DO $$
BEGIN
    PERFORM test_assert((SELECT count(*) FROM person) + (SELECT count(*) FROM enrollment) + (SELECT count(*) FROM constancia)
                        + (SELECT count(*) FROM import_batch) + (SELECT count(*) FROM audit_log) + (SELECT count(*) FROM ficha)
                        + (SELECT count(*) FROM person_history) + (SELECT count(*) FROM result_history)
                        + (SELECT count(*) FROM group_instructor) + (SELECT count(*) FROM training_group)
                        + (SELECT count(*) FROM group_session) + (SELECT count(*) FROM attendance_mark) = 0,
                        'no identity: no rows at all');
    BEGIN
        PERFORM * FROM trained_counts(2022, 2024);
        RAISE EXCEPTION 'FAILED: trained_counts ran without identity';
    EXCEPTION WHEN insufficient_privilege THEN
        PERFORM test_assert(true, 'no identity: trained_counts refuses');
    END;
    -- An unknown role or an enlace without agency is no identity either.
    PERFORM set_config('capacita.role', 'superuser', true);
    PERFORM test_assert((SELECT count(*) FROM person) = 0, 'unknown role sees nothing');
    PERFORM set_config('capacita.role', 'enlace', true);
    PERFORM test_assert((SELECT count(*) FROM person) + (SELECT count(*) FROM enrollment) = 0, 'enlace without agency sees nothing');
END
$$;

-- 3. Enlace of SEGOB, no WHERE: its own people only; none of SRE's, not even the ones in the
--    group SEGOB organizes (0012).
BEGIN;
SELECT set_config('capacita.role', 'enlace', true), set_config('capacita.agency', 'SEGOB', true),
       set_config('capacita.user', 'enlace-segob', true) \gset
DO $$
BEGIN
    PERFORM test_assert((SELECT count(*) FROM person_agency) = 100,
                        'SEGOB sees its own record of its 100 people, not the 10 of another agency in the group it organizes');
    PERFORM test_assert((SELECT count(*) FROM person) = 0,
                        'SEGOB reads no shared person record, only what SEGOB supplied (0017)');
    PERFORM test_assert((SELECT count(*) FROM person_agency WHERE curp BETWEEN test_curp(101) AND test_curp(200)
                         AND agency_code <> 'SEGOB') = 0,
                        'SEGOB sees none of SRE''s records of people (even asked by CURP)');
    PERFORM test_assert((SELECT count(*) FROM person_agency WHERE curp >= test_curp(301)) = 0, 'SEGOB sees none of SALUD''s people');
    PERFORM test_assert((SELECT count(*) FROM enrollment WHERE group_code LIKE 'G-SRE-%') = 0,
                        'SEGOB sees no enrollment in SRE''s groups (not even of its own former people)');
    PERFORM test_assert((SELECT count(*) FROM enrollment) = 100,
                        'SEGOB sees the 100 enrollments of its agency, not the 10 of another in its group');
    PERFORM test_assert((SELECT count(*) FROM constancia) = 4, 'SEGOB sees the constancias of its enrollments only');
    PERFORM test_assert((SELECT count(*) FROM import_batch WHERE agency_code IS DISTINCT FROM 'SEGOB') = 0, 'SEGOB sees only its batches');
    PERFORM test_assert((SELECT count(*) FROM audit_log) = 1 AND (SELECT agency_code FROM audit_log) = 'SEGOB', 'SEGOB reads only its audit rows');
    PERFORM test_assert((SELECT count(*) FROM ficha) = 1, 'SEGOB reads only its ficha');
    PERFORM test_assert((SELECT count(*) FROM ficha_national(2024)) = 2
                        AND NOT EXISTS (SELECT 1 FROM ficha_national(2024) WHERE document ? 'observaciones'),
                        'national fichas come without observaciones');
    PERFORM test_assert((SELECT count(*) FROM training_group) = 5 AND (SELECT count(*) FROM headcount) = 3,
                        'groups and headcounts (not personal) are shared');
    PERFORM test_assert((SELECT count(*) FROM group_instructor) = 0, 'SEGOB does not see SRE''s instructor assignments');
END
$$;
-- Writes: only its own agency or groups.
DO $$
DECLARE
    n integer;
BEGIN
    BEGIN
        INSERT INTO enrollment (group_code, curp, agency_code, tier, batch_id) VALUES ('G-SRE-1', test_curp(5), 'SRE', 'alto', 2);
        RAISE EXCEPTION 'FAILED: SEGOB enrolled someone for SRE in an SRE group';
    EXCEPTION WHEN insufficient_privilege THEN
        PERFORM test_assert(true, 'WITH CHECK: SEGOB cannot write an SRE enrollment in an SRE group');
    END;
    UPDATE enrollment SET tier = 'alto' WHERE group_code = 'G-SRE-1';
    GET DIAGNOSTICS n = ROW_COUNT;
    PERFORM test_assert(n = 0, 'SEGOB''s UPDATE of SRE''s enrollments touches nothing');
    BEGIN
        UPDATE enrollment SET agency_code = 'SRE', group_code = 'G-SRE-1' WHERE group_code = 'G-SEGOB-1' AND curp = test_curp(30);
        RAISE EXCEPTION 'FAILED: SEGOB moved an enrollment out of its reach';
    EXCEPTION WHEN insufficient_privilege THEN
        PERFORM test_assert(true, 'WITH CHECK: SEGOB cannot move its enrollment to SRE');
    END;
    BEGIN
        INSERT INTO training_group (code, course_code, kind, agency_code, starts_on, capacity) VALUES ('G-X', 'PNC22-BAS', 'capacitacion', 'SRE', '2024-01-01', 10);
        RAISE EXCEPTION 'FAILED: SEGOB created an SRE group';
    EXCEPTION WHEN insufficient_privilege THEN
        PERFORM test_assert(true, 'WITH CHECK: SEGOB cannot create a group for SRE');
    END;
    -- A group's sessions (0025): read as the group; written for SEGOB's own groups only.
    PERFORM test_assert((SELECT count(*) FROM group_session WHERE group_code = 'G-SRE-2') = 1,
                        'SEGOB reads the sessions of SRE''s group, as it reads the group');
    DELETE FROM group_session WHERE group_code = 'G-SRE-2';
    GET DIAGNOSTICS n = ROW_COUNT;
    PERFORM test_assert(n = 0, 'SEGOB''s DELETE of SRE''s sessions touches nothing');
    INSERT INTO group_session (group_code, session_date, starts_at, ends_at) VALUES ('G-SEGOB-2', '2024-03-01', '09:00', '10:00');
    PERFORM test_assert((SELECT count(*) FROM group_session WHERE group_code = 'G-SEGOB-2') = 1,
                        'SEGOB gives the sessions of its own group');
    BEGIN
        INSERT INTO group_session (group_code, session_date, starts_at, ends_at) VALUES ('G-SRE-2', '2024-04-02', '09:00', '10:00');
        RAISE EXCEPTION 'FAILED: SEGOB gave a session of an SRE group';
    EXCEPTION WHEN insufficient_privilege THEN
        PERFORM test_assert(true, 'WITH CHECK: SEGOB cannot give the sessions of an SRE group');
    END;
    -- The attendance register (0027): SEGOB reads and marks its own people in the group it
    -- organizes, never SRE's people there; marks are corrected, not deleted.
    PERFORM test_assert((SELECT count(*) FROM attendance_mark) = 1
                        AND (SELECT curp FROM attendance_mark) = test_curp(1),
                        'SEGOB reads the mark of its own person, not that of SRE''s person in its group');
    UPDATE attendance_mark SET mark = 'present' WHERE curp = test_curp(201);
    GET DIAGNOSTICS n = ROW_COUNT;
    PERFORM test_assert(n = 0, 'SEGOB''s UPDATE of SRE''s person''s mark touches nothing');
    BEGIN
        INSERT INTO attendance_mark (group_code, curp, session_date, mark, batch_id)
        VALUES ('G-SEGOB-1', test_curp(205), '2023-03-02', 'present', 2);
        RAISE EXCEPTION 'FAILED: SEGOB marked SRE''s person';
    EXCEPTION WHEN insufficient_privilege THEN
        PERFORM test_assert(true, 'WITH CHECK: SEGOB cannot mark SRE''s person in its own group');
    END;
    BEGIN
        INSERT INTO attendance_mark (group_code, curp, session_date, mark, batch_id)
        VALUES ('G-SRE-1', test_curp(101), '2023-04-01', 'present', 2);
        RAISE EXCEPTION 'FAILED: SEGOB marked in an SRE group';
    EXCEPTION WHEN insufficient_privilege THEN
        PERFORM test_assert(true, 'WITH CHECK: SEGOB cannot mark in a group SRE organizes');
    END;
    INSERT INTO attendance_mark (group_code, curp, session_date, mark, batch_id)
    VALUES ('G-SEGOB-1', test_curp(2), '2023-03-02', 'excused', 2);
    PERFORM test_assert((SELECT count(*) FROM attendance_mark) = 2, 'SEGOB marks its own person');
    BEGIN
        INSERT INTO attendance_mark (group_code, curp, session_date, mark, batch_id)
        VALUES ('G-SEGOB-1', test_curp(3), '2023-03-09', 'present', 2);
        RAISE EXCEPTION 'FAILED: a mark for a day the group does not have';
    EXCEPTION WHEN foreign_key_violation THEN
        PERFORM test_assert(true, 'a mark must name one of the group''s sessions');
    END;
    BEGIN
        DELETE FROM attendance_mark WHERE curp = test_curp(1);
        RAISE EXCEPTION 'FAILED: a mark was deleted';
    EXCEPTION WHEN insufficient_privilege THEN
        PERFORM test_assert(true, 'marks are corrected, never deleted (no DELETE granted)');
    END;
    PERFORM test_assert((SELECT count(*) FROM attendance_from_register(ARRAY['G-SEGOB-1'])) = 100,
                        'SEGOB''s percentages come from its own people''s marks only');
    BEGIN
        INSERT INTO audit_log (user_name, role, agency_code, action) VALUES ('someone', 'admin', NULL, 'forged');
        RAISE EXCEPTION 'FAILED: audit row forged';
    EXCEPTION WHEN insufficient_privilege THEN
        PERFORM test_assert(true, 'audit rows cannot be written in another identity''s name');
    END;
    INSERT INTO audit_log (action, target, request_id) VALUES ('report.read', 'coverage 2024', 'req-1');
    PERFORM test_assert((SELECT role = 'enlace' AND agency_code = 'SEGOB' AND user_name = 'enlace-segob'
                         FROM audit_log WHERE request_id = 'req-1'), 'audit row takes the identity from the transaction');
END
$$;
ROLLBACK;

-- 4. Shared aggregates stay exact from an enlace's transaction (expected values: the superuser
--    computed them from the base tables, see test_access_control.sh; passed in as variables).
BEGIN READ ONLY;
SELECT set_config('capacita.role', 'enlace', true), set_config('capacita.agency', 'SEGOB', true) \gset
DO $$
BEGIN
    PERFORM test_assert((SELECT string_agg(agency_code || ':' || tier || ':' || people, ',' ORDER BY agency_code, tier)
                         FROM trained_counts(2022, 2024)) = current_setting('test.trained'),
                        'trained_counts (summary) from SEGOB''s read-only transaction equals the base-table count');
    PERFORM test_assert((SELECT string_agg(agency_code || ':' || tier || ':' || people, ',' ORDER BY agency_code, tier)
                         FROM trained_counts(2022, 2024, ARRAY['basico'])) = current_setting('test.trained'),
                        'trained_counts (levels subset, base tables) is exact too');
    -- What a naive count under RLS would say: SEGOB would claim people 1..20, who moved to SRE.
    PERFORM test_assert((SELECT count(DISTINCT curp) FROM enrollment WHERE agency_code = 'SEGOB' AND status = 'acreditado') = 100,
                        '(a filtered view would count 100 for SEGOB, the exact figure is 80)');
    PERFORM test_assert((SELECT string_agg(a.code || ':' || m.meets, ',' ORDER BY a.code) FROM agency a
                         JOIN LATERAL (
                             SELECT bool_and(COALESCE(t.people, 0) * 100.0 >= 5 * CASE h.tier WHEN 'alto' THEN hc.alto
                                                                         WHEN 'medio' THEN hc.medio ELSE hc.operativo END) AS meets
                             FROM headcount hc CROSS JOIN (VALUES ('alto'), ('medio'), ('operativo')) h(tier)
                             LEFT JOIN trained_counts(2022, 2024) t ON t.agency_code = hc.agency_code AND t.tier = h.tier
                             WHERE hc.agency_code = a.code AND hc.year = 2024) m ON true)
                        = current_setting('test.meets'),
                        'indicator-style per-agency "meets 5% in each tier" from SEGOB''s transaction equals the exact one');
    PERFORM test_assert((SELECT string_agg(agency_code || ':' || events || ':' || servants || ':' || enrolled_h, ',' ORDER BY agency_code)
                         FROM event_counts('2024-01-01', '2024-12-31'))
                        = 'SALUD:1:30:30,SEGOB:1:0:0,SRE:1:20:20', 'event_counts counts every agency''s people');
    PERFORM test_assert((SELECT string_agg(agency_code || ':' || events, ',' ORDER BY agency_code)
                         FROM event_counts('2024-04-01', '2024-06-30'))
                        = 'SALUD:1,SRE:1', 'event_counts counts the groups that started within the days only');
    -- A temporary table named like a summary table cannot shadow it inside the definer functions.
END
$$;
ROLLBACK;
BEGIN;
SELECT set_config('capacita.role', 'enlace', true), set_config('capacita.agency', 'SEGOB', true) \gset
CREATE TEMP TABLE trained_year (curp text, year int, agency_code text, tier text, next_year int) ON COMMIT DROP;
INSERT INTO trained_year VALUES ('X', 2024, 'SEGOB', 'alto', NULL);
CREATE TEMP TABLE enrollment (group_code text) ON COMMIT DROP;
DO $$
BEGIN
    PERFORM test_assert((SELECT string_agg(agency_code || ':' || tier || ':' || people, ',' ORDER BY agency_code, tier)
                         FROM trained_counts(2022, 2024)) = current_setting('test.trained')
                        AND (SELECT string_agg(agency_code || ':' || tier || ':' || people, ',' ORDER BY agency_code, tier)
                         FROM trained_counts(2022, 2024, ARRAY['basico'])) = current_setting('test.trained'),
                        'temp tables named trained_year/enrollment do not shadow the real ones in definer functions');
END
$$;
ROLLBACK;

-- 5. An enlace's write recomputes the summary from ALL rows (definer trained_refresh), in its own
--    transaction and at commit. SEGOB drops person 1 from its group: person 1 still counts for SRE.
BEGIN;
SELECT set_config('capacita.role', 'enlace', true), set_config('capacita.agency', 'SEGOB', true) \gset
UPDATE enrollment SET status = 'baja', drop_reason = 'prueba', dropped_at = now() WHERE group_code = 'G-SEGOB-1' AND curp IN (test_curp(1), test_curp(21));
DO $$
BEGIN
    PERFORM test_assert((SELECT sum(people) FILTER (WHERE agency_code = 'SRE') FROM trained_counts(2022, 2024)) = 130
                        AND (SELECT sum(people) FILTER (WHERE agency_code = 'SEGOB') FROM trained_counts(2022, 2024)) = 79,
                        'own uncommitted drop folded in; person 1 still SRE''s (refresh saw rows SEGOB cannot)');
END
$$;
COMMIT;

-- 6. A reused connection carries no identity: set_config(…, true) ends with the transaction.
BEGIN;
SELECT set_config('capacita.role', 'admin', true) \gset
DO $$ BEGIN PERFORM test_assert((SELECT count(*) FROM person) = 240, 'admin sees all 240 people'); END $$;
COMMIT;
DO $$
BEGIN
    PERFORM test_assert(capacita_role() IS NULL AND (SELECT count(*) FROM person) = 0,
                        'same connection, next transaction (after COMMIT): no identity, no people');
END
$$;
BEGIN;
SELECT set_config('capacita.role', 'admin', true) \gset
ROLLBACK;
DO $$ BEGIN PERFORM test_assert(capacita_role() IS NULL AND (SELECT count(*) FROM enrollment) = 0, 'after ROLLBACK: no identity'); END $$;
BEGIN;
SELECT set_config('capacita.role', 'admin', true) \gset
SAVEPOINT s;
SELECT set_config('capacita.role', 'enlace', true), set_config('capacita.agency', 'SRE', true) \gset
RELEASE SAVEPOINT s;
COMMIT;
DO $$ BEGIN PERFORM test_assert(capacita_role() IS NULL AND capacita_agency() IS NULL, 'after savepoints and COMMIT: no identity'); END $$;

-- 7. The audit log refuses UPDATE and DELETE (not granted), even as admin.
BEGIN;
SELECT set_config('capacita.role', 'admin', true) \gset
DO $$
BEGIN
    PERFORM test_assert((SELECT count(*) FROM audit_log) >= 3, 'admin reads every audit row');
    BEGIN
        UPDATE audit_log SET action = 'tampered';
        RAISE EXCEPTION 'FAILED: audit_log UPDATE ran';
    EXCEPTION WHEN insufficient_privilege THEN
        PERFORM test_assert(SQLERRM LIKE 'permission denied%', 'audit_log UPDATE refused: ' || SQLERRM);
    END;
    BEGIN
        DELETE FROM audit_log;
        RAISE EXCEPTION 'FAILED: audit_log DELETE ran';
    EXCEPTION WHEN insufficient_privilege THEN
        PERFORM test_assert(SQLERRM LIKE 'permission denied%', 'audit_log DELETE refused: ' || SQLERRM);
    END;
END
$$;
ROLLBACK;

-- 8. Instructor: the roster and results of the assigned group only; results, nothing else.
BEGIN;
SELECT set_config('capacita.role', 'instructor', true), set_config('capacita.user', 'inst1', true) \gset
DO $$
DECLARE
    n integer;
BEGIN
    PERFORM test_assert((SELECT count(*) FROM enrollment) = 100 AND (SELECT count(DISTINCT group_code) FROM enrollment) = 1,
                        'instructor sees the roster of G-SRE-1 only');
    PERFORM test_assert((SELECT count(*) FROM person) = 100, 'instructor sees that roster''s people');
    UPDATE enrollment SET final_score = 95, results_batch_id = 4 WHERE curp = test_curp(150);
    GET DIAGNOSTICS n = ROW_COUNT;
    PERFORM test_assert(n = 1, 'instructor records a result');
    UPDATE enrollment SET final_score = 95 WHERE group_code = 'G-SEGOB-1';
    GET DIAGNOSTICS n = ROW_COUNT;
    PERFORM test_assert(n = 0, 'instructor cannot touch other groups');
    BEGIN
        UPDATE enrollment SET tier = 'alto' WHERE curp = test_curp(151);
        RAISE EXCEPTION 'FAILED: instructor changed a tier';
    EXCEPTION WHEN insufficient_privilege THEN
        PERFORM test_assert(true, 'instructor cannot change tier/agency');
    END;
END
$$;
COMMIT;
BEGIN;
SELECT set_config('capacita.role', 'enlace', true), set_config('capacita.agency', 'SRE', true) \gset
DO $$
BEGIN
    PERFORM test_assert((SELECT count(*) FROM result_history WHERE curp = test_curp(150)) = 1
                        AND (SELECT final_score = 90 AND results_batch_id = 4 AND changed_by = 'inst1'
                             FROM result_history WHERE curp = test_curp(150)),
                        'result_history kept the old score, the batch that wrote it and who changed it');
END
$$;
ROLLBACK;

-- 9. Scanned signed lists (0029): read by the Secretaría Técnica and the organizing enlace only;
-- attached through session_evidence_attach (an instructor of the group too), removed through
-- session_evidence_detach, each with its audit row; no direct INSERT or DELETE.
BEGIN;
SELECT set_config('capacita.role', 'instructor', true), set_config('capacita.user', 'inst1', true) \gset
DO $$
DECLARE
    made record;
BEGIN
    SELECT * INTO made FROM session_evidence_attach('G-SRE-1', '2023-04-02', NULL, 'lista.png', '\x89504e470d0a1a0a00'::bytea);
    PERFORM test_assert(made.created AND made.media_type = 'image/png', 'an instructor of the group attaches a scan');
    SELECT * INTO made FROM session_evidence_attach('G-SRE-1', '2023-04-02', NULL, 'otra.png', '\x89504e470d0a1a0a00'::bytea);
    PERFORM test_assert(NOT made.created, 'the same bytes on the same session are one scan');
    PERFORM test_assert((SELECT count(*) FROM session_evidence) = 0, 'the instructor reads no scan');
    PERFORM test_assert((SELECT scans FROM session_evidence_counts('G-SRE-1')) = 1, 'the instructor reads how many');
    BEGIN
        PERFORM session_evidence_attach('G-SEGOB-1', '2023-03-02', NULL, 'x.png', '\x89504e470d0a1a0a00'::bytea);
        RAISE EXCEPTION 'FAILED: an instructor attached to a group not theirs';
    EXCEPTION WHEN insufficient_privilege THEN
        PERFORM test_assert(true, 'an instructor of another group cannot attach');
    END;
    BEGIN
        PERFORM session_evidence_attach('G-SRE-1', '2023-04-09', NULL, 'x.png', '\x89504e470d0a1a0a00'::bytea);
        RAISE EXCEPTION 'FAILED: a scan attached to a day without a session';
    EXCEPTION WHEN no_data_found THEN
        PERFORM test_assert(true, 'a day without a session of the group is refused');
    END;
    BEGIN
        PERFORM session_evidence_attach('G-SRE-1', '2023-04-03', NULL, 'x.pdf', 'hola'::bytea);
        RAISE EXCEPTION 'FAILED: text kept as a scan';
    EXCEPTION WHEN invalid_parameter_value THEN
        PERFORM test_assert(true, 'bytes that are no PDF, JPEG or PNG are refused');
    END;
END
$$;
COMMIT;
BEGIN;
SELECT set_config('capacita.role', 'enlace', true), set_config('capacita.agency', 'SEGOB', true), set_config('capacita.user', 'segob', true) \gset
DO $$
BEGIN
    PERFORM test_assert((SELECT count(*) FROM session_evidence) = 0, 'another agency''s enlace reads no scan');
    PERFORM test_assert(session_evidence_access('G-SRE-1') IS NULL, 'another agency''s enlace has no access, as for no group');
    PERFORM test_assert(session_evidence_access('NO-EXISTE') IS NULL, 'a group that does not exist: the same');
    -- id 1: the instructor's scan above, the first of a freshly seeded database.
    PERFORM test_assert(NOT EXISTS (SELECT 1 FROM session_evidence_detach(1)),
                        'another agency''s enlace removes nothing');
    BEGIN
        INSERT INTO session_evidence (group_code, session_date, media_type, file_name, size_bytes, sha256, content, attached_by, attached_role)
        VALUES ('G-SEGOB-1', '2023-03-02', 'application/pdf', 'x.pdf', 5, encode(sha256('%PDF-'::bytea), 'hex'), '%PDF-'::bytea, 'segob', 'enlace');
        RAISE EXCEPTION 'FAILED: a scan inserted without the function';
    EXCEPTION WHEN insufficient_privilege THEN
        PERFORM test_assert(true, 'no direct INSERT of a scan');
    END;
END
$$;
COMMIT;
BEGIN;
SELECT set_config('capacita.role', 'enlace', true), set_config('capacita.agency', 'SRE', true), set_config('capacita.user', 'sre', true) \gset
DO $$
DECLARE
    scan bigint;
BEGIN
    SELECT id INTO scan FROM session_evidence WHERE group_code = 'G-SRE-1';
    PERFORM test_assert(scan IS NOT NULL, 'the organizing enlace reads the scan');
    PERFORM test_assert((SELECT count(*) FROM session_evidence_detach(scan)) = 1, 'the organizing enlace removes it');
    PERFORM test_assert((SELECT count(*) FROM audit_log WHERE action IN ('evidence.attach', 'evidence.detach')
                         AND agency_code = 'SRE') = 2, 'attach and removal are in the organizing agency''s audit log');
END
$$;
COMMIT;
-- Constancias on paper (0028): what a PDF shows is read through constancia_documents, for the
-- caller's constancias only; the SHA-256 of a PDF issued is recorded under constancia's rules.
BEGIN;
DO $$
BEGIN
    BEGIN
        PERFORM * FROM constancia_documents(NULL, 'PNC-2023-000001', NULL, 1);
        RAISE EXCEPTION 'FAILED: constancia_documents ran without identity';
    EXCEPTION WHEN insufficient_privilege THEN
        PERFORM test_assert(true, 'no identity: constancia_documents refuses');
    END;
    PERFORM test_assert((SELECT count(*) FROM constancia_verify_pdfs('ABCDEFGHJKAB')) = 0,
                        'no identity: the PDFs issued for a code are public (none yet)');
    PERFORM test_assert((SELECT count(*) FROM constancia_pdf) = 0, 'no identity: no record of a PDF issued');
END
$$;
ROLLBACK;
BEGIN;
SELECT set_config('capacita.role', 'enlace', true), set_config('capacita.agency', 'SEGOB', true) \gset
DO $$
BEGIN
    PERFORM test_assert((SELECT count(*) FROM constancia_documents('G-SEGOB-1', NULL, NULL, 1000)) = 4,
                        'SEGOB reads the documents of its four constancias');
    PERFORM test_assert((SELECT given_names FROM constancia_documents(NULL, 'PNC-2023-000001', NULL, 1)) = 'Nombre 1',
                        'the document names the holder by the shared record');
    PERFORM test_assert((SELECT count(*) FROM constancia_documents(NULL, 'PNC-2023-000150', NULL, 1)) = 0,
                        'SEGOB reads no document of SRE''s constancia');
    PERFORM test_assert((SELECT count(*) FROM constancia_documents('G-SRE-1', NULL, NULL, 1000)) = 0,
                        'SEGOB reads no document of SRE''s group');
    PERFORM test_assert((SELECT string_agg(folio, ',') FROM constancia_documents('G-SEGOB-1', NULL, 'PNC-2023-000001', 2))
                        = 'PNC-2023-000022,PNC-2023-000023', 'documents come a page at a time, in folio order');
    INSERT INTO constancia_pdf (folio, sha256) VALUES ('PNC-2023-000001', repeat('a', 64));
    PERFORM test_assert((SELECT count(*) FROM constancia_pdf) = 1, 'SEGOB records a PDF of its constancia');
    BEGIN
        INSERT INTO constancia_pdf (folio, sha256) VALUES ('PNC-2023-000150', repeat('b', 64));
        RAISE EXCEPTION 'FAILED: SEGOB recorded a PDF of SRE''s constancia';
    EXCEPTION WHEN insufficient_privilege THEN
        PERFORM test_assert(true, 'SEGOB cannot record a PDF of SRE''s constancia');
    END;
    BEGIN
        UPDATE constancia_pdf SET sha256 = repeat('c', 64);
        RAISE EXCEPTION 'FAILED: a record of a PDF issued was changed';
    EXCEPTION WHEN insufficient_privilege THEN
        PERFORM test_assert(true, 'a record of a PDF issued is never changed');
    END;
END
$$;
ROLLBACK;
BEGIN;
SELECT set_config('capacita.role', 'instructor', true), set_config('capacita.user', 'inst1', true) \gset
DO $$
BEGIN
    PERFORM test_assert((SELECT string_agg(folio, ',') FROM constancia_documents('G-SRE-1', NULL, NULL, 1000))
                        = 'PNC-2023-000150', 'the instructor reads the documents of the assigned group');
    PERFORM test_assert((SELECT count(*) FROM constancia_documents(NULL, 'PNC-2023-000001', NULL, 1)) = 0,
                        'the instructor reads no document of another group');
END
$$;
ROLLBACK;
