-- Attendance and evaluation results per enrollment, and the constancias issued to acreditados.

ALTER TABLE enrollment
    ADD COLUMN attendance              numeric(5, 2) CHECK (attendance BETWEEN 0 AND 100),
    ADD COLUMN pre_score               numeric(5, 2) CHECK (pre_score BETWEEN 0 AND 100),
    ADD COLUMN post_score              numeric(5, 2) CHECK (post_score BETWEEN 0 AND 100),
    ADD COLUMN final_score             numeric(5, 2) CHECK (final_score BETWEEN 0 AND 100),
    ADD COLUMN reaction_methodology    smallint CHECK (reaction_methodology BETWEEN 1 AND 5),
    ADD COLUMN reaction_instructors    smallint CHECK (reaction_instructors BETWEEN 1 AND 5),
    ADD COLUMN reaction_contents       smallint CHECK (reaction_contents BETWEEN 1 AND 5),
    ADD COLUMN reaction_infrastructure smallint CHECK (reaction_infrastructure BETWEEN 1 AND 5),
    -- The passing rule in force when the status was decided (kept: a later change of the
    -- catalog does not rewrite decided statuses, see README).
    ADD COLUMN rule_min_score          numeric(5, 2),
    ADD COLUMN rule_min_attendance     numeric(5, 2),
    ADD COLUMN results_batch_id        bigint,
    ADD COLUMN drop_reason             text,
    ADD COLUMN dropped_at              timestamptz,
    ADD CONSTRAINT enrollment_drop_has_reason CHECK ((status = 'baja') = (drop_reason IS NOT NULL));

-- The passing rule, for set-based status updates. Mirrors PassingRule.passes in the domain
-- (Sources/Capacita/Catalog/Course.swift); a test checks that both agree at the boundaries.
-- A score is needed only when the course asks for one (min_score > 0): the awareness workshop
-- is passed on attendance alone.
CREATE FUNCTION enrollment_status(attendance numeric, final_score numeric, min_score numeric, min_attendance numeric)
RETURNS text LANGUAGE sql IMMUTABLE AS $$
    SELECT CASE
        WHEN attendance IS NULL OR (min_score > 0 AND final_score IS NULL) THEN 'inscrito'
        WHEN attendance >= min_attendance AND (min_score = 0 OR final_score >= min_score) THEN 'acreditado'
        ELSE 'no_acreditado'
    END
$$;

-- Folios run per year: PNC-2024-000123.
CREATE TABLE constancia_sequence (
    year integer PRIMARY KEY,
    last integer NOT NULL CHECK (last >= 0)
);

CREATE TABLE constancia (
    folio          text COLLATE "C" PRIMARY KEY CHECK (folio ~ '^PNC-[0-9]{4}-[0-9]{6,}$'),
    year           integer NOT NULL,
    sequence       integer NOT NULL CHECK (sequence > 0),
    -- Printed on the certificate and typed by whoever checks it: no look-alike characters.
    code           text COLLATE "C" NOT NULL UNIQUE CHECK (code ~ '^[23456789ABCDEFGHJKMNPQRSTUVWXYZ]{12}$'),
    group_code     text COLLATE "C" NOT NULL,
    curp           text COLLATE "C" NOT NULL,
    issued_at      timestamptz NOT NULL DEFAULT now(),
    revoked_at     timestamptz,
    revoked_reason text,
    UNIQUE (year, sequence),
    FOREIGN KEY (group_code, curp) REFERENCES enrollment (group_code, curp) ON UPDATE CASCADE,
    CHECK ((revoked_at IS NULL) = (revoked_reason IS NULL))
);
-- One valid constancia per enrollment; revoked ones are kept.
CREATE UNIQUE INDEX constancia_one_valid ON constancia (group_code, curp) WHERE revoked_at IS NULL;
