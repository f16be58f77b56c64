#!/usr/bin/env bash
# Hot reads against the server's bare rate (issue 13). On the demo data (deploy/run.sh's LTAS
# catalogue and people) in a throw-away MariaDB, wrk measures in one run, each for SECONDS:
#   bare       a bare Pistache handler (bench/bare_server.cpp): the TCP layer's ceiling
#   health     GET /health (pings the database, on its own two workers)
#   api        GET /api/v1/sessions?limit=20               (the catalogue as JSON)
#   page       GET /                                       (the catalogue page)
#   session    GET /sessions/{id}                          (a session's page)
#   parcours   GET /parcours as the demo participant       ("mon parcours", session cookie)
# each with keep-alive (HTTP/1.1 persistent, no Connection header: an ordinary client; the
# bare Pistache server needs "Connection: keep-alive" to keep a connection) and without
# (Connection: close), and the server's CPU time per request (from /proc).
# Usage: bench/reads.sh [SECONDS=5] [CONNECTIONS=50]
# PARCOURS_BENCH_BUILD=DIR uses the binaries of an existing build instead of making the
# Release build in build/.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
. bench/lib.sh
seconds=${1:-5}
connections=${2:-50}
command -v wrk >/dev/null || { echo "wrk is missing: deploy/install-deps.sh bench" >&2; exit 1; }

bin=${PARCOURS_BENCH_BUILD:-build}
[[ $bin == build ]] && bench_build parcours bare_server
bench_setup parcours-reads
bench_demo_data
bench_serve
"$bin"/bare_server "$tmp/bare_port" 2 &
bare_pid=$!
trap 'kill $bare_pid 2>/dev/null || true; bench_cleanup' EXIT
for _ in $(seq 100); do [[ -s $tmp/bare_port ]] && break; sleep 0.1; done
bare_url="http://127.0.0.1:$(cat "$tmp/bare_port")"

token=$(bench_demo_token)
# A coming session (the page people open before they register; a past one is read afresh).
session_id=$(curl -sf "$url/api/v1/sessions?limit=1&from=$(date -u +%F)" | /usr/bin/python3 -c 'import json,sys; print(json.load(sys.stdin)["items"][0]["id"])')
# Warm up: every kind once, so that caches and connections are made before timing.
for p in /health "/api/v1/sessions?limit=20" / "/sessions/$session_id"; do curl -sf -o /dev/null "$url$p"; done
curl -sf -o /dev/null -H "Cookie: parcours_session=$token" "$url/parcours"

cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
hz=$(getconf CLK_TCK)
# run NAME PID URL [wrk args...]: one JSON line.
run() {
  local name=$1 pid=$2 target=$3
  shift 3
  local before after out
  before=$(cpu_ticks "$pid")
  out=$(wrk -t2 -c"$connections" -d"${seconds}s" --latency "$@" "$target")
  after=$(cpu_ticks "$pid")
  /usr/bin/python3 - "$name" "$out" $((after - before)) "$hz" <<'PY'
import json, re, sys
name, out, ticks, hz = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
def ms(v):
    m = re.match(r"([\d.]+)(us|ms|s|m)$", v)
    return float(m.group(1)) * {"us": 0.001, "ms": 1, "s": 1000, "m": 60000}[m.group(2)]
try:
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    total = int(re.search(r"(\d+) requests in", out).group(1))
    p50 = ms(re.search(r"^\s+50%\s+(\S+)", out, re.M).group(1))
    p99 = ms(re.search(r"^\s+99%\s+(\S+)", out, re.M).group(1))
except (AttributeError, KeyError):
    sys.exit(f"{name}: cannot read wrk's output:\n{out}")
bad = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
err = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
errors = (int(bad.group(1)) if bad else 0) + (sum(int(x) for x in err.groups()) if err else 0)
cpu_ms = 1000 * ticks / hz / max(total, 1)
print(json.dumps({"name": name, "per_second": rate, "p50_ms": p50, "p99_ms": p99, "errors": errors,
                  "server_cpu_ms_per_request": round(cpu_ms, 3)}))
PY
}

results=()
for mode in keepalive close; do
  extra=(-H "Connection: close")
  bare_extra=(-H "Connection: close")
  [[ $mode == keepalive ]] && extra=() && bare_extra=(-H "Connection: keep-alive")
  results+=("$(run "bare $mode" $bare_pid "$bare_url/" "${bare_extra[@]}")")
  results+=("$(run "health $mode" $server_pid "$url/health" "${extra[@]}")")
  results+=("$(run "api $mode" $server_pid "$url/api/v1/sessions?limit=20" "${extra[@]}")")
  results+=("$(run "page $mode" $server_pid "$url/" "${extra[@]}")")
  results+=("$(run "session $mode" $server_pid "$url/sessions/$session_id" "${extra[@]}")")
  results+=("$(run "parcours $mode" $server_pid "$url/parcours" -H "Cookie: parcours_session=$token" "${extra[@]}")")
done
printf '%s\n' "${results[@]}"
/usr/bin/python3 - "${results[@]}" <<'PY'
import json, sys
rows = [json.loads(l) for l in sys.argv[1:]]
bare = {r["name"].split()[1]: r["per_second"] for r in rows if r["name"].startswith("bare")}
print()
print("| request | connections | per second | of bare | p50 ms | p99 ms | errors | server CPU ms/request |")
print("| --- | --- | --- | --- | --- | --- | --- | --- |")
for r in rows:
    kind, mode = r["name"].split()
    print(f"| {kind} | {mode} | {r['per_second']:.0f} | {100 * r['per_second'] / bare[mode]:.0f} % | "
          f"{r['p50_ms']:.2f} | {r['p99_ms']:.2f} | {r['errors']} | {r['server_cpu_ms_per_request']} |")
PY
