#!/usr/bin/env bash
# Proves access control (db/migrations/0009) on a scratch database of the project-local cluster:
# applies every migration, seeds two agencies' data as the superuser, then runs every
# check CONNECTED AS capacita_app. Exits non-zero on the first failure.
#   db/tests/access-control.sh [DBNAME]      (default capacita_rls_test)
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
db=${1:-capacita_rls_test}
su_url=$("$here/scratch-db.sh" "$db")
app_url=${su_url/postgresql:\/\/postgres@/postgresql:\/\/capacita_app@}
run_su() { psql "$su_url" -X -q -v ON_ERROR_STOP=1 "$@"; }

# The migration applies again on a cluster where the roles already exist (setup_db.sh just ran
# it once more): nothing to do here but say so.
echo "== migration applied on top of 0001..0008 (roles pre-existing: idempotent)"
run_su -f "$here/access/seed.sql"

# The exact figures, from the base tables as the superuser (no RLS, no summary).
trained=$(run_su -At -c "
    SELECT string_agg(agency_code || ':' || tier || ':' || people, ',' ORDER BY agency_code, tier) FROM (
        SELECT agency_code, tier, count(*) AS people FROM (
            SELECT DISTINCT ON (e.curp) e.agency_code, e.tier
            FROM enrollment e JOIN training_group g ON g.code = e.group_code JOIN course c ON c.code = g.course_code
            WHERE e.status = 'acreditado' AND c.counts_for_indicator
              AND COALESCE(g.ends_on, g.starts_on) BETWEEN '2022-01-01' AND '2024-12-31'
            ORDER BY e.curp, COALESCE(g.ends_on, g.starts_on) DESC, g.starts_on DESC, g.code DESC) l
        GROUP BY 1, 2) t")
meets=$(run_su -At -c "
    WITH t AS (
        SELECT agency_code, tier, count(*) AS people FROM (
            SELECT DISTINCT ON (e.curp) e.agency_code, e.tier
            FROM enrollment e JOIN training_group g ON g.code = e.group_code JOIN course c ON c.code = g.course_code
            WHERE e.status = 'acreditado' AND c.counts_for_indicator
              AND COALESCE(g.ends_on, g.starts_on) BETWEEN '2022-01-01' AND '2024-12-31'
            ORDER BY e.curp, COALESCE(g.ends_on, g.starts_on) DESC, g.starts_on DESC, g.code DESC) l GROUP BY 1, 2)
    SELECT string_agg(code || ':' || meets, ',' ORDER BY code) FROM (
        SELECT hc.agency_code AS code, bool_and(COALESCE(t.people, 0) * 100.0 >= 5 * CASE h.tier WHEN 'alto' THEN hc.alto
               WHEN 'medio' THEN hc.medio ELSE hc.operativo END) AS meets
        FROM headcount hc CROSS JOIN (VALUES ('alto'), ('medio'), ('operativo')) h(tier)
        LEFT JOIN t ON t.agency_code = hc.agency_code AND t.tier = h.tier
        WHERE hc.year = 2024 GROUP BY hc.agency_code) m")
echo "== exact figures: trained $trained; meets $meets"
[ "$trained" = "SALUD:alto:6,SALUD:medio:7,SALUD:operativo:7,SEGOB:alto:27,SEGOB:medio:27,SEGOB:operativo:26,SRE:alto:43,SRE:medio:43,SRE:operativo:44" ] && [ "$meets" = "SALUD:true,SEGOB:true,SRE:false" ] \
    || { echo "FAILED: unexpected seed figures" >&2; exit 1; }

echo "== checks as capacita_app"
PGOPTIONS="-c test.trained=$trained -c test.meets=$meets" psql "$app_url" -X -v ON_ERROR_STOP=1 -f "$here/access/app_checks.sql"
psql "$app_url" -X -v ON_ERROR_STOP=1 -f "$here/access/app_bulk.sql"

echo "== checks as the superuser (owner side)"
run_su -f "$here/access/owner_checks.sql"
run_su -f "$here/access/personal_data_checks.sql"
run_su -f "$here/access/participant_checks.sql"
run_su -f "$here/access/pending_upload_checks.sql"
echo "ALL ACCESS-CONTROL CHECKS PASSED"
