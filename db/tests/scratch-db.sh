#!/usr/bin/env bash
# Recreates a scratch database on the project-local cluster with every migration.
#   db/tests/scratch-db.sh [DBNAME]     (default capacita_rls_draft); prints its URL
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
db=${1:-capacita_rls_draft}
case "$db" in capacita|capacita_test_*) echo "refusing to touch $db" >&2; exit 2;; esac
url=$("$root/scripts/dev-db" url)
admin=${url/\/capacita\?/\/postgres\?}
target=${url/\/capacita\?/\/$db\?}
psql "$admin" -q -v ON_ERROR_STOP=1 -c "DROP DATABASE IF EXISTS $db WITH (FORCE)" -c "CREATE DATABASE $db" >&2
for f in "$root"/db/migrations/0*.sql; do
    psql "$target" -q -X -v ON_ERROR_STOP=1 -1 -f "$f" >&2
done
echo "$target"
