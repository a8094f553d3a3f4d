-- The register of ARCO requests takes a request from the Secretaría Técnica only (issue #30).
--
-- 0037 let `arco_request_file` also take a request from a connection acting for no one when its
-- channel was `participante`, for the participants' page. Since 0039 that page files through
-- `participant_request_file`, which finds the person from the page's session; the path acting for
-- no one stayed open to any caller on the application role, naming any CURP. It closes here: the
-- row and its audit are written by `arco_request_insert`, which only the two definer functions
-- call (EXECUTE is granted to no role), and `arco_request_file` is the Secretaría Técnica's alone.

CREATE FUNCTION arco_request_insert(new_kind text, new_curp text, received date, due date, new_channel text,
                                    new_detail text, filer text)
RETURNS bigint
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
DECLARE
    made bigint;
BEGIN
    IF received IS NULL OR received > current_date + 1 THEN
        RAISE EXCEPTION 'arco_request_file: a request is not received in the future' USING ERRCODE = '22023';
    END IF;
    INSERT INTO arco_request (kind, curp, channel, received_on, due_on, detail, filed_by)
    VALUES (new_kind, new_curp, new_channel, received, due, nullif(btrim(new_detail), ''), filer)
    RETURNING id INTO made;
    PERFORM personal_data_audit('arco.file', 'solicitud ' || made,
                                jsonb_build_object('kind', new_kind, 'channel', new_channel, 'due_on', due));
    RETURN made;
END
$$;

CREATE OR REPLACE FUNCTION arco_request_file(new_kind text, new_curp text, received date, due date,
                                             new_channel text, new_detail text)
RETURNS bigint
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
BEGIN
    IF NOT personal_data_admin() THEN
        RAISE EXCEPTION 'arco_request_file: not allowed' USING ERRCODE = '42501';
    END IF;
    RETURN arco_request_insert(new_kind, new_curp, received, due, new_channel, new_detail,
                               coalesce(capacita_user(), session_user));
END
$$;

-- 0039's function, filing through the helper rather than `arco_request_file`; the rest unchanged.
CREATE OR REPLACE FUNCTION participant_request_file(session_sha256 text, new_kind text, received date, due date,
                                                   new_detail text)
RETURNS TABLE (id bigint, due_on date, created boolean)
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
DECLARE
    who text := participant_of_session(session_sha256);
    open_one arco_request%ROWTYPE;
    made bigint;
BEGIN
    IF who IS NULL THEN
        RETURN;
    END IF;
    IF new_kind IS NULL OR new_kind NOT IN ('rectificacion', 'cancelacion', 'oposicion') THEN
        RAISE EXCEPTION 'participant_request_file: rectificacion, cancelacion or oposicion' USING ERRCODE = '22023';
    END IF;
    -- One person's requests one after another: two posts at once do not both file.
    PERFORM 1 FROM person p WHERE p.curp = who FOR UPDATE;
    SELECT r.* INTO open_one FROM arco_request r
    WHERE r.curp = who AND r.kind = new_kind AND r.channel = 'participante' AND r.closed_at IS NULL
    ORDER BY r.id LIMIT 1;
    IF FOUND THEN
        RETURN QUERY SELECT open_one.id, open_one.due_on, false;
        RETURN;
    END IF;
    made := arco_request_insert(new_kind, who, received, due, 'participante', new_detail, 'participante');
    PERFORM participant_audit('participant.request', who, jsonb_build_object('request', made, 'kind', new_kind));
    RETURN QUERY SELECT made, due, true;
END
$$;

ALTER FUNCTION arco_request_insert(text, text, date, date, text, text, text) OWNER TO capacita_definer;
REVOKE EXECUTE ON FUNCTION arco_request_insert(text, text, date, date, text, text, text) FROM PUBLIC;
