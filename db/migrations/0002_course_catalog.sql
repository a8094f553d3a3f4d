-- The course catalog, loaded from Courses/ (one YAML carta descriptiva per course).
CREATE TABLE course (
    code                 text COLLATE "C" PRIMARY KEY CHECK (code ~ '^[A-Z0-9-]+$'),
    program              text NOT NULL CHECK (program ~ '^pnc-[0-9]{4}$'),
    level                text NOT NULL CHECK (level IN ('sensibilizacion', 'basico', 'intermedio', 'formador',
                                                        'especializado', 'capacitacion', 'especializacion')),
    kind                 text NOT NULL CHECK (kind IN ('capacitacion', 'sensibilizacion')),
    title                text NOT NULL CHECK (btrim(title) <> ''),
    modalities           text[] NOT NULL CHECK (cardinality(modalities) > 0
                                                AND modalities <@ ARRAY['presencial', 'en_linea', 'mixta']),
    hours                numeric(7, 2) NOT NULL CHECK (hours > 0),
    audience             text NOT NULL,
    objectives           text[] NOT NULL,
    temario              jsonb NOT NULL CHECK (jsonb_typeof(temario) = 'array'),
    evaluation           text[] NOT NULL CHECK (evaluation <@ ARRAY['reaccion', 'pre', 'post']),
    min_score            numeric(5, 2) NOT NULL CHECK (min_score BETWEEN 0 AND 100),
    min_attendance       numeric(5, 2) NOT NULL CHECK (min_attendance BETWEEN 0 AND 100),
    max_group_size       integer NOT NULL CHECK (max_group_size > 0),
    counts_for_indicator boolean NOT NULL,
    -- Where the course came from (relative to the catalog folder) and its whole content, so a
    -- reload can tell an unchanged course from a changed one.
    source_file          text NOT NULL,
    document             jsonb NOT NULL,
    updated_at           timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE course_prerequisite (
    course_code   text COLLATE "C" NOT NULL REFERENCES course (code) ON DELETE CASCADE,
    requires_code text COLLATE "C" NOT NULL REFERENCES course (code),
    PRIMARY KEY (course_code, requires_code),
    CHECK (course_code <> requires_code)
);
