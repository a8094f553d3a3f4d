-- Each agency's staff per tier and year: the denominators of coverage and Parámetro 4.2.
CREATE TABLE headcount (
    agency_code text COLLATE "C" NOT NULL REFERENCES agency (code) ON UPDATE CASCADE,
    year        integer NOT NULL CHECK (year BETWEEN 2000 AND 2100),
    alto        integer NOT NULL CHECK (alto >= 0),
    medio       integer NOT NULL CHECK (medio >= 0),
    operativo   integer NOT NULL CHECK (operativo >= 0),
    batch_id    bigint REFERENCES import_batch (id),
    updated_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (agency_code, year)
);

-- Coverage reads acreditado enrollments of a year's groups; this keeps that read to the rows it needs.
CREATE INDEX enrollment_acreditado ON enrollment (group_code) INCLUDE (curp, agency_code, tier) WHERE status = 'acreditado';
CREATE INDEX training_group_ended_on ON training_group ((COALESCE(ends_on, starts_on)));
