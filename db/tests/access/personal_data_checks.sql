-- A person's data on request (0037), run as the superuser after seed.sql (and the other checks):
-- seeded in a transaction that rolls back, read as capacita_app (SET LOCAL ROLE: its grants and
-- row-level security apply) for each caller. The register, the opposition and the cancelled
-- people's list are the Secretaría Técnica's only; every write goes through a definer function.
\set ON_ERROR_STOP 1
BEGIN;
SELECT FROM arco_request_file('acceso', test_curp(2), DATE '2024-06-03', DATE '2024-07-01', 'escrito', 'pide sus datos');
SET LOCAL ROLE capacita_app;
DO $$
DECLARE
    made bigint;
BEGIN
    PERFORM test_assert((SELECT bool_and(relrowsecurity AND relforcerowsecurity) FROM pg_class
                         WHERE oid IN ('arco_request'::regclass, 'person_mail_opt_out'::regclass,
                                       'person_anonymized'::regclass)),
                        'RLS enabled and forced on the register, the opposition and the cancelled people');
    PERFORM test_assert(NOT has_table_privilege('arco_request', 'INSERT') AND NOT has_table_privilege('arco_request', 'UPDATE')
                        AND NOT has_table_privilege('arco_request', 'DELETE')
                        AND NOT has_table_privilege('person_mail_opt_out', 'INSERT')
                        AND NOT has_table_privilege('person_anonymized', 'INSERT')
                        AND NOT has_table_privilege('person', 'DELETE'),
                        'no direct write of the register, the opposition or the cancelled people; no DELETE of people');
    PERFORM test_assert((SELECT bool_and(prosecdef AND proowner = 'capacita_definer'::regrole
                                         AND array_to_string(proconfig, ',') LIKE '%search_path=pg_catalog, public, pg_temp%')
                         FROM pg_proc WHERE proname IN ('arco_request_file', 'arco_request_set_state', 'person_export',
                                                        'person_rectify', 'person_mail_opt_out_set', 'person_anonymize',
                                                        'retention_due', 'constancia_verify', 'mail_enqueue')),
                        'the functions of 0037: definer, owned by capacita_definer, search_path pinned');
    PERFORM test_assert(NOT has_function_privilege('personal_data_audit(text, text, jsonb)', 'EXECUTE')
                        AND NOT has_function_privilege('arco_request_done(bigint, text)', 'EXECUTE'),
                        'the helpers that audit or close a request are not the application''s to call');

    PERFORM set_config('capacita.role', 'enlace', true), set_config('capacita.agency', 'SEGOB', true),
            set_config('capacita.user', 'enlace-segob', true);
    PERFORM test_assert((SELECT count(*) FROM arco_request) = 0, 'an enlace reads no request');
    BEGIN
        PERFORM * FROM person_export(test_curp(2));
        RAISE EXCEPTION 'FAILED: an enlace exported a person';
    EXCEPTION WHEN insufficient_privilege THEN
        PERFORM test_assert(true, 'an enlace exports no one');
    END;
    BEGIN
        PERFORM arco_request_file('acceso', test_curp(2), current_date, current_date + 30, 'escrito', NULL);
        RAISE EXCEPTION 'FAILED: an enlace filed a request';
    EXCEPTION WHEN insufficient_privilege THEN
        PERFORM test_assert(true, 'an enlace files no request');
    END;
    BEGIN
        PERFORM * FROM person_anonymize(test_curp(2), 'XXXX120012HXXBCD01', 'prueba', NULL);
        RAISE EXCEPTION 'FAILED: an enlace cancelled a person';
    EXCEPTION WHEN insufficient_privilege THEN
        PERFORM test_assert(true, 'an enlace cancels no one');
    END;

    PERFORM set_config('capacita.role', 'instructor', true), set_config('capacita.agency', '', true),
            set_config('capacita.user', 'inst1', true);
    PERFORM test_assert((SELECT count(*) FROM arco_request) = 0, 'an instructor reads no request');
    BEGIN
        PERFORM * FROM retention_due(DATE '2100-01-01');
        RAISE EXCEPTION 'FAILED: an instructor listed retention';
    EXCEPTION WHEN insufficient_privilege THEN
        PERFORM test_assert(true, 'an instructor lists no one due');
    END;

    PERFORM set_config('capacita.role', 'admin', true), set_config('capacita.user', 'st', true);
    PERFORM test_assert((SELECT count(*) FROM arco_request) = 1, 'the Secretaría Técnica reads the register');
    PERFORM test_assert((SELECT count(DISTINCT source) FROM person_export(test_curp(2))) >= 4,
                        'the Secretaría Técnica exports a person, table by table');
    made := arco_request_file('cancelacion', test_curp(2), current_date, current_date + 30, 'escrito', NULL);
    PERFORM test_assert((SELECT enrollments FROM person_anonymize(test_curp(2), 'XXXX120012HXXBCD01', 'prueba', made)) = 2,
                        'the Secretaría Técnica cancels a person: both enrollments move to the surrogate');
    PERFORM test_assert((SELECT count(*) FROM person WHERE curp = test_curp(2)) = 0
                        AND (SELECT count(*) FROM person_anonymized) = 1
                        AND (SELECT state FROM arco_request WHERE id = made) = 'atendida',
                        'the person is gone, the surrogate listed, the request closed');
    PERFORM test_assert((SELECT curp FROM arco_request WHERE id = made) = 'XXXX120012HXXBCD01',
                        'the register keeps the request under the surrogate');
END
$$;
ROLLBACK;
