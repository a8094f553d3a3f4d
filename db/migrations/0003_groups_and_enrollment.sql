-- Groups (or events) of courses, the people trained, their enrollments and the import batches
-- that brought them.

-- Every import that wrote something: which file (name and SHA-256), for which agency, what it did.
CREATE TABLE import_batch (
    id          bigserial PRIMARY KEY,
    kind        text NOT NULL CHECK (kind IN ('groups', 'enrollment', 'results', 'headcount', 'ficha')),
    file_name   text NOT NULL,
    sha256      text NOT NULL CHECK (sha256 ~ '^[0-9a-f]{64}$'),
    agency_code text COLLATE "C" REFERENCES agency (code) ON UPDATE CASCADE,
    rows        integer NOT NULL CHECK (rows >= 0),
    imported    integer NOT NULL CHECK (imported >= 0),
    updated     integer NOT NULL CHECK (updated >= 0),
    unchanged   integer NOT NULL CHECK (unchanged >= 0),
    ran_by      text NOT NULL,
    ran_at      timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE training_group (
    code            text COLLATE "C" PRIMARY KEY CHECK (code <> '' AND code = upper(code)),
    course_code     text COLLATE "C" REFERENCES course (code),
    kind            text NOT NULL CHECK (kind IN ('capacitacion', 'sensibilizacion')),
    agency_code     text COLLATE "C" NOT NULL REFERENCES agency (code) ON UPDATE CASCADE,
    starts_on       date NOT NULL,
    ends_on         date CHECK (ends_on >= starts_on),
    modality        text CHECK (modality IN ('presencial', 'en_linea', 'mixta')),
    state           text CHECK (state ~ '^[A-Z]{2}$'),
    -- NULL: no limit, for events outside the catalog only.
    capacity        integer CHECK (capacity > 0),
    general_public  integer NOT NULL DEFAULT 0 CHECK (general_public >= 0),
    public_servants integer NOT NULL DEFAULT 0 CHECK (public_servants >= 0),
    batch_id        bigint REFERENCES import_batch (id),
    updated_at      timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT training_group_course_has_capacity CHECK (course_code IS NULL OR capacity IS NOT NULL)
);
CREATE INDEX training_group_starts_on ON training_group (starts_on);
CREATE INDEX training_group_agency ON training_group (agency_code);

-- A person, keyed by CURP. Personal data.
CREATE TABLE person (
    curp           text COLLATE "C" PRIMARY KEY
                   CHECK (curp ~ '^[A-Z][AEIOUX][A-Z]{2}[0-9]{6}[HMX][A-Z]{2}[B-DF-HJ-NP-TV-Z]{3}[0-9A-Z][0-9]$'),
    given_names    text NOT NULL CHECK (btrim(given_names) <> ''),
    first_surname  text NOT NULL CHECK (btrim(first_surname) <> ''),
    second_surname text,
    sex            text NOT NULL CHECK (sex IN ('H', 'M', 'X')),
    email          text,
    updated_at     timestamptz NOT NULL DEFAULT now()
);

-- A person in a group, with the agency, tier and position they had when enrolled.
CREATE TABLE enrollment (
    group_code     text COLLATE "C" NOT NULL REFERENCES training_group (code) ON UPDATE CASCADE,
    curp           text COLLATE "C" NOT NULL REFERENCES person (curp),
    agency_code    text COLLATE "C" NOT NULL REFERENCES agency (code) ON UPDATE CASCADE,
    tier           text NOT NULL CHECK (tier IN ('alto', 'medio', 'operativo')),
    position_title text,
    status         text NOT NULL DEFAULT 'inscrito'
                   CHECK (status IN ('inscrito', 'acreditado', 'no_acreditado', 'baja')),
    -- The batch that last wrote the row. Not a foreign key: batches are never deleted, and a
    -- per-row check here cost more than the rest of a million-row merge (bench/RESULTS.md).
    batch_id       bigint NOT NULL,
    enrolled_at    timestamptz NOT NULL DEFAULT now(),
    updated_at     timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (group_code, curp)
);
CREATE INDEX enrollment_curp ON enrollment (curp);
