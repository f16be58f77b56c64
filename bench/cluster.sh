#!/usr/bin/env bash
# The registration rush through nginx (TLS, HTTP/2) on three deployments, measured in one run
# (a benchmark, not a test):
#   A  one server on one MariaDB
#   B  three servers on one MariaDB
#   C  three servers on three MariaDB Galera nodes (each server's own node first)
# Each: deploy/cluster.sh starts it, `parcours_bench http` drives POST
# /api/v1/sessions/{id}/registrations from N keep-alive clients through nginx for S seconds
# (bench/RESULTS.md describes the data), then the servers' /metrics give the conflicts
# retried, and /proc the CPU time each tier spent (servers, database nodes, nginx) per
# registration: the per-request costs of the capacity model in bench/RESULTS.md.
#
# Usage: bench/cluster.sh [clients=48] [seconds=10]
#   BENCH_BUILD_DIR=build (default; Release, built here) or build-test (-O2, no debug information)
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
clients=${1:-48}
seconds=${2:-10}
build=${BENCH_BUILD_DIR:-build}

# What deploy/cluster.sh runs (deploy/install-deps.sh test or bench installs it).
for tool in /usr/sbin/nginx /usr/lib/galera/libgalera_smm.so /usr/bin/rsync; do
  [[ -e $tool ]] || { echo "bench/cluster.sh: $tool is missing (deploy/install-deps.sh bench)" >&2; exit 2; }
done
if [[ $build == build ]]; then
  cmake -S . -B build -DCMAKE_BUILD_TYPE=Release -DPARCOURS_BUILD_TESTS=OFF >/dev/null
  cmake --build build -j2 --target parcours parcours_bench >/dev/null
fi
[[ -x $build/parcours && -x $build/parcours_bench ]] || { echo "no $build/parcours or $build/parcours_bench" >&2; exit 2; }

work=$(mktemp -d /tmp/parcours-bench-cluster.XXXXXX)
chmod 755 "$work"
current=""
cleanup() {
  [[ -n $current ]] && deploy/cluster.sh stop "$current" >/dev/null 2>&1 || true
  rm -rf -- "$work"
}
trap cleanup EXIT

# CPU seconds (user + system) of the processes whose pids are given.
cpu_of() {
  local total=0 pid f
  for pid in "$@"; do
    [[ -r /proc/$pid/stat ]] || continue
    f=$(cat "/proc/$pid/stat")
    f=${f##*) }
    # fields after the name: state is 1st; utime 12th, stime 13th
    total=$(awk -v t="$total" -v u="$(echo "$f" | awk '{print $12}')" -v s="$(echo "$f" | awk '{print $13}')" \
      -v hz="$(getconf CLK_TCK)" 'BEGIN { printf "%.3f", t + (u + s) / hz }')
  done
  echo "$total"
}
pids_of() { # kind dir
  local d=$2
  case $1 in
    servers) cat "$d"/server*.pid 2>/dev/null ;;
    nodes) cat "$d"/node*/run/mysqld.pid 2>/dev/null ;;
    nginx) local m; m=$(cat "$d/nginx/nginx.pid" 2>/dev/null) && { echo "$m"; pgrep -P "$m"; } ;;
  esac
}
metric_sum() { # name label-filter urls...
  local name=$1 filter=$2
  shift 2
  for u in "$@"; do curl -sf "$u/metrics"; done |
    awk -v n="$name" -v f="$filter" '$1 ~ "^"n"({|$)" && index($1, f) { s += $2 } END { printf "%.0f", s }'
}

results=()
run() { # label nodes servers
  local label=$1 nodes=$2 servers=$3 d base
  d=$work/$label
  base=$(deploy/free-port-block.sh)
  current=$d
  echo "==> $label: $servers server(s) on $nodes database node(s)" >&2
  CLUSTER_NODES=$nodes CLUSTER_SERVERS=$servers CLUSTER_BASE_PORT=$base PARCOURS_BINARY=$root/$build/parcours \
    deploy/cluster.sh start "$d" >&2
  # shellcheck disable=SC1091
  . "$d/cluster.env"
  local metrics_urls=($METRICS_URLS) before_conflicts before_s before_n before_x out after_conflicts
  before_conflicts=$(metric_sum parcours_db_transaction_retries_total 'reason="conflict"' "${metrics_urls[@]}")
  before_s=$(cpu_of $(pids_of servers "$d"))
  before_n=$(cpu_of $(pids_of nodes "$d"))
  before_x=$(cpu_of $(pids_of nginx "$d"))
  out=$("$build/parcours_bench" http --db "$DATABASE_URL" --url "$HTTPS_URL" --cacert "$CA_FILE" \
    --clients "$clients" --seconds "$seconds")
  after_conflicts=$(metric_sum parcours_db_transaction_retries_total 'reason="conflict"' "${metrics_urls[@]}")
  local cpu_s cpu_n cpu_x
  cpu_s=$(awk -v a="$before_s" -v b="$(cpu_of $(pids_of servers "$d"))" 'BEGIN { print b - a }')
  cpu_n=$(awk -v a="$before_n" -v b="$(cpu_of $(pids_of nodes "$d"))" 'BEGIN { print b - a }')
  cpu_x=$(awk -v a="$before_x" -v b="$(cpu_of $(pids_of nginx "$d"))" 'BEGIN { print b - a }')
  echo "$out" >&2
  results+=("$(/usr/bin/python3 -c '
import json, sys
r = json.loads(sys.argv[1])
r.update(label=sys.argv[2], conflicts=int(sys.argv[3]), cpu_servers=float(sys.argv[4]), cpu_db=float(sys.argv[5]),
         cpu_nginx=float(sys.argv[6]))
print(json.dumps(r))' "$out" "$label" $((after_conflicts - before_conflicts)) "$cpu_s" "$cpu_n" "$cpu_x")")
  deploy/cluster.sh stop "$d" >/dev/null 2>&1
  current=""
}

run "A-1-server-1-mariadb" 1 1
run "B-3-servers-1-mariadb" 1 3
run "C-3-servers-3-galera" 3 3

printf '%s\n' "${results[@]}"
/usr/bin/python3 - "${results[@]}" <<'PY'
import json, sys
rows = [json.loads(a) for a in sys.argv[1:]]
print()
print("| deployment | registrations/s | p50 ms | p99 ms | errors | overbooked | conflicts retried/s | CPU ms per registration: servers / database / nginx |")
print("| --- | --- | --- | --- | --- | --- | --- | --- |")
for r in rows:
    n = max(r["ok"], 1)
    print(f"| {r['label']} | {r['per_second']:.0f} | {r['p50_ms']:.1f} | {r['p99_ms']:.1f} | {r['errors']} | "
          f"{r['overbooked_sessions']} | {r['conflicts'] / r['seconds']:.1f} | "
          f"{1000 * r['cpu_servers'] / n:.2f} / {1000 * r['cpu_db'] / n:.2f} / {1000 * r['cpu_nginx'] / n:.2f} |")
PY
