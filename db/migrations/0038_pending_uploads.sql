-- Issue #31: instances that share nothing. A file previewed on a page waits for its confirmation
-- here, not in a folder of the instance that received it, so the confirmation may reach any
-- instance behind the load balancer. A preview belongs to the page session that sent it: the row
-- carries a hash of the session's secret made for this table alone (SHA-256 of
-- "pendiente:" || secret; never the secret, and not the hash web_session is keyed by, which
-- session_identity would take), and the service names that hash in `capacita.upload_owner` for
-- the transaction; row-level security shows a session's previews to that session only. Expired
-- previews are deleted by whichever instance looks first (`pending_upload_sweep`), and a session's
-- previews when it signs out.
CREATE FUNCTION pending_upload_owner() RETURNS text LANGUAGE sql STABLE PARALLEL SAFE AS $$
    SELECT nullif(current_setting('capacita.upload_owner', true), '') COLLATE "C"
$$;

CREATE TABLE pending_upload (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    owner_hash  text COLLATE "C" NOT NULL CHECK (owner_hash ~ '^[0-9a-f]{64}$'),
    -- The fingerprint the preview page carries to its confirmation.
    sha256      text COLLATE "C" NOT NULL CHECK (sha256 ~ '^[0-9a-f]{64}$'),
    -- UploadKind in Sources/CapacitaServer/Pages/UploadPage.swift.
    kind        text NOT NULL CHECK (kind IN ('inscripcion', 'resultados', 'plantillas')),
    -- The name it was sent under, sanitized by the service (Upload.safeName): the import records it.
    file_name   text NOT NULL CHECK (char_length(file_name) BETWEEN 1 AND 100 AND file_name !~ '[[:cntrl:]/\\]'),
    group_code  text CHECK (char_length(group_code) BETWEEN 1 AND 64),
    -- As the Secretaría Técnica typed it (a code, a name or a former name), resolved at import.
    agency      text CHECK (char_length(agency) BETWEEN 1 AND 200 AND agency !~ '[[:cntrl:]]'),
    -- 0 while its parts are being written (in the same transaction); never found so.
    size_bytes  bigint NOT NULL CHECK (size_bytes >= 0),
    -- What the last run refused (motivos.json: the header's line and the issues, CURPs masked),
    -- for the download of the refused rows; NULL while nothing was refused.
    issues      jsonb,
    kept_at     timestamptz NOT NULL DEFAULT now(),
    expires_at  timestamptz NOT NULL,
    CONSTRAINT pending_upload_once UNIQUE (owner_hash, sha256),
    CHECK (expires_at >= kept_at)
);
CREATE INDEX pending_upload_expiry ON pending_upload (expires_at);

-- The file's bytes in parts of at most 1 MiB (PendingUploadStore.partSize), written and read one
-- part at a time in PostgreSQL's binary format: a preview costs the service one part of memory
-- whatever the file's size (up to --max-body), and no file meets bytea's 1 GB ceiling. The parts
-- are a file's own: they go with it (ON DELETE CASCADE).
CREATE TABLE pending_upload_part (
    upload_id bigint NOT NULL REFERENCES pending_upload (id) ON DELETE CASCADE,
    part      integer NOT NULL CHECK (part >= 0),
    bytes     bytea NOT NULL CHECK (octet_length(bytes) BETWEEN 1 AND 1048576),
    PRIMARY KEY (upload_id, part)
);

-- Only the owning session's previews, and only with its hash named for the transaction; the parts
-- follow their file (the subquery reads pending_upload under its own policy).
ALTER TABLE pending_upload ENABLE ROW LEVEL SECURITY, FORCE ROW LEVEL SECURITY;
CREATE POLICY owner_only ON pending_upload
    USING (owner_hash = pending_upload_owner())
    WITH CHECK (owner_hash = pending_upload_owner());
ALTER TABLE pending_upload_part ENABLE ROW LEVEL SECURITY, FORCE ROW LEVEL SECURITY;
CREATE POLICY owner_only ON pending_upload_part
    USING (EXISTS (SELECT 1 FROM pending_upload u WHERE u.id = upload_id))
    WITH CHECK (EXISTS (SELECT 1 FROM pending_upload u WHERE u.id = upload_id));
GRANT SELECT, INSERT, UPDATE, DELETE ON pending_upload, pending_upload_part TO capacita_app;
-- FOR UPDATE (the sweep skips the rows being confirmed) needs UPDATE.
GRANT SELECT, UPDATE, DELETE ON pending_upload TO capacita_definer;

-- Deletes every expired preview, whoever kept it (the caller sees only its own); their parts go
-- with them. A preview being confirmed holds its row (FOR UPDATE) and is skipped, not waited for:
-- one instance's long import never stalls another's preview. The number deleted.
CREATE FUNCTION pending_upload_sweep() RETURNS integer
LANGUAGE sql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
    WITH gone AS (
        DELETE FROM pending_upload WHERE id IN (
            SELECT p.id FROM pending_upload p WHERE p.expires_at < now() FOR UPDATE SKIP LOCKED)
        RETURNING 1)
    SELECT count(*)::integer FROM gone
$$;
ALTER FUNCTION pending_upload_sweep() OWNER TO capacita_definer;
REVOKE EXECUTE ON FUNCTION pending_upload_sweep() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION pending_upload_sweep() TO capacita_app;

-- The outbox for /metrics: how many messages wait (or are being sent) and how many were given up
-- (and not yet purged). Counts only, no recipient or subject: the service reads it with no
-- identity when it is scraped.
CREATE FUNCTION mail_outbox_counts() RETURNS TABLE (pending bigint, failed bigint)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
    SELECT count(*) FILTER (WHERE m.failed_at IS NULL), count(*) FILTER (WHERE m.failed_at IS NOT NULL)
    FROM mail_outbox m WHERE m.sent_at IS NULL
$$;
ALTER FUNCTION mail_outbox_counts() OWNER TO capacita_definer;
REVOKE EXECUTE ON FUNCTION mail_outbox_counts() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION mail_outbox_counts() TO capacita_app;
