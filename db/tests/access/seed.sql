-- Seed for test_access_control.sh, run as the superuser on a scratch database.
\set ON_ERROR_STOP 1
CREATE FUNCTION test_curp(n integer) RETURNS text LANGUAGE sql IMMUTABLE AS $$
    SELECT 'XAXX' || lpad((n % 1000000)::text, 6, '0') || 'HDFBCD' || chr(65 + (n / 1000000) % 26) || '0'
$$;
CREATE FUNCTION test_assert(ok boolean, message text) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    IF ok IS NOT TRUE THEN RAISE EXCEPTION 'FAILED: %', message; END IF;
    RAISE NOTICE 'ok: %', message;
END
$$;
GRANT EXECUTE ON FUNCTION test_curp(integer), test_assert(boolean, text) TO capacita_app;

INSERT INTO agency (code, name, government_order, counts_in_indicator) VALUES
    ('SEGOB', 'Secretaría de Gobernación', 'federal', true),
    ('SRE', 'Secretaría de Relaciones Exteriores', 'federal', true),
    ('SALUD', 'Secretaría de Salud', 'federal', true);
INSERT INTO course (code, program, level, kind, title, modalities, hours, audience, objectives, temario, evaluation,
                    min_score, min_attendance, max_group_size, counts_for_indicator, source_file, document) VALUES
    ('PNC22-BAS', 'pnc-2022', 'basico', 'capacitacion', 'Básico', '{presencial}', 20, 'sp', '{}', '[]', '{post}', 80, 80, 40, true, 'b.yaml', '{}'),
    ('PNC22-INT', 'pnc-2022', 'intermedio', 'capacitacion', 'Intermedio', '{presencial}', 20, 'sp', '{}', '[]', '{post}', 80, 80, 40, true, 'i.yaml', '{}');
INSERT INTO course_prerequisite VALUES ('PNC22-INT', 'PNC22-BAS');
INSERT INTO import_batch (id, kind, file_name, sha256, agency_code, rows, imported, updated, unchanged, ran_by)
OVERRIDING SYSTEM VALUE VALUES
    (1, 'groups', 'g.csv', repeat('a', 64), NULL, 0, 0, 0, 0, 'seed'),
    (2, 'enrollment', 'segob.csv', repeat('b', 64), 'SEGOB', 0, 0, 0, 0, 'seed'),
    (3, 'enrollment', 'sre.csv', repeat('c', 64), 'SRE', 0, 0, 0, 0, 'seed'),
    (4, 'results', 'r.csv', repeat('d', 64), NULL, 0, 0, 0, 0, 'seed');
SELECT FROM setval('import_batch_id_seq', 10);
INSERT INTO training_group (code, course_code, kind, agency_code, starts_on, ends_on, capacity, batch_id) VALUES
    ('G-SEGOB-1', 'PNC22-BAS', 'capacitacion', 'SEGOB', '2023-03-01', '2023-03-05', 1000, 1),
    ('G-SEGOB-2', 'PNC22-INT', 'capacitacion', 'SEGOB', '2024-03-01', '2024-03-05', 40, 1),
    ('G-SRE-1',   'PNC22-BAS', 'capacitacion', 'SRE',   '2023-04-01', '2023-04-05', 1000, 1),
    ('G-SRE-2',   'PNC22-BAS', 'capacitacion', 'SRE',   '2024-04-01', '2024-04-05', 1000, 1),
    ('G-SALUD-1', 'PNC22-BAS', 'capacitacion', 'SALUD', '2024-05-01', NULL, 1000, 1);
-- A session of SRE's group (0025): SEGOB reads it, as it reads the group, and cannot change it.
INSERT INTO group_session (group_code, session_date, starts_at, ends_at, place, place_kind) VALUES
    ('G-SRE-2', '2024-04-01', '09:00', '12:00', 'Aula 1', 'place');
-- People 1..100 SEGOB's; 101..200 SRE's; 201..210 SRE's people in a SEGOB group; 1..20 moved to
-- SRE in 2024 (their latest acreditado enrollment is SRE's); 301..330 SALUD's.
INSERT INTO person (curp, given_names, first_surname, second_surname, sex)
SELECT test_curp(n), 'Nombre ' || n, 'Apellido', NULL, 'H'
FROM (SELECT generate_series(1, 210) UNION ALL SELECT generate_series(301, 330)) s(n);
INSERT INTO enrollment (group_code, curp, agency_code, tier, batch_id)
SELECT g, test_curp(n), a, (ARRAY['alto', 'medio', 'operativo'])[1 + n % 3], b
FROM (SELECT 'G-SEGOB-1', n, 'SEGOB', 2 FROM generate_series(1, 100) n
      UNION ALL SELECT 'G-SRE-1', n, 'SRE', 3 FROM generate_series(101, 200) n
      UNION ALL SELECT 'G-SEGOB-1', n, 'SRE', 3 FROM generate_series(201, 210) n
      UNION ALL SELECT 'G-SRE-2', n, 'SRE', 3 FROM generate_series(1, 20) n
      UNION ALL SELECT 'G-SALUD-1', n, 'SALUD', 1 FROM generate_series(301, 330) n) s(g, n, a, b);
-- Results: everyone acreditado but SALUD's last ten.
UPDATE enrollment SET attendance = 100, results_batch_id = 4,
    status = CASE WHEN curp > test_curp(320) THEN 'no_acreditado' ELSE 'acreditado' END,
    final_score = CASE WHEN curp > test_curp(320) THEN 50 ELSE 90 END;
INSERT INTO constancia (folio, year, sequence, code, group_code, curp)
SELECT 'PNC-2023-' || lpad(n::text, 6, '0'), 2023, n, 'ABCDEFGHJK' || translate(lpad(n::text, 2, '0'), '0123456789', 'ABCDEFGHJK'), g, test_curp(n)
FROM (VALUES (1, 'G-SEGOB-1'), (22, 'G-SEGOB-1'), (23, 'G-SEGOB-1'), (33, 'G-SEGOB-1')) v(n, g)
UNION ALL SELECT 'PNC-2023-000150', 2023, 150, 'ZZZZZZZZZZ22', 'G-SRE-1', test_curp(150);
INSERT INTO headcount (agency_code, year, alto, medio, operativo) VALUES
    ('SEGOB', 2024, 100, 200, 300), ('SRE', 2024, 300, 600, 900), ('SALUD', 2024, 10, 10, 10);
INSERT INTO ficha (agency_code, year, version, total, document, source_file) VALUES
    ('SEGOB', 2024, 1, 10, '{"total": 10, "observaciones": "Juan Pérez pidió…"}', 'f1'),
    ('SRE', 2024, 1, 20, '{"total": 20, "observaciones": "confidencial"}', 'f2');
INSERT INTO group_instructor (group_code, user_name) VALUES ('G-SRE-1', 'inst1');
-- The attendance register (0027): G-SEGOB-1 (no sessions file: a session a day) holds SEGOB's
-- people and ten of SRE's; one mark of each agency.
INSERT INTO attendance_mark (group_code, curp, session_date, starts_at, mark, batch_id) VALUES
    ('G-SEGOB-1', test_curp(1), '2023-03-01', NULL, 'present', 4),
    ('G-SEGOB-1', test_curp(201), '2023-03-01', NULL, 'absent', 4);
INSERT INTO audit_log (user_name, role, agency_code, action, target) VALUES
    ('seed-segob', 'enlace', 'SEGOB', 'enrollment.import', 'segob.csv'),
    ('seed-sre', 'enlace', 'SRE', 'enrollment.import', 'sre.csv'),
    ('seed', 'system', NULL, 'db.migrate', '0009');
-- Each agency's own record of its people (0017), as the imports write it.
INSERT INTO person_agency (curp, agency_code, given_names, first_surname, second_surname, sex, email, batch_id)
SELECT DISTINCT ON (e.curp, e.agency_code) e.curp, e.agency_code, p.given_names, p.first_surname, p.second_surname, p.sex, p.email, e.batch_id
FROM enrollment e JOIN person p ON p.curp = e.curp ORDER BY e.curp, e.agency_code;
SELECT FROM trained_refresh();
ANALYZE;
