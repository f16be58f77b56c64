#!/usr/bin/env bash
# Server-side page rendering and page weight, on the demo data (deploy/run.sh's catalogue and
# people) in a throw-away MariaDB. Two measurements per page, 500 requests each:
#   direct  web::Site::Handle over the real services and database, no HTTP (what the server
#           spends on a page: service calls and templates);
#   http    the same page over a keep-alive HTTP connection to `parcours serve` (libcurl).
# Usage: bench/pages.sh [REPEATS]
# PARCOURS_BENCH_BUILD=build-test uses the binaries of an existing test build (RelWithDebInfo,
# -O2 as Release) instead of making the Release build in build/.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
. bench/lib.sh
repeats=${1:-500}

bin=${PARCOURS_BENCH_BUILD:-build}
[[ $bin == build ]] && bench_build parcours pages_bench
bench_setup parcours-pages
bench_demo_data
"$bin"/pages_bench direct "$db" participant@parcours.local "$PARCOURS_DEMO_PARTICIPANT_PASSWORD" "$repeats"
bench_serve
"$bin"/pages_bench http "$url" participant@parcours.local "$PARCOURS_DEMO_PARTICIPANT_PASSWORD" "$repeats"
