#!/usr/bin/env bash
# The yearly report on a big history (a benchmark, not a test): 150,000 attendance rows
# (100,000 in 2024, 50,000 in 2023) over 750 sessions, 20,000 people, 20 modules. Times
# GET /api/v1/reports/participation?year=2024 (JSON and CSV) over HTTP, beside the reference
# measured in the same run: the report's aggregate query alone, run by the mariadb client.
# Usage: bench/report.sh [repetitions=20]
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
reps=${1:-20}

. bench/lib.sh
bench_build parcours
bench_setup parcours-report
sql() { mariadb --no-defaults -h127.0.0.1 -P"$port" -ubench -p"$password" parcours "$@"; }

build/parcours migrate --database-url "$db" 2>/dev/null
echo "==> generating the history"
start=$(date +%s.%N)
sql <<'SQL'
CREATE TEMPORARY TABLE d (v INT);
INSERT INTO d VALUES (0),(1),(2),(3),(4),(5),(6),(7),(8),(9);
CREATE TABLE nums (n INT PRIMARY KEY)
  SELECT a.v + 10*b.v + 100*c.v + 1000*e.v + 10000*f.v + 100000*g.v AS n
  FROM d a, d b, d c, d e, d f, d g WHERE a.v + 10*b.v + 100*c.v + 1000*e.v + 10000*f.v + 100000*g.v < 150000;
INSERT INTO agencies (code, name, created_at) VALUES ('IFEN', 'IFEN', UTC_TIMESTAMP(3)), ('FEDAS', 'FEDAS', UTC_TIMESTAMP(3));
INSERT INTO pathways (id, code, title) VALUES (1, 'LTAS', 'Let''s Talk about Sex !');
INSERT INTO modules (id, pathway_id, position, code, title, hours)
  SELECT n + 1, IF(n < 7, 1, NULL), n + 1, CONCAT('M', n), CONCAT('Module ', n), IF(n = 6, 8, 4) FROM nums WHERE n < 20;
INSERT INTO users (id, email, name, roles, created_at)
  SELECT n + 1, CONCAT('u', n, '@bench.lu'), CONCAT('Person ', n), 1, UTC_TIMESTAMP(3) FROM nums WHERE n < 20000;
-- 500 sessions in 2024 and 250 in 2023.
INSERT INTO sessions (id, module_id, starts_at, ends_at, decision_at, capacity, min_registrants, status)
  SELECT n + 1, n % 20 + 1,
         IF(n < 500, TIMESTAMP('2024-01-08 08:00:00'), TIMESTAMP('2023-01-09 08:00:00')) + INTERVAL (n % 250) DAY,
         IF(n < 500, TIMESTAMP('2024-01-08 12:00:00'), TIMESTAMP('2023-01-09 12:00:00')) + INTERVAL (n % 250) DAY,
         IF(n < 500, TIMESTAMP('2023-12-25 08:00:00'), TIMESTAMP('2022-12-26 08:00:00')) + INTERVAL (n % 250) DAY,
         200, 10, 'completed'
  FROM nums WHERE n < 750;
-- 200 registrations per session, each marked: 150,000 attendance rows.
INSERT INTO registrations (id, session_id, participant_id, status, channel, created_at, updated_at)
  SELECT n + 1, n % 750 + 1, ((n % 750) * 37 + FLOOR(n / 750)) % 20000 + 1, 'confirmed',
         ELT(n % 4 + 1, 'IFEN', 'FEDAS', 'DIRECT', 'SPECIALISED'), UTC_TIMESTAMP(3), UTC_TIMESTAMP(3)
  FROM nums;
INSERT INTO attendance (session_id, participant_id, status, hours, marked_by, marked_at, module_id,
                        channel, starts_at)
  SELECT r.session_id, r.participant_id, ELT(r.id % 10 + 1, 'present', 'present', 'present', 'present',
         'present', 'present', 'present', 'partial', 'absent', 'excused'), 4, 1, UTC_TIMESTAMP(3),
         s.module_id, r.channel, s.starts_at
  FROM registrations r JOIN sessions s ON s.id = r.session_id;
DROP TABLE nums;
ANALYZE TABLE sessions, registrations, attendance;
SQL
echo "    $(sql -N -e 'SELECT COUNT(*) FROM attendance') attendance rows in $(/usr/bin/python3 -c "import sys; print(round(float(sys.argv[2]) - float(sys.argv[1]), 1))" "$start" "$(date +%s.%N)") s"

export PARCOURS_BOOTSTRAP_COORDINATOR_EMAIL=bench@parcours.local PARCOURS_BOOTSTRAP_COORDINATOR_PASSWORD=lilac-report-run-7
bench_serve
token=$(curl -s -X POST "$url/api/v1/auth/login" -H "Content-Type: application/json" -d '{"email":"bench@parcours.local","password":"lilac-report-run-7"}' |
  /usr/bin/python3 -c 'import json,sys; print(json.load(sys.stdin)["token"])')

time_http() {  # $1: path; prints one duration in ms per line
  for _ in $(seq "$reps"); do
    curl -s -o /dev/null -w '%{time_total}\n' -H "Authorization: Bearer $token" "$url$1"
  done | awk '{printf "%.1f\n", $1 * 1000}'
}
time_sql() {
  for _ in $(seq "$reps"); do
    s=$(date +%s%N)
    sql -N -e "SELECT module_id, channel, COUNT(DISTINCT participant_id) FROM attendance WHERE starts_at >= '2023-12-31 23:00:00' AND starts_at < '2024-12-31 23:00:00' AND status IN ('present', 'partial') GROUP BY module_id, channel" >/dev/null
    echo $(( ($(date +%s%N) - s) / 100000 )) | awk '{printf "%.1f\n", $1 / 10}'
  done
}
summary() { sort -n | awk '{v[NR]=$1} END {printf "p50 %.1f ms, max %.1f ms (n=%d)", v[int((NR+1)/2)], v[NR], NR}'; }

total=$(curl -s -H "Authorization: Bearer $token" "$url/api/v1/reports/participation?year=2024" |
  /usr/bin/python3 -c 'import json,sys; print(json.load(sys.stdin)["totals"]["total"])')
echo "==> 2024 participations counted: $total"
echo "GET /api/v1/reports/participation?year=2024            : $(time_http '/api/v1/reports/participation?year=2024' | summary)"
echo "GET /api/v1/reports/participation?year=2024&format=csv : $(time_http '/api/v1/reports/participation?year=2024&format=csv' | summary)"
echo "GET /api/v1/reports/sessions?year=2024                 : $(time_http '/api/v1/reports/sessions?year=2024' | summary)"
echo "reference: the aggregate query alone (mariadb client)  : $(time_sql | summary)"
