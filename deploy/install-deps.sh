#!/usr/bin/env bash
# Installs the Debian 12 packages Parcours needs to build, run and test, skipping those present.
# Usage: deploy/install-deps.sh [runtime|test|bench]   (default: runtime = build + serve;
# bench adds the tools the benchmarks compare against: TCPDF, wrk; test and bench add what
# deploy/cluster.sh runs: nginx, the Galera provider, rsync for its state transfers)
set -euo pipefail
profile=${1:-runtime}
pkgs=(
  build-essential cmake pkg-config
  libpistache-dev libmysqlcppconn-dev libboost-dev libhpdf-dev libssl-dev
  nlohmann-json3-dev libqrencode-dev libpng-dev zlib1g-dev libcurl4-openssl-dev fonts-dejavu-core
  libhowardhinnant-date-dev tzdata libkainjow-mustache-dev
  mariadb-server mariadb-client openssl ca-certificates curl
)
if [[ $profile == bench ]]; then
  pkgs+=(php-cli php-tcpdf poppler-utils)
  # bench/reads.sh and bench/profile_reads.sh (issue 13): the HTTP load client and the profiler.
  pkgs+=(wrk linux-perf)
fi
if [[ $profile == test || $profile == bench ]]; then
  pkgs+=(nginx galera-4 rsync python3-prometheus-client)
fi
if [[ $profile == test ]]; then
  pkgs+=(catch2 poppler-utils qpdf zbar-tools python3 python3-jsonschema python3-yaml clang)
  # The browser tests drive Debian's chromium headless (Playwright downloads no browser).
  pkgs+=(chromium fonts-liberation)
  # Node may come from elsewhere (a nodesource build bundles npm and conflicts with Debian's npm).
  command -v npm >/dev/null 2>&1 || pkgs+=(nodejs npm)
fi
missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "installing: ${missing[*]}"
  sudo=""; [[ $(id -u) -ne 0 ]] && sudo=sudo
  export DEBIAN_FRONTEND=noninteractive
  $sudo apt-get update -qq
  # mariadb-server's and nginx's postinst would start system services; policy-rc.d keeps them
  # from running.
  if [[ (" ${missing[*]} " == *" mariadb-server "* || " ${missing[*]} " == *" nginx "*) && ! -e /usr/sbin/policy-rc.d ]]; then
    printf '#!/bin/sh\nexit 101\n' | $sudo tee /usr/sbin/policy-rc.d >/dev/null
    $sudo chmod +x /usr/sbin/policy-rc.d
    trap '$sudo rm -f /usr/sbin/policy-rc.d' EXIT
  fi
  $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
