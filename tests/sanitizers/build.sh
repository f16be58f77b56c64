#!/usr/bin/env bash
# Configures and builds build-san/, the sanitizer tier's build: clang with AddressSanitizer +
# UndefinedBehaviorSanitizer (every report fatal) and libFuzzer's coverage (PARCOURS_FUZZ=ON),
# made cheap: -O1 with line tables only (reports keep file:line), lld, precompiled headers
# (PARCOURS_PCH) and a unity build (CMAKE_UNITY_BUILD: from nothing 7 min 20 s on two cores). Shared by tests/run.sh and bench/fuzz.sh, so that both keep one configuration
# (a different one rebuilds everything).
# Usage: tests/sanitizers/build.sh [target...]   (default: what tests/run.sh's tier runs: the
# server, the unit and db test programs and every fuzz target)
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$root"
targets=("$@")
if ((${#targets[@]} == 0)); then
  targets=(parcours unit_tests db_tests)
  for t in $(sed -n 's/^set(PARCOURS_FUZZ_TARGETS \(.*\))$/\1/p' tests/fuzz/CMakeLists.txt); do targets+=("fuzz_$t"); done
fi
CC=clang CXX=clang++ cmake -S . -B build-san -DPARCOURS_BUILD_TESTS=ON -DPARCOURS_FUZZ=ON -DPARCOURS_PCH=ON \
  -DCMAKE_UNITY_BUILD=ON -DCMAKE_BUILD_TYPE=None -DCMAKE_CXX_FLAGS="-O1 -gline-tables-only -DNDEBUG" -DCMAKE_EXE_LINKER_FLAGS=-fuse-ld=lld \
  >/dev/null
cmake --build build-san -j2 --target "${targets[@]}"
