#!/usr/bin/env bash
# Backs up a Parcours deployment into one file: a consistent dump of the database
# (mariadb-dump --single-transaction: one InnoDB snapshot, no lock held on the tables, the
# servers keep running), the signing key and certificate, and the configuration.
#
# Usage: deploy/backup.sh [--env FILE] [--out DIR] [--extra FILE]...
#   --env FILE    the servers' environment file (default /etc/parcours/parcours.env if it
#                 exists); PARCOURS_DATABASE_URL, PARCOURS_SIGNING_KEY/_CERT are read from it,
#                 or from the environment when no file is given
#   --out DIR     where to write parcours-backup-YYYYmmddTHHMMSSZ.tar.gz (default .)
#   --extra FILE  another file to keep (the nginx site, the TLS certificate...); repeatable
# Prints the path of the backup. The file holds the signing key and the database password:
# it is written with mode 0600; keep it encrypted and off the host (deploy/README.md).
# Restore with deploy/restore.sh.
set -euo pipefail

die() { echo "backup.sh: $*" >&2; exit 1; }

env_file=""
[[ -f /etc/parcours/parcours.env ]] && env_file=/etc/parcours/parcours.env
out=.
extras=()
while (($#)); do
  case $1 in
    --env) env_file=$2; shift 2 ;;
    --out) out=$2; shift 2 ;;
    --extra) extras+=("$2"); shift 2 ;;
    *) sed -n '2,14p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2 ;;
  esac
done
if [[ -n $env_file ]]; then
  [[ -r $env_file ]] || die "cannot read $env_file"
  set -a
  # shellcheck disable=SC1090
  . "$env_file"
  set +a
fi
[[ -n ${PARCOURS_DATABASE_URL:-} ]] || die "PARCOURS_DATABASE_URL is not set (give --env FILE)"

# shellcheck source=deploy/db-client.sh
. "$(dirname "${BASH_SOURCE[0]}")/db-client.sh"
url=$PARCOURS_DATABASE_URL

stamp=$(date -u +%Y%m%dT%H%M%SZ)
work=$(mktemp -d /tmp/parcours-backup.XXXXXX)
trap 'rm -rf -- "$work"' EXIT
chmod 700 "$work"
name=parcours-backup-$stamp
mkdir -p "$work/$name/config"

defaults=$work/client.cnf
db_client_config "$url" "$defaults" || die "PARCOURS_DATABASE_URL must be mysql://user:password@host:port/database"

schema=$(mariadb --defaults-extra-file="$defaults" -N -B -e "SELECT COALESCE(MAX(version), 0) FROM schema_migrations" "$db_name") \
  || die "cannot read $db_name (is the database up?)"
t0=$EPOCHREALTIME
mariadb-dump --defaults-extra-file="$defaults" --single-transaction --quick --hex-blob --routines --triggers \
  --no-tablespaces --skip-lock-tables --default-character-set=utf8mb4 "$db_name" | gzip -6 >"$work/$name/database.sql.gz"
[[ ${PIPESTATUS[0]} -eq 0 ]] || die "mariadb-dump failed"

copy_setting() { # variable name → config/<name> when it names a file
  local value=${!1:-}
  [[ -n $value && $value != *"-----BEGIN"* && -f $value ]] || return 0
  cp -p -- "$value" "$work/$name/config/$2"
}
copy_setting PARCOURS_SIGNING_KEY signing-key.pem
copy_setting PARCOURS_SIGNING_CERT signing-chain.pem
[[ -n $env_file ]] && cp -p -- "$env_file" "$work/$name/config/parcours.env"
for f in "${extras[@]}"; do
  [[ -f $f ]] || die "no file $f"
  cp -p -- "$f" "$work/$name/config/$(basename -- "$f")"
done

{
  echo "created=$stamp"
  echo "database=$db_name"
  echo "schema_version=$schema"
  echo "source=$(sed -E 's#//([^:@/]*):[^@/]*@#//\1:***@#' <<<"$url")"
  echo "dump_seconds=$(awk -v a="$t0" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.1f", b - a }')"
} >"$work/$name/MANIFEST"
(cd "$work/$name" && find . -type f ! -name SHA256SUMS -print0 | sort -z | xargs -0 sha256sum >SHA256SUMS)

mkdir -p "$out"
target=$(realpath -m -- "$out/$name.tar.gz")
(umask 077 && tar -C "$work" -czf "$target.tmp" "$name")
mv -- "$target.tmp" "$target"
echo "$target"
