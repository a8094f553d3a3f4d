-- Run as the superuser (the tables' owner) at the end.
\set ON_ERROR_STOP 1
\set QUIET 1
DO $$
BEGIN
    -- The summary an enlace's commit left is the one the base tables give.
    PERFORM test_assert(NOT EXISTS (
        (SELECT * FROM trained_year EXCEPT SELECT * FROM trained_year_source(NULL))
        UNION ALL (SELECT * FROM trained_year_source(NULL) EXCEPT SELECT * FROM trained_year)),
        'trained_year equals trained_year_source(NULL) after the app''s commits');
    -- Foreign keys hold for everything the bulk path wrote without row checks.
    PERFORM test_assert(NOT EXISTS (SELECT 1 FROM enrollment e WHERE NOT EXISTS (SELECT 1 FROM person p WHERE p.curp = e.curp)
                                       OR NOT EXISTS (SELECT 1 FROM import_batch b WHERE b.id = e.batch_id)
                                       OR NOT EXISTS (SELECT 1 FROM training_group g WHERE g.code = e.group_code)),
                        'no enrollment dangles');
    BEGIN
        INSERT INTO enrollment (group_code, curp, agency_code, tier, batch_id) VALUES ('G-SALUD-1', test_curp(1), 'SALUD', 'alto', 999999);
        RAISE EXCEPTION 'FAILED: batch_id is not a foreign key';
    EXCEPTION WHEN foreign_key_violation THEN
        PERFORM test_assert(true, 'enrollment.batch_id is a foreign key');
    END;
    BEGIN
        UPDATE enrollment SET results_batch_id = 999999 WHERE curp = test_curp(301);
        RAISE EXCEPTION 'FAILED: results_batch_id is not a foreign key';
    EXCEPTION WHEN foreign_key_violation THEN
        PERFORM test_assert(true, 'enrollment.results_batch_id is a foreign key');
    END;
    -- Append-only even for the owner (a superuser here): the trigger refuses.
    BEGIN
        UPDATE audit_log SET action = 'tampered';
        RAISE EXCEPTION 'FAILED: owner updated audit_log';
    EXCEPTION WHEN insufficient_privilege THEN
        PERFORM test_assert(true, 'owner UPDATE of audit_log refused: ' || SQLERRM);
    END;
    BEGIN
        DELETE FROM audit_log;
        RAISE EXCEPTION 'FAILED: owner deleted from audit_log';
    EXCEPTION WHEN insufficient_privilege THEN
        PERFORM test_assert(true, 'owner DELETE of audit_log refused: ' || SQLERRM);
    END;
    BEGIN
        TRUNCATE audit_log;
        RAISE EXCEPTION 'FAILED: owner truncated audit_log';
    EXCEPTION WHEN insufficient_privilege THEN
        PERFORM test_assert(true, 'owner TRUNCATE of audit_log refused');
    END;
    SET LOCAL session_replication_role = replica;
    BEGIN
        DELETE FROM audit_log;
        RAISE EXCEPTION 'FAILED: replica mode deleted from audit_log';
    EXCEPTION WHEN insufficient_privilege THEN
        PERFORM test_assert(true, 'DELETE refused in replica mode too (ENABLE ALWAYS)');
    END;
END
$$;

-- The multipliers (0033): a person only SEGOB enrolled passed Formador with SEGOB; their linked
-- instructor's account teaches a SEGOB group of 2024 and an SRE group of 2023. Seeded here and
-- rolled back, and read as capacita_app (SET LOCAL ROLE: its grants and row-level security apply)
-- for each caller.
BEGIN;
INSERT INTO course (code, program, level, kind, title, modalities, hours, audience, objectives, temario, evaluation,
                    min_score, min_attendance, max_group_size, counts_for_indicator, source_file, document) VALUES
    ('PNC22-FOR', 'pnc-2022', 'formador', 'capacitacion', 'Formador', '{presencial}', 40, 'sp', '{}', '[]', '{post}', 85, 90, 25, false, 'f.yaml', '{}');
INSERT INTO training_group (code, course_code, kind, agency_code, starts_on, ends_on, capacity, batch_id) VALUES
    ('G-SEGOB-FOR', 'PNC22-FOR', 'capacitacion', 'SEGOB', '2023-01-09', '2023-01-13', 25, 1);
INSERT INTO enrollment (group_code, curp, agency_code, tier, batch_id, status, attendance, final_score) VALUES
    ('G-SEGOB-FOR', test_curp(30), 'SEGOB', 'medio', 2, 'acreditado', 100, 90);
INSERT INTO account (email, name, role, created_by) VALUES ('formadora@segob.gob.mx', 'Formadora', 'instructor', 'seed');
INSERT INTO account_person (account_id, curp, linked_by)
SELECT id, test_curp(30), 'seed' FROM account WHERE email = 'formadora@segob.gob.mx';
INSERT INTO group_instructor (group_code, user_name) VALUES
    ('G-SEGOB-2', 'formadora@segob.gob.mx'), ('G-SRE-1', 'formadora@segob.gob.mx');
SET LOCAL ROLE capacita_app;
DO $$
BEGIN
    PERFORM test_assert((SELECT relrowsecurity AND relforcerowsecurity FROM pg_class WHERE oid = 'account_person'::regclass),
                        'RLS enabled and forced on account_person');
    PERFORM test_assert((SELECT bool_and(prosecdef AND proowner = 'capacita_definer'::regrole
                                         AND array_to_string(proconfig, ',') LIKE '%search_path=pg_catalog, public, pg_temp%')
                         FROM pg_proc WHERE proname IN ('account_person_link', 'multiplier_rows')),
                        'the multipliers'' functions: definer, owned by capacita_definer, search_path pinned');
    BEGIN
        PERFORM * FROM multiplier_rows('2024-01-01', '2024-12-31');
        RAISE EXCEPTION 'FAILED: multiplier_rows ran without identity';
    EXCEPTION WHEN insufficient_privilege THEN
        PERFORM test_assert(true, 'no identity: multiplier_rows refuses');
    END;
    PERFORM test_assert((SELECT count(*) FROM account_person) = 0, 'no identity: no link is read');

    PERFORM set_config('capacita.role', 'admin', true), set_config('capacita.user', 'st', true);
    PERFORM test_assert((SELECT string_agg(group_code || ':' || enrolled, ',') FROM multiplier_rows('2023-01-01', '2023-12-31')
                         WHERE curp = test_curp(30)) = 'G-SRE-1:100', 'admin: the SRE group taught after Formador, its 100 people');
    PERFORM test_assert((SELECT string_agg(group_code, ',') FROM multiplier_rows('2024-01-01', '2024-12-31')) = 'G-SEGOB-2',
                        'admin: the group of 2024');
    BEGIN
        INSERT INTO account_person (account_id, curp, linked_by)
        SELECT id, test_curp(31), 'st' FROM account WHERE email = 'formadora@segob.gob.mx';
        RAISE EXCEPTION 'FAILED: a link written without the function';
    EXCEPTION WHEN insufficient_privilege THEN
        PERFORM test_assert(true, 'no direct write of a link, even by admin');
    END;

    PERFORM set_config('capacita.role', 'enlace', true), set_config('capacita.agency', 'SEGOB', true);
    PERFORM test_assert((SELECT count(*) FROM account_person) = 1, 'SEGOB reads the link of its own person');
    -- (Compared with SEGOB's own record of the person, which the earlier checks may have renamed.)
    PERFORM test_assert((SELECT given_names FROM multiplier_rows('2023-01-01', '2023-12-31'))
                        = (SELECT given_names FROM person_agency WHERE curp = test_curp(30) AND agency_code = 'SEGOB'),
                        'SEGOB counts its multiplier, named by its own record');
    BEGIN
        PERFORM account_person_link('formadora@segob.gob.mx', NULL);
        RAISE EXCEPTION 'FAILED: an enlace changed a link';
    EXCEPTION WHEN insufficient_privilege THEN
        PERFORM test_assert(true, 'an enlace links no account');
    END;

    PERFORM set_config('capacita.agency', 'SRE', true);
    PERFORM test_assert((SELECT count(*) FROM account_person) = 0, 'SRE reads no link of SEGOB''s person');
    PERFORM test_assert(NOT EXISTS (SELECT 1 FROM multiplier_rows('2023-01-01', '2023-12-31')),
                        'SRE learns nothing of SEGOB''s multiplier, though the group taught is SRE''s');

    PERFORM set_config('capacita.role', 'instructor', true), set_config('capacita.agency', '', true),
            set_config('capacita.user', 'formadora@segob.gob.mx', true);
    PERFORM test_assert((SELECT count(*) FROM account_person) = 1, 'the instructor reads their own link');
    BEGIN
        PERFORM * FROM multiplier_rows('2024-01-01', '2024-12-31');
        RAISE EXCEPTION 'FAILED: an instructor read the multipliers';
    EXCEPTION WHEN insufficient_privilege THEN
        PERFORM test_assert(true, 'an instructor reads no multipliers report');
    END;

    PERFORM set_config('capacita.role', 'admin', true), set_config('capacita.user', 'st', true);
    PERFORM test_assert(account_person_link('formadora@segob.gob.mx', test_curp(31)), 'admin relinks the account');
    PERFORM test_assert((SELECT detail->>'curp' FROM audit_log WHERE action = 'account.person_link' ORDER BY id DESC LIMIT 1)
                        = 'XAXX**************', 'the audit row masks the CURP');
END
$$;
ROLLBACK;
