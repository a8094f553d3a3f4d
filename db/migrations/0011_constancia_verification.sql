-- What anyone holding a constancia's verification code may read (the public page and
-- GET /v1/constancias/verify/{code}): the course, its dates and hours, the holder's given names and
-- the initials of the surnames, and whether it was revoked. No CURP and no full surname leave the
-- database for a caller without an identity; 0009's version returned the full name.
DROP FUNCTION constancia_verify(text);

CREATE FUNCTION constancia_verify(code text)
RETURNS TABLE (folio text, given_names text, first_initial text, second_initial text, course_title text,
               hours float8, starts_on text, ends_on text, issued_on text, revoked_on text)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
    SELECT c.folio::text, p.given_names, left(p.first_surname, 1), nullif(left(coalesce(p.second_surname, ''), 1), ''),
           co.title, co.hours::float8, g.starts_on::text, g.ends_on::text,
           to_char(c.issued_at, 'YYYY-MM-DD'), to_char(c.revoked_at, 'YYYY-MM-DD')
    FROM constancia c
    JOIN person p ON p.curp = c.curp
    JOIN training_group g ON g.code = c.group_code
    JOIN course co ON co.code = g.course_code
    WHERE c.code = upper(constancia_verify.code)
$$;

ALTER FUNCTION constancia_verify(text) OWNER TO capacita_definer;
REVOKE EXECUTE ON FUNCTION constancia_verify(text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION constancia_verify(text) TO capacita_app;
