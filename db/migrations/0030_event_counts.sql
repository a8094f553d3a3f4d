-- Issue 29: the events table for any period and split by sex, order of government and state.
-- event_counts(from, to) replaces event_groups(year): the groups that started within the days,
-- added together by agency, kind and the group's state (never one group's own figures), with the
-- public servants they reached (aggregate counts plus enrolled people, bajas left out) and the
-- enrolled ones by the sex their CURP gives (its 11th character: H, M or X). Like event_groups it
-- runs as its definer: the national table counts every agency's people whoever asks, and returns
-- counts only.
DROP FUNCTION event_groups(integer);

CREATE FUNCTION event_counts(from_day date, to_day date)
RETURNS TABLE (agency_code text, kind text, state text, events integer, general_public integer, servants integer,
               enrolled_h integer, enrolled_m integer, enrolled_x integer)
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
BEGIN
    PERFORM capacita_require_identity();
    RETURN QUERY
    WITH per_group AS (
        SELECT g.code, g.agency_code, g.kind, g.state, g.general_public, g.public_servants,
               count(e.curp) FILTER (WHERE e.status <> 'baja' AND substr(e.curp, 11, 1) = 'H') AS h,
               count(e.curp) FILTER (WHERE e.status <> 'baja' AND substr(e.curp, 11, 1) = 'M') AS m,
               count(e.curp) FILTER (WHERE e.status <> 'baja' AND substr(e.curp, 11, 1) = 'X') AS x
        FROM training_group g LEFT JOIN enrollment e ON e.group_code = g.code
        WHERE g.starts_on BETWEEN from_day AND to_day
        GROUP BY g.code
    )
    SELECT p.agency_code::text, p.kind, p.state, count(*)::int, sum(p.general_public)::int,
           sum(p.public_servants + p.h + p.m + p.x)::int, sum(p.h)::int, sum(p.m)::int, sum(p.x)::int
    FROM per_group p
    GROUP BY p.agency_code, p.kind, p.state
    ORDER BY 1, 2, 3;
END
$$;

ALTER FUNCTION event_counts(date, date) OWNER TO capacita_definer;
REVOKE EXECUTE ON FUNCTION event_counts(date, date) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION event_counts(date, date) TO capacita_app;
