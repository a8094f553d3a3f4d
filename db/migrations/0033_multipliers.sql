-- Issue 29: the multipliers. The sources describe trainers who replicate the training inside
-- their institutions: people who passed the Formador course (level `formador`) and then teach
-- groups. An instructor's account is linked to the person they are (their CURP), so the groups
-- assigned to the account (group_instructor) can be counted for that person. db/ACCESS.md,
-- «The multipliers (migration 0033)», says who reads what.

-- The person an instructor's account is. A CURP is personal data: the application role reads a
-- link under row-level security and writes none (account_person_link does, and audits it with the
-- CURP masked). Not a foreign key to `person`: the Secretaría Técnica may link an account before
-- the person's Formador enrollment is loaded, and a reference check would tell whoever links
-- whether a CURP is enrolled anywhere. One person may have several accounts (a new e-mail after
-- moving agency); their groups add up under the one CURP.
CREATE TABLE account_person (
    account_id bigint PRIMARY KEY REFERENCES account (id) ON DELETE CASCADE,
    curp       text COLLATE "C" NOT NULL
               CHECK (curp ~ '^[A-Z][AEIOUX][A-Z]{2}[0-9]{6}[HMX][A-Z]{2}[B-DF-HJ-NP-TV-Z]{3}[0-9A-Z][0-9]$'),
    linked_by  text NOT NULL,
    linked_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX account_person_curp ON account_person (curp);

-- Read by the Secretaría Técnica; by the instructor, their own account's; by an enlace, the links
-- of people its own agency enrolled (it knows their CURP already). Nobody else, and no writes.
ALTER TABLE account_person ENABLE ROW LEVEL SECURITY, FORCE ROW LEVEL SECURITY;
CREATE POLICY scoped ON account_person FOR SELECT TO capacita_app USING (
    capacita_role() = 'admin'
    OR (capacita_role() = 'instructor' AND EXISTS (
        SELECT 1 FROM account a WHERE a.id = account_person.account_id AND lower(a.email) = lower(capacita_user())))
    OR (capacita_role() = 'enlace' AND EXISTS (
        SELECT 1 FROM enrollment e WHERE e.curp = account_person.curp AND e.agency_code = capacita_agency())));
GRANT SELECT ON account_person TO capacita_app;
GRANT SELECT, INSERT, UPDATE, DELETE ON account_person TO capacita_definer;

-- Links an instructor's account to a person (a CURP), or unlinks it (NULL). The Secretaría
-- Técnica only, or the operator on the command line (a superuser acting for no one); false when
-- no account has the e-mail; 22023 for an account that is not an instructor's. A change writes
-- one audit row about the account, the CURP masked (its first four characters).
CREATE FUNCTION account_person_link(target_email text, person_curp text) RETURNS boolean
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
DECLARE
    target account%ROWTYPE;
    previous text;
    allowed boolean := CASE WHEN capacita_role() IS NULL
                            THEN coalesce((SELECT r.rolsuper FROM pg_roles r WHERE r.rolname = session_user), false)
                            ELSE capacita_role() = 'admin' END;
BEGIN
    IF NOT allowed THEN
        RAISE EXCEPTION 'account_person_link: not allowed' USING ERRCODE = '42501';
    END IF;
    SELECT a.* INTO target FROM account a WHERE lower(a.email) = lower(btrim(target_email)) FOR UPDATE;
    IF NOT FOUND THEN
        RETURN false;
    END IF;
    IF target.role <> 'instructor' THEN
        RAISE EXCEPTION 'account_person_link: only an instructor''s account names a person' USING ERRCODE = '22023';
    END IF;
    SELECT ap.curp INTO previous FROM account_person ap WHERE ap.account_id = target.id;
    IF person_curp IS NULL THEN
        IF previous IS NOT NULL THEN
            DELETE FROM account_person WHERE account_id = target.id;
            PERFORM account_audit(target, 'account.person_unlink',
                                  jsonb_build_object('curp', left(previous, 4) || repeat('*', length(previous) - 4)));
        END IF;
        RETURN true;
    END IF;
    IF previous IS DISTINCT FROM person_curp THEN
        INSERT INTO account_person (account_id, curp, linked_by)
        VALUES (target.id, person_curp, coalesce(capacita_user(), session_user))
        ON CONFLICT (account_id) DO UPDATE SET curp = EXCLUDED.curp, linked_by = EXCLUDED.linked_by, linked_at = now();
        PERFORM account_audit(target, 'account.person_link',
                              jsonb_build_object('curp', left(person_curp, 4) || repeat('*', length(person_curp) - 4)));
    END IF;
    RETURN true;
END
$$;

-- The multipliers of the days from_day..to_day, one row per (Formador graduate, group taught):
-- each person's first pass of a Formador course (status acreditado in a group of a course of level
-- formador that ended, or started when it has no end, by to_day), and the groups assigned to an
-- account linked to them that started within the days and after that group ended (a graduate
-- with no such group comes once, with the group's columns NULL). What a group reached: its
-- enrolled people, bajas left out, and its aggregate counts (general public and public servants
-- of an event without a list); figures of a group, never of one person.
-- Whose: the Secretaría Técnica every person's; an enlace only people whose pass was with its own
-- agency, their first pass with it, and their names as its agency recorded them (person_agency):
-- nothing in an enlace's answer depends on whether another agency's people passed, are linked or
-- teach. Anyone else is refused (42501). A definer function reads past row-level security, so
-- that rule is written out here; the service and the command line apply it again in code.
CREATE FUNCTION multiplier_rows(from_day date, to_day date)
RETURNS TABLE (curp text, agency_code text, given_names text, first_surname text, second_surname text,
               formador_group text, formador_course text, formador_ended date, linked boolean,
               group_code text, group_course text, group_agency text, group_starts date,
               enrolled integer, aggregate integer)
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
#variable_conflict use_column
DECLARE
    who text := capacita_require_identity();
    mine text := capacita_agency();
BEGIN
    IF who NOT IN ('admin', 'enlace') THEN
        RAISE EXCEPTION 'multiplier_rows: for the Secretaría Técnica and enlaces' USING ERRCODE = '42501';
    END IF;
    IF from_day IS NULL OR to_day IS NULL OR from_day > to_day THEN
        RAISE EXCEPTION 'multiplier_rows: the days are out of order' USING ERRCODE = '22023';
    END IF;
    RETURN QUERY
    WITH passed AS (
        SELECT DISTINCT ON (e.curp) e.curp, e.agency_code, g.code AS group_code, g.course_code,
               coalesce(g.ends_on, g.starts_on) AS ended
        FROM enrollment e
        JOIN training_group g ON g.code = e.group_code
        JOIN course c ON c.code = g.course_code
        WHERE e.status = 'acreditado' AND c.level = 'formador' AND coalesce(g.ends_on, g.starts_on) <= to_day
          AND (who = 'admin' OR e.agency_code = mine)
        ORDER BY e.curp, coalesce(g.ends_on, g.starts_on), g.code
    ),
    taught AS (
        SELECT DISTINCT p.curp, t.code
        FROM passed p
        JOIN account_person ap ON ap.curp = p.curp
        JOIN account a ON a.id = ap.account_id
        JOIN group_instructor gi ON gi.user_name = lower(a.email)
        JOIN training_group t ON t.code = gi.group_code
        WHERE t.starts_on > p.ended AND t.starts_on BETWEEN from_day AND to_day
    ),
    reach AS (
        SELECT r.code, count(e.curp) FILTER (WHERE e.status <> 'baja')::integer AS enrolled
        FROM (SELECT DISTINCT x.code FROM taught x) r
        LEFT JOIN enrollment e ON e.group_code = r.code
        GROUP BY r.code
    )
    SELECT p.curp::text, p.agency_code::text, n.given_names, n.first_surname, n.second_surname,
           p.group_code::text, p.course_code::text, p.ended,
           EXISTS (SELECT 1 FROM account_person ap WHERE ap.curp = p.curp),
           t.code::text, g.course_code::text, g.agency_code::text, g.starts_on,
           r.enrolled, (g.general_public + g.public_servants)::integer
    FROM passed p
    LEFT JOIN LATERAL (
        SELECT pe.given_names, pe.first_surname, pe.second_surname FROM person pe
        WHERE pe.curp = p.curp AND who = 'admin'
        UNION ALL
        SELECT pa.given_names, pa.first_surname, pa.second_surname FROM person_agency pa
        WHERE pa.curp = p.curp AND pa.agency_code = mine AND who = 'enlace'
    ) n ON true
    LEFT JOIN taught t ON t.curp = p.curp
    LEFT JOIN training_group g ON g.code = t.code
    LEFT JOIN reach r ON r.code = t.code
    ORDER BY p.agency_code, p.curp, g.starts_on, t.code;
END
$$;

DO $$
DECLARE
    f text;
BEGIN
    FOREACH f IN ARRAY ARRAY['account_person_link(text, text)', 'multiplier_rows(date, date)'] LOOP
        EXECUTE format('ALTER FUNCTION %s OWNER TO capacita_definer', f);
        EXECUTE format('REVOKE EXECUTE ON FUNCTION %s FROM PUBLIC', f);
        EXECUTE format('GRANT EXECUTE ON FUNCTION %s TO capacita_app', f);
    END LOOP;
END
$$;
