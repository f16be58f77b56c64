#!/usr/bin/env bash
# ThreadSanitizer over the concurrency tests (issue 11), by hand, not in tests/run.sh: a clang
# build with -fsanitize=thread in build-tsan/ (-O1 with line tables, lld, precompiled headers;
# only the server and the unit, db and api test programs), then the tests that run one server
# or one database on many threads at once, the server under test being the TSan build. Every
# report is written under build-tsan/tsan-reports/ (the directory is emptied first); the script
# fails when there is one.
# Usage: flock /tmp/parcours-cpu.lock bench/tsan.sh [ctest -R regex]
# The build takes about as long as tests/run.sh's sanitizer build; the database is a throw-away
# MariaDB (deploy/mariadb.sh).
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
filter=${1:-'concurren|two processes|threads|hashing gate|dispatchers never|agency (sync|feed)|held lock|full worker queue|deadlocks'}

CC=clang CXX=clang++ cmake -S . -B build-tsan -DPARCOURS_BUILD_TESTS=ON -DPARCOURS_SANITIZE=thread -DPARCOURS_PCH=ON \
  -DCMAKE_BUILD_TYPE=None -DCMAKE_CXX_FLAGS="-O1 -gline-tables-only -DNDEBUG" -DCMAKE_EXE_LINKER_FLAGS=-fuse-ld=lld \
  >/dev/null
started=$SECONDS
cmake --build build-tsan -j2 --target parcours unit_tests db_tests api_tests >build-tsan/build.log 2>&1 ||
  { grep -m 20 -A6 'error:' build-tsan/build.log || tail -n 40 build-tsan/build.log; exit 1; }
echo "built in $((SECONDS - started)) s"

tmp=$(mktemp -d /tmp/parcours-tsan.XXXXXX)
trap 'deploy/mariadb.sh stop "$tmp" >/dev/null 2>&1 || true; rm -rf -- "$tmp"' EXIT
port=$(/usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
deploy/mariadb.sh start "$tmp" "$port" >/dev/null
password=$(openssl rand -hex 16)
deploy/mariadb.sh create-admin "$tmp" parcours_test "$password" >/dev/null

reports=$root/build-tsan/tsan-reports
rm -rf "$reports" && mkdir -p "$reports"
export PARCOURS_TEST_DB_ADMIN_URL="mysql://parcours_test:${password}@127.0.0.1:${port}/"
export PARCOURS_TEST_BINARY=$root/build-tsan/parcours PARCOURS_TEST_OPENAPI=$root/api/openapi.yaml
export PARCOURS_TEST_SOURCE_DIR=$root
# second_deadlock_stack: both stacks of a lock-order report; the libraries built without TSan
# (MariaDB Connector/C++, Pistache, libcurl) are not instrumented: their own accesses are not
# seen, their locks (pthread) are.
export TSAN_OPTIONS="halt_on_error=0:second_deadlock_stack=1:history_size=4:log_path=$reports/tsan:suppressions=$root/tests/sanitizers/tsan.supp"
set +e
ctest --test-dir build-tsan --output-on-failure -j1 -R "$filter" 2>&1 | tee "$tmp/ctest.log" | grep -E '^ *[0-9]+/[0-9]+ Test|tests passed|Total Test time'
set -e
count=$(cat "$reports"/tsan.* 2>/dev/null | grep -c '^WARNING: ThreadSanitizer' || true)
echo "ThreadSanitizer reports: $count (in $reports)"
if ((count > 0)); then
  cat "$reports"/tsan.* | grep -E '^WARNING: ThreadSanitizer|^SUMMARY' | sort | uniq -c | sort -rn | head -n 20
  exit 1
fi
