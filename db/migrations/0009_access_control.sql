-- Access control: who sees and writes which rows, enforced by PostgreSQL itself.
--
-- Identities. The service connects as capacita_app (LOGIN, not superuser, not owner, not
-- BYPASSRLS) and, in every transaction, names its caller with
--   set_config('capacita.role', 'admin'|'enlace'|'instructor', true)
--   set_config('capacita.agency', 'SEGOB', true)        -- enlace: the agency it speaks for
--   set_config('capacita.user', 'token or user name', true)
-- (true: local to the transaction, so a pooled connection carries no identity into the next one).
-- Row-level security policies read those settings; with none set, personal data is invisible.
-- Work that must see every row (the trained summary, coverage and 4.2 counts, cupo,
-- prerequisites, stored enrollments of other agencies, the bulk enrollment insert) runs in
-- SECURITY DEFINER functions owned by capacita_definer (NOLOGIN, BYPASSRLS), which return
-- aggregates or check the caller's right to write before writing.
-- Tables stay owned by the role that runs the migrations (a superuser). See db/ACCESS.md.

-- Roles are cluster-wide: another database of this cluster may have created them already, or be
-- creating them now (tests migrate fresh databases in parallel). Each change is made only when the
-- role differs from what it must be, and a catalog row another session updated at the same time
-- ("tuple concurrently updated", a duplicate role) is retried.
DO $$
DECLARE
    attempt integer := 0;
BEGIN
    LOOP
        BEGIN
            IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'capacita_app') THEN
                CREATE ROLE capacita_app LOGIN;
            END IF;
            IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'capacita_definer') THEN
                CREATE ROLE capacita_definer NOLOGIN;
            END IF;
            -- Whatever they were, they are now exactly this.
            IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'capacita_app' AND (NOT rolcanlogin OR rolsuper
                       OR rolcreatedb OR rolcreaterole OR rolreplication OR rolbypassrls OR NOT rolinherit)) THEN
                ALTER ROLE capacita_app LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS INHERIT;
            END IF;
            IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'capacita_definer' AND (rolcanlogin OR rolsuper
                       OR rolcreatedb OR rolcreaterole OR rolreplication OR NOT rolbypassrls OR rolinherit)) THEN
                ALTER ROLE capacita_definer NOLOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION BYPASSRLS NOINHERIT;
            END IF;
            -- The bulk insert turns off row-by-row foreign-key checks after checking the same
            -- references set-based (enrollment_import_apply). PostgreSQL 15 can grant that one setting.
            IF NOT has_parameter_privilege('capacita_definer', 'session_replication_role', 'SET') THEN
                GRANT SET ON PARAMETER session_replication_role TO capacita_definer;
            END IF;
            EXIT;
        EXCEPTION WHEN internal_error OR unique_violation OR duplicate_object THEN
            attempt := attempt + 1;
            IF attempt > 20 THEN RAISE; END IF;
            PERFORM pg_sleep(0.05 * attempt);
        END;
    END LOOP;
END
$$;

DO $$
BEGIN
    EXECUTE format('REVOKE ALL ON DATABASE %I FROM PUBLIC', current_database());
    EXECUTE format('GRANT CONNECT, TEMPORARY ON DATABASE %I TO capacita_app', current_database());
    -- The migration runner creates schema_migration before the first migration; `db status`
    -- reads it. Absent when the file is applied by hand with psql.
    IF to_regclass('public.schema_migration') IS NOT NULL THEN
        GRANT SELECT ON schema_migration TO capacita_app;
    END IF;
END
$$;
REVOKE CREATE ON SCHEMA public FROM PUBLIC;
GRANT USAGE ON SCHEMA public TO capacita_app, capacita_definer;

-- ---------------------------------------------------------------------------------------------
-- The caller's identity, as policies read it. NULL when absent, empty, or not a known role.
CREATE FUNCTION capacita_role() RETURNS text LANGUAGE sql STABLE PARALLEL SAFE AS $$
    SELECT CASE WHEN current_setting('capacita.role', true) IN ('admin', 'enlace', 'instructor')
                THEN current_setting('capacita.role', true) END
$$;
CREATE FUNCTION capacita_agency() RETURNS text LANGUAGE sql STABLE PARALLEL SAFE AS $$
    SELECT nullif(current_setting('capacita.agency', true), '') COLLATE "C"
$$;
CREATE FUNCTION capacita_user() RETURNS text LANGUAGE sql STABLE PARALLEL SAFE AS $$
    SELECT nullif(current_setting('capacita.user', true), '')
$$;

-- Raised by every definer function called without an identity.
CREATE FUNCTION capacita_require_identity() RETURNS text LANGUAGE plpgsql STABLE AS $$
DECLARE
    r text := capacita_role();
BEGIN
    IF r IS NULL OR (r = 'enlace' AND capacita_agency() IS NULL) OR (r = 'instructor' AND capacita_user() IS NULL) THEN
        RAISE EXCEPTION 'no capacita identity in this transaction' USING ERRCODE = 'insufficient_privilege',
            HINT = 'set_config(''capacita.role'', …, true) (and capacita.agency / capacita.user) first';
    END IF;
    RETURN r;
END
$$;

-- ---------------------------------------------------------------------------------------------
-- Instructors and the groups assigned to them. Keyed by the same user name the service puts
-- in capacita.user (the holder of an instructor token).
CREATE TABLE group_instructor (
    group_code  text COLLATE "C" NOT NULL REFERENCES training_group (code) ON UPDATE CASCADE ON DELETE CASCADE,
    user_name   text NOT NULL CHECK (btrim(user_name) <> ''),
    assigned_by text,
    assigned_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (group_code, user_name)
);
CREATE INDEX group_instructor_user ON group_instructor (user_name);

-- ---------------------------------------------------------------------------------------------
-- History: the batch that changed a name or a score is kept.
ALTER TABLE person ADD COLUMN batch_id bigint;

-- Batch columns become foreign keys (0003 left them plain for speed: the bulk insert below checks
-- them set-based instead). Batches are never deleted.
ALTER TABLE enrollment
    ADD CONSTRAINT enrollment_batch_fk FOREIGN KEY (batch_id) REFERENCES import_batch (id),
    ADD CONSTRAINT enrollment_results_batch_fk FOREIGN KEY (results_batch_id) REFERENCES import_batch (id);
ALTER TABLE person ADD CONSTRAINT person_batch_fk FOREIGN KEY (batch_id) REFERENCES import_batch (id);

-- A person's data before each change, with the batch that wrote it and the one that replaced it.
CREATE TABLE person_history (
    id             bigserial PRIMARY KEY,
    curp           text COLLATE "C" NOT NULL REFERENCES person (curp),
    given_names    text NOT NULL,
    first_surname  text NOT NULL,
    second_surname text,
    sex            text NOT NULL,
    email          text,
    batch_id       bigint REFERENCES import_batch (id),  -- wrote the old values (NULL: before 0009)
    changed_by_batch bigint REFERENCES import_batch (id), -- replaced them (NULL: not an import)
    changed_by     text,                                 -- capacita.user at the time
    changed_at     timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX person_history_curp ON person_history (curp);

-- An enrollment's results before each change that replaced some.
CREATE TABLE result_history (
    id                      bigserial PRIMARY KEY,
    group_code              text COLLATE "C" NOT NULL,
    curp                    text COLLATE "C" NOT NULL,
    agency_code             text COLLATE "C" NOT NULL,
    status                  text NOT NULL,
    attendance              numeric(5, 2),
    pre_score               numeric(5, 2),
    post_score              numeric(5, 2),
    final_score             numeric(5, 2),
    reaction_methodology    smallint,
    reaction_instructors    smallint,
    reaction_contents       smallint,
    reaction_infrastructure smallint,
    rule_min_score          numeric(5, 2),
    rule_min_attendance     numeric(5, 2),
    results_batch_id        bigint REFERENCES import_batch (id),  -- wrote the old values
    changed_by_batch        bigint REFERENCES import_batch (id),  -- replaced them
    changed_by              text,
    changed_at              timestamptz NOT NULL DEFAULT now(),
    FOREIGN KEY (group_code, curp) REFERENCES enrollment (group_code, curp) ON UPDATE CASCADE
);
CREATE INDEX result_history_enrollment ON result_history (group_code, curp);

-- Statement-level, from the transition tables: one insert per statement, whatever its size.
-- Definer: the application may read history but never write it.
CREATE FUNCTION person_history_capture() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, public, pg_temp AS $$
BEGIN
    INSERT INTO person_history (curp, given_names, first_surname, second_surname, sex, email, batch_id,
                                changed_by_batch, changed_by)
    SELECT o.curp, o.given_names, o.first_surname, o.second_surname, o.sex, o.email, o.batch_id, n.batch_id,
           capacita_user()
    FROM old_rows o JOIN new_rows n ON n.curp = o.curp
    WHERE (o.given_names, o.first_surname, o.second_surname, o.sex, o.email)
          IS DISTINCT FROM (n.given_names, n.first_surname, n.second_surname, n.sex, n.email);
    RETURN NULL;
END
$$;
CREATE TRIGGER person_history AFTER UPDATE ON person
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION person_history_capture();

-- Only rows that had results: a first results file replaces nothing, and costs no history.
CREATE FUNCTION result_history_capture() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, public, pg_temp AS $$
BEGIN
    INSERT INTO result_history (group_code, curp, agency_code, status, attendance, pre_score, post_score, final_score,
                                reaction_methodology, reaction_instructors, reaction_contents, reaction_infrastructure,
                                rule_min_score, rule_min_attendance, results_batch_id, changed_by_batch, changed_by)
    SELECT o.group_code, o.curp, o.agency_code, o.status, o.attendance, o.pre_score, o.post_score, o.final_score,
           o.reaction_methodology, o.reaction_instructors, o.reaction_contents, o.reaction_infrastructure,
           o.rule_min_score, o.rule_min_attendance, o.results_batch_id, n.results_batch_id, capacita_user()
    FROM (SELECT * FROM old_rows
          WHERE results_batch_id IS NOT NULL OR attendance IS NOT NULL OR final_score IS NOT NULL) o
    JOIN new_rows n ON n.group_code = o.group_code AND n.curp = o.curp
    WHERE (o.attendance, o.pre_score, o.post_score, o.final_score, o.reaction_methodology, o.reaction_instructors,
           o.reaction_contents, o.reaction_infrastructure)
          IS DISTINCT FROM
          (n.attendance, n.pre_score, n.post_score, n.final_score, n.reaction_methodology, n.reaction_instructors,
           n.reaction_contents, n.reaction_infrastructure);
    RETURN NULL;
END
$$;
CREATE TRIGGER result_history AFTER UPDATE ON enrollment
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION result_history_capture();

-- ---------------------------------------------------------------------------------------------
-- Audit: append-only. The application may add and read rows, never change or remove them; the
-- triggers refuse UPDATE, DELETE and TRUNCATE even to the owner (a deliberate purge must first
-- disable them, which only the owner or a superuser can).
CREATE TABLE audit_log (
    id          bigserial PRIMARY KEY,
    at          timestamptz NOT NULL DEFAULT clock_timestamp(),
    -- Identity, from the transaction's settings unless a superuser tool writes them explicitly.
    user_name   text NOT NULL DEFAULT capacita_user(),
    user_label  text,                                     -- the person's name, as the token records it
    role        text NOT NULL DEFAULT capacita_role() CHECK (role IN ('admin', 'enlace', 'instructor', 'system')),
    agency_code text COLLATE "C" DEFAULT capacita_agency() REFERENCES agency (code) ON UPDATE CASCADE,
    action      text NOT NULL CHECK (action ~ '^[a-z_]+(\.[a-z_]+)*$'),
    target      text,                                     -- never a full CURP (mask it)
    batch_id    bigint REFERENCES import_batch (id),
    request_id  text,
    detail      jsonb
);
CREATE INDEX audit_log_agency_at ON audit_log (agency_code, at);
CREATE INDEX audit_log_batch ON audit_log (batch_id) WHERE batch_id IS NOT NULL;

CREATE FUNCTION audit_log_refuse() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit_log is append-only: % refused', TG_OP USING ERRCODE = 'insufficient_privilege';
END
$$;
CREATE TRIGGER audit_log_no_update BEFORE UPDATE OR DELETE ON audit_log FOR EACH ROW EXECUTE FUNCTION audit_log_refuse();
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log FOR EACH STATEMENT EXECUTE FUNCTION audit_log_refuse();

-- These fire in the bulk path (session_replication_role = replica) too.
ALTER TABLE person ENABLE ALWAYS TRIGGER person_history;
ALTER TABLE enrollment ENABLE ALWAYS TRIGGER result_history;
ALTER TABLE audit_log ENABLE ALWAYS TRIGGER audit_log_no_update, ENABLE ALWAYS TRIGGER audit_log_no_truncate;

-- An instructor records results, nothing else: agency, tier, group, person and drops stay as
-- the enlace wrote them. Invoked only for instructors (the WHEN is cheap for everyone else).
CREATE FUNCTION enrollment_instructor_guard() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF (NEW.group_code, NEW.curp, NEW.agency_code, NEW.tier, NEW.position_title, NEW.batch_id, NEW.drop_reason, NEW.dropped_at)
       IS DISTINCT FROM
       (OLD.group_code, OLD.curp, OLD.agency_code, OLD.tier, OLD.position_title, OLD.batch_id, OLD.drop_reason, OLD.dropped_at)
       OR (NEW.status = 'baja') IS DISTINCT FROM (OLD.status = 'baja') THEN
        RAISE EXCEPTION 'an instructor may change results only' USING ERRCODE = 'insufficient_privilege';
    END IF;
    RETURN NEW;
END
$$;
CREATE TRIGGER enrollment_instructor_guard BEFORE UPDATE ON enrollment FOR EACH ROW
    WHEN (nullif(current_setting('capacita.role', true), '') = 'instructor')
    EXECUTE FUNCTION enrollment_instructor_guard();

-- ---------------------------------------------------------------------------------------------
-- Indexes the policies and reads need. enrollment(curp) comes back as a full index (0008 kept
-- only acreditado rows): person visibility looks up each person's enrollments, whatever status.
CREATE INDEX enrollment_curp ON enrollment (curp);
CREATE INDEX enrollment_agency ON enrollment (agency_code);
-- Partial: a new enrollment has no results batch, and costs this index nothing.
CREATE INDEX enrollment_results_batch ON enrollment (results_batch_id) WHERE results_batch_id IS NOT NULL;
CREATE INDEX training_group_course ON training_group (course_code);
CREATE INDEX import_batch_agency ON import_batch (agency_code);

-- ---------------------------------------------------------------------------------------------
-- Row-level security. ENABLE makes policies apply to everyone but superusers and BYPASSRLS
-- roles; FORCE makes them apply to the tables' owner as well.
--
-- Personal data: people, enrollments (with results), constancias, history, the trained summary,
-- import batches (file names, who ran them), the audit log, instructor assignments; fichas
-- (agency-owned, free-text observaciones).
ALTER TABLE person ENABLE ROW LEVEL SECURITY, FORCE ROW LEVEL SECURITY;
ALTER TABLE enrollment ENABLE ROW LEVEL SECURITY, FORCE ROW LEVEL SECURITY;
ALTER TABLE constancia ENABLE ROW LEVEL SECURITY, FORCE ROW LEVEL SECURITY;
ALTER TABLE person_history ENABLE ROW LEVEL SECURITY, FORCE ROW LEVEL SECURITY;
ALTER TABLE result_history ENABLE ROW LEVEL SECURITY, FORCE ROW LEVEL SECURITY;
ALTER TABLE import_batch ENABLE ROW LEVEL SECURITY, FORCE ROW LEVEL SECURITY;
ALTER TABLE audit_log ENABLE ROW LEVEL SECURITY, FORCE ROW LEVEL SECURITY;
ALTER TABLE group_instructor ENABLE ROW LEVEL SECURITY, FORCE ROW LEVEL SECURITY;
ALTER TABLE ficha ENABLE ROW LEVEL SECURITY, FORCE ROW LEVEL SECURITY;
-- No policy at all: only the definer functions (BYPASSRLS) read and write them.
ALTER TABLE trained_year ENABLE ROW LEVEL SECURITY, FORCE ROW LEVEL SECURITY;
ALTER TABLE trained_dirty ENABLE ROW LEVEL SECURITY, FORCE ROW LEVEL SECURITY;
-- Shared, not personal: every identified caller reads them; writes are scoped.
ALTER TABLE training_group ENABLE ROW LEVEL SECURITY, FORCE ROW LEVEL SECURITY;
ALTER TABLE headcount ENABLE ROW LEVEL SECURITY, FORCE ROW LEVEL SECURITY;
ALTER TABLE agency ENABLE ROW LEVEL SECURITY, FORCE ROW LEVEL SECURITY;
ALTER TABLE agency_former_name ENABLE ROW LEVEL SECURITY, FORCE ROW LEVEL SECURITY;
ALTER TABLE course ENABLE ROW LEVEL SECURITY, FORCE ROW LEVEL SECURITY;
ALTER TABLE course_prerequisite ENABLE ROW LEVEL SECURITY, FORCE ROW LEVEL SECURITY;

-- Reference data: read by any identified caller, written by admin.
CREATE POLICY read_identified ON agency FOR SELECT USING (capacita_role() IS NOT NULL);
CREATE POLICY admin_writes ON agency FOR ALL USING (capacita_role() = 'admin') WITH CHECK (capacita_role() = 'admin');
CREATE POLICY read_identified ON agency_former_name FOR SELECT USING (capacita_role() IS NOT NULL);
CREATE POLICY admin_writes ON agency_former_name FOR ALL USING (capacita_role() = 'admin') WITH CHECK (capacita_role() = 'admin');
CREATE POLICY read_identified ON course FOR SELECT USING (capacita_role() IS NOT NULL);
CREATE POLICY admin_writes ON course FOR ALL USING (capacita_role() = 'admin') WITH CHECK (capacita_role() = 'admin');
CREATE POLICY read_identified ON course_prerequisite FOR SELECT USING (capacita_role() IS NOT NULL);
CREATE POLICY admin_writes ON course_prerequisite FOR ALL USING (capacita_role() = 'admin') WITH CHECK (capacita_role() = 'admin');
-- Headcounts are the Secretaría Técnica's (domain.md); every agency's feeds the national 4.2.
CREATE POLICY read_identified ON headcount FOR SELECT USING (capacita_role() IS NOT NULL);
CREATE POLICY admin_writes ON headcount FOR ALL USING (capacita_role() = 'admin') WITH CHECK (capacita_role() = 'admin');

-- Groups: everyone identified reads the calendar; an enlace writes its agency's groups.
CREATE POLICY read_identified ON training_group FOR SELECT USING (capacita_role() IS NOT NULL);
CREATE POLICY scoped_writes ON training_group FOR ALL
    USING (capacita_role() = 'admin' OR (capacita_role() = 'enlace' AND agency_code = capacita_agency()))
    WITH CHECK (capacita_role() = 'admin' OR (capacita_role() = 'enlace' AND agency_code = capacita_agency()));

-- Enrollments: an enlace's are those of its agency and those in the groups it organizes; an
-- instructor's are those in the groups assigned to them. The same rule decides what they write.
CREATE POLICY admin_all ON enrollment FOR ALL USING (capacita_role() = 'admin') WITH CHECK (capacita_role() = 'admin');
CREATE POLICY enlace_own ON enrollment FOR ALL
    USING (capacita_role() = 'enlace'
           AND (agency_code = capacita_agency()
                OR group_code IN (SELECT g.code FROM training_group g WHERE g.agency_code = capacita_agency())))
    WITH CHECK (capacita_role() = 'enlace'
           AND (agency_code = capacita_agency()
                OR group_code IN (SELECT g.code FROM training_group g WHERE g.agency_code = capacita_agency())));
CREATE POLICY instructor_read ON enrollment FOR SELECT
    USING (capacita_role() = 'instructor'
           AND group_code IN (SELECT gi.group_code FROM group_instructor gi WHERE gi.user_name = capacita_user()));
CREATE POLICY instructor_results ON enrollment FOR UPDATE
    USING (capacita_role() = 'instructor'
           AND group_code IN (SELECT gi.group_code FROM group_instructor gi WHERE gi.user_name = capacita_user()))
    WITH CHECK (capacita_role() = 'instructor'
           AND group_code IN (SELECT gi.group_code FROM group_instructor gi WHERE gi.user_name = capacita_user()));

-- A person is visible to whoever sees one of their enrollments (the subquery runs under the
-- enrollment policies above). New people are added by enrollment_import_apply; an admin or
-- enlace may add one directly (it stays invisible to the enlace until enrolled).
CREATE POLICY visible ON person FOR SELECT
    USING (capacita_role() = 'admin' OR EXISTS (SELECT 1 FROM enrollment e WHERE e.curp = person.curp));
CREATE POLICY add ON person FOR INSERT WITH CHECK (capacita_role() IN ('admin', 'enlace'));
CREATE POLICY change ON person FOR UPDATE
    USING (capacita_role() IN ('admin', 'enlace')
           AND (capacita_role() = 'admin' OR EXISTS (SELECT 1 FROM enrollment e WHERE e.curp = person.curp)))
    WITH CHECK (capacita_role() IN ('admin', 'enlace'));

-- Constancias and history follow their enrollment (or person).
CREATE POLICY visible ON constancia FOR ALL
    USING (capacita_role() = 'admin'
           OR EXISTS (SELECT 1 FROM enrollment e WHERE e.group_code = constancia.group_code AND e.curp = constancia.curp))
    WITH CHECK (capacita_role() = 'admin'
           OR EXISTS (SELECT 1 FROM enrollment e WHERE e.group_code = constancia.group_code AND e.curp = constancia.curp));
CREATE POLICY visible ON result_history FOR SELECT
    USING (capacita_role() = 'admin'
           OR EXISTS (SELECT 1 FROM enrollment e WHERE e.group_code = result_history.group_code AND e.curp = result_history.curp));
CREATE POLICY visible ON person_history FOR SELECT
    USING (capacita_role() = 'admin' OR EXISTS (SELECT 1 FROM person p WHERE p.curp = person_history.curp));

-- Batches: an enlace's carry its agency (results batches too: the Swift side must say which);
-- an instructor's carry their user name.
CREATE POLICY scoped ON import_batch FOR ALL
    USING (capacita_role() = 'admin'
           OR (capacita_role() = 'enlace' AND agency_code = capacita_agency())
           OR (capacita_role() = 'instructor' AND ran_by = capacita_user()))
    WITH CHECK (capacita_role() = 'admin'
           OR (capacita_role() = 'enlace' AND agency_code = capacita_agency())
           OR (capacita_role() = 'instructor' AND ran_by = capacita_user() AND agency_code IS NULL));

CREATE POLICY scoped ON ficha FOR ALL
    USING (capacita_role() = 'admin' OR (capacita_role() = 'enlace' AND agency_code = capacita_agency()))
    WITH CHECK (capacita_role() = 'admin' OR (capacita_role() = 'enlace' AND agency_code = capacita_agency()));

CREATE POLICY scoped ON group_instructor FOR SELECT
    USING (capacita_role() = 'admin'
           OR (capacita_role() = 'instructor' AND user_name = capacita_user())
           OR (capacita_role() = 'enlace'
               AND group_code IN (SELECT g.code FROM training_group g WHERE g.agency_code = capacita_agency())));
CREATE POLICY assign ON group_instructor FOR ALL
    USING (capacita_role() = 'admin'
           OR (capacita_role() = 'enlace'
               AND group_code IN (SELECT g.code FROM training_group g WHERE g.agency_code = capacita_agency())))
    WITH CHECK (capacita_role() = 'admin'
           OR (capacita_role() = 'enlace'
               AND group_code IN (SELECT g.code FROM training_group g WHERE g.agency_code = capacita_agency())));

-- Audit rows carry the writer's own identity (no one writes in another's name); admin reads all,
-- an enlace its agency's, an instructor their own.
CREATE POLICY append_own ON audit_log FOR INSERT
    WITH CHECK (capacita_role() IS NOT NULL AND role = capacita_role()
                AND user_name IS NOT DISTINCT FROM capacita_user()
                AND agency_code IS NOT DISTINCT FROM capacita_agency());
CREATE POLICY read_scoped ON audit_log FOR SELECT
    USING (capacita_role() = 'admin'
           OR (capacita_role() = 'enlace' AND agency_code = capacita_agency())
           OR (capacita_role() = 'instructor' AND user_name = capacita_user()));

-- ---------------------------------------------------------------------------------------------
-- Definer functions. Every one pins search_path with pg_temp LAST: a schema-less path leaves the
-- session's temporary schema searched FIRST for tables, so a caller could shadow `enrollment`
-- with a temporary table of its own. Caller temp tables are read only as pg_temp.<name>, after
-- stage_table() checked that they are plain temporary tables of built-in column types.

-- The trained summary (0007) is maintained by its definer functions, never from a filtered view.
ALTER FUNCTION trained_refresh(integer) SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp;
ALTER FUNCTION trained_mark(text[]) SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp;
-- These read enrollments beyond their transition tables: they must see them all.
ALTER FUNCTION trained_mark_group() SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp;
ALTER FUNCTION trained_mark_course() SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp;

-- A caller's temporary stage table, or an error: it must be this session's own, an ordinary
-- table (not a view, whose functions would run with the definer's rights), with no children, no
-- row security and only built-in column types (no user code runs while it is read).
CREATE FUNCTION stage_table(stage_name text) RETURNS regclass LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, public, pg_temp AS $$
DECLARE
    rel regclass;
BEGIN
    SELECT c.oid INTO rel FROM pg_class c
    WHERE c.relnamespace = pg_my_temp_schema() AND c.relname = stage_name
      AND c.relkind = 'r' AND c.relpersistence = 't' AND NOT c.relhassubclass AND NOT c.relrowsecurity
      AND NOT EXISTS (SELECT 1 FROM pg_attribute a
                      WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped AND a.atttypid >= 16384);
    IF rel IS NULL THEN
        RAISE EXCEPTION 'stage table pg_temp.% is missing or not a plain temporary table', stage_name
            USING ERRCODE = 'invalid_table_definition';
    END IF;
    RETURN rel;
END
$$;

-- Counts of trained people per agency and tier, as of to_year in a window from from_year:
-- the summary when all levels count (levels NULL), the base tables for a subset of levels
-- (CoverageStore.trainedSQL). Aggregates only; folds in the caller's own uncommitted writes
-- (the only dirty rows a transaction can see: others' were refreshed when they committed), so a
-- read-only transaction never writes here.
CREATE FUNCTION trained_counts(from_year integer, to_year integer, levels text[] DEFAULT NULL)
RETURNS TABLE (agency_code text, tier text, people integer)
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
BEGIN
    PERFORM capacita_require_identity();
    IF EXISTS (SELECT 1 FROM trained_dirty) THEN
        PERFORM trained_refresh();
    END IF;
    IF levels IS NULL THEN
        RETURN QUERY
        SELECT t.agency_code::text, t.tier, count(*)::int
        FROM trained_year t
        WHERE t.year BETWEEN from_year AND to_year AND (t.next_year IS NULL OR t.next_year > to_year)
        GROUP BY t.agency_code, t.tier;
    ELSE
        RETURN QUERY
        SELECT latest.agency_code::text, latest.tier, count(*)::int FROM (
            SELECT DISTINCT ON (e.curp) e.agency_code, e.tier
            FROM enrollment e
            JOIN training_group g ON g.code = e.group_code
            JOIN course c ON c.code = g.course_code
            WHERE e.status = 'acreditado' AND c.counts_for_indicator AND c.level = ANY (levels)
              AND COALESCE(g.ends_on, g.starts_on) BETWEEN make_date(from_year, 1, 1) AND make_date(to_year, 12, 31)
            ORDER BY e.curp, COALESCE(g.ends_on, g.starts_on) DESC, g.starts_on DESC, g.code DESC
        ) latest
        GROUP BY latest.agency_code, latest.tier;
    END IF;
END
$$;

-- The events table (CoverageStore.eventGroups): per group that started in the year, the public
-- servants it reached, its aggregate count plus everyone enrolled (bajas left out).
CREATE FUNCTION event_groups(year integer)
RETURNS TABLE (group_code text, agency_code text, kind text, general_public integer, servants bigint)
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
BEGIN
    PERFORM capacita_require_identity();
    RETURN QUERY
    SELECT g.code::text, g.agency_code::text, g.kind, g.general_public,
           g.public_servants + count(e.curp) FILTER (WHERE e.status <> 'baja')
    FROM training_group g LEFT JOIN enrollment e ON e.group_code = g.code
    WHERE g.starts_on >= make_date(year, 1, 1) AND g.starts_on < make_date(year + 1, 1, 1)
    GROUP BY g.code;
END
$$;

-- Cupo: locks the groups an import fills (in code order, FOR UPDATE, so two imports into one
-- group cannot both pass) and the agencies it names (FOR KEY SHARE, as a foreign key would), and
-- says how many places each group has taken, whoever enrolled them. Counts only.
CREATE FUNCTION enrollment_lock_groups(groups text[], agencies text[] DEFAULT '{}')
RETURNS TABLE (group_code text, agency_code text, capacity integer, taken bigint)
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
BEGIN
    IF capacita_require_identity() = 'instructor' THEN
        RAISE EXCEPTION 'an instructor does not enroll people' USING ERRCODE = 'insufficient_privilege';
    END IF;
    PERFORM 1 FROM training_group g WHERE g.code = ANY (groups) ORDER BY g.code FOR UPDATE;
    PERFORM 1 FROM agency a WHERE a.code = ANY (agencies) ORDER BY a.code FOR KEY SHARE;
    RETURN QUERY
    SELECT g.code::text, g.agency_code::text, g.capacity,
           (SELECT count(*) FROM enrollment e WHERE e.group_code = g.code AND e.status <> 'baja')
    FROM training_group g WHERE g.code = ANY (groups);
END
$$;

-- The staged rows (pg_temp.enrollment_stage) whose (group, person) is already stored, by anyone:
-- whether the file changes that enrollment, and whether the caller may write it (an enlace may
-- not take over another agency's enrollment in a group it does not organize).
CREATE FUNCTION enrollment_stage_existing()
RETURNS TABLE (line integer, group_code text, curp text, enrollment_changed boolean, writable boolean)
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
DECLARE
    who text := capacita_require_identity();
    mine text := capacita_agency();
BEGIN
    PERFORM stage_table('enrollment_stage');
    RETURN QUERY
    SELECT s.line, s.group_code::text, s.curp::text,
           (e.agency_code <> s.agency_code OR e.tier <> s.tier
            OR (s.position_title IS NOT NULL AND e.position_title IS DISTINCT FROM s.position_title)),
           who = 'admin' OR (who = 'enlace' AND (e.agency_code = mine OR g.agency_code = mine))
    FROM pg_temp.enrollment_stage s
    JOIN enrollment e ON e.group_code = s.group_code AND e.curp = s.curp
    JOIN training_group g ON g.code = e.group_code;
END
$$;

-- New staged rows (not in pg_temp.stage_existing) whose person has not acreditado every
-- prerequisite of the group's course, wherever they did. Says which courses are missing only.
CREATE FUNCTION enrollment_stage_missing_prerequisites(groups text[])
RETURNS TABLE (line integer, group_code text, course_code text, missing text)
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
BEGIN
    PERFORM capacita_require_identity();
    PERFORM stage_table('enrollment_stage');
    PERFORM stage_table('stage_existing');
    RETURN QUERY
    SELECT s.line, s.group_code::text, g.course_code::text, string_agg(p.requires_code, ', ' ORDER BY p.requires_code)
    FROM pg_temp.enrollment_stage s
    JOIN training_group g ON g.code = s.group_code
    JOIN course_prerequisite p ON p.course_code = g.course_code
    WHERE s.group_code = ANY (groups)
      AND NOT EXISTS (SELECT 1 FROM pg_temp.stage_existing x WHERE x.line = s.line)
      AND NOT EXISTS (SELECT 1 FROM enrollment e JOIN training_group done ON done.code = e.group_code
                      WHERE e.curp = s.curp AND e.status = 'acreditado' AND done.course_code = p.requires_code)
    GROUP BY s.line, s.group_code, g.course_code
    ORDER BY s.line;
END
$$;

-- The bulk enrollment merge, for the application role: people, new enrollments, changed stored
-- enrollments, from the caller's checked stage (pg_temp.enrollment_stage, pg_temp.stage_person,
-- pg_temp.stage_existing, as EnrollmentSQL builds them). It trusts none of them:
--   * the batch must be an enrollment batch opened in this very transaction by this caller;
--   * every staged row must be one the caller may write (the enrollment policies, re-applied);
--   * every group, agency and person a new row names must exist, checked set-based under the
--     locks a foreign key would take (groups and agencies FOR KEY SHARE, people FOR KEY SHARE
--     or inserted here), so turning off the per-row foreign-key triggers changes nothing but
--     speed; the primary key, unique indexes and CHECKs still apply (a caller that hides a stored
--     pair from stage_existing gets a unique violation, not a second row);
--   * only people the staged rows name are written.
-- session_replication_role = replica is set for this function's duration only (SET clause).
CREATE FUNCTION enrollment_import_apply(batch bigint)
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
    WHERE b.id = batch AND b.kind = 'enrollment' AND b.xmin = pg_current_xact_id()::xid
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
           count(*) FILTER (WHERE NOT (who = 'admin' OR s.agency_code = mine OR g.agency_code = mine))
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
        WHERE x.enrollment_changed AND NOT (e.agency_code = mine OR g.agency_code = mine)) THEN
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
    SELECT count(*) INTO n_stored FROM (
        SELECT 1 FROM person p WHERE p.curp IN (SELECT sp.curp FROM pg_temp.stage_person sp)
        ORDER BY p.curp FOR KEY SHARE) locked;
    n_updated := 0;
    IF n_stored > 0 THEN
        -- The write rule (README, "Who may see and change what"): an enlace's file corrects a
        -- stored person's names and e-mail only when that person's latest enrollment (by the
        -- group's end, then start, then code) is with the enlace's agency. Otherwise the agency
        -- that trains them now keeps their data; the rows are counted as kept and reported.
        IF who <> 'admin' THEN
            SELECT count(*) INTO n_kept
            FROM pg_temp.stage_person sp JOIN person p ON p.curp = sp.curp
            WHERE (p.given_names, p.first_surname, p.second_surname, p.sex, p.email)
                  IS DISTINCT FROM (sp.given_names, sp.first_surname, sp.second_surname, sp.sex, COALESCE(sp.email, p.email))
              AND NOT COALESCE((
                  SELECT e.agency_code = mine FROM enrollment e JOIN training_group g ON g.code = e.group_code
                  WHERE e.curp = sp.curp
                  ORDER BY COALESCE(g.ends_on, g.starts_on) DESC, g.starts_on DESC, g.code DESC LIMIT 1), true);
        END IF;
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

-- Current fichas of a year for the national summary and plan: every agency's, without the
-- free-text observaciones.
CREATE FUNCTION ficha_national(year integer) RETURNS TABLE (agency_code text, document jsonb)
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
BEGIN
    PERFORM capacita_require_identity();
    RETURN QUERY SELECT f.agency_code::text, f.document - 'observaciones'
    FROM ficha f WHERE f.year = ficha_national.year AND f.superseded_at IS NULL ORDER BY f.agency_code;
END
$$;

-- `constancia verify CODE`: whoever holds the printed code may check it, with or without an
-- identity (the certificate shows the name already). One row or none; the CURP masked.
CREATE FUNCTION constancia_verify(code text)
RETURNS TABLE (folio text, holder text, curp_masked text, course_code text, course_title text, group_code text,
               starts_on date, ends_on date, issued_at timestamptz, revoked_at timestamptz)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
    SELECT c.folio::text, concat_ws(' ', p.given_names, p.first_surname, p.second_surname),
           left(c.curp, 4) || repeat('*', 14), co.code::text, co.title, c.group_code::text,
           g.starts_on, g.ends_on, c.issued_at, c.revoked_at
    FROM constancia c
    JOIN person p ON p.curp = c.curp
    JOIN training_group g ON g.code = c.group_code
    JOIN course co ON co.code = g.course_code
    WHERE c.code = upper(constancia_verify.code)
$$;

-- Owned by the definer role, callable by the application only.
DO $$
DECLARE
    f regprocedure;
BEGIN
    FOREACH f IN ARRAY ARRAY[
        'trained_refresh(integer)', 'trained_mark(text[])', 'trained_mark_group()', 'trained_mark_course()',
        'person_history_capture()', 'result_history_capture()', 'trained_counts(integer, integer, text[])',
        'event_groups(integer)', 'enrollment_lock_groups(text[], text[])', 'enrollment_stage_existing()',
        'enrollment_stage_missing_prerequisites(text[])', 'enrollment_import_apply(bigint)',
        'ficha_national(integer)', 'constancia_verify(text)']::regprocedure[]
    LOOP
        EXECUTE format('ALTER FUNCTION %s OWNER TO capacita_definer', f);
    END LOOP;
END
$$;

-- ---------------------------------------------------------------------------------------------
-- Privileges. Functions: nothing for PUBLIC, everything the service calls for the app.
REVOKE EXECUTE ON ALL FUNCTIONS IN SCHEMA public FROM PUBLIC;
GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA public TO capacita_app;
-- Internal to the summary's definer functions.
REVOKE EXECUTE ON FUNCTION trained_year_source(text[]) FROM capacita_app;
GRANT EXECUTE ON FUNCTION trained_year_source(text[]), capacita_role(), capacita_agency(), capacita_user(),
    capacita_require_identity(), stage_table(text), enrollment_status(numeric, numeric, numeric, numeric)
    TO capacita_definer;

-- The application: what the stores do, and no more (no DELETE of people, enrollments,
-- constancias, batches; no UPDATE or DELETE of the audit log; nothing on the summary tables).
GRANT SELECT, INSERT, UPDATE, DELETE ON agency, agency_former_name, course, course_prerequisite TO capacita_app;
GRANT SELECT, INSERT, UPDATE ON training_group, headcount, constancia_sequence, import_batch, person, enrollment,
    constancia, ficha TO capacita_app;
GRANT SELECT, INSERT, DELETE ON group_instructor TO capacita_app;
GRANT SELECT, INSERT ON audit_log TO capacita_app;
GRANT SELECT ON person_history, result_history TO capacita_app;
GRANT USAGE ON SEQUENCE import_batch_id_seq, ficha_id_seq, audit_log_id_seq TO capacita_app;

-- The definer: what its functions read and write.
GRANT SELECT ON agency, course, course_prerequisite, training_group, import_batch, person, enrollment, constancia,
    ficha, trained_year, trained_dirty TO capacita_definer;
GRANT INSERT, UPDATE ON person, enrollment TO capacita_definer;
-- FOR UPDATE / FOR KEY SHARE locks need UPDATE on the locked tables.
GRANT UPDATE ON training_group, agency, import_batch TO capacita_definer;
GRANT INSERT, DELETE ON trained_year, trained_dirty TO capacita_definer;
GRANT INSERT ON person_history, result_history TO capacita_definer;
GRANT USAGE ON SEQUENCE trained_dirty_id_seq, person_history_id_seq, result_history_id_seq TO capacita_definer;
