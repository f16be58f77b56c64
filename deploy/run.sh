#!/usr/bin/env bash
# The one command to run the Parcours demo: installs dependencies, builds, starts a private MariaDB
# in ./var/mariadb, migrates, loads the demo catalogue and serves. Safe to run again: var/ (database,
# passwords, signing key) is reused.
#
# Environment (all optional):
#   PARCOURS_DB_PORT      MariaDB port (default 3307)
#   PARCOURS_LISTEN       HTTP listen address (default 127.0.0.1:8080)
#   PARCOURS_SIGNING_KEY / PARCOURS_SIGNING_CERT                  default: var/signing/{key,cert}.pem
#   PARCOURS_BOOTSTRAP_COORDINATOR_EMAIL / _PASSWORD              default: coordinator@parcours.local
#                                                                 and var/coordinator-password
# Demo people (made once): participant@parcours.local (var/demo-participant-password), halfway
# through LTAS, and trainer@parcours.local (var/demo-trainer-password).
# Stop the database afterwards with: deploy/mariadb.sh stop var/mariadb
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"

step() { printf '==> %s\n' "$*"; }

# Prints the secret kept in FILE, generating it (hex: safe in URLs and SQL) on first use.
secret_file() {
  local f=$1
  if [[ ! -s $f ]]; then
    (umask 077 && openssl rand -hex 16 >"$f")
  fi
  chmod 600 "$f"
  tr -d '\n' <"$f"
}

step "installing dependencies (deploy/install-deps.sh runtime)"
deploy/install-deps.sh runtime

step "building (build/, Release)"
cmake -S . -B build -DCMAKE_BUILD_TYPE=Release -DPARCOURS_BUILD_TESTS=OFF
cmake --build build -j2

mkdir -p var
chmod 755 var

db_port=${PARCOURS_DB_PORT:-3307}
step "starting MariaDB (var/mariadb, port $db_port)"
deploy/mariadb.sh start var/mariadb "$db_port"

step "creating database parcours and user parcours"
db_password=$(secret_file var/db-password)
deploy/mariadb.sh create-db var/mariadb parcours parcours "$db_password"

if [[ -n ${PARCOURS_SIGNING_KEY:-} || -n ${PARCOURS_SIGNING_CERT:-} ]]; then
  [[ -n ${PARCOURS_SIGNING_KEY:-} && -n ${PARCOURS_SIGNING_CERT:-} ]] \
    || { echo "set both PARCOURS_SIGNING_KEY and PARCOURS_SIGNING_CERT, or neither" >&2; exit 1; }
else
  if [[ ! -s var/signing/key.pem || ! -s var/signing/cert.pem ]]; then
    step "creating a development signing key and self-signed certificate (var/signing/)"
    mkdir -p var/signing
    chmod 700 var/signing
    (umask 077 && openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 825 \
      -subj "/CN=Parcours development signing/O=Parcours dev" \
      -keyout var/signing/key.pem -out var/signing/cert.pem 2>/dev/null)
  fi
  export PARCOURS_SIGNING_KEY=$root/var/signing/key.pem
  export PARCOURS_SIGNING_CERT=$root/var/signing/cert.pem
fi

export PARCOURS_BOOTSTRAP_COORDINATOR_EMAIL=${PARCOURS_BOOTSTRAP_COORDINATOR_EMAIL:-coordinator@parcours.local}
if [[ -z ${PARCOURS_BOOTSTRAP_COORDINATOR_PASSWORD:-} ]]; then
  PARCOURS_BOOTSTRAP_COORDINATOR_PASSWORD=$(secret_file var/coordinator-password)
fi
export PARCOURS_BOOTSTRAP_COORDINATOR_PASSWORD
export PARCOURS_DATABASE_URL="mysql://parcours:${db_password}@127.0.0.1:${db_port}/parcours"
export PARCOURS_LISTEN=${PARCOURS_LISTEN:-127.0.0.1:8080}

step "migrating the database"
build/parcours migrate

step "loading the demo catalogue (sql/seed/ltas_demo.sql)"
build/parcours seed sql/seed/ltas_demo.sql

# Demo people made through the services: a participant halfway through LTAS (four modules
# attended in the past weeks, the fifth booked) and a trainer. Passwords generated once.
step "creating the demo people (parcours demo-people)"
PARCOURS_DEMO_PARTICIPANT_PASSWORD=$(secret_file var/demo-participant-password)
PARCOURS_DEMO_TRAINER_PASSWORD=$(secret_file var/demo-trainer-password)
export PARCOURS_DEMO_PARTICIPANT_PASSWORD PARCOURS_DEMO_TRAINER_PASSWORD
build/parcours demo-people

listen_host=${PARCOURS_LISTEN%:*}
listen_port=${PARCOURS_LISTEN##*:}
case $listen_host in
  0.0.0.0 | '' | '[::]' | '::') listen_host=127.0.0.1 ;;
esac
cat <<EOF
==> Parcours is starting at http://${listen_host}:${listen_port}/
    demo logins (passwords kept in var/):
      participant halfway through LTAS: participant@parcours.local  ${PARCOURS_DEMO_PARTICIPANT_PASSWORD}
      trainer:                          trainer@parcours.local      ${PARCOURS_DEMO_TRAINER_PASSWORD}
      coordinator:                      ${PARCOURS_BOOTSTRAP_COORDINATOR_EMAIL}  ${PARCOURS_BOOTSTRAP_COORDINATOR_PASSWORD}
    (Ctrl-C stops the server; the database keeps running: deploy/mariadb.sh stop var/mariadb)
EOF
exec build/parcours serve
