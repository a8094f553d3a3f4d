#!/usr/bin/env bash
# Times the merge of a 1,000,000-row enrollment stage (people + enrollments) three ways:
#   superuser   today's bulk path (EnrollmentSQL.merge/insertNew): superuser, replica mode, on
#               0001..0008 only and on 0001..0009
#   function    capacita_app as enlace calling enrollment_import_apply (0009)
#   app, plain  capacita_app as enlace with plain INSERTs (RLS WITH CHECK + per-row FK checks)
# Each run builds its stage (not timed), times the merge, and rolls back.
#   bench/sql/enrollment-apply.sh [ROWS]     (default 1000000)
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)
rows=${1:-1000000}
url=$("$root/scripts/dev-db" url)
admin=${url/\/capacita\?/\/postgres\?}

seed() {  # $1 url
    psql "$1" -X -q -v ON_ERROR_STOP=1 <<'SQL'
INSERT INTO agency (code, name, government_order, counts_in_indicator) VALUES ('SEGOB', 'Secretaría de Gobernación', 'federal', true);
INSERT INTO course (code, program, level, kind, title, modalities, hours, audience, objectives, temario, evaluation,
                    min_score, min_attendance, max_group_size, counts_for_indicator, source_file, document) VALUES
    ('PNC22-BAS', 'pnc-2022', 'basico', 'capacitacion', 'Básico', '{presencial}', 20, 'sp', '{}', '[]', '{post}', 80, 80, 40, true, 'b.yaml', '{}');
INSERT INTO training_group (code, course_code, kind, agency_code, starts_on, capacity)
SELECT 'B' || lpad(n::text, 6, '0'), 'PNC22-BAS', 'capacitacion', 'SEGOB', '2024-01-01', 40 FROM generate_series(0, 25000) n;
VACUUM ANALYZE;
SQL
}
# One timed merge: $1 label, $2 url, $3 identity+batch SQL, $4 merge SQL.
timed() {
    local out
    out=$(psql "$2" -X -q -At -v ON_ERROR_STOP=1 -v rows="$rows" <<SQL
SET jit = off; SET work_mem = '256MB';
BEGIN;
$3
\i $here/enrollment-stage.sql
SELECT clock_timestamp() AS t0 \gset
$4
SELECT round(extract(epoch FROM clock_timestamp() - :'t0')::numeric, 2);
ROLLBACK;
SQL
)
    printf '%-44s %8s s\n' "$1" "$(echo "$out" | tail -1)"
}
superuser_merge="
SELECT count(*) FROM (SELECT curp FROM person WHERE curp IN (SELECT curp FROM stage_person) ORDER BY curp FOR KEY SHARE) l;
UPDATE person p SET given_names = s.given_names, first_surname = s.first_surname, second_surname = s.second_surname,
    sex = s.sex, email = COALESCE(s.email, p.email), updated_at = now()
FROM stage_person s WHERE p.curp = s.curp
  AND (p.given_names, p.first_surname, p.second_surname, p.sex, p.email)
      IS DISTINCT FROM (s.given_names, s.first_surname, s.second_surname, s.sex, COALESCE(s.email, p.email));
INSERT INTO person (curp, given_names, first_surname, second_surname, sex, email)
SELECT curp, given_names, first_surname, second_surname, sex, email FROM stage_person ORDER BY curp;
SET LOCAL session_replication_role = replica;
INSERT INTO enrollment (group_code, curp, agency_code, tier, position_title, batch_id)
SELECT s.group_code, s.curp, s.agency_code, s.tier, s.position_title, 1 FROM enrollment_stage s;
SET LOCAL session_replication_role = origin;"
batch_sql="INSERT INTO import_batch (kind, file_name, sha256, agency_code, rows, imported, updated, unchanged, ran_by)
VALUES ('enrollment', 'b.csv', repeat('a', 64), 'SEGOB', 0, 0, 0, 0, 'bench') RETURNING id AS batch \gset"
identity="SELECT set_config('capacita.role', 'enlace', true), set_config('capacita.agency', 'SEGOB', true), set_config('capacita.user', 'bench', true) \gset"

echo "rows: $rows; $(nproc) cores; $(date -u +%F)"
# Baseline schema: 0001..0008 only.
base=${url/\/capacita\?/\/capacita_rls_bench0008\?}
psql "$admin" -X -q -c "SET client_min_messages = warning" -c "DROP DATABASE IF EXISTS capacita_rls_bench0008 WITH (FORCE)" -c "CREATE DATABASE capacita_rls_bench0008"
for f in "$root"/db/migrations/000[1-8]_*.sql; do psql "$base" -X -q -v ON_ERROR_STOP=1 -1 -f "$f"; done
seed "$base"
psql "$base" -X -q -c "INSERT INTO import_batch (id, kind, file_name, sha256, rows, imported, updated, unchanged, ran_by) OVERRIDING SYSTEM VALUE VALUES (1, 'enrollment', 'b', repeat('a', 64), 0, 0, 0, 0, 'x')"
timed "superuser, replica (0008 schema)" "$base" "" "$superuser_merge"

su_url=$("$root/db/tests/scratch-db.sh" capacita_rls_bench 2>/dev/null)
app_url=${su_url/postgresql:\/\/postgres@/postgresql:\/\/capacita_app@}
seed "$su_url"
psql "$su_url" -X -q -c "INSERT INTO import_batch (id, kind, file_name, sha256, rows, imported, updated, unchanged, ran_by) OVERRIDING SYSTEM VALUE VALUES (1, 'enrollment', 'b', repeat('a', 64), 0, 0, 0, 0, 'x'); SELECT setval('import_batch_id_seq', 10)" >/dev/null
timed "superuser, replica (0009 schema)" "$su_url" "" "$superuser_merge"
timed "capacita_app, enrollment_import_apply" "$app_url" "$identity
$batch_sql" \
    "GRANT SELECT ON pg_temp.enrollment_stage, pg_temp.stage_person, pg_temp.stage_existing TO capacita_definer;
SELECT * FROM enrollment_import_apply(:batch) \g /dev/null"
timed "capacita_app, plain INSERTs (RLS + FK rows)" "$app_url" "$identity
$batch_sql" "
INSERT INTO person (curp, given_names, first_surname, second_surname, sex, email, batch_id)
SELECT curp, given_names, first_surname, second_surname, sex, email, :batch FROM stage_person ORDER BY curp;
INSERT INTO enrollment (group_code, curp, agency_code, tier, position_title, batch_id)
SELECT s.group_code, s.curp, s.agency_code, s.tier, s.position_title, :batch FROM enrollment_stage s;"
