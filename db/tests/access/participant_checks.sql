-- The participants' own page (0039), run as the superuser after seed.sql (and the other checks):
-- seeded in a transaction that rolls back, called as capacita_app (SET LOCAL ROLE: its grants and
-- row-level security apply). A session reads only its person's rows; the tables and the helpers
-- that return a CURP or write an audit row are not the application's; nothing answers a
-- connection acting for someone; a cancelled person's session finds nothing.
\set ON_ERROR_STOP 1
BEGIN;
UPDATE person SET email = 'persona1@segob.gob.mx' WHERE curp = test_curp(1);
UPDATE person_agency SET email = 'Persona22@SEGOB.gob.mx' WHERE curp = test_curp(22);
SET LOCAL ROLE capacita_app;
DO $$
DECLARE
    link text := repeat('1', 64);
    session text := repeat('2', 64);
    other_link text := repeat('3', 64);
    filed record;
BEGIN
    PERFORM test_assert((SELECT bool_and(relrowsecurity AND relforcerowsecurity) FROM pg_class
                         WHERE oid IN ('participant_access'::regclass, 'participant_link_attempt'::regclass)),
                        'RLS enabled and forced on the participants'' links, sessions and counts');
    PERFORM test_assert(NOT has_table_privilege('participant_access', 'SELECT')
                        AND NOT has_table_privilege('participant_access', 'INSERT')
                        AND NOT has_table_privilege('participant_access', 'UPDATE')
                        AND NOT has_table_privilege('participant_access', 'DELETE')
                        AND NOT has_table_privilege('participant_link_attempt', 'SELECT')
                        AND NOT has_table_privilege('participant_link_attempt', 'INSERT'),
                        'the application role holds no privilege on the participants'' tables');
    PERFORM test_assert((SELECT bool_and(prosecdef AND proowner = 'capacita_definer'::regrole
                                         AND array_to_string(proconfig, ',') LIKE '%search_path=pg_catalog, public, pg_temp%')
                         FROM pg_proc WHERE proname LIKE 'participant\_%' AND proname <> 'participant_for_no_one')
                        AND (SELECT count(*) FROM pg_proc WHERE proname LIKE 'participant\_%') = 15,
                        'the functions of 0039: definer, owned by capacita_definer, search_path pinned');
    PERFORM test_assert(NOT has_function_privilege('participant_of_session(text)', 'EXECUTE')
                        AND NOT has_function_privilege('participant_audit(text, text, jsonb)', 'EXECUTE')
                        AND NOT has_function_privilege('participant_for_no_one()', 'EXECUTE'),
                        'the helpers that return a CURP or write an audit row are not the application''s');

    PERFORM set_config('capacita.role', 'admin', true), set_config('capacita.user', 'st', true);
    BEGIN
        PERFORM participant_link_request(test_curp(1), 'persona1@segob.gob.mx', '192.0.2.1', link,
                                         interval '30 minutes', 's', 't', 'h', 20, 3, interval '1 hour');
        RAISE EXCEPTION 'FAILED: a request acting for someone asked for a link';
    EXCEPTION WHEN insufficient_privilege THEN
        PERFORM test_assert(true, 'a connection acting for someone asks for no link');
    END;
    PERFORM set_config('capacita.role', '', true), set_config('capacita.user', '', true);

    PERFORM test_assert(participant_link_request(test_curp(22), 'otra@segob.gob.mx', '192.0.2.1', other_link,
                                                 interval '30 minutes', 's', 't', 'h', 20, 3, interval '1 hour') = 0,
                        'a pair that matches no one is answered as one that does');
    PERFORM test_assert(NOT participant_link_peek(other_link),
                        'a pair that matches no one makes no link');
    -- (Each call its own statement: a STABLE function's snapshot is its statement's.)
    PERFORM test_assert(participant_link_request(test_curp(22), 'persona22@segob.gob.mx', '192.0.2.1', repeat('4', 64),
                                                 interval '30 minutes', 's', 't', 'h', 20, 3, interval '1 hour') = 0,
                        'a request within the limits is answered');
    PERFORM test_assert(participant_link_peek(repeat('4', 64)),
                        'an agency''s record''s e-mail, compared without case, makes a link');
    PERFORM test_assert(participant_link_request(test_curp(22), 'persona22@segob.gob.mx', '192.0.2.1', repeat('5', 64),
                                                 interval '30 minutes', 's', 't', 'h', 20, 2, interval '1 hour') > 0,
                        'past the CURP''s limit: the seconds to wait');
    PERFORM test_assert(NOT participant_link_peek(repeat('5', 64)),
                        'past the CURP''s limit, no link');
    PERFORM test_assert(participant_link_request(test_curp(1), 'PERSONA1@segob.gob.mx', '192.0.2.1', link,
                                                 interval '30 minutes', 's', 't', 'h', 20, 3, interval '1 hour') = 0,
                        'the shared record''s e-mail makes a link');
    PERFORM test_assert(participant_session_open(link, session, repeat('c', 43), interval '30 minutes'),
                        'a link opens a session');
    PERFORM test_assert(NOT participant_session_open(link, repeat('6', 64), repeat('c', 43), interval '30 minutes'),
                        'a link opens one session, once');
    PERFORM test_assert((SELECT array_agg(folio) FROM participant_constancias(session)) = ARRAY['PNC-2023-000001'],
                        'the session reads its person''s constancias and no one else''s');
    PERFORM test_assert((SELECT count(*) FROM participant_enrollments(session)) = 2
                        AND (SELECT count(*) FROM participant_attendance(session)) = 1,
                        'the session reads its person''s two enrollments and mark');
    PERFORM test_assert((SELECT count(*) FROM participant_constancia_document(session, 'PNC-2023-000022')) = 0
                        AND NOT participant_constancia_issued(session, 'PNC-2023-000022', repeat('a', 64))
                        AND (SELECT count(*) FROM participant_constancia_document(session, 'PNC-2023-000001')) = 1,
                        'another person''s constancia is no document and records no PDF');
    PERFORM test_assert((SELECT count(*) FROM participant_session(repeat('7', 64))) = 0,
                        'an unknown session reads nothing');
    SELECT * INTO filed FROM participant_request_file(session, 'oposicion', current_date, current_date + 30, 'sin correo');
    PERFORM test_assert(filed.created, 'the session files its person''s request');
    SELECT * INTO filed FROM participant_request_file(session, 'oposicion', current_date, current_date + 30, NULL);
    PERFORM test_assert(NOT filed.created, 'one open request of a kind from the page');
    BEGIN
        PERFORM participant_request_file(session, 'acceso', current_date, current_date + 30, NULL);
        RAISE EXCEPTION 'FAILED: the page filed an access request';
    EXCEPTION WHEN invalid_parameter_value THEN
        PERFORM test_assert(true, 'the page files rectification, cancellation or opposition only');
    END;

    PERFORM set_config('capacita.role', 'enlace', true), set_config('capacita.agency', 'SEGOB', true),
            set_config('capacita.user', 'enlace-segob', true);
    BEGIN
        PERFORM * FROM participant_constancias(session);
        RAISE EXCEPTION 'FAILED: an enlace read through a participant''s session';
    EXCEPTION WHEN insufficient_privilege THEN
        PERFORM test_assert(true, 'an enlace reads nothing through a participant''s session');
    END;
    PERFORM set_config('capacita.role', 'admin', true), set_config('capacita.agency', '', true),
            set_config('capacita.user', 'st', true);
    PERFORM test_assert((SELECT channel FROM arco_request WHERE id = filed.id) = 'participante'
                        AND (SELECT curp FROM arco_request WHERE id = filed.id) = test_curp(1),
                        'the request is in the register, channel participante, about the session''s person');
    PERFORM test_assert((SELECT array_agg(action ORDER BY id) FROM audit_log WHERE user_name = 'participante')
                        = ARRAY['participant.link', 'participant.link', 'participant.link', 'participant.sign_in',
                                'participant.request'],
                        'every request for a link within the limits, the sign-in and the request audited');
    PERFORM test_assert((SELECT bool_and(target = 'persona ' || curp_masked(test_curp(1))
                                         AND position(test_curp(1) IN coalesce(detail::text, '')) = 0
                                         AND position(test_curp(22) IN coalesce(detail::text, '')) = 0)
                         FROM audit_log WHERE user_name = 'participante'),
                        'with the masked CURP only');
    PERFORM * FROM person_anonymize(test_curp(1), 'XXXX120012HXXBCD01', 'prueba', NULL);
    PERFORM set_config('capacita.role', '', true), set_config('capacita.user', '', true);
    PERFORM test_assert((SELECT count(*) FROM participant_session(session)) = 0
                        AND (SELECT count(*) FROM participant_constancias(session)) = 0,
                        'a cancelled person''s session finds nothing');
END
$$;
ROLLBACK;
