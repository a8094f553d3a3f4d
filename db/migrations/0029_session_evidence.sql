-- Evidence (issue #28): the signed lista de asistencia of a session, scanned (PDF, JPEG or PNG),
-- kept in PostgreSQL with its SHA-256. A scan belongs to one session of a group: a row of
-- group_session (its day and start), or, for a group without stored sessions, one of the computed
-- one-a-day sessions (its day, no start; Sources/Capacita/Enrollment/GroupSession.swift). It is
-- keyed by group, day and start, not by a foreign key to group_session: the computed sessions have
-- no row, and a scan stays when a sessions file later replaces the group's calendar (the page then
-- lists it apart, as of a session no longer in the calendar).
--
-- Lists with personal data are reserved: only the Secretaría Técnica and the enlace of the agency
-- that organizes the group read the scans; an instructor of the group attaches them (through
-- session_evidence_attach) and learns only how many each session has and when the last came
-- (session_evidence_counts). Attaching and removing go only through the definer functions below,
-- which write the audit row in the same transaction: the application role cannot insert or delete
-- a scan without its audit row.
CREATE TABLE session_evidence (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    group_code    text COLLATE "C" NOT NULL REFERENCES training_group (code) ON UPDATE CASCADE,
    session_date  date NOT NULL,
    -- NULL: the day's session of a group without stored sessions.
    starts_at     time(0),
    media_type    text NOT NULL CHECK (media_type IN ('application/pdf', 'image/jpeg', 'image/png')),
    -- The name it was sent under, sanitized by the service (no path, no control character).
    file_name     text NOT NULL CHECK (char_length(file_name) BETWEEN 1 AND 100 AND file_name !~ '[[:cntrl:]/\\]'),
    size_bytes    integer NOT NULL CHECK (size_bytes > 0),
    sha256        text COLLATE "C" NOT NULL CHECK (sha256 ~ '^[0-9a-f]{64}$'),
    content       bytea NOT NULL,
    attached_by   text NOT NULL CHECK (btrim(attached_by) <> ''),
    attached_role text NOT NULL CHECK (attached_role IN ('admin', 'enlace', 'instructor')),
    attached_at   timestamptz NOT NULL DEFAULT now(),
    -- The same bytes twice on one session are one scan (a NULL start is one value here).
    CONSTRAINT session_evidence_once UNIQUE NULLS NOT DISTINCT (group_code, session_date, starts_at, sha256),
    -- The columns cannot say other than the bytes: their size, their hash, and their type by the
    -- first bytes (%PDF-, FF D8 FF, the PNG signature), whoever writes the row.
    CONSTRAINT session_evidence_size CHECK (size_bytes = octet_length(content)),
    CONSTRAINT session_evidence_sha256 CHECK (sha256 = encode(sha256(content), 'hex')),
    CONSTRAINT session_evidence_type CHECK (
        (media_type = 'application/pdf' AND substring(content FROM 1 FOR 5) = '\x255044462d'::bytea)
        OR (media_type = 'image/jpeg' AND substring(content FROM 1 FOR 3) = '\xffd8ff'::bytea)
        OR (media_type = 'image/png' AND substring(content FROM 1 FOR 8) = '\x89504e470d0a1a0a'::bytea))
);
-- Scans are compressed already (PDF streams, JPEG, PNG): stored out of line without another
-- compression pass, which also lets the type check read the first bytes without the rest.
ALTER TABLE session_evidence ALTER COLUMN content SET STORAGE EXTERNAL;
CREATE INDEX session_evidence_group ON session_evidence (group_code, session_date, starts_at);

-- Read (and deleted, through the function) by the Secretaría Técnica and the organizing
-- agency's enlace. No INSERT or DELETE policy for the application role: it has no such grant.
ALTER TABLE session_evidence ENABLE ROW LEVEL SECURITY, FORCE ROW LEVEL SECURITY;
CREATE POLICY organizer_reads ON session_evidence FOR SELECT
    USING (capacita_role() = 'admin'
           OR (capacita_role() = 'enlace'
               AND group_code IN (SELECT g.code FROM training_group g WHERE g.agency_code = capacita_agency())));
GRANT SELECT ON session_evidence TO capacita_app;
GRANT SELECT, INSERT, DELETE ON session_evidence TO capacita_definer;
GRANT SELECT ON group_session TO capacita_definer;

-- Who reaches a group's scans: 'full' (read, attach, remove) for the Secretaría Técnica and the
-- organizing agency's enlace, 'upload' for an instructor assigned to the group, NULL for anyone
-- else and for a group that does not exist (the service answers both 404).
-- (SessionEvidence.access in Sources/Capacita holds the same rule; a store test keeps them equal.)
CREATE FUNCTION session_evidence_access(target_group text) RETURNS text
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
DECLARE
    organizer text;
BEGIN
    PERFORM capacita_require_identity();
    SELECT g.agency_code INTO organizer FROM training_group g WHERE g.code = target_group;
    IF NOT FOUND THEN
        RETURN NULL;
    END IF;
    IF capacita_role() = 'admin' OR (capacita_role() = 'enlace' AND organizer = capacita_agency()) THEN
        RETURN 'full';
    END IF;
    IF capacita_role() = 'instructor' AND EXISTS (
        SELECT 1 FROM group_instructor i WHERE i.group_code = target_group AND i.user_name = capacita_user()) THEN
        RETURN 'upload';
    END IF;
    RETURN NULL;
END
$$;

-- `<GROUP>-S<yyyyMMdd>[-<HHmm>]`, as GroupSession.code writes it (the audit row's target).
CREATE FUNCTION session_evidence_code(group_code text, session_date date, starts_at time) RETURNS text
LANGUAGE sql STABLE SET search_path = pg_catalog AS $$
    SELECT group_code || '-S' || to_char(session_date, 'YYYYMMDD') || coalesce('-' || to_char(starts_at, 'HH24MI'), '')
$$;

-- Attaches a scan to a session, for the Secretaría Técnica, the organizing enlace or an instructor
-- of the group (42501 for anyone else, and for a group that does not exist). The session must be
-- one of the group's: a stored one (day and start), or, when the group has none stored, a day from
-- its start to its end (at most 366 days, GroupSession.defaultDayLimit) with no start (P0002
-- otherwise). The type, size and hash come from the bytes themselves. The same bytes on the same
-- session return the scan already kept (created = false) and write nothing, no audit row either.
CREATE FUNCTION session_evidence_attach(
    target_group text, target_date date, target_start time, new_name text, new_content bytea
) RETURNS TABLE (id bigint, media_type text, size_bytes integer, sha256 text, file_name text, created boolean,
                 attached_at timestamptz)
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
DECLARE
    g training_group%ROWTYPE;
    found_type text;
    digest text;
    made session_evidence%ROWTYPE;
BEGIN
    IF session_evidence_access(target_group) IS NULL THEN
        RAISE EXCEPTION 'session_evidence_attach: not allowed' USING ERRCODE = '42501';
    END IF;
    -- The group's calendar stays as it is until this transaction ends.
    SELECT * INTO g FROM training_group t WHERE t.code = target_group FOR KEY SHARE;
    IF EXISTS (SELECT 1 FROM group_session s WHERE s.group_code = target_group) THEN
        IF target_start IS NULL OR NOT EXISTS (
            SELECT 1 FROM group_session s
            WHERE s.group_code = target_group AND s.session_date = target_date AND s.starts_at = target_start) THEN
            RAISE EXCEPTION 'session_evidence_attach: no such session' USING ERRCODE = 'P0002';
        END IF;
    ELSIF target_start IS NOT NULL OR target_date < g.starts_on OR target_date > coalesce(g.ends_on, g.starts_on)
          OR target_date - g.starts_on >= 366 THEN
        RAISE EXCEPTION 'session_evidence_attach: no such session' USING ERRCODE = 'P0002';
    END IF;
    found_type := CASE
        WHEN substring(new_content FROM 1 FOR 5) = '\x255044462d'::bytea THEN 'application/pdf'
        WHEN substring(new_content FROM 1 FOR 3) = '\xffd8ff'::bytea THEN 'image/jpeg'
        WHEN substring(new_content FROM 1 FOR 8) = '\x89504e470d0a1a0a'::bytea THEN 'image/png'
    END;
    IF found_type IS NULL THEN
        RAISE EXCEPTION 'session_evidence_attach: not a PDF, JPEG or PNG' USING ERRCODE = '22023';
    END IF;
    digest := encode(sha256(new_content), 'hex');
    INSERT INTO session_evidence AS e (group_code, session_date, starts_at, media_type, file_name, size_bytes, sha256,
                                       content, attached_by, attached_role)
    VALUES (target_group, target_date, target_start, found_type, new_name, octet_length(new_content), digest,
            new_content, capacita_user(), capacita_role())
    ON CONFLICT ON CONSTRAINT session_evidence_once DO NOTHING
    RETURNING e.* INTO made;
    IF made.id IS NULL THEN
        RETURN QUERY SELECT e.id, e.media_type, e.size_bytes, e.sha256::text, e.file_name, false, e.attached_at
        FROM session_evidence e
        WHERE e.group_code = target_group AND e.session_date = target_date
          AND e.starts_at IS NOT DISTINCT FROM target_start AND e.sha256 = digest;
        RETURN;
    END IF;
    -- The organizing agency's row: its enlace reads in the audit log who attached what.
    INSERT INTO audit_log (user_name, user_label, role, agency_code, action, target, request_id, detail)
    VALUES (capacita_user(), capacita_user(), capacita_role(), g.agency_code, 'evidence.attach',
            session_evidence_code(target_group, target_date, target_start),
            nullif(current_setting('capacita.request', true), ''),
            jsonb_build_object('evidence', made.id, 'media_type', made.media_type, 'size', made.size_bytes,
                               'sha256', made.sha256));
    RETURN QUERY SELECT made.id, made.media_type, made.size_bytes, made.sha256::text, made.file_name, true,
        made.attached_at;
END
$$;

-- Removes a scan, for the Secretaría Técnica and the organizing enlace; nothing (no row) when the
-- scan does not exist or is not theirs, which the service answers 404. The audit row keeps what
-- was removed, without its bytes.
CREATE FUNCTION session_evidence_detach(target_id bigint)
RETURNS TABLE (id bigint, group_code text, session_date date, starts_at time, file_name text, sha256 text)
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
DECLARE
    scan_group text;
    gone record;
    organizer text;
BEGIN
    PERFORM capacita_require_identity();
    SELECT e.group_code INTO scan_group FROM session_evidence e WHERE e.id = target_id;
    IF NOT FOUND OR session_evidence_access(scan_group) IS DISTINCT FROM 'full' THEN
        RETURN;
    END IF;
    -- Removed by a request at the same time: the second finds nothing.
    DELETE FROM session_evidence e WHERE e.id = target_id
    RETURNING e.id, e.group_code, e.session_date, e.starts_at, e.file_name, e.media_type, e.size_bytes, e.sha256,
              e.attached_by, e.attached_at INTO gone;
    IF NOT FOUND THEN
        RETURN;
    END IF;
    SELECT g.agency_code INTO organizer FROM training_group g WHERE g.code = gone.group_code;
    INSERT INTO audit_log (user_name, user_label, role, agency_code, action, target, request_id, detail)
    VALUES (capacita_user(), capacita_user(), capacita_role(), organizer, 'evidence.detach',
            session_evidence_code(gone.group_code, gone.session_date, gone.starts_at),
            nullif(current_setting('capacita.request', true), ''),
            jsonb_build_object('evidence', gone.id, 'media_type', gone.media_type, 'size', gone.size_bytes,
                               'sha256', gone.sha256, 'attached_by', gone.attached_by,
                               'attached_at', gone.attached_at));
    RETURN QUERY SELECT gone.id::bigint, gone.group_code::text, gone.session_date::date, gone.starts_at::time,
        gone.file_name::text, gone.sha256::text;
END
$$;

-- What an instructor of the group (and whoever reads the scans) learns of them: per session, how
-- many there are and when the last came; no name, no hash, no bytes. Empty for anyone else.
CREATE FUNCTION session_evidence_counts(target_group text)
RETURNS TABLE (session_date date, starts_at time, scans integer, last_attached_at timestamptz)
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
BEGIN
    IF session_evidence_access(target_group) IS NULL THEN
        RETURN;
    END IF;
    RETURN QUERY SELECT e.session_date, e.starts_at, count(*)::integer, max(e.attached_at)
    FROM session_evidence e WHERE e.group_code = target_group
    GROUP BY e.session_date, e.starts_at ORDER BY e.session_date, e.starts_at NULLS FIRST;
END
$$;

ALTER FUNCTION session_evidence_access(text) OWNER TO capacita_definer;
ALTER FUNCTION session_evidence_attach(text, date, time, text, bytea) OWNER TO capacita_definer;
ALTER FUNCTION session_evidence_detach(bigint) OWNER TO capacita_definer;
ALTER FUNCTION session_evidence_counts(text) OWNER TO capacita_definer;
REVOKE EXECUTE ON FUNCTION session_evidence_access(text), session_evidence_code(text, date, time),
    session_evidence_attach(text, date, time, text, bytea), session_evidence_detach(bigint),
    session_evidence_counts(text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION session_evidence_access(text), session_evidence_code(text, date, time),
    session_evidence_attach(text, date, time, text, bytea), session_evidence_detach(bigint),
    session_evidence_counts(text) TO capacita_app;
GRANT EXECUTE ON FUNCTION session_evidence_access(text), session_evidence_code(text, date, time)
    TO capacita_definer;
