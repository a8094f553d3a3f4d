-- A 1,000,000-row enrollment stage as EnrollmentSQL builds it: new people, 25,000 SEGOB groups of 40.
CREATE TEMP TABLE enrollment_stage (
    line integer NOT NULL, curp text COLLATE "C" NOT NULL, person text NOT NULL, email text,
    agency_code text COLLATE "C" NOT NULL, tier text NOT NULL, position_title text,
    group_code text COLLATE "C" NOT NULL, shared bigint NOT NULL
) ON COMMIT DROP;
INSERT INTO enrollment_stage
SELECT n, 'XAXX' || lpad((n % 1000000)::text, 6, '0') || 'HDFBCD' || chr(65 + (n / 1000000) % 26) || '0',
       'Nombre ' || n || E'\x1F' || 'Apellido' || E'\x1F' || 'Segundo' || E'\x1F' || 'M', NULL, 'SEGOB',
       (ARRAY['alto', 'medio', 'operativo'])[1 + n % 3], 'Puesto', 'B' || lpad((n / 40)::text, 6, '0'), 0
FROM generate_series(1, :rows) n;
ANALYZE enrollment_stage;
CREATE TEMP TABLE stage_person ON COMMIT DROP AS
SELECT a.curp, a.line, split_part(a.person, E'\x1F', 1) AS given_names, split_part(a.person, E'\x1F', 2) AS first_surname,
       NULLIF(split_part(a.person, E'\x1F', 3), '') AS second_surname, split_part(a.person, E'\x1F', 4) AS sex,
       a.email, false AS differs
FROM (SELECT curp, min(line) AS line, min(person) AS person, max(email) AS email FROM enrollment_stage GROUP BY curp) a;
ANALYZE stage_person;
CREATE TEMP TABLE stage_existing (line integer, group_code text COLLATE "C", curp text COLLATE "C",
                                  enrollment_changed boolean, writable boolean) ON COMMIT DROP;
