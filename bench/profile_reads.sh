#!/usr/bin/env bash
# Where a read spends the server's CPU: perf (Debian's linux-perf) samples `parcours serve`
# with call graphs while wrk sends one kind of request over keep-alive, on the demo data of
# bench/reads.sh. Prints the hottest functions (self time) and the hottest call chains.
# Usage: bench/profile_reads.sh PATH [SECONDS=5] [signed-in]   e.g. "/api/v1/sessions?limit=20", "/"
# PARCOURS_BENCH_BUILD=DIR as in bench/reads.sh, best a build with debug information for the call
# graphs (cmake -S . -B build-prof -DCMAKE_BUILD_TYPE=RelWithDebInfo; build-test has none).
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
. bench/lib.sh
target=$1
seconds=${2:-5}
bin=${PARCOURS_BENCH_BUILD:-build}
[[ $bin == build ]] && bench_build parcours
bench_setup parcours-profile
bench_demo_data
bench_serve
headers=()
if [[ ${3:-} == signed-in ]]; then
  token=$(bench_demo_token)
  headers=(-H "Cookie: parcours_session=$token")
fi
curl -sf -o /dev/null "${headers[@]}" "$url$target"
wrk -t2 -c32 -d"$((seconds + 2))s" "${headers[@]}" "$url$target" >"$tmp/wrk.txt" &
wrk_pid=$!
sleep 1
perf record -F 999 -g -p "$server_pid" -o "$tmp/perf.data" -- sleep "$seconds" 2>/dev/null >/dev/null
wait $wrk_pid
grep -E "Requests/sec" "$tmp/wrk.txt"
# Only the sample lines, white space folded, names cut at 160 characters.
top() { grep -E '^ +[0-9]' | sed -E 's/ {2,}/ /g; s/ +$//' | cut -c1-160 | sed -n "1,${1}p"; }
echo "--- self time (top 30)"
perf report -i "$tmp/perf.data" --no-children --sort dso,symbol --stdio -g none 2>/dev/null | top 30
echo "--- with what they call (top 50)"
perf report -i "$tmp/perf.data" --children --sort symbol --stdio -g none 2>/dev/null | top 50
