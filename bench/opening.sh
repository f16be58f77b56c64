#!/usr/bin/env bash
# The morning a catalogue opens (issue 13), a benchmark, not a test. On a fresh throw-away
# MariaDB: 100 sessions of 30 places (five dates for each of 20 modules) and PEOPLE people,
# signed in. People arrive over SECONDS (40 % in the first tenth: ten minutes compressed),
# served by CLIENTS concurrent keep-alive clients; each person opens the catalogue (page or
# JSON), a session's page twice (reloading with If-None-Match when given an ETag), registers,
# and opens "mon parcours" (parcours_bench opening). Reports registrations/s, p50/p99 per kind
# of request, errors, overbooking (counted again in SQL: confirmed rows above capacity or
# different from the session's counter), the server's peak RSS and its CPU time.
# Usage: bench/opening.sh [SECONDS=120] [CLIENTS=200] [PEOPLE=5000]
# PARCOURS_BENCH_BUILD=DIR: binaries of an existing build instead of the Release build in build/;
# PARCOURS_BENCH_SERVER=FILE: another server binary (e.g. main's, for the "before" figures).
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
. bench/lib.sh
seconds=${1:-120}
clients=${2:-200}
people=${3:-5000}

bin=${PARCOURS_BENCH_BUILD:-build}
[[ $bin == build ]] && bench_build parcours parcours_bench
server=${PARCOURS_BENCH_SERVER:-$bin/parcours}
bench_setup parcours-opening
PARCOURS_DATABASE_URL=$db "$server" migrate >/dev/null
bench_serve
sleep 1
cpu_seconds() { awk -v hz="$(getconf CLK_TCK)" '{printf "%.1f", ($14 + $15) / hz}' "/proc/$server_pid/stat"; }
rss_mb() { awk -v k="$1:" '$1 == k {printf "%.1f", $2 / 1024}' "/proc/$server_pid/status"; }
idle_rss=$(rss_mb VmRSS)
cpu_before=$(cpu_seconds)
out=$("$bin"/parcours_bench opening --db "$db" --url "$url" --clients "$clients" --seconds "$seconds" --people "$people")
cpu_after=$(cpu_seconds)
peak_rss=$(rss_mb VmHWM)
sql_overbooked=$(mariadb -N -h 127.0.0.1 -P "$port" -u bench -p"$password" parcours -e "
  SELECT COUNT(*) FROM sessions s
  WHERE s.confirmed_count > s.capacity
     OR s.confirmed_count <> (SELECT COUNT(*) FROM registrations r WHERE r.session_id = s.id AND r.status = 'confirmed')")
echo "$out"
/usr/bin/python3 - "$out" "$sql_overbooked" "$idle_rss" "$peak_rss" "$cpu_before" "$cpu_after" <<'PY'
import json, sys
lines = [json.loads(l) for l in sys.argv[1].splitlines() if l.strip()]
run = next(l for l in lines if l["mode"] == "opening")
check = next(l for l in lines if l["mode"] == "opening-check")
sql_over, idle, peak, cpu0, cpu1 = int(sys.argv[2]), float(sys.argv[3]), float(sys.argv[4]), float(sys.argv[5]), float(sys.argv[6])
print()
print(f"{run['people']} people, {run['clients']} clients, {run['seconds']:.1f} s")
print("| request | count | 200/201 | 304 | errors | p50 ms | p99 ms |")
print("| --- | --- | --- | --- | --- | --- | --- |")
for name, k in sorted(run["kinds"].items()):
    print(f"| {name} | {k['requests']} | {k['ok']} | {k['not_modified']} | {k['errors']} | {k['p50_ms']:.2f} | {k['p99_ms']:.2f} |")
print()
print(f"registrations/s: {run['registrations_per_second']:.1f}; errors: {run['errors']}; "
      f"overbooked sessions: {check['overbooked_sessions']} (service), {sql_over} (SQL)")
print(f"server: RSS idle {idle} MB, peak {peak} MB; CPU {cpu1 - cpu0:.1f} s over {run['seconds']:.0f} s "
      f"({100 * (cpu1 - cpu0) / run['seconds']:.0f} % of one core)")
PY
