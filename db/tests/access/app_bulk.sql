-- The bulk enrollment path as capacita_app: the definer function inserts checked stage rows and
-- refuses a caller that lies about them. Run connected as capacita_app after app_checks.sql.
\set ON_ERROR_STOP 1
\set QUIET 1

-- The stage as EnrollmentStage.swift / EnrollmentChecks.swift build it (same DDL).
CREATE FUNCTION pg_temp.make_stage(rows_sql text) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    IF to_regclass('pg_temp.enrollment_stage') IS NOT NULL THEN
        DROP TABLE pg_temp.enrollment_stage, pg_temp.stage_person, pg_temp.stage_existing;
    END IF;
    CREATE TEMP TABLE enrollment_stage (
        line integer NOT NULL, curp text COLLATE "C" NOT NULL, person text NOT NULL, email text,
        agency_code text COLLATE "C" NOT NULL, tier text NOT NULL, position_title text,
        group_code text COLLATE "C" NOT NULL, shared bigint NOT NULL
    ) ON COMMIT DROP;
    EXECUTE 'INSERT INTO enrollment_stage ' || rows_sql;
    -- What the definer functions read must be readable by their owner (the stage is ours).
    GRANT SELECT ON enrollment_stage TO capacita_definer;
    CREATE TEMP TABLE stage_person ON COMMIT DROP AS
    SELECT a.curp, a.line, split_part(a.person, E'\x1F', 1) AS given_names, split_part(a.person, E'\x1F', 2) AS first_surname,
           NULLIF(split_part(a.person, E'\x1F', 3), '') AS second_surname, split_part(a.person, E'\x1F', 4) AS sex,
           a.email, false AS differs
    FROM (SELECT curp, min(line) AS line, min(person) AS person, max(email) AS email FROM enrollment_stage GROUP BY curp) a;
    CREATE TEMP TABLE stage_existing ON COMMIT DROP AS SELECT * FROM enrollment_stage_existing();
    GRANT SELECT ON stage_person, stage_existing TO capacita_definer;
END
$$;

-- 1. An honest import by SEGOB: 50 new people in its group, one of its people into its second
--    group, its person 30 renamed, and SRE's person 150 (whom SEGOB cannot see) now in SEGOB's
--    group under a new name, which is not taken: their latest enrollment is SRE's.
BEGIN;
SELECT set_config('capacita.role', 'enlace', true), set_config('capacita.agency', 'SEGOB', true),
       set_config('capacita.user', 'enlace-segob', true) \gset
SELECT FROM pg_temp.make_stage($$
    SELECT n, test_curp(n), 'Nuevo ' || n || E'\x1F' || 'Apellido' || E'\x1F' || E'\x1F' || 'M', NULL, 'SEGOB', 'operativo', NULL, 'G-SEGOB-1', 0
    FROM generate_series(1001, 1050) n
    UNION ALL SELECT 51, test_curp(25), 'Nombre 25' || E'\x1F' || 'Apellido' || E'\x1F' || E'\x1F' || 'H', NULL, 'SEGOB', 'medio', NULL, 'G-SEGOB-2', 0
    UNION ALL SELECT 52, test_curp(150), 'Nombre Cambiado' || E'\x1F' || 'Apellido' || E'\x1F' || E'\x1F' || 'H', NULL, 'SEGOB', 'alto', NULL, 'G-SEGOB-1', 0
    UNION ALL SELECT 53, test_curp(30), 'Nombre Treinta' || E'\x1F' || 'Apellido' || E'\x1F' || E'\x1F' || 'H', NULL, 'SEGOB', 'alto', 'Jefa', 'G-SEGOB-1', 0
$$) \gset
INSERT INTO import_batch (kind, file_name, sha256, agency_code, rows, imported, updated, unchanged, ran_by)
VALUES ('enrollment', 'bulk.csv', repeat('e', 64), 'SEGOB', 0, 0, 0, 0, 'enlace-segob') RETURNING id AS batch \gset
DO $$
BEGIN
    PERFORM test_assert((SELECT string_agg(group_code || ':' || taken || '/' || capacity, ',' ORDER BY group_code)
                         FROM enrollment_lock_groups(ARRAY['G-SEGOB-1', 'G-SEGOB-2'], ARRAY['SEGOB'])) = 'G-SEGOB-1:108/1000,G-SEGOB-2:0/40',
                        'cupo counts every agency''s places (108 after two bajas) and locks the groups');
    PERFORM test_assert((SELECT count(*) FROM pg_temp.stage_existing) = 1
                        AND (SELECT enrollment_changed AND writable FROM pg_temp.stage_existing), 'stored pairs found, whoever stored them');
    PERFORM test_assert((SELECT string_agg(line || ':' || missing, ',') FROM enrollment_stage_missing_prerequisites(ARRAY['G-SEGOB-2'])) IS NULL,
                        'prerequisites: person 25 acreditó Básico');
END
$$;
SELECT set_config('test.batch', :'batch', true) AS ignore \gset
\set QUIET 0
SELECT * FROM enrollment_import_apply(:batch);
\set QUIET 1
DO $$
BEGIN
    PERFORM test_assert((SELECT count(*) FROM enrollment WHERE batch_id = current_setting('test.batch')::bigint) = 53,
                        'apply: 52 enrollments added, 1 updated, all under the new batch');
    PERFORM test_assert((SELECT count(*) FROM person_agency) = 100 + 50 + 1,
                        'SEGOB now has its own record of its 50 new people and of person 150');
    PERFORM test_assert((SELECT count(*) FROM person) = 0, 'SEGOB still reads no shared person record');
    PERFORM test_assert((SELECT given_names FROM person_agency WHERE curp = test_curp(150)) = 'Nombre Cambiado',
                        'SEGOB reads person 150 by the name SEGOB gave, not SRE''s');
    PERFORM test_assert((SELECT given_names FROM person_agency WHERE curp = test_curp(30)) = 'Nombre Treinta', 'SEGOB''s own person 30 renamed');
    PERFORM test_assert((SELECT count(*) FROM enrollment WHERE group_code LIKE 'G-SRE-%') = 0, 'still none of SRE''s enrollments');
END
$$;
COMMIT;
BEGIN;
SELECT set_config('capacita.role', 'admin', true), set_config('capacita.user', 'st', true),
       set_config('test.batch', :'batch', true) \gset
DO $$
BEGIN
    PERFORM test_assert((SELECT given_names FROM person WHERE curp = test_curp(150)) = 'Nombre 150',
                        'the shared record of person 150 keeps the name SRE (their latest enrollment) gave');
    PERFORM test_assert((SELECT given_names FROM person_agency WHERE curp = test_curp(150) AND agency_code = 'SRE') = 'Nombre 150',
                        'SRE''s own record of person 150 is untouched by SEGOB''s file');
    PERFORM test_assert((SELECT given_names FROM person WHERE curp = test_curp(30)) = 'Nombre Treinta', 'SEGOB''s own person 30 renamed in the shared record');
    PERFORM test_assert((SELECT count(*) FROM person_history WHERE curp = test_curp(30) AND given_names = 'Nombre 30'
                         AND changed_by_batch = current_setting('test.batch')::bigint) = 1,
                        'person_history kept the old name and the batch that changed it');
END
$$;
COMMIT;
\set QUIET 0
\echo batch :batch committed
\set QUIET 1

-- 2. Lying callers: each refused, nothing written.
CREATE FUNCTION pg_temp.refused(rows_sql text, expected text, label text, fake_batch bigint DEFAULT NULL) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    b bigint;
BEGIN
    PERFORM pg_temp.make_stage(rows_sql);
    INSERT INTO import_batch (kind, file_name, sha256, agency_code, rows, imported, updated, unchanged, ran_by)
    VALUES ('enrollment', 'liar.csv', repeat('f', 64), 'SEGOB', 0, 0, 0, 0, 'enlace-segob') RETURNING id INTO b;
    BEGIN
        PERFORM enrollment_import_apply(COALESCE(fake_batch, b));
        RAISE EXCEPTION 'FAILED: % was accepted', label;
    EXCEPTION WHEN OTHERS THEN
        IF SQLSTATE <> expected THEN RAISE EXCEPTION 'FAILED: % gave % (%), expected %', label, SQLSTATE, SQLERRM, expected; END IF;
        PERFORM test_assert(true, label || ' refused: ' || SQLERRM);
    END;
END
$$;
BEGIN;
SELECT set_config('capacita.role', 'enlace', true), set_config('capacita.agency', 'SEGOB', true),
       set_config('capacita.user', 'enlace-segob', true) \gset
SELECT FROM pg_temp.refused($$SELECT 1, test_curp(2001), 'A' || E'\x1F' || 'B' || E'\x1F' || E'\x1F' || 'H', NULL, 'SRE', 'alto', NULL, 'G-SRE-1', 0$$,
                       '42501', 'an SRE enrollment in an SRE group staged by SEGOB');
SELECT FROM pg_temp.refused($$SELECT 1, test_curp(2006), 'A' || E'\x1F' || 'B' || E'\x1F' || E'\x1F' || 'H', NULL, 'SEGOB', 'alto', NULL, 'G-SRE-1', 0$$,
                       '42501', 'a SEGOB person staged by SEGOB into a group SRE organizes (0017)');
SELECT FROM pg_temp.refused($$SELECT 1, test_curp(2002), 'A' || E'\x1F' || 'B' || E'\x1F' || E'\x1F' || 'H', NULL, 'SEGOB', 'alto', NULL, 'G-NOPE', 0$$,
                       '23503', 'a row naming a missing group');
SELECT FROM pg_temp.refused($$SELECT 1, test_curp(2003), 'A' || E'\x1F' || 'B' || E'\x1F' || E'\x1F' || 'H', NULL, 'NOPE', 'alto', NULL, 'G-SEGOB-1', 0$$,
                       '23503', 'a row naming a missing agency');
SELECT FROM pg_temp.refused($$SELECT 1, test_curp(2004), 'A' || E'\x1F' || 'B' || E'\x1F' || E'\x1F' || 'H', NULL, 'SEGOB', 'alto', NULL, 'G-SEGOB-1', 0$$,
                       '42501', 'a batch opened by another transaction', 2);
DO $$
BEGIN
    -- A stage_person that leaves a staged CURP out: the person would dangle.
    PERFORM pg_temp.make_stage($q$SELECT 1, test_curp(2005), 'A' || E'\x1F' || 'B' || E'\x1F' || E'\x1F' || 'H', NULL, 'SEGOB', 'alto', NULL, 'G-SEGOB-1', 0$q$);
    DELETE FROM pg_temp.stage_person;
    BEGIN
        PERFORM enrollment_import_apply(currval('import_batch_id_seq'));
        RAISE EXCEPTION 'FAILED: dangling person accepted';
    EXCEPTION WHEN insufficient_privilege OR foreign_key_violation THEN
        PERFORM test_assert(true, 'a staged person missing from stage_person refused: ' || SQLERRM);
    END;
    -- A stage_existing that hides a stored pair: the primary key still refuses the second row.
    PERFORM pg_temp.make_stage($q$SELECT 1, test_curp(40), 'Nombre 40' || E'\x1F' || 'Apellido' || E'\x1F' || E'\x1F' || 'H', NULL, 'SEGOB', 'alto', NULL, 'G-SEGOB-1', 0$q$);
    DELETE FROM pg_temp.stage_existing;
    INSERT INTO import_batch (kind, file_name, sha256, agency_code, rows, imported, updated, unchanged, ran_by)
    VALUES ('enrollment', 'liar.csv', repeat('f', 64), 'SEGOB', 0, 0, 0, 0, 'enlace-segob');
    BEGIN
        PERFORM enrollment_import_apply(currval('import_batch_id_seq'));
        RAISE EXCEPTION 'FAILED: duplicate pair accepted';
    EXCEPTION WHEN unique_violation THEN
        PERFORM test_assert(true, 'a hidden stored pair refused by the primary key');
    END;
    -- A view in place of the stage: its functions would run with the definer's rights.
    DROP TABLE pg_temp.enrollment_stage;
    CREATE TEMP VIEW enrollment_stage AS
        SELECT 1 AS line, test_curp(2006)::text COLLATE "C" AS curp, 'x' AS person, NULL::text AS email,
               'SEGOB'::text COLLATE "C" AS agency_code, 'alto' AS tier, NULL::text AS position_title,
               'G-SEGOB-1'::text COLLATE "C" AS group_code, 0::bigint AS shared;
    BEGIN
        PERFORM enrollment_import_apply(currval('import_batch_id_seq'));
        RAISE EXCEPTION 'FAILED: a view was read as the stage';
    EXCEPTION WHEN invalid_table_definition THEN
        PERFORM test_assert(true, 'a temporary view as stage refused: ' || SQLERRM);
    END;
    DROP VIEW pg_temp.enrollment_stage;
    -- Without the GRANT to capacita_definer, the definer cannot read the caller's stage.
    CREATE TEMP TABLE enrollment_stage (line integer, curp text COLLATE "C", person text, email text, agency_code text COLLATE "C",
                                        tier text, position_title text, group_code text COLLATE "C", shared bigint) ON COMMIT DROP;
    BEGIN
        PERFORM * FROM enrollment_stage_existing();
        RAISE EXCEPTION 'FAILED: read an ungranted temp table';
    EXCEPTION WHEN insufficient_privilege THEN
        PERFORM test_assert(true, 'definer needs the caller''s GRANT SELECT on its temp stage: ' || SQLERRM);
    END;
END
$$;
ROLLBACK;
-- An instructor enrolls nobody.
BEGIN;
SELECT set_config('capacita.role', 'instructor', true), set_config('capacita.user', 'inst1', true) \gset
DO $$
BEGIN
    PERFORM enrollment_lock_groups(ARRAY['G-SRE-1']);
    RAISE EXCEPTION 'FAILED: instructor locked groups for an import';
EXCEPTION WHEN insufficient_privilege THEN
    PERFORM test_assert(true, 'an instructor cannot run the enrollment import');
END
$$;
ROLLBACK;
