#!/usr/bin/env bash
# The one command that runs every test tier: installs test dependencies, builds with tests, lints
# the OpenAPI document, starts a throw-away MariaDB, runs ctest, then checks the API responses the
# tests recorded against the OpenAPI document. The last line printed is ctest's summary line.
#
# Usage: tests/run.sh [extra ctest arguments, e.g. -R catalogue]
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"

step() { printf '==> %s\n' "$*"; }
failures=()

step "installing test dependencies (deploy/install-deps.sh test)"
deploy/install-deps.sh test

# -O2 without debug information, as a unity build (CMake joins each target's sources eight at a
# time): from a clean clone it builds in about 6.5 min instead of 16 (RelWithDebInfo, one file at
# a time) on this 2-core machine. The sanitized build below is a unity build too.
step "building with tests (build-test/, -O2, unity build)"
cmake -S . -B build-test -DCMAKE_BUILD_TYPE=Release -DCMAKE_CXX_FLAGS_RELEASE="-O2 -DNDEBUG" -DCMAKE_UNITY_BUILD=ON \
  -DPARCOURS_BUILD_TESTS=ON
cmake --build build-test -j2

# --- the sanitized build, in the background ---------------------------------------------------------
# build-san/ (tests/sanitizers/build.sh): clang with AddressSanitizer + UndefinedBehaviorSanitizer
# (every report fatal) and libFuzzer's coverage, -O1 with line tables only, lld, precompiled
# headers, and only what its tier runs (the server, the unit and db test programs, the fuzz
# targets; the api tests are build-test's, driving the sanitized server). It builds at idle
# priority (SCHED_IDLE: only on CPU time the tests below leave unused, so that their timings are
# not disturbed) while the other tiers run; its phase (tests/sanitizers/phase.sh) runs at the end
# of this script.
# PARCOURS_SANITIZERS: auto (the default) runs this tier on a full run (no ctest filter), 1 with a
# filter too, 0 leaves it out.
san_mode=${PARCOURS_SANITIZERS:-auto}
san_on=false
[[ $san_mode == 1 || ($san_mode == auto && $# -eq 0) ]] && san_on=true
san_build_pid=""
if $san_on; then
  step "building with ASan+UBSan and fuzz targets (build-san/, clang -O1) in the background, at idle priority"
  mkdir -p build-san
  san_started=$SECONDS
  # setsid: its own process group, stopped as a whole if this script ends first. A new session is
  # also a new scheduling autogroup (kernel.sched_autogroup_enabled), which the kernel would give
  # as much CPU as this script's whole group whatever the policy inside it: its nice 19 keeps
  # the build at idle priority in fact.
  setsid bash -c 'echo 19 >/proc/self/autogroup 2>/dev/null; exec chrt --idle 0 tests/sanitizers/build.sh' \
    >build-san/build.log 2>&1 &
  san_build_pid=$!
fi

# --- OpenAPI lint ---------------------------------------------------------------------------------
# Pinned: with "@redocly/cli@1" npm picks 1.34.21, whose @redocly/respect-core@1.34.21 the registry
# here cannot resolve (ETARGET); 1.34.20 installs cleanly (~11 s, ~200 MB in tests/.tools).
redocly_version=${PARCOURS_REDOCLY_VERSION:-1.34.20}
redocly=tests/.tools/node_modules/.bin/redocly
if [[ ! -x $redocly ]]; then
  step "installing the OpenAPI linter (@redocly/cli@$redocly_version into tests/.tools)"
  npm install --prefix tests/.tools --no-audit --no-fund "@redocly/cli@$redocly_version"
fi
export REDOCLY_TELEMETRY=off REDOCLY_SUPPRESS_UPDATE_NOTICE=true
lint_args=(lint api/openapi.yaml)
lint_args+=(--config tests/redocly.yaml)
step "linting api/openapi.yaml (redocly, tests/redocly.yaml)"
if ! "$redocly" "${lint_args[@]}"; then
  failures+=("OpenAPI lint of api/openapi.yaml (redocly)")
fi

# --- browser-test packages ------------------------------------------------------------------------
# Playwright and axe-core for tests/web, in a local folder (never global; no browser download: the
# tests drive Debian's chromium, which deploy/install-deps.sh test installs). Only when chromium is
# truly absent is the browser tier skipped, and said so; a failed npm install fails the run.
web_dir=build-test/web-tests
chromium=${PARCOURS_CHROMIUM:-/usr/bin/chromium}
web_specs=$(ls tests/web/*.spec.mjs | wc -l)
web_skip=()
if [[ ! -x $chromium ]]; then
  step "SKIPPING the browser tier (tests/web): no chromium at $chromium (deploy/install-deps.sh test installs it)"
  web_skip=(-E '^web: ')
  web_specs=0
elif [[ ! -x $web_dir/node_modules/.bin/playwright ]] || ! cmp -s tests/web/package.json "$web_dir/package.json"; then
  step "installing the browser-test packages (@playwright/test, @axe-core/playwright into $web_dir)"
  mkdir -p "$web_dir"
  cp tests/web/package.json "$web_dir/"
  if ! PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm install --prefix "$web_dir" --no-audit --no-fund; then
    rm -f "$web_dir/package.json"  # tried again next run
    failures+=("npm install of the browser-test packages into $web_dir")
  fi
fi
rm -rf build-test/screenshots

# --- throw-away MariaDB ---------------------------------------------------------------------------
tmp=$(mktemp -d /tmp/parcours-test.XXXXXX)
cleaned=false
cleanup() {
  $cleaned && return 0
  cleaned=true
  [[ -n $san_build_pid ]] && { kill -- "-$san_build_pid" 2>/dev/null || true; }
  deploy/mariadb.sh stop "$tmp" >/dev/null 2>&1 || deploy/mariadb.sh stop "$tmp" >&2 || true
  rm -rf -- "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

free_port() {
  local p
  if /usr/bin/python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])' \
    2>/dev/null; then
    return 0
  fi
  for ((p = 34000; p < 35000; p++)); do
    if [[ -z $(ss -ltnH "sport = :$p") ]]; then
      echo "$p"
      return 0
    fi
  done
  echo "no free port found" >&2
  return 1
}

step "starting a throw-away MariaDB in $tmp"
started=false
for attempt in 1 2 3; do
  db_port=$(free_port)
  if deploy/mariadb.sh start "$tmp" "$db_port"; then
    started=true
    break
  fi
  echo "==> MariaDB start attempt $attempt on port $db_port failed; retrying on another port" >&2
done
$started || { echo "could not start MariaDB" >&2; exit 1; }

db_password=$(openssl rand -hex 16)
deploy/mariadb.sh create-admin "$tmp" parcours_test "$db_password"

export PARCOURS_TEST_DB_ADMIN_URL="mysql://parcours_test:${db_password}@127.0.0.1:${db_port}/"
export PARCOURS_TEST_BINARY=$root/build-test/parcours
export PARCOURS_TEST_OPENAPI=$root/api/openapi.yaml
export PARCOURS_TEST_RESPONSES=$tmp/responses.jsonl
export PARCOURS_TEST_SOURCE_DIR=$root

# --- ctest ----------------------------------------------------------------------------------------
# Two tests at a time (PARCOURS_CTEST_JOBS): most of a test's time is spent waiting for its
# server, its database or its browser. The browser journeys take one chromium at a time
# (RESOURCE_LOCK browser) and the api tests tagged [serial] (crash and outage: they kill
# servers, stop their database and time the recovery) run alone (tests/CMakeLists.txt).
ctest_jobs=${PARCOURS_CTEST_JOBS:-2}
step "running ctest ($ctest_jobs at a time)"
set +e
ctest --test-dir build-test --output-on-failure -j"$ctest_jobs" --no-tests=error --output-junit "$tmp/ctest.xml" "${web_skip[@]}" "$@" 2>&1 |
  tee "$tmp/ctest.log"
ctest_rc=${PIPESTATUS[0]}
set -e
((ctest_rc == 0)) || failures+=("ctest (exit code $ctest_rc)")

# --- every test case ran ---------------------------------------------------------------------------
# ctest reports a test whose name it split (or that matched nothing) as passed: compare each
# program's own list of test cases with what ctest ran. Only for a full run (no ctest filter).
if (($# == 0)); then
  step "checking that every test case of every program ran and passed"
  if ! /usr/bin/python3 tests/support/check_test_counts.py "$tmp/ctest.xml" \
    "build-test/tests/unit_tests=unit:" "build-test/tests/db_tests=db:" \
    "build-test/tests/api_tests=api:" "build-test/tests/cert/cert_tests=cert:" \
    "web=$web_specs"; then
    failures+=("some test cases did not run under ctest (tests/support/check_test_counts.py)")
  fi
fi

# --- recorded responses vs OpenAPI ----------------------------------------------------------------
if ((ctest_rc == 0)); then
  if [[ -s $PARCOURS_TEST_RESPONSES ]]; then
    step "checking $(wc -l <"$PARCOURS_TEST_RESPONSES") recorded API responses against api/openapi.yaml"
    if ! /usr/bin/python3 tests/support/check_openapi.py responses api/openapi.yaml "$PARCOURS_TEST_RESPONSES"; then
      failures+=("recorded API responses do not conform to api/openapi.yaml (tests/support/check_openapi.py)")
    fi
  else
    step "no API responses were recorded ($PARCOURS_TEST_RESPONSES); response check skipped"
  fi
fi

# --- the deployment: three Galera nodes, three servers, nginx ------------------------------------
# Only for a full run, and only where the Galera provider is installed (the test profile of
# deploy/install-deps.sh installs it).
if (($# == 0)); then
  if [[ -e /usr/lib/galera/libgalera_smm.so ]]; then
    step "running the deployment tests (tests/cluster.sh)"
    if ! tests/cluster.sh; then
      failures+=("deployment tests (tests/cluster.sh)")
    fi
  else
    step "galera-4 is not installed: the deployment tests (tests/cluster.sh) did not run"
    failures+=("deployment tests not run: galera-4 missing (deploy/install-deps.sh test)")
  fi
fi

# --- sanitizers and fuzzing ------------------------------------------------------------------------
# Once build-san/ is built, tests/sanitizers/phase.sh: the unit and db tests of build-san/, the api
# tests against the sanitized server and a fuzz smoke of every target (see that script). Any
# failure, finding or sanitizer report fails the run; its logs are kept in build-san/san-logs/.
if $san_on; then
  san_build_rc=0
  wait "$san_build_pid" || san_build_rc=$?
  san_build_pid=""
  echo "    build-san/ built $((SECONDS - san_started)) s after it started (exit code $san_build_rc)"
  if ((san_build_rc != 0)); then
    grep -m 20 -B2 -A6 'error:' build-san/build.log || tail -n 40 build-san/build.log
    failures+=("the sanitizer build (build-san/) failed (build-san/build.log)")
  elif ! tests/sanitizers/phase.sh "$tmp/san"; then
    while IFS= read -r f; do failures+=("$f"); done <"$tmp/san/failures"
    [[ -s $tmp/san/failures ]] || failures+=("the sanitizer phase (tests/sanitizers/phase.sh) stopped")
  fi
else
  step "the sanitizer and fuzz tier is off (PARCOURS_SANITIZERS=$san_mode${*:+, a ctest filter})"
fi

# Keep ctest's summary for the end, then clean up quietly (the EXIT trap is the safety net).
summary=$(grep -E '^[0-9]+% tests passed' "$tmp/ctest.log" | tail -n 1 || true)
total_time=$(grep -E '^Total Test time' "$tmp/ctest.log" | tail -n 1 || true)
failed_list=$(awk '/^The following tests FAILED:/ { on = 1; print; next } on && /^[[:space:]]/ { print; next } { on = 0 }' \
  "$tmp/ctest.log")
cleanup

echo
if ((${#failures[@]})); then
  for f in "${failures[@]}"; do
    echo "==> FAILED: $f"
  done
  [[ -n $failed_list ]] && echo "$failed_list"
fi
[[ -n $total_time ]] && echo "$total_time"
if [[ -n $summary ]]; then
  echo "$summary"
else
  echo "ctest printed no summary (exit code $ctest_rc)"
fi
((${#failures[@]} == 0))
