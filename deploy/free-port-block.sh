#!/usr/bin/env bash
# Prints the first port of a block of 211 loopback ports that nothing listens on, the block
# deploy/cluster.sh uses from CLUSTER_BASE_PORT (BASE+10 .. BASE+201). Below 32768: outside
# Linux's ephemeral range, so that no client connection holds one of them either.
set -euo pipefail
for _ in $(seq 50); do
  candidate=$((20000 + (RANDOM % 120) * 100))
  if [[ -z $(ss -ltnH | awk -v lo="$candidate" -v hi=$((candidate + 210)) '{ n = split($4, a, ":"); p = a[n] + 0; if (p >= lo && p <= hi) print p }') ]]; then
    echo "$candidate"
    exit 0
  fi
done
echo "free-port-block.sh: no free block of ports" >&2
exit 1
