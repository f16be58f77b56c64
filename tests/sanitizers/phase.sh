#!/usr/bin/env bash
# The sanitizer and fuzz phase of tests/run.sh, which also runs alone once build-san/
# (tests/sanitizers/build.sh) and build-test/'s api_tests are built:
#   export PARCOURS_TEST_DB_ADMIN_URL=mysql://user:password@127.0.0.1:33306/ \
#     PARCOURS_TEST_OPENAPI=$PWD/api/openapi.yaml PARCOURS_TEST_SOURCE_DIR=$PWD
#   flock /tmp/parcours-cpu.lock tests/sanitizers/phase.sh [WORK_DIR]
#
# - the unit and db test programs of build-san/ (ASan + UBSan, every report fatal), each in two
#   processes of half its test cases (one process per core; one process per test case, as ctest
#   runs them, costs the sanitized runtime's start for each of ~400 cases);
# - build-test's api tests driving the sanitized server (build-san/parcours), PARCOURS_SAN_JOBS
#   (2) at a time, minus PARCOURS_SAN_EXCLUDE (the crash and outage tests, which kill servers and
#   stop the database);
# - meanwhile each fuzz target of tests/fuzz replays its regressions and runs
#   PARCOURS_FUZZ_SECONDS (30) from its seeds, PARCOURS_FUZZ_JOBS (2) targets at a time, at idle
#   priority (SCHED_IDLE: on the CPU time the tests leave, which waiting for servers and the
#   database leaves plenty of).
# Every sanitizer report (LeakSanitizer's at each process's exit included) is written under
# WORK_DIR/sanitizer and fails the phase; LeakSanitizer reads tests/sanitizers/lsan.supp. Failures
# are printed and written, one a line, to WORK_DIR/failures; the exit code is 0 without any.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$root"
work=${1:-$(mktemp -d /tmp/parcours-san.XXXXXX)}
mkdir -p "$work"
work=$(cd "$work" && pwd)
rm -rf "$work/sanitizer" "$work/fuzz" "$work/failures"
mkdir -p "$work/sanitizer" "$work/fuzz"
: >"$work/failures"
fail() {
  echo "==> FAILED: $*"
  echo "$*" >>"$work/failures"
}
step() { printf '==> %s\n' "$*"; }
phase_started=$SECONDS

fuzz_targets=$(sed -n 's/^set(PARCOURS_FUZZ_TARGETS \(.*\))$/\1/p' tests/fuzz/CMakeLists.txt)
fuzz_seconds=${PARCOURS_FUZZ_SECONDS:-30}
fuzz_jobs=${PARCOURS_FUZZ_JOBS:-2}
# One input's limit in wall time: at idle priority beside the api tests a target may wait
# seconds for a core, so 10 s (libFuzzer's usual) would report a loaded machine as a hang.
fuzz_timeout=${PARCOURS_FUZZ_TIMEOUT:-60}
san_jobs=${PARCOURS_SAN_JOBS:-2}
san_exclude=${PARCOURS_SAN_EXCLUDE-'^api:(crash|outage):'}

# Both runtimes write to the same log_path (in one binary the last one read wins anyway).
export LSAN_OPTIONS="suppressions=$root/tests/sanitizers/lsan.supp:print_suppressions=0"
san_log="log_path=$work/sanitizer/report"
export ASAN_OPTIONS="detect_leaks=1:$san_log:strict_string_checks=1:detect_stack_use_after_return=1"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1:$san_log"

# --- fuzz smoke, in the background --------------------------------------------------------------
# Lane i takes targets i, i+jobs, ...; libFuzzer's own output (and a finding's report) goes to
# the target's log, not to log_path.
step "fuzz smoke in the background: $fuzz_targets (${fuzz_seconds} s each, $fuzz_jobs at a time, idle priority)"
read -r -a all_targets <<<"$fuzz_targets"
fuzz_pids=()
for ((lane = 0; lane < fuzz_jobs; lane++)); do
  (
    for ((i = lane; i < ${#all_targets[@]}; i += fuzz_jobs)); do
      target=${all_targets[i]}
      seeds=(tests/fuzz/corpus/$target)
      [[ -d tests/fuzz/regressions/$target ]] && seeds+=(tests/fuzz/regressions/$target)
      mkdir -p "$work/fuzz/$target"
      rc=0
      ASAN_OPTIONS="detect_leaks=1" UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1" \
        chrt --idle 0 "build-san/tests/fuzz/fuzz_$target" -max_total_time="$fuzz_seconds" -timeout="$fuzz_timeout" \
        -rss_limit_mb=2048 -print_final_stats=1 -artifact_prefix="$work/fuzz/$target-" "$work/fuzz/$target" \
        "${seeds[@]}" >"$work/fuzz/$target.log" 2>&1 || rc=$?
      echo "$rc" >"$work/fuzz/$target.rc"
    done
  ) &
  fuzz_pids+=($!)
done

# --- unit and db tests on the sanitized build --------------------------------------------------
# Each program's test cases split in two lists, one process each, both at once.
run_split() {  # program name
  local program=$1 started=$SECONDS pids=() rc=0 half
  # Catch reads each line of -f as a test spec: the characters a spec gives a meaning to
  # (, [ ] * " ~ \) are escaped, or a name holding one matches nothing (and is not run).
  "build-san/tests/$program" --list-test-names-only 2>/dev/null | sed '/^$/d' | sed 's/[][,*\\"~]/\\&/g' >"$work/$program.all"
  for half in 0 1; do
    awk -v h="$half" 'NR % 2 == h' "$work/$program.all" >"$work/$program.$half"
    "build-san/tests/$program" -f "$work/$program.$half" >"$work/$program.$half.log" 2>&1 &
    pids+=($!)
  done
  local ran=0 n
  for half in 0 1; do
    if ! wait "${pids[half]}"; then
      rc=1
      grep -E -B3 -A12 'FAILED' "$work/$program.$half.log" | head -n 60
      tail -n 5 "$work/$program.$half.log"
    fi
    # Catch's summary: "All tests passed (N assertions in M test cases)" or "test cases: M | ...".
    n=$(sed -En 's/.* in ([0-9]+) test cases?\)$/\1/p; s/^test cases: *([0-9]+) .*/\1/p' "$work/$program.$half.log" | tail -n 1)
    ran=$((ran + ${n:-0}))
  done
  if ((ran != $(wc -l <"$work/$program.all"))); then
    rc=1
    echo "    $program ran $ran test cases of $(wc -l <"$work/$program.all")"
  fi
  echo "    $program: $(wc -l <"$work/$program.all") test cases in 2 processes, $((SECONDS - started)) s," \
    "$( ((rc == 0)) && echo passed || echo FAILED)"
  ((rc == 0)) || fail "$program on the sanitized build (logs: build-san/san-logs/$program.*.log)"
}
set +e
step "running the unit and db tests on the sanitized build (build-san/tests/{unit,db}_tests)"
run_split unit_tests
run_split db_tests

# --- api tests against the sanitized server ----------------------------------------------------
step "running the api tests against the sanitized server (build-san/parcours; ctest -j$san_jobs -R '^api:' -E '$san_exclude')"
api_started=$SECONDS
PARCOURS_TEST_BINARY=$root/build-san/parcours PARCOURS_TEST_RESPONSES= \
  ctest --test-dir build-test --output-on-failure -j"$san_jobs" --no-tests=error -R '^api:' -E "$san_exclude" \
  >"$work/ctest-api.log" 2>&1
api_rc=$?
grep -E '^[0-9]+% tests passed' "$work/ctest-api.log" | sed "s/^/    sanitized server: /;s/\$/ ($((SECONDS - api_started)) s)/"
if ((api_rc != 0)); then
  awk '/^The following tests FAILED:/ { on = 1 } on' "$work/ctest-api.log"
  # What failed, as Catch2 printed it (the log stays in build-san/san-logs/ only on this machine).
  grep -E -B2 -A8 ': FAILED:$' "$work/ctest-api.log" | head -n 80
  fail "api tests against the sanitized server (build-san/san-logs/ctest-api.log)"
fi

# --- fuzz results --------------------------------------------------------------------------------
wait "${fuzz_pids[@]}"
set -e
for target in $fuzz_targets; do
  if [[ $(cat "$work/fuzz/$target.rc" 2>/dev/null) != 0 ]]; then
    grep -m 20 -E 'ERROR|FUZZ FINDING|runtime error|SUMMARY|^#' "$work/fuzz/$target.log" | tail -n 20
    fail "fuzz target $target found a crash (input and log in build-san/san-logs/fuzz; copy the input to tests/fuzz/regressions/$target/)"
  else
    printf '    fuzz %s: %s\n' "$target" "$(grep -E '^stat::(number_of_executed_units|average_exec_per_sec)' \
      "$work/fuzz/$target.log" | tr '\n' ' ')"
  fi
done

# --- sanitizer reports ---------------------------------------------------------------------------
reports=$(find "$work/sanitizer" -type f | wc -l)
if ((reports > 0)); then
  head -n 60 "$work"/sanitizer/*
  fail "sanitizer reports: $reports (in build-san/san-logs/sanitizer/)"
fi
echo "    sanitizer phase: $((SECONDS - phase_started)) s, $reports sanitizer reports"
if [[ -s $work/failures ]]; then
  rm -rf "$root/build-san/san-logs" && cp -r "$work" "$root/build-san/san-logs"
  exit 1
fi
