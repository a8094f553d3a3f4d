-- Fichas diagnósticas: one current version per agency and year; earlier versions are kept.
CREATE TABLE ficha (
    id            bigserial PRIMARY KEY,
    agency_code   text COLLATE "C" NOT NULL REFERENCES agency (code) ON UPDATE CASCADE,
    year          integer NOT NULL CHECK (year BETWEEN 2000 AND 2100),
    version       integer NOT NULL CHECK (version > 0),
    total         integer NOT NULL CHECK (total >= 0),
    document      jsonb NOT NULL,
    source_file   text NOT NULL,
    batch_id      bigint REFERENCES import_batch (id),
    imported_at   timestamptz NOT NULL DEFAULT now(),
    superseded_at timestamptz,
    UNIQUE (agency_code, year, version)
);
CREATE UNIQUE INDEX ficha_current ON ficha (agency_code, year) WHERE superseded_at IS NULL;
