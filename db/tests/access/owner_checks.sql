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
