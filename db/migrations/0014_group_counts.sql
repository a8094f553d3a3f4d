-- Groups' counts (enrolled, acreditados, bajas) over every agency's enrollments, for the group
-- listings. Under row-level security the listing's join counted only the caller's own people (an
-- enlace read "3 inscritas" in a full group of 40, and could not tell the places left) and, with
-- the policies' per-row checks, scanned every enrollment: about 60 ms per listing at 1 M
-- enrollments. One call for all the groups of a listing (a call per group cost 50 µs each).
-- Counts are not personal data; the function returns nothing without an identity.
CREATE FUNCTION group_counts(codes text[])
RETURNS TABLE (group_code text, enrolled bigint, acreditados bigint, bajas bigint)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
    SELECT e.group_code::text, count(*) FILTER (WHERE e.status <> 'baja'),
           count(*) FILTER (WHERE e.status = 'acreditado'), count(*) FILTER (WHERE e.status = 'baja')
    FROM enrollment e
    WHERE e.group_code = ANY (codes) AND capacita_role() IS NOT NULL
    GROUP BY e.group_code
$$;

ALTER FUNCTION group_counts(text[]) OWNER TO capacita_definer;
REVOKE EXECUTE ON FUNCTION group_counts(text[]) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION group_counts(text[]) TO capacita_app;
