#!/usr/bin/env bash
# The registration rush benchmark (a benchmark, not a test). On a fresh throw-away MariaDB:
#   1. starts `parcours serve` (Release build) and records its idle RSS;
#   2. health:  GET /health over keep-alive from N clients    -> the server's bare request rate
#   3. raw:     the registration transaction from C++, no HTTP -> the database ceiling
#   4. http:    POST .../registrations from N clients         -> committed enrolments/s, p50/p99
#   5. records the server's peak RSS (VmHWM) and checks that no session is overbooked.
# Usage: bench/rush.sh [clients=48] [seconds=10]. Prints JSON lines and a summary to paste
# into bench/RESULTS.md.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
clients=${1:-48}
seconds=${2:-10}

. bench/lib.sh
bench_build parcours parcours_bench
bench_setup parcours-bench
bench_serve
sleep 1
rss_kb() { awk -v k="$1:" '$1 == k {print $2}' "/proc/$server_pid/status"; }
idle_rss=$(rss_kb VmRSS)

health=$(build/parcours_bench health --url "$url" --clients "$clients" --seconds "$seconds")
raw=$(build/parcours_bench raw --db "$db" --clients "$clients" --seconds "$seconds")
http=$(build/parcours_bench http --db "$db" --url "$url" --clients "$clients" --seconds "$seconds")
peak_rss=$(rss_kb VmHWM)

echo "$health"
echo "$raw"
echo "$http"
/usr/bin/python3 - "$health" "$raw" "$http" "$idle_rss" "$peak_rss" <<'PY'
import json, sys
health, raw, http = (json.loads(a) for a in sys.argv[1:4])
idle, peak = int(sys.argv[4]) / 1024, int(sys.argv[5]) / 1024
print()
print(f"| measurement | per second | p50 ms | p99 ms | errors | overbooked sessions |")
print(f"| --- | --- | --- | --- | --- | --- |")
for name, r in (("GET /health (bare server)", health), ("registration, C++ to MariaDB (raw ceiling)", raw),
                ("registration over HTTP", http)):
    print(f"| {name} | {r['per_second']:.0f} | {r['p50_ms']:.2f} | {r['p99_ms']:.2f} | {r['errors']} | {r.get('overbooked_sessions', '-')} |")
print()
print(f"HTTP / raw ceiling: {100 * http['per_second'] / raw['per_second']:.0f} %  (target >= 70 %)")
print(f"server RSS: idle {idle:.1f} MB, peak during the run {peak:.1f} MB (targets < 30 MB, < 150 MB)")
PY
