#!/usr/bin/env bash
# Long fuzzing campaigns: runs every libFuzzer target of tests/fuzz for MINUTES minutes each (one
# after the other, one core), from its seeds in tests/fuzz/corpus/<target>/ and what earlier
# campaigns found (bench/fuzz-corpus/<target>/, kept between runs, not committed). A crash is
# written to tests/fuzz/regressions/<target>/: fix it, keep the file (every run replays it).
# Prints, per target, executions per second and whether it found anything; add the figures and
# the CPU time to bench/RESULTS.md ("Fuzzing").
#
# Usage: bench/fuzz.sh MINUTES [target...]     (default: every target)
# The build is build-san/ (tests/sanitizers/build.sh), shared with the sanitizer tier of
# tests/run.sh. Take the shared CPU lock yourself if the machine is shared:
#   flock /tmp/parcours-cpu.lock bench/fuzz.sh 60
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
minutes=${1:?usage: bench/fuzz.sh MINUTES [target...]}
shift
targets=("$@")
((${#targets[@]})) || targets=(http_request json_bodies csv_import config pdf_verify ics_roundtrip csv_roundtrip)

# PARCOURS_FUZZ_BIN: a directory holding copies of the fuzz_<target> programs, run without
# building (a campaign at idle priority beside builds of build-san/). With the kernel's
# scheduling autogroups (kernel.sched_autogroup_enabled), idle priority holds only inside the
# session: start the campaign in a session of its own whose autogroup has nice 19, or it takes
# as much CPU as the builds' whole session:
#   setsid bash -c 'echo 19 >/proc/self/autogroup; exec chrt --idle 0 env PARCOURS_FUZZ_BIN=/tmp/fuzz-bin PARCOURS_FUZZ_TIMEOUT=300 bench/fuzz.sh 30'
# PARCOURS_FUZZ_TIMEOUT: the seconds one input may take (libFuzzer's -timeout, 10 by default), in
# wall time: a campaign at idle priority beside builds gets next to no CPU for minutes, and every
# target then "times out" on an ordinary input. Give such a campaign 300. Inputs slower than it
# are also what libFuzzer reports as slow units (its own threshold is 10 s).
timeout=${PARCOURS_FUZZ_TIMEOUT:-10}
bin=${PARCOURS_FUZZ_BIN:-build-san/tests/fuzz}
[[ -n ${PARCOURS_FUZZ_BIN:-} ]] || tests/sanitizers/build.sh $(printf 'fuzz_%s ' "${targets[@]}") >/dev/null

export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:allocator_may_return_null=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
log=$(mktemp -d /tmp/parcours-fuzz.XXXXXX)
printf '%-14s %10s %10s %12s %8s  %s\n' target seconds 'cpu s' 'exec/s' findings corpus
for t in "${targets[@]}"; do
  corpus=bench/fuzz-corpus/$t
  regressions=tests/fuzz/regressions/$t
  mkdir -p "$corpus" "$regressions"
  seeds=(tests/fuzz/corpus/$t)
  [[ -n $(ls -A "$regressions") ]] && seeds+=("$regressions")
  start=$(date +%s)
  set +e
  TIMEFORMAT='%U %S'  # the target's CPU time, user and system
  { time "$bin/fuzz_$t" -max_total_time=$((minutes * 60)) -timeout="$timeout" -report_slow_units="$timeout" -rss_limit_mb=2048 \
    -print_final_stats=1 -artifact_prefix="$regressions/" "$corpus" "${seeds[@]}" >"$log/$t.log" 2>&1; } 2>"$log/$t.cpu"
  rc=$?
  cpu=$(awk '{ printf "%.0f", $1 + $2 }' "$log/$t.cpu")
  set -e
  secs=$(($(date +%s) - start))
  rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log/$t.log" | tail -n 1)
  findings=0
  # Stopped with SIGINT (how a campaign is ended early), libFuzzer prints its statistics and
  # exits with 72: not a finding when the log says so and reports no error.
  if ((rc == 72)) && grep -q 'libFuzzer: run interrupted' "$log/$t.log" &&
    ! grep -q -E '==[0-9]+==ERROR|FUZZ FINDING|runtime error:' "$log/$t.log"; then
    rc=0
  fi
  ((rc == 0)) || findings=1
  printf '%-14s %10s %10s %12s %8s  %s files\n' "$t" "${secs:-?}" "${cpu:-?}" "${rate:-?}" "$findings" "$(ls "$corpus" | wc -l)"
  if ((rc != 0)); then
    echo "  finding (exit $rc); log: $log/$t.log; input in $regressions/" >&2
    grep -m 5 -E 'ERROR|FUZZ FINDING|runtime error' "$log/$t.log" >&2 || true
  fi
done
echo "logs in $log"
