-- Issue 29: how an event was given and who gave it. Sensibilización is done through talks,
-- courses, workshops, conferences, plays and videos, not the Taller alone; agencies give events
-- with organisations beside them (Polaris, OIM, the Instituto Matías Romero…). Both optional, on
-- every group, as the groups file gives them (`formato`, `aliado`). The codes are EventFormat's
-- (Sources/Capacita/Enrollment/EventFormat.swift); a partner's name is kept as the import cleans
-- it (EventPartner): no spaces at its ends or doubled inside, no control characters, at most 200.
ALTER TABLE training_group
    ADD COLUMN format text CONSTRAINT training_group_format_known
        CHECK (format IN ('platica', 'curso', 'taller', 'conferencia', 'obra_de_teatro', 'video', 'otro')),
    ADD COLUMN partner text CONSTRAINT training_group_partner_clean
        CHECK (partner IS NULL OR (char_length(partner) BETWEEN 1 AND 200 AND partner = btrim(partner)
                                   AND position('  ' IN partner) = 0 AND partner !~ '[[:cntrl:]]'));

-- event_counts(from, to) as 0030 made it, added up by formato and partner too, so the events
-- report can split its TOTAL by them: still totals, never one group's, run as its definer (the
-- national table counts every agency's people whoever asks).
DROP FUNCTION event_counts(date, date);

CREATE FUNCTION event_counts(from_day date, to_day date)
RETURNS TABLE (agency_code text, kind text, state text, format text, partner text, events integer,
               general_public integer, servants integer, enrolled_h integer, enrolled_m integer, enrolled_x integer)
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
BEGIN
    PERFORM capacita_require_identity();
    RETURN QUERY
    WITH per_group AS (
        SELECT g.code, g.agency_code, g.kind, g.state, g.format, g.partner, g.general_public, g.public_servants,
               count(e.curp) FILTER (WHERE e.status <> 'baja' AND substr(e.curp, 11, 1) = 'H') AS h,
               count(e.curp) FILTER (WHERE e.status <> 'baja' AND substr(e.curp, 11, 1) = 'M') AS m,
               count(e.curp) FILTER (WHERE e.status <> 'baja' AND substr(e.curp, 11, 1) = 'X') AS x
        FROM training_group g LEFT JOIN enrollment e ON e.group_code = g.code
        WHERE g.starts_on BETWEEN from_day AND to_day
        GROUP BY g.code
    )
    SELECT p.agency_code::text, p.kind, p.state, p.format, p.partner, count(*)::int, sum(p.general_public)::int,
           sum(p.public_servants + p.h + p.m + p.x)::int, sum(p.h)::int, sum(p.m)::int, sum(p.x)::int
    FROM per_group p
    GROUP BY p.agency_code, p.kind, p.state, p.format, p.partner
    ORDER BY 1, 2, 3, 4, 5;
END
$$;

ALTER FUNCTION event_counts(date, date) OWNER TO capacita_definer;
REVOKE EXECUTE ON FUNCTION event_counts(date, date) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION event_counts(date, date) TO capacita_app;
