-- A group's sessions (issue #28): a day, its hours, a place or an https:// link. A group with no
-- rows here has one session a day from its start to its end, computed when listed and not stored
-- (Sources/Capacita/Enrollment/GroupSession.swift). A sessions file replaces a group's rows.
CREATE TABLE group_session (
    group_code   text COLLATE "C" NOT NULL REFERENCES training_group (code) ON UPDATE CASCADE,
    session_date date NOT NULL,
    starts_at    time(0) NOT NULL,
    ends_at      time(0) NOT NULL,
    place        text,
    -- Whether `place` is somewhere to go or an address to open.
    place_kind   text CHECK (place_kind IN ('place', 'link')),
    updated_at   timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (group_code, session_date, starts_at),
    CONSTRAINT group_session_starts_before_end CHECK (starts_at < ends_at),
    CONSTRAINT group_session_place_has_kind CHECK ((place IS NULL) = (place_kind IS NULL)),
    CONSTRAINT group_session_place_text CHECK (
        place IS NULL OR (btrim(place) <> '' AND length(place) <= 500 AND place !~ '[[:cntrl:]]')),
    CONSTRAINT group_session_link_https CHECK (place_kind IS DISTINCT FROM 'link' OR place ~* '^https://[^/[:space:]]+')
);

-- Read as the group is read (the subquery runs under training_group's policies: today any
-- identified caller); written by the Secretaría Técnica and the enlace of the agency that
-- organizes the group, as the group itself.
ALTER TABLE group_session ENABLE ROW LEVEL SECURITY, FORCE ROW LEVEL SECURITY;
CREATE POLICY read_as_group ON group_session FOR SELECT
    USING (capacita_role() IS NOT NULL AND EXISTS (SELECT 1 FROM training_group g WHERE g.code = group_code));
CREATE POLICY scoped_writes ON group_session FOR ALL
    USING (capacita_role() = 'admin'
           OR (capacita_role() = 'enlace'
               AND group_code IN (SELECT g.code FROM training_group g WHERE g.agency_code = capacita_agency())))
    WITH CHECK (capacita_role() = 'admin'
           OR (capacita_role() = 'enlace'
               AND group_code IN (SELECT g.code FROM training_group g WHERE g.agency_code = capacita_agency())));

-- A file replaces a group's sessions: the rows it no longer lists are deleted.
GRANT SELECT, INSERT, UPDATE, DELETE ON group_session TO capacita_app;

-- A sessions import is recorded as a batch, as every import.
ALTER TABLE import_batch DROP CONSTRAINT import_batch_kind_check,
    ADD CONSTRAINT import_batch_kind_check
        CHECK (kind IN ('groups', 'enrollment', 'results', 'headcount', 'ficha', 'sessions'));
