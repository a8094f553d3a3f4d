-- Issue 29: which courses count. A course's approval by the Commission's plenary (and later
-- revisions) is its catalog history (`history` in the course file, kept in course.document).
-- Parámetro 4.2 counts every PNC course by default; the «aprobados» reading counts only people
-- trained in a course whose contents the plenary had approved by the end of the year evaluated.
-- It reads the base tables, as a subset of levels does (the trained_year summary covers every
-- course), under the same rule: a person counts once, in the agency and tier of their latest
-- counting enrollment among the courses that count under this reading. As its definer: the
-- national figure counts every agency's people whoever asks, and returns counts only.
CREATE FUNCTION trained_counts_approved(from_year integer, to_year integer, levels text[], approved_by date)
RETURNS TABLE (agency_code text, tier text, people integer)
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
BEGIN
    PERFORM capacita_require_identity();
    RETURN QUERY
    SELECT latest.agency_code::text, latest.tier, count(*)::int FROM (
        SELECT DISTINCT ON (e.curp) e.agency_code, e.tier
        FROM enrollment e
        JOIN training_group g ON g.code = e.group_code
        JOIN course c ON c.code = g.course_code
        WHERE e.status = 'acreditado' AND c.counts_for_indicator
          AND (levels IS NULL OR c.level = ANY (levels))
          AND EXISTS (
              SELECT 1 FROM jsonb_array_elements(COALESCE(c.document -> 'history', '[]'::jsonb)) h
              WHERE h ->> 'kind' = 'aprobacion' AND (h ->> 'date')::date <= approved_by)
          AND COALESCE(g.ends_on, g.starts_on) BETWEEN make_date(from_year, 1, 1) AND make_date(to_year, 12, 31)
        ORDER BY e.curp, COALESCE(g.ends_on, g.starts_on) DESC, g.starts_on DESC, g.code DESC
    ) latest
    GROUP BY latest.agency_code, latest.tier;
END
$$;

ALTER FUNCTION trained_counts_approved(integer, integer, text[], date) OWNER TO capacita_definer;
REVOKE EXECUTE ON FUNCTION trained_counts_approved(integer, integer, text[], date) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION trained_counts_approved(integer, integer, text[], date) TO capacita_app;
