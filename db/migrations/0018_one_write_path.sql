-- The one write path of an enrollment import (issue 26 §5) for every caller, the CLI's superuser
-- included, without the two costs that moving the superuser onto it brought:
--   * a batch opened in a savepoint of this transaction (an import inside a caller's own
--     transaction) is this transaction's too: its row's xmin is the savepoint's subtransaction,
--     not the top-level id. A row this transaction can see whose xmin is still in progress can
--     only have been written by this transaction or one of its subtransactions: another
--     transaction's uncommitted rows are never visible.
--   * a file sent again (every staged row already stored) locks no one.

CREATE FUNCTION capacita_written_by_this_transaction(x xid) RETURNS boolean
LANGUAGE plpgsql VOLATILE SET search_path = pg_catalog, public, pg_temp AS $$
DECLARE
    top bigint := pg_current_xact_id()::text::bigint;
BEGIN
    IF x = pg_current_xact_id()::xid THEN
        RETURN true;
    END IF;
    -- A subtransaction's id follows the top-level one, in the same epoch but right at a wrap.
    RETURN pg_xact_status((((top >> 32) + CASE WHEN x::text::bigint < (top & 4294967295) THEN 1 ELSE 0 END) << 32
                           | x::text::bigint)::text::xid8) = 'in progress';
EXCEPTION WHEN OTHERS THEN
    RETURN false;
END
$$;

CREATE OR REPLACE FUNCTION enrollment_import_apply(batch bigint)
RETURNS TABLE (people_stored integer, people_added integer, people_updated integer, people_kept integer,
               enrollments_added integer, enrollments_updated integer)
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, public, pg_temp
SET session_replication_role = replica AS $$
DECLARE
    who text := capacita_require_identity();
    mine text := capacita_agency();
    bad_groups bigint;
    bad_agencies bigint;
    forbidden bigint;
    n_stored integer;
    n_added integer;
    n_people bigint;
    extra_people bigint;
    missing_people bigint;
    n_updated integer;
    n_kept integer := 0;
    e_added integer;
    e_updated integer;
BEGIN
    IF who = 'instructor' THEN
        RAISE EXCEPTION 'an instructor does not enroll people' USING ERRCODE = 'insufficient_privilege';
    END IF;
    PERFORM stage_table('enrollment_stage');
    PERFORM stage_table('stage_person');
    PERFORM stage_table('stage_existing');
    -- The batch: this transaction's, this caller's, an enrollment import; locked like a key.
    PERFORM 1 FROM import_batch b
    WHERE b.id = batch AND b.kind = 'enrollment' AND capacita_written_by_this_transaction(b.xmin)
      AND (who = 'admin' OR b.agency_code = mine)
    FOR KEY SHARE;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'batch % is not an enrollment batch opened by this transaction for this caller', batch
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    -- Groups and agencies of every staged row, locked as the foreign keys would lock them.
    PERFORM 1 FROM training_group g WHERE g.code IN (SELECT DISTINCT s.group_code FROM pg_temp.enrollment_stage s)
    ORDER BY g.code FOR KEY SHARE;
    PERFORM 1 FROM agency a WHERE a.code IN (SELECT DISTINCT s.agency_code FROM pg_temp.enrollment_stage s)
    ORDER BY a.code FOR KEY SHARE;
    -- One pass over the stage: references that exist, and rows the caller may write.
    SELECT count(*) FILTER (WHERE g.code IS NULL), count(*) FILTER (WHERE a.code IS NULL),
           count(*) FILTER (WHERE NOT (who = 'admin' OR (s.agency_code = mine AND g.agency_code = mine)))
    INTO bad_groups, bad_agencies, forbidden
    FROM pg_temp.enrollment_stage s
    LEFT JOIN training_group g ON g.code = s.group_code
    LEFT JOIN agency a ON a.code = s.agency_code;
    IF bad_groups > 0 OR bad_agencies > 0 THEN
        RAISE EXCEPTION '% staged rows name a missing group, % a missing agency', bad_groups, bad_agencies
            USING ERRCODE = 'foreign_key_violation';
    END IF;
    IF forbidden > 0 THEN
        RAISE EXCEPTION '% staged rows are enrollments this caller may not write', forbidden
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    -- Stored enrollments the file changes must be the caller's to change, whoever stored them.
    IF who <> 'admin' AND EXISTS (
        SELECT 1 FROM pg_temp.stage_existing x
        JOIN enrollment e ON e.group_code = x.group_code AND e.curp = x.curp
        JOIN training_group g ON g.code = e.group_code
        WHERE x.enrollment_changed AND e.agency_code <> mine) THEN
        RAISE EXCEPTION 'the file changes enrollments of another agency' USING ERRCODE = 'insufficient_privilege';
    END IF;

    -- People: exactly those the staged rows name (one full hash join, counted: an EXISTS here
    -- would be planned for its first row, a nested loop that goes quadratic when person's
    -- statistics are stale). Stored ones locked in CURP order, as the foreign key would.
    SELECT count(*) FILTER (WHERE s.curp IS NULL), count(*) FILTER (WHERE sp.curp IS NULL), count(sp.curp)
    INTO extra_people, missing_people, n_people
    FROM (SELECT DISTINCT x.curp FROM pg_temp.enrollment_stage x) s
    FULL JOIN pg_temp.stage_person sp ON sp.curp = s.curp;
    IF extra_people > 0 OR missing_people > 0 THEN
        RAISE EXCEPTION 'stage_person does not match the staged rows (% extra, % missing)', extra_people, missing_people
            USING ERRCODE = 'foreign_key_violation';
    END IF;
    -- Stored people are locked as the enrollment's foreign key would lock them only when the
    -- file adds enrollments that will reference them; a file sent again adds none and locks no
    -- one (300,000 row locks were 1.2 s of such a re-import).
    IF (SELECT count(*) FROM pg_temp.enrollment_stage) > (SELECT count(*) FROM pg_temp.stage_existing) THEN
        SELECT count(*) INTO n_stored FROM (
            SELECT 1 FROM person p WHERE p.curp IN (SELECT sp.curp FROM pg_temp.stage_person sp)
            ORDER BY p.curp FOR KEY SHARE) locked;
    ELSE
        SELECT count(*) INTO n_stored FROM person p WHERE p.curp IN (SELECT sp.curp FROM pg_temp.stage_person sp);
    END IF;
    n_updated := 0;
    IF n_stored > 0 THEN
        -- The shared record follows the agency that trains the person now (README, "Who may see
        -- and change what"); what each agency supplied is kept apart in person_agency, below,
        -- and is all an enlace ever reads. Whether the shared record took the file's data is not
        -- reported: it would tell where else the person trains.
        UPDATE person p SET
            given_names = sp.given_names, first_surname = sp.first_surname, second_surname = sp.second_surname,
            sex = sp.sex, email = COALESCE(sp.email, p.email), batch_id = batch, updated_at = now()
        FROM pg_temp.stage_person sp
        WHERE p.curp = sp.curp
          AND (p.given_names, p.first_surname, p.second_surname, p.sex, p.email)
              IS DISTINCT FROM (sp.given_names, sp.first_surname, sp.second_surname, sp.sex, COALESCE(sp.email, p.email))
          AND (who = 'admin' OR COALESCE((
                  SELECT e.agency_code = mine FROM enrollment e JOIN training_group g ON g.code = e.group_code
                  WHERE e.curp = sp.curp
                  ORDER BY COALESCE(g.ends_on, g.starts_on) DESC, g.starts_on DESC, g.code DESC LIMIT 1), true));
        GET DIAGNOSTICS n_updated = ROW_COUNT;
        INSERT INTO person (curp, given_names, first_surname, second_surname, sex, email, batch_id)
        SELECT sp.curp, sp.given_names, sp.first_surname, sp.second_surname, sp.sex, sp.email, batch
        FROM pg_temp.stage_person sp
        WHERE NOT EXISTS (SELECT 1 FROM person p WHERE p.curp = sp.curp)
        ORDER BY sp.curp
        ON CONFLICT (curp) DO NOTHING;
    ELSE
        INSERT INTO person (curp, given_names, first_surname, second_surname, sex, email, batch_id)
        SELECT sp.curp, sp.given_names, sp.first_surname, sp.second_surname, sp.sex, sp.email, batch
        FROM pg_temp.stage_person sp
        ORDER BY sp.curp
        ON CONFLICT (curp) DO NOTHING;
    END IF;
    GET DIAGNOSTICS n_added = ROW_COUNT;
    -- Another import added some of the same new people meanwhile (the insert waited for it on the
    -- key and skipped them): they are stored now, locked like the others; their data stays as
    -- that import wrote it.
    IF n_stored + n_added < n_people THEN
        SELECT count(*) - n_added INTO n_stored FROM (
            SELECT 1 FROM person p WHERE p.curp IN (SELECT sp.curp FROM pg_temp.stage_person sp)
            ORDER BY p.curp FOR KEY SHARE) locked;
    END IF;
    -- Every staged person exists now (stored and locked, or inserted here): the check the person
    -- foreign key would make, by count. A stage_person repeating a CURP fails the primary key.
    IF n_stored + n_added <> n_people THEN
        RAISE EXCEPTION '% staged people are neither stored nor added', n_people - n_stored - n_added
            USING ERRCODE = 'foreign_key_violation';
    END IF;

    PERFORM person_agency_merge(batch);

    -- New enrollments, in file order, no per-row foreign-key triggers (replica).
    INSERT INTO enrollment (group_code, curp, agency_code, tier, position_title, batch_id)
    SELECT s.group_code, s.curp, s.agency_code, s.tier, s.position_title, batch
    FROM pg_temp.enrollment_stage s
    WHERE NOT EXISTS (SELECT 1 FROM pg_temp.stage_existing x WHERE x.line = s.line);
    GET DIAGNOSTICS e_added = ROW_COUNT;
    UPDATE enrollment e SET
        agency_code = s.agency_code, tier = s.tier,
        position_title = COALESCE(s.position_title, e.position_title), batch_id = batch, updated_at = now()
    FROM pg_temp.stage_existing x JOIN pg_temp.enrollment_stage s ON s.line = x.line
    WHERE x.enrollment_changed AND e.group_code = s.group_code AND e.curp = s.curp;
    GET DIAGNOSTICS e_updated = ROW_COUNT;
    RETURN QUERY SELECT n_stored, n_added, n_updated, n_kept, e_added, e_updated;
END
$$;
