-- A change log of what the national reports read, so the service can keep a report it computed
-- until the data under it changes (Parámetro 4.2 and coverage cost tens of milliseconds of
-- database time each; on 2 cores that caps the service at a few dozen a second).
--
-- Every statement that writes one of the tables the reports read adds a row here, in its own
-- transaction: the row becomes visible exactly when the data does, and concurrent writers never
-- wait on each other (no counter row to lock). report_version() gives the highest visible id and
-- whether the database is settled: no writing transaction in progress. Ids come from a sequence,
-- so a writer that took a lower id may commit after one with a higher id; a report computed while
-- such a writer is in progress may miss its change under a version that will not move when it
-- commits. So the service keeps a report only when it read the version settled: every id up to
-- it was then committed or gone, and every later writer takes a higher id. It may answer from a
-- kept report whenever the version is the same. Reading the version is one index lookup.
CREATE TABLE report_change (
    id bigserial PRIMARY KEY,
    at timestamptz NOT NULL DEFAULT now()
);

CREATE FUNCTION report_change_note() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
BEGIN
    INSERT INTO report_change DEFAULT VALUES;
    RETURN NULL;
END
$$;

CREATE FUNCTION report_version(OUT version bigint, OUT settled boolean)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
    SELECT (SELECT coalesce(max(id), 0) FROM report_change),
           NOT EXISTS (SELECT 1 FROM pg_snapshot_xip(pg_current_snapshot()))
$$;

-- The summary, its inputs that it does not cover (a --levels subset reads enrollments and
-- groups), the denominators, the registry and the catalog. ALWAYS: the bulk import's replica
-- mode must not skip them.
DO $$
DECLARE
    t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['trained_year', 'enrollment', 'training_group', 'headcount', 'agency',
                             'agency_former_name', 'course', 'course_prerequisite']
    LOOP
        EXECUTE format('CREATE TRIGGER report_change AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON %I '
                       'FOR EACH STATEMENT EXECUTE FUNCTION report_change_note()', t);
        EXECUTE format('ALTER TABLE %I ENABLE ALWAYS TRIGGER report_change', t);
    END LOOP;
END
$$;

ALTER FUNCTION report_change_note() OWNER TO capacita_definer;
ALTER FUNCTION report_version() OWNER TO capacita_definer;
GRANT INSERT, SELECT ON report_change TO capacita_definer;
GRANT USAGE ON SEQUENCE report_change_id_seq TO capacita_definer;
REVOKE EXECUTE ON FUNCTION report_change_note(), report_version() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION report_version() TO capacita_app;
