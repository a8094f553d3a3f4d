-- Enrollment by person is only ever looked up among acreditado enrollments (prerequisites, the
-- trained summary). A partial index serves those reads and costs nothing when an import adds
-- inscrito rows: the full index on curp was a third of a million-row import (bench/RESULTS.md).
-- Deleting a person (capacita never does) now scans enrollment for the foreign-key check.
DROP INDEX enrollment_curp;
CREATE INDEX enrollment_acreditado_curp ON enrollment (curp) WHERE status = 'acreditado';
