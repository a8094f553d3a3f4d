-- Issue 29: coverage split by sex. trained_counts_by_sex returns what trained_counts (0009) and
-- trained_counts_approved (0031) return, the people trained per agency and tier under one reading,
-- split by the sex their CURP gives (its 11th character: H, M or X; anything else as it is, so
-- that no one is dropped). The same branches as those two, so each agency's and tier's sum is
-- theirs: the trained_year summary for every level and course, the base tables for a subset of
-- levels or for the approved courses only (approved_by, the last day an approval counts; NULL for
-- every course). Like them it runs as its definer, since coverage counts every agency's people
-- whoever asks, and returns counts only, never a person.
CREATE FUNCTION trained_counts_by_sex(from_year integer, to_year integer, levels text[], approved_by date)
RETURNS TABLE (agency_code text, tier text, sex text, people integer)
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
BEGIN
    PERFORM capacita_require_identity();
    IF levels IS NULL AND approved_by IS NULL THEN
        IF EXISTS (SELECT 1 FROM trained_dirty) THEN
            PERFORM trained_refresh();
        END IF;
        RETURN QUERY
        SELECT t.agency_code::text, t.tier, substr(t.curp, 11, 1), count(*)::int
        FROM trained_year t
        WHERE t.year BETWEEN from_year AND to_year AND (t.next_year IS NULL OR t.next_year > to_year)
        GROUP BY 1, 2, 3;
    ELSE
        RETURN QUERY
        SELECT latest.agency_code::text, latest.tier, substr(latest.curp, 11, 1), count(*)::int FROM (
            SELECT DISTINCT ON (e.curp) e.curp, e.agency_code, e.tier
            FROM enrollment e
            JOIN training_group g ON g.code = e.group_code
            JOIN course c ON c.code = g.course_code
            WHERE e.status = 'acreditado' AND c.counts_for_indicator
              AND (levels IS NULL OR c.level = ANY (levels))
              AND (approved_by IS NULL OR EXISTS (
                  SELECT 1 FROM jsonb_array_elements(COALESCE(c.document -> 'history', '[]'::jsonb)) h
                  WHERE h ->> 'kind' = 'aprobacion' AND (h ->> 'date')::date <= approved_by))
              AND COALESCE(g.ends_on, g.starts_on) BETWEEN make_date(from_year, 1, 1) AND make_date(to_year, 12, 31)
            ORDER BY e.curp, COALESCE(g.ends_on, g.starts_on) DESC, g.starts_on DESC, g.code DESC
        ) latest
        GROUP BY 1, 2, 3;
    END IF;
END
$$;

ALTER FUNCTION trained_counts_by_sex(integer, integer, text[], date) OWNER TO capacita_definer;
REVOKE EXECUTE ON FUNCTION trained_counts_by_sex(integer, integer, text[], date) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION trained_counts_by_sex(integer, integer, text[], date) TO capacita_app;
