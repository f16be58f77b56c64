#!/usr/bin/env bash
# The speed-meeting planner's benchmark (pure computation, no database or server).
# Usage: bench/speed_meeting.sh [repeats=5]. Prints a table to paste into bench/RESULTS.md.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
. bench/lib.sh
bench_build speed_meeting_bench
build/speed_meeting_bench "${1:-5}"
