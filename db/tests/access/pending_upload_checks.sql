-- Previewed uploads kept in PostgreSQL (0038), run as the superuser after seed.sql (and the other
-- checks): seeded in a transaction that rolls back, called as capacita_app (SET LOCAL ROLE: its
-- grants and row-level security apply). A preview is its session's alone: under another owner's
-- hash, or none, nothing is seen, changed or deleted, and nothing is written in another's name; its
-- parts follow it; the sweep removes every session's expired previews and nothing else; the
-- outbox's counts carry no message.
\set ON_ERROR_STOP 1
BEGIN;
SET LOCAL ROLE capacita_app;
DO $$
DECLARE
    mine text := repeat('a', 64);
    theirs text := repeat('b', 64);
    kept bigint;
    expired bigint;
    n bigint;
BEGIN
    PERFORM test_assert((SELECT bool_and(relrowsecurity AND relforcerowsecurity) FROM pg_class
                         WHERE oid IN ('pending_upload'::regclass, 'pending_upload_part'::regclass)),
                        'RLS enabled and forced on previewed uploads and their parts');
    PERFORM test_assert((SELECT bool_and(prosecdef AND proowner = 'capacita_definer'::regrole
                                         AND array_to_string(proconfig, ',') LIKE '%search_path=pg_catalog, public, pg_temp%')
                         FROM pg_proc WHERE proname IN ('pending_upload_sweep', 'mail_outbox_counts')),
                        'the sweep and the outbox''s counts: definer, owned by capacita_definer, search_path pinned');

    -- Another session's preview, and an expired one of theirs.
    PERFORM set_config('capacita.upload_owner', theirs, true);
    INSERT INTO pending_upload (owner_hash, sha256, kind, file_name, size_bytes, expires_at)
    VALUES (theirs, repeat('1', 64), 'inscripcion', 'suyo.csv', 3, now() + interval '1 hour') RETURNING id INTO kept;
    INSERT INTO pending_upload_part (upload_id, part, bytes) VALUES (kept, 0, '\x616263');
    INSERT INTO pending_upload (owner_hash, sha256, kind, file_name, size_bytes, kept_at, expires_at)
    VALUES (theirs, repeat('2', 64), 'inscripcion', 'viejo.csv', 3, now() - interval '2 hours',
            now() - interval '1 hour') RETURNING id INTO expired;
    INSERT INTO pending_upload_part (upload_id, part, bytes) VALUES (expired, 0, '\x616263');

    -- This session.
    PERFORM set_config('capacita.upload_owner', mine, true);
    PERFORM test_assert((SELECT count(*) FROM pending_upload) = 0 AND (SELECT count(*) FROM pending_upload_part) = 0,
                        'another session''s previews and their bytes are not seen');
    UPDATE pending_upload SET expires_at = now() + interval '9 hours';
    GET DIAGNOSTICS n = ROW_COUNT;
    PERFORM test_assert(n = 0, 'another session''s preview is not changed');
    DELETE FROM pending_upload_part;
    GET DIAGNOSTICS n = ROW_COUNT;
    PERFORM test_assert(n = 0, 'another session''s bytes are not deleted');
    BEGIN
        INSERT INTO pending_upload (owner_hash, sha256, kind, file_name, size_bytes, expires_at)
        VALUES (theirs, repeat('3', 64), 'inscripcion', 'ajeno.csv', 1, now() + interval '1 hour');
        PERFORM test_assert(false, 'a preview written in another session''s name');
    EXCEPTION WHEN insufficient_privilege THEN
        PERFORM test_assert(true, 'a preview cannot be written in another session''s name');
    END;
    BEGIN
        INSERT INTO pending_upload_part (upload_id, part, bytes) VALUES (kept, 1, '\x78');
        PERFORM test_assert(false, 'bytes added to another session''s preview');
    EXCEPTION WHEN insufficient_privilege THEN
        PERFORM test_assert(true, 'bytes cannot be added to another session''s preview');
    END;

    -- No owner at all (a request without a session): nothing.
    PERFORM set_config('capacita.upload_owner', '', true);
    PERFORM test_assert((SELECT count(*) FROM pending_upload) = 0, 'without an owner, no preview is seen');

    -- The sweep, from this session: the other session's expired preview goes with its parts, the
    -- live one stays.
    PERFORM set_config('capacita.upload_owner', mine, true);
    PERFORM test_assert(pending_upload_sweep() = 1, 'the sweep removes the one expired preview, whoever''s');
    PERFORM set_config('capacita.upload_owner', theirs, true);
    PERFORM test_assert((SELECT array_agg(id) FROM pending_upload) = ARRAY[kept]
                        AND (SELECT array_agg(upload_id) FROM pending_upload_part) = ARRAY[kept],
                        'the live preview and its bytes stay; the expired one''s bytes are gone');

    PERFORM test_assert((SELECT proargnames FROM pg_proc WHERE proname = 'mail_outbox_counts')
                        = ARRAY['pending', 'failed'],
                        'the outbox''s counts return two counts and nothing of a message');
    PERFORM test_assert(NOT has_table_privilege('mail_outbox', 'SELECT'),
                        'the application role does not read the outbox itself');
END
$$;
ROLLBACK;
