-- A summary for coverage and Parámetro 4.2: who counts as trained, per person and year, so the
-- reports do not sort every acreditado enrollment of the window to find each person's latest one.
--
-- One row per person and year Y in which the person has an acreditado enrollment in a group of a
-- course that counts for the indicator, the group having ended (fin, or inicio without fin) in Y:
-- the agency and tier of the latest such enrollment of that year (ended last, then started last,
-- then the greatest group code: the order of CoverageStore.trainedSQL), and the next year in which
-- the person has such a row. A person counts as of year Y, in a window starting at S, on the one
-- row with S <= year <= Y < next_year (or no next year).
--
-- Exact at every commit, whoever writes: triggers note the people whose rows may change, and a
-- deferred trigger recomputes them from the base tables just before the transaction commits.
-- The drift test (Tests/CapacitaStoreTests/TrainedSummaryTests.swift) compares it with the base
-- tables after imports, results, drops, group and catalog changes and hand-written SQL.
CREATE TABLE trained_year (
    curp        text COLLATE "C" NOT NULL,
    year        integer NOT NULL,
    agency_code text COLLATE "C" NOT NULL,
    tier        text NOT NULL,
    next_year   integer CHECK (next_year > year),
    PRIMARY KEY (curp, year)
);
CREATE INDEX trained_year_year ON trained_year (year) INCLUDE (next_year, agency_code, tier);

-- People whose summary rows may be stale, one row per writing statement. An array per statement
-- keeps the deferred trigger below to one call per statement, not one per person.
CREATE TABLE trained_dirty (
    id    bigserial PRIMARY KEY,
    curps text[] COLLATE "C" NOT NULL
);

-- The summary rows of some people (NULL: of everyone), computed from the base tables.
CREATE FUNCTION trained_year_source(people text[])
RETURNS TABLE (curp text, year integer, agency_code text, tier text, next_year integer)
LANGUAGE sql STABLE AS $$
    SELECT curp, year, agency_code, tier, lead(year) OVER (PARTITION BY curp ORDER BY year)
    FROM (
        SELECT DISTINCT ON (e.curp, extract(year FROM COALESCE(g.ends_on, g.starts_on)))
               e.curp, extract(year FROM COALESCE(g.ends_on, g.starts_on))::integer AS year, e.agency_code, e.tier
        FROM enrollment e
        JOIN training_group g ON g.code = e.group_code
        JOIN course c ON c.code = g.course_code
        WHERE e.status = 'acreditado' AND c.counts_for_indicator
          AND (people IS NULL OR e.curp = ANY (people))
        ORDER BY e.curp, extract(year FROM COALESCE(g.ends_on, g.starts_on)),
                 COALESCE(g.ends_on, g.starts_on) DESC, g.starts_on DESC, g.code DESC
    ) latest
$$;

-- Brings the summary up to date with every committed change and this transaction's own.
-- Refreshes are serialized so that two transactions touching one person cannot each recompute
-- them without seeing the other's change: the second waits, then reads the first's commit.
-- Past full_rebuild_from people, recomputing everyone is cheaper than looking each person up
-- (measured at 1 M enrollments: about 30 µs a person against 3.5 s for everyone).
CREATE FUNCTION trained_refresh(full_rebuild_from integer DEFAULT 100000) RETURNS integer LANGUAGE plpgsql AS $$
DECLARE
    people text[];
BEGIN
    IF NOT EXISTS (SELECT 1 FROM trained_dirty) THEN
        RETURN 0;
    END IF;
    PERFORM pg_advisory_xact_lock(hashtext('capacita.trained_year'));
    WITH gone AS (DELETE FROM trained_dirty RETURNING curps)
    SELECT array_agg(DISTINCT c) INTO people FROM gone, unnest(gone.curps) AS c;
    IF people IS NULL THEN
        RETURN 0;
    END IF;
    IF cardinality(people) >= full_rebuild_from THEN
        DELETE FROM trained_year;
        INSERT INTO trained_year SELECT * FROM trained_year_source(NULL);
    ELSE
        DELETE FROM trained_year WHERE curp = ANY (people);
        INSERT INTO trained_year SELECT * FROM trained_year_source(people);
    END IF;
    RETURN cardinality(people);
END
$$;

CREATE FUNCTION trained_refresh_at_commit() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM trained_refresh();
    RETURN NULL;
END
$$;

-- Fires once per marking statement, at commit; the first call does the work, the rest find
-- nothing left.
CREATE CONSTRAINT TRIGGER trained_refresh_at_commit AFTER INSERT ON trained_dirty
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION trained_refresh_at_commit();

-- Notes people whose summary rows may have changed (none: nothing to note).
CREATE FUNCTION trained_mark(people text[]) RETURNS void LANGUAGE sql AS $$
    INSERT INTO trained_dirty (curps) SELECT people WHERE people IS NOT NULL
$$;

-- What marks people: any acreditado enrollment written, changed or deleted (before or after).
CREATE FUNCTION trained_mark_enrollment() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    people text[];
BEGIN
    IF TG_OP = 'INSERT' THEN
        SELECT array_agg(DISTINCT curp) INTO people FROM new_rows WHERE status = 'acreditado';
    ELSIF TG_OP = 'DELETE' THEN
        SELECT array_agg(DISTINCT curp) INTO people FROM old_rows WHERE status = 'acreditado';
    ELSE
        SELECT array_agg(DISTINCT curp) INTO people FROM (
            SELECT curp FROM old_rows WHERE status = 'acreditado'
            UNION ALL
            SELECT curp FROM new_rows WHERE status = 'acreditado') changed;
    END IF;
    PERFORM trained_mark(people);
    RETURN NULL;
END
$$;

CREATE TRIGGER trained_mark_insert AFTER INSERT ON enrollment
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION trained_mark_enrollment();
CREATE TRIGGER trained_mark_update AFTER UPDATE ON enrollment
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION trained_mark_enrollment();
CREATE TRIGGER trained_mark_delete AFTER DELETE ON enrollment
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION trained_mark_enrollment();

-- A group whose dates or course change moves its acreditados to another year or out of the count.
CREATE FUNCTION trained_mark_group() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    people text[];
BEGIN
    SELECT array_agg(DISTINCT e.curp) INTO people
    FROM new_rows n JOIN enrollment e ON e.group_code = n.code
    WHERE e.status = 'acreditado'
      AND NOT EXISTS (SELECT 1 FROM old_rows o
                      WHERE o.code = n.code AND o.starts_on = n.starts_on AND o.ends_on IS NOT DISTINCT FROM n.ends_on
                        AND o.course_code IS NOT DISTINCT FROM n.course_code);
    PERFORM trained_mark(people);
    RETURN NULL;
END
$$;

CREATE TRIGGER trained_mark_group AFTER UPDATE ON training_group
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION trained_mark_group();

-- A course that starts or stops counting for the indicator adds or removes its acreditados.
CREATE FUNCTION trained_mark_course() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    people text[];
BEGIN
    SELECT array_agg(DISTINCT e.curp) INTO people
    FROM new_rows n
    JOIN old_rows o ON o.code = n.code AND o.counts_for_indicator IS DISTINCT FROM n.counts_for_indicator
    JOIN training_group g ON g.course_code = n.code
    JOIN enrollment e ON e.group_code = g.code
    WHERE e.status = 'acreditado';
    PERFORM trained_mark(people);
    RETURN NULL;
END
$$;

CREATE TRIGGER trained_mark_course AFTER UPDATE ON course
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION trained_mark_course();

-- The enrollment import's bulk path writes with session_replication_role = replica (it checks
-- the references itself, see EnrollmentSQL.merge): these triggers must fire there too.
ALTER TABLE enrollment ENABLE ALWAYS TRIGGER trained_mark_insert, ENABLE ALWAYS TRIGGER trained_mark_update,
    ENABLE ALWAYS TRIGGER trained_mark_delete;
ALTER TABLE trained_dirty ENABLE ALWAYS TRIGGER trained_refresh_at_commit;
ALTER TABLE training_group ENABLE ALWAYS TRIGGER trained_mark_group;
ALTER TABLE course ENABLE ALWAYS TRIGGER trained_mark_course;

-- Rows already in the database when this migration runs.
INSERT INTO trained_year SELECT * FROM trained_year_source(NULL);
