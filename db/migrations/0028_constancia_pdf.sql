-- Constancias on paper (issue #28): the PDF of a constancia is drawn from what this migration's
-- `constancia_documents` returns, the same bytes whoever asks (Sources/CapacitaPDF/ConstanciaPDF.swift),
-- and the SHA-256 of every PDF the service has given out is kept, so the public verification can
-- say whether a file is, byte for byte, one that was issued.

-- One row per distinct PDF issued for a constancia: its SHA-256 (hex) and when it was first given
-- out. Rendering the same constancia again gives the same bytes, so a constancia normally has one
-- row; a second appears only when what the PDF shows changed (a corrected name, a course renamed,
-- another public address, a new layout). Earlier rows stay: a copy issued then was issued. Rows
-- are set once and never changed or removed.
CREATE TABLE constancia_pdf (
    folio     text COLLATE "C" NOT NULL REFERENCES constancia (folio),
    sha256    text COLLATE "C" NOT NULL CHECK (sha256 ~ '^[0-9a-f]{64}$'),
    issued_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (folio, sha256)
);

-- Read as the constancia is read (the subquery runs under constancia's policies, which follow the
-- enrollment); written by whoever may read a constancia that is not revoked, which is whoever may
-- be given its PDF. No UPDATE or DELETE is granted.
ALTER TABLE constancia_pdf ENABLE ROW LEVEL SECURITY, FORCE ROW LEVEL SECURITY;
CREATE POLICY read_as_constancia ON constancia_pdf FOR SELECT
    USING (capacita_role() IS NOT NULL AND EXISTS (SELECT 1 FROM constancia c WHERE c.folio = constancia_pdf.folio));
CREATE POLICY issue_as_constancia ON constancia_pdf FOR INSERT
    WITH CHECK (capacita_role() IS NOT NULL
                AND EXISTS (SELECT 1 FROM constancia c WHERE c.folio = constancia_pdf.folio AND c.revoked_at IS NULL));
GRANT SELECT, INSERT ON constancia_pdf TO capacita_app;
GRANT SELECT ON constancia_pdf TO capacita_definer;

-- What a constancia's PDF shows, for the caller's constancias: one by `only_folio`, or a group's
-- (`only_group`) in folio order after `after_folio`, at most `max_rows` (the ZIP reads a group in
-- pages). The holder's name is the shared record (`person`), as the public verification shows it,
-- so the PDF is the same whoever draws it; an enlace cannot read `person` (0017), hence a definer
-- function. The caller's right is the constancia's policy, written out: the Secretaría Técnica
-- every constancia, an enlace those of its own agency's enrollments (0012), an instructor those of
-- the groups assigned to them. Revoked constancias come with `revoked_on` set; the service gives
-- no PDF of them.
CREATE FUNCTION constancia_documents(only_group text, only_folio text, after_folio text, max_rows integer)
RETURNS TABLE (folio text, code text, group_code text, given_names text, first_surname text, second_surname text,
               agency_name text, course_code text, course_title text, hours float8, starts_on text, ends_on text,
               issued_on text, revoked_on text)
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
DECLARE
    who text := capacita_require_identity();
    mine text := capacita_agency();
    me text := capacita_user();
BEGIN
    IF only_group IS NULL AND only_folio IS NULL THEN
        RAISE EXCEPTION 'constancia_documents needs a group or a folio' USING ERRCODE = 'invalid_parameter_value';
    END IF;
    RETURN QUERY
    SELECT c.folio::text, c.code::text, c.group_code::text, p.given_names, p.first_surname, p.second_surname,
           a.name, co.code::text, co.title, co.hours::float8, g.starts_on::text, g.ends_on::text,
           to_char(c.issued_at, 'YYYY-MM-DD'), to_char(c.revoked_at, 'YYYY-MM-DD')
    FROM constancia c
    JOIN enrollment e ON e.group_code = c.group_code AND e.curp = c.curp
    JOIN person p ON p.curp = c.curp
    JOIN agency a ON a.code = e.agency_code
    JOIN training_group g ON g.code = c.group_code
    JOIN course co ON co.code = g.course_code
    WHERE (only_folio IS NULL OR c.folio = only_folio)
      AND (only_group IS NULL OR c.group_code = only_group)
      AND (after_folio IS NULL OR c.folio > after_folio)
      AND (who = 'admin'
           OR (who = 'enlace' AND e.agency_code = mine)
           OR (who = 'instructor'
               AND EXISTS (SELECT 1 FROM group_instructor gi WHERE gi.group_code = c.group_code AND gi.user_name = me)))
    ORDER BY c.folio
    LIMIT greatest(least(coalesce(max_rows, 1), 1000), 1);
END
$$;

-- The PDFs issued for the constancia of a verification code, oldest first: what the public
-- verification shows beside the constancia (`constancia_verify`), and what an uploaded file's
-- SHA-256 is compared with. Like `constancia_verify`, callable without an identity: whoever holds
-- the code may check a copy; a hash tells nothing of the person.
CREATE FUNCTION constancia_verify_pdfs(code text)
RETURNS TABLE (sha256 text, issued_on text)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
    SELECT d.sha256::text, to_char(d.issued_at, 'YYYY-MM-DD')
    FROM constancia c JOIN constancia_pdf d ON d.folio = c.folio
    WHERE c.code = upper(constancia_verify_pdfs.code)
    ORDER BY d.issued_at, d.sha256
$$;

ALTER FUNCTION constancia_documents(text, text, text, integer) OWNER TO capacita_definer;
ALTER FUNCTION constancia_verify_pdfs(text) OWNER TO capacita_definer;
REVOKE EXECUTE ON FUNCTION constancia_documents(text, text, text, integer), constancia_verify_pdfs(text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION constancia_documents(text, text, text, integer), constancia_verify_pdfs(text)
    TO capacita_app;
