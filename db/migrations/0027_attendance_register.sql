-- The attendance register (issue #28): per session and participant, asistió (present), no asistió
-- (absent) or justificada (excused). A participant's attendance percentage comes from the
-- register once their group has one; the course says how a justified absence counts.
-- README.md («Attendance: the register wins») and db/ACCESS.md (0027) say why and who.

-- How a course counts a justified absence (Courses/README.md): as attended, left out of the
-- count, or as an absence. Courses loaded before this migration take the documented default.
ALTER TABLE course ADD COLUMN justified_absences text NOT NULL DEFAULT 'excluida'
    CHECK (justified_absences IN ('asistencia', 'excluida', 'falta'));

-- One mark per participant and session. A session is one of the group's stored sessions
-- (group_session: its day and start) or, for a group without stored sessions, its computed
-- session of that day (starts_at NULL; Sources/Capacita/Enrollment/GroupSession.swift). Marks
-- are corrected, never deleted, as enrollments are.
CREATE TABLE attendance_mark (
    group_code   text COLLATE "C" NOT NULL,
    curp         text COLLATE "C" NOT NULL,
    session_date date NOT NULL,
    starts_at    time(0),
    mark         text NOT NULL CHECK (mark IN ('present', 'absent', 'excused')),
    -- The import (a file, the API or the page's grid) that last wrote the mark.
    batch_id     bigint NOT NULL REFERENCES import_batch (id),
    marked_by    text NOT NULL DEFAULT COALESCE(capacita_user(), session_user),
    marked_at    timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT attendance_mark_enrollment FOREIGN KEY (group_code, curp)
        REFERENCES enrollment (group_code, curp) ON UPDATE CASCADE,
    CONSTRAINT attendance_mark_once UNIQUE NULLS NOT DISTINCT (group_code, curp, session_date, starts_at)
);

-- The sessions of `groups` that marks name and the group no longer has (a sessions file that left
-- one out, a group whose dates moved): none, while the register is whole. Definer: it must see
-- every agency's marks, whoever changed the sessions.
CREATE FUNCTION attendance_sessions_missing(groups text[])
RETURNS TABLE (group_code text, session_date date, starts_at time)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
    SELECT DISTINCT m.group_code::text, m.session_date, m.starts_at
    FROM attendance_mark m JOIN training_group g ON g.code = m.group_code
    WHERE m.group_code = ANY(groups)
      AND CASE WHEN EXISTS (SELECT 1 FROM group_session s WHERE s.group_code = m.group_code)
               THEN m.starts_at IS NULL
                    OR NOT EXISTS (SELECT 1 FROM group_session s
                                   WHERE s.group_code = m.group_code AND s.session_date = m.session_date
                                     AND s.starts_at = m.starts_at)
               -- One computed session a day, from the start to the end (the start without an end),
               -- at most 366 of them (GroupSession.defaultDayLimit).
               ELSE m.starts_at IS NOT NULL OR m.session_date < g.starts_on
                    OR m.session_date > LEAST(COALESCE(g.ends_on, g.starts_on), g.starts_on + 365)
          END
$$;

-- Raises when a mark of `groups` names a session the group does not have; the message names the
-- group and the session, never a person.
CREATE FUNCTION attendance_sessions_check(groups text[]) RETURNS void
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
DECLARE
    missing record;
BEGIN
    SELECT * INTO missing FROM attendance_sessions_missing(groups) LIMIT 1;
    IF FOUND THEN
        RAISE EXCEPTION 'attendance marks name a session group % does not have (% %)',
            missing.group_code, missing.session_date, COALESCE(missing.starts_at::text, 'a day of the group')
            USING ERRCODE = 'foreign_key_violation', CONSTRAINT = 'attendance_mark_session';
    END IF;
END
$$;

-- Statement-level, from the transition tables: one check per statement, whatever its size.
CREATE FUNCTION attendance_mark_session_check() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
BEGIN
    PERFORM attendance_sessions_check(ARRAY(SELECT DISTINCT group_code::text FROM new_rows));
    RETURN NULL;
END
$$;
CREATE TRIGGER attendance_mark_session_insert AFTER INSERT ON attendance_mark
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION attendance_mark_session_check();
CREATE TRIGGER attendance_mark_session_update AFTER UPDATE ON attendance_mark
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION attendance_mark_session_check();

-- A group's sessions or dates change: its marks must still name sessions it has.
CREATE FUNCTION attendance_group_sessions_check() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        PERFORM attendance_sessions_check(ARRAY(SELECT DISTINCT group_code::text FROM old_rows));
    ELSIF TG_TABLE_NAME = 'training_group' THEN
        PERFORM attendance_sessions_check(ARRAY(
            SELECT n.code::text FROM new_rows n JOIN old_rows o ON o.code = n.code
            WHERE (n.starts_on, n.ends_on) IS DISTINCT FROM (o.starts_on, o.ends_on)));
    ELSE
        PERFORM attendance_sessions_check(ARRAY(SELECT DISTINCT group_code::text FROM new_rows));
    END IF;
    RETURN NULL;
END
$$;
CREATE TRIGGER attendance_sessions_insert AFTER INSERT ON group_session
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION attendance_group_sessions_check();
CREATE TRIGGER attendance_sessions_update AFTER UPDATE ON group_session
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION attendance_group_sessions_check();
CREATE TRIGGER attendance_sessions_delete AFTER DELETE ON group_session
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION attendance_group_sessions_check();
CREATE TRIGGER attendance_group_dates AFTER UPDATE ON training_group
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION attendance_group_sessions_check();

-- The sessions of `groups` that have marks, whoever's: a sessions file is checked against them
-- (FileImports), so it can say by line which marked session it would leave out. It names
-- sessions, never a person or how many were marked.
CREATE FUNCTION attendance_marked_sessions(groups text[])
RETURNS TABLE (group_code text, session_date date, starts_at time)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
    SELECT DISTINCT m.group_code::text, m.session_date, m.starts_at
    FROM attendance_mark m
    WHERE m.group_code = ANY(groups) AND capacita_require_identity() IS NOT NULL
$$;

ALTER FUNCTION attendance_marked_sessions(text[]) OWNER TO capacita_definer;
ALTER FUNCTION attendance_sessions_missing(text[]) OWNER TO capacita_definer;
ALTER FUNCTION attendance_sessions_check(text[]) OWNER TO capacita_definer;
ALTER FUNCTION attendance_mark_session_check() OWNER TO capacita_definer;
ALTER FUNCTION attendance_group_sessions_check() OWNER TO capacita_definer;
REVOKE EXECUTE ON FUNCTION attendance_marked_sessions(text[]), attendance_sessions_missing(text[]),
    attendance_sessions_check(text[]), attendance_mark_session_check(), attendance_group_sessions_check()
    FROM PUBLIC;
GRANT EXECUTE ON FUNCTION attendance_marked_sessions(text[]) TO capacita_app;
GRANT SELECT ON attendance_mark, group_session, training_group TO capacita_definer;

-- The course's rule for a participant's percentage, for set-based updates. Mirrors
-- AttendanceTally.percent in the domain (Sources/Capacita/Enrollment/AttendanceRegister.swift);
-- a test keeps both equal. `counted`: the sessions that count for the participant; `present` and
-- `excused`: their marks among them (the rest are absences). NULL when no session counts.
CREATE FUNCTION attendance_percent(present bigint, excused bigint, counted bigint, justified text)
RETURNS numeric LANGUAGE sql IMMUTABLE AS $$
    SELECT CASE
        WHEN counted <= 0 THEN NULL
        WHEN justified = 'asistencia' THEN round(100.0 * (present + excused) / counted, 2)
        WHEN justified = 'falta' THEN round(100.0 * present / counted, 2)
        WHEN counted - excused <= 0 THEN NULL
        ELSE round(100.0 * present / (counted - excused), 2)
    END
$$;

-- Each participant's percentage from the register, for the enrollments of `groups` the caller
-- sees (invoker: row-level security decides, so an enlace's figures come from its own people's
-- marks only). A session counts for a participant when anyone of their agency in the group has
-- a mark in it; a participant without a mark in such a session was absent. Participants whose
-- agency has no mark in the group have no register (no row), nor do bajas or events.
CREATE FUNCTION attendance_from_register(groups text[])
RETURNS TABLE (group_code text, curp text, agency_code text, present bigint, excused bigint, counted bigint,
               attendance numeric)
LANGUAGE sql STABLE AS $$
    WITH counted AS (
        SELECT d.group_code, d.agency_code, count(*) AS sessions
        FROM (SELECT DISTINCT m.group_code, o.agency_code, m.session_date, m.starts_at
              FROM attendance_mark m JOIN enrollment o ON o.group_code = m.group_code AND o.curp = m.curp
              WHERE m.group_code = ANY(groups)) d
        GROUP BY 1, 2
    ), tally AS (
        SELECT m.group_code, m.curp, count(*) FILTER (WHERE m.mark = 'present') AS present,
               count(*) FILTER (WHERE m.mark = 'excused') AS excused
        FROM attendance_mark m WHERE m.group_code = ANY(groups)
        GROUP BY 1, 2
    )
    SELECT e.group_code::text, e.curp::text, e.agency_code::text, COALESCE(t.present, 0), COALESCE(t.excused, 0),
           c.sessions,
           attendance_percent(COALESCE(t.present, 0), COALESCE(t.excused, 0), c.sessions, co.justified_absences)
    FROM enrollment e
    JOIN counted c ON c.group_code = e.group_code AND c.agency_code = e.agency_code
    JOIN training_group g ON g.code = e.group_code
    JOIN course co ON co.code = g.course_code
    LEFT JOIN tally t ON t.group_code = e.group_code AND t.curp = e.curp
    WHERE e.status <> 'baja'
$$;

-- Row-level security. Read as the enrollment is read (the subquery runs under enrollment's
-- policies): an enlace its own agency's people, an instructor the groups assigned to them.
-- Written by whoever keeps the group's register: the Secretaría Técnica, the enlace of the agency
-- that organizes the group (for its own people: the only enrollments it sees), and the group's
-- instructors. No DELETE: a mark is corrected, not removed.
ALTER TABLE attendance_mark ENABLE ROW LEVEL SECURITY, FORCE ROW LEVEL SECURITY;
CREATE POLICY read_as_enrollment ON attendance_mark FOR SELECT
    USING (capacita_role() = 'admin'
           OR EXISTS (SELECT 1 FROM enrollment e
                      WHERE e.group_code = attendance_mark.group_code AND e.curp = attendance_mark.curp));
CREATE POLICY keepers_add ON attendance_mark FOR INSERT
    WITH CHECK (capacita_role() = 'admin'
           OR (capacita_role() = 'enlace'
               AND group_code IN (SELECT g.code FROM training_group g WHERE g.agency_code = capacita_agency())
               AND EXISTS (SELECT 1 FROM enrollment e
                           WHERE e.group_code = attendance_mark.group_code AND e.curp = attendance_mark.curp))
           OR (capacita_role() = 'instructor'
               AND group_code IN (SELECT gi.group_code FROM group_instructor gi WHERE gi.user_name = capacita_user())));
CREATE POLICY keepers_correct ON attendance_mark FOR UPDATE
    USING (capacita_role() = 'admin'
           OR (capacita_role() = 'enlace'
               AND group_code IN (SELECT g.code FROM training_group g WHERE g.agency_code = capacita_agency())
               AND EXISTS (SELECT 1 FROM enrollment e
                           WHERE e.group_code = attendance_mark.group_code AND e.curp = attendance_mark.curp))
           OR (capacita_role() = 'instructor'
               AND group_code IN (SELECT gi.group_code FROM group_instructor gi WHERE gi.user_name = capacita_user())))
    WITH CHECK (capacita_role() = 'admin'
           OR (capacita_role() = 'enlace'
               AND group_code IN (SELECT g.code FROM training_group g WHERE g.agency_code = capacita_agency())
               AND EXISTS (SELECT 1 FROM enrollment e
                           WHERE e.group_code = attendance_mark.group_code AND e.curp = attendance_mark.curp))
           OR (capacita_role() = 'instructor'
               AND group_code IN (SELECT gi.group_code FROM group_instructor gi WHERE gi.user_name = capacita_user())));
GRANT SELECT, INSERT, UPDATE ON attendance_mark TO capacita_app;

-- An attendance import is recorded as a batch, as every import.
ALTER TABLE import_batch DROP CONSTRAINT import_batch_kind_check,
    ADD CONSTRAINT import_batch_kind_check
        CHECK (kind IN ('groups', 'enrollment', 'results', 'headcount', 'ficha', 'sessions', 'attendance'));
