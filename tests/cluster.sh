#!/usr/bin/env bash
# The deployment tests: deploy/cluster.sh starts three MariaDB Galera nodes, three
# `parcours serve` (--test-clock) and nginx in a temporary directory on free loopback ports,
# then tests/deploy/cluster_test.py checks the invariants through them (the rush, each
# decision once, migrations once, the feed, a node killed mid-rush, a rolling update, backup
# and restore, /metrics). tests/run.sh calls it when the Galera provider is installed
# (deploy/install-deps.sh test installs it). It prints one line per test, then
# "N passed, N failed".
#
# Usage: tests/cluster.sh [test-name filter]     (the binary: $PARCOURS_TEST_BINARY or build-test/parcours;
#        CLUSTER_KEEP=1 keeps the temporary directory, its logs and data, for analysis)
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
binary=${PARCOURS_TEST_BINARY:-$root/build-test/parcours}
[[ -x $binary ]] || { echo "tests/cluster.sh: no binary at $binary (build first)" >&2; exit 2; }
[[ -e /usr/lib/galera/libgalera_smm.so ]] || { echo "tests/cluster.sh: galera-4 is not installed (deploy/install-deps.sh test)" >&2; exit 2; }

base=$(deploy/free-port-block.sh) || exit 2

dir=$(mktemp -d /tmp/parcours-cluster.XXXXXX)
chmod 755 "$dir"
cleanup() {
  deploy/cluster.sh stop "$dir" >/dev/null 2>&1 || true
  if [[ -n ${CLUSTER_KEEP:-} ]]; then echo "==> kept $dir (CLUSTER_KEEP)"; else rm -rf -- "$dir"; fi
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

t0=$EPOCHREALTIME
echo "==> starting 3 Galera nodes, 3 servers and nginx (deploy/cluster.sh, ports from $base)"
if ! PARCOURS_SCRYPT_N=1024 CLUSTER_NODES=3 CLUSTER_SERVERS=3 CLUSTER_TEST_CLOCK=1 CLUSTER_BASE_PORT=$base \
  PARCOURS_BINARY=$binary deploy/cluster.sh start "$dir"; then
  for f in "$dir"/node*/mariadb.err "$dir"/server*.log; do [[ -f $f ]] && { echo "--- $f"; tail -n 20 "$f"; }; done
  echo "0 passed, 1 failed"
  exit 1
fi
set +e
/usr/bin/python3 tests/deploy/cluster_test.py "$dir" "$@"
rc=$?
# The storage tests of this tier (tests/galera): the transaction runner against two of the
# nodes, as the servers use them.
galera_tests=$(dirname "$binary")/tests/galera_tests
if [[ -z ${1:-} || $1 == galera ]]; then
  if [[ -x $galera_tests ]]; then
    admin=$(sed -n 's/^ADMIN_DATABASE_URL=//p' "$dir/cluster.env")
    read -r -a nodes <<<"$(sed -n 's/^NODE_PORTS="\(.*\)"/\1/p' "$dir/cluster.env")"
    two=$(echo "$admin" | sed "s|@127.0.0.1:${nodes[0]}/|@127.0.0.1:${nodes[0]},127.0.0.1:${nodes[1]}/mysql|")
    echo "==> the Galera storage tests (tests/galera)"
    PARCOURS_GALERA_ADMIN_URL=$two "$galera_tests" || rc=1
  else
    echo "FAIL  no $galera_tests (build the tests)"
    rc=1
  fi
fi
set -e
if ((rc != 0)); then
  for f in "$dir"/server*.log; do echo "--- errors in $f"; grep '"level":"error"' "$f" | tail -n 10; done
fi
echo "==> deployment tests took $(awk -v a="$t0" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.0f", b - a }') s"
exit $rc
