#!/usr/bin/env bash
# Server-side page rendering and page weight, on the demo data (deploy/run.sh's catalogue and
# people) in a throw-away MariaDB. Two measurements per page, 500 requests each:
#   direct  web::Site::Handle over the real services and database, no HTTP (what the server
#           spends on a page: service calls and templates);
#   http    the same page over a keep-alive HTTP connection to `parcours serve` (libcurl).
# The staff's pages (the trainer's sheet of a past session of the demo trainer, the
# coordinator's dashboard) are measured over HTTP only, signed in as those people.
# Usage: bench/pages.sh [REPEATS]
# PARCOURS_BENCH_BUILD=build-test uses the binaries of an existing test build (-O2 without debug
# information) instead of making the Release build in build/.
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
# The staff's pages, as the demo trainer and the coordinator.
trainer_token=$(curl -sf -H 'Content-Type: application/json' -d "{\"email\":\"trainer@parcours.local\",\"password\":\"$PARCOURS_DEMO_TRAINER_PASSWORD\"}" "$url/api/v1/auth/login" |
  python3 -c 'import json,sys; print(json.load(sys.stdin)["token"])')
sheet=$(curl -sf -H "Authorization: Bearer $trainer_token" "$url/api/v1/me/sessions?when=past&limit=1" |
  python3 -c 'import json,sys; print(json.load(sys.stdin)["items"][0]["id"])')
"$bin"/pages_bench http "$url" trainer@parcours.local "$PARCOURS_DEMO_TRAINER_PASSWORD" "$repeats" /trainer "/trainer/sessions/$sheet"
"$bin"/pages_bench http "$url" coordinator@bench.local "$PARCOURS_BOOTSTRAP_COORDINATOR_PASSWORD" "$repeats" /desk "/desk/sessions/$sheet"
