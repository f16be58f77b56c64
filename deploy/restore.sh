#!/usr/bin/env bash
# Restores a backup made by deploy/backup.sh: checks its checksums, loads the database dump
# into an empty database, and puts the signing key, certificate and configuration back.
#
# Usage: deploy/restore.sh BACKUP.tar.gz --database-url URL [--config-dir DIR] [--replace]
#   --database-url URL  mysql://user:password@host:port/database to restore into; created if
#                       missing (the user then needs CREATE); it must hold no table unless
#                       --replace is given (then its tables are dropped first)
#   --config-dir DIR    where to put the key, certificate and configuration files of the
#                       backup (mode 0640 kept); without it they stay in the printed folder
# Stop the servers before restoring over a live database; start them on the restored one with
# the restored signing key (attestations are verified against it).
set -euo pipefail

die() { echo "restore.sh: $*" >&2; exit 1; }

backup=""
url=""
config_dir=""
replace=false
while (($#)); do
  case $1 in
    --database-url) url=$2; shift 2 ;;
    --config-dir) config_dir=$2; shift 2 ;;
    --replace) replace=true; shift ;;
    -*) sed -n '2,14p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2 ;;
    *) backup=$1; shift ;;
  esac
done
[[ -n $backup && -n $url ]] || { sed -n '2,14p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2; }
[[ -r $backup ]] || die "cannot read $backup"

# shellcheck source=deploy/db-client.sh
. "$(dirname "${BASH_SOURCE[0]}")/db-client.sh"
db_name=""

work=$(mktemp -d /tmp/parcours-restore.XXXXXX)
chmod 700 "$work"
keep_work=false
trap '$keep_work || rm -rf -- "$work"' EXIT
tar -C "$work" -xzf "$backup"
dir=$(find "$work" -mindepth 1 -maxdepth 1 -type d -name 'parcours-backup-*' | head -n 1)
[[ -n $dir && -f $dir/SHA256SUMS && -f $dir/database.sql.gz ]] || die "$backup is not a Parcours backup"
(cd "$dir" && sha256sum --quiet -c SHA256SUMS) || die "checksums do not match: the backup is damaged"

defaults=$work/client.cnf
db_client_config "$url" "$defaults" || die "--database-url must be mysql://user:password@host:port/database"
sql() { mariadb --defaults-extra-file="$defaults" "$@"; }

sql -e "CREATE DATABASE IF NOT EXISTS \`$db_name\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci"
tables=$(sql -N -B -e "SELECT table_name FROM information_schema.tables WHERE table_schema = '$db_name'")
if [[ -n $tables ]]; then
  $replace || die "database $db_name is not empty (give --replace to drop its tables first)"
  drop="SET FOREIGN_KEY_CHECKS = 0;"
  for t in $tables; do drop+="DROP TABLE \`$t\`;"; done
  sql "$db_name" -e "$drop"
fi

t0=$EPOCHREALTIME
gunzip -c "$dir/database.sql.gz" | sql "$db_name"
restored=$(sql -N -B -e "SELECT COALESCE(MAX(version), 0) FROM schema_migrations" "$db_name")
expected=$(sed -n 's/^schema_version=//p' "$dir/MANIFEST")
[[ $restored == "$expected" ]] || die "restored schema version $restored, the backup says $expected"
echo "restore.sh: database $db_name restored (schema version $restored) in $(awk -v a="$t0" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.1f", b - a }') s" >&2

if [[ -n $config_dir ]]; then
  mkdir -p "$config_dir"
  cp -p -- "$dir"/config/* "$config_dir"/ 2>/dev/null || true
  echo "restore.sh: configuration and signing files copied to $config_dir" >&2
else
  keep_work=true
  echo "restore.sh: configuration and signing files are in $dir/config (move them, then delete $work)" >&2
fi
