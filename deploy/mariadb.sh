#!/usr/bin/env bash
# Manages a private MariaDB instance living entirely in one directory. Never reads /etc/mysql
# (--no-defaults everywhere) and never touches the system service.
#
# Usage:
#   deploy/mariadb.sh start        DIR PORT                 initialise (first time) and start; reuses a running instance
#   deploy/mariadb.sh stop         DIR                      graceful shutdown
#   deploy/mariadb.sh status       DIR                      exit 0 if running and answering
#   deploy/mariadb.sh sql          DIR ["SQL"]              run SQL as root over the socket (stdin when SQL is omitted)
#   deploy/mariadb.sh create-db    DIR DBNAME USER PASSWORD database + user with ALL on it (localhost and 127.0.0.1)
#   deploy/mariadb.sh create-admin DIR USER PASSWORD        user with ALL ON *.* (localhost and 127.0.0.1)
#
# Layout: DIR/data (datadir), DIR/run/mysqld.sock, DIR/run/mysqld.pid, DIR/mariadb.err (error log).
# As root the server runs as the `mysql` system user (created if missing); as any other user it runs
# as that user.
set -euo pipefail

die() { echo "mariadb.sh: $*" >&2; exit 1; }
log() { echo "mariadb.sh: $*"; }

usage() {
  sed -n '5,11p' "$0" | sed 's/^# \{0,1\}//' >&2
  exit 2
}

[[ $# -ge 2 ]] || usage
cmd=$1
dir=$(realpath -m -- "$2")
shift 2

datadir=$dir/data
rundir=$dir/run
sock=$rundir/mysqld.sock
pidfile=$rundir/mysqld.pid
errlog=$dir/mariadb.err
is_root=false
[[ $(id -u) -eq 0 ]] && is_root=true

# A unix socket path is limited to 107 bytes (sun_path).
((${#sock} <= 107)) || die "socket path too long (${#sock} > 107 bytes): $sock; use a shorter DIR"

client() { mariadb --no-defaults --socket="$sock" -uroot "$@"; }
ping_ok() { mariadb-admin --no-defaults --socket="$sock" -uroot --connect-timeout=2 ping >/dev/null 2>&1; }

# True if the process exists and is not a zombie (a killed server can linger as one until reaped).
alive() {
  local stat
  stat=$(cat "/proc/$1/stat" 2>/dev/null) || return 1
  stat=${stat##*) }
  [[ ${stat:0:1} != [ZX] ]]
}

# Prints the server pid if the pid file names a live mariadbd, else nothing.
live_pid() {
  local pid comm
  [[ -s $pidfile ]] || return 0
  pid=$(<"$pidfile")
  [[ $pid =~ ^[0-9]+$ ]] && alive "$pid" || return 0
  comm=$(cat "/proc/$pid/comm" 2>/dev/null || true)
  [[ $comm == mariadbd || $comm == mysqld ]] && echo "$pid"
  return 0
}

# Quote a string as an SQL literal: backslashes and single quotes escaped.
sql_str() {
  local s=${1//\\/\\\\}
  s=${s//\'/\\\'}
  printf "'%s'" "$s"
}
check_ident() { [[ $1 =~ ^[A-Za-z0-9_]{1,64}$ ]] || die "invalid $2 '$1' (allowed: letters, digits, _)"; }

ensure_mysql_user() {
  id -u mysql >/dev/null 2>&1 && return 0
  log "creating system user mysql"
  if getent group mysql >/dev/null; then
    useradd --system --gid mysql --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin mysql
  else
    useradd --system --user-group --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin mysql
  fi
}

# The server (running as mysql) must be able to traverse DIR and every parent of it, otherwise
# binding the socket fails with "Permission denied". Add o+x where mysql cannot get through.
ensure_traversable() {
  local p=$1
  while :; do
    if ! runuser -u mysql -- test -x "$p" 2>/dev/null; then
      log "chmod o+x $p (the mysql user must be able to traverse it)"
      chmod o+x "$p"
    fi
    [[ $p == / ]] && break
    p=$(dirname -- "$p")
  done
}

wait_ready() { # pid
  local pid=$1 i
  for ((i = 0; i < 300; i++)); do
    ping_ok && return 0
    if ! alive "$pid"; then
      echo "mariadb.sh: mariadbd exited during start-up; last lines of $errlog:" >&2
      tail -n 25 "$errlog" >&2 2>/dev/null || true
      return 1
    fi
    sleep 0.1
  done
  echo "mariadb.sh: mariadbd did not answer within 30 s; last lines of $errlog:" >&2
  tail -n 25 "$errlog" >&2 2>/dev/null || true
  return 1
}

do_start() {
  local port=$1 pid running_port t0 i
  if ! [[ $port =~ ^[0-9]+$ ]] || ((port < 1 || port > 65535)); then die "invalid port '$port'"; fi
  command -v mariadbd >/dev/null || PATH=$PATH:/usr/sbin
  command -v mariadbd >/dev/null || die "mariadbd not found (run deploy/install-deps.sh)"

  mkdir -p "$dir" "$rundir"
  # Serialise concurrent starts/stops of the same instance.
  exec 9>"$dir/.lock"
  flock 9

  pid=$(live_pid)
  if [[ -n $pid ]] && ! ping_ok; then
    # Starting up or shutting down: give it a moment to settle either way.
    for ((i = 0; i < 100; i++)); do
      ping_ok || ! alive "$pid" && break
      sleep 0.1
    done
    alive "$pid" || pid=""
  fi
  if [[ -n $pid ]]; then
    if wait_ready "$pid"; then
      running_port=$(client -N -B -e 'select @@port' 2>/dev/null || true)
      if [[ -n $running_port && $running_port != "$port" ]]; then
        die "instance in $dir already running (pid $pid) on port $running_port, not $port; stop it first"
      fi
      log "reusing running instance in $dir (pid $pid, port $port)"
      return 0
    fi
    die "pid $pid from $pidfile is alive but not answering; stop it first"
  fi
  rm -f "$pidfile"

  local user_opt=()
  if $is_root; then
    ensure_mysql_user
    user_opt=(--user=mysql)
    ensure_traversable "$dir"
    mkdir -p "$datadir"
    chown mysql:mysql "$datadir" "$rundir"
    touch "$errlog"
    chown mysql:mysql "$errlog"
  fi

  if [[ ! -d $datadir/mysql ]]; then
    log "initialising data directory $datadir"
    t0=$EPOCHREALTIME
    if ! mariadb-install-db --no-defaults --datadir="$datadir" --auth-root-authentication-method=normal \
      --skip-test-db "${user_opt[@]}" >"$dir/install-db.log" 2>&1; then
      cat "$dir/install-db.log" >&2
      die "mariadb-install-db failed"
    fi
    log "initialised in $(awk -v a="$t0" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.1f", b - a }') s"
  fi

  log "starting mariadbd on 127.0.0.1:$port (datadir $datadir)"
  setsid nohup mariadbd --no-defaults \
    --datadir="$datadir" --socket="$sock" --pid-file="$pidfile" \
    --port="$port" --bind-address=127.0.0.1 "${user_opt[@]}" \
    --log-error="$errlog" --skip-name-resolve \
    --innodb-buffer-pool-size=256M --max-connections=500 --innodb-flush-log-at-trx-commit=1 \
    --character-set-server=utf8mb4 --collation-server=utf8mb4_unicode_ci \
    </dev/null >>"$dir/mariadbd.out" 2>&1 9>&- &
  pid=$!
  wait_ready "$pid" || die "start failed"
  log "ready (pid $(<"$pidfile"), socket $sock)"
}

do_stop() {
  local pid i
  [[ -d $dir ]] || { log "no instance in $dir"; return 0; }
  exec 9>"$dir/.lock"
  flock 9
  pid=$(live_pid)
  if [[ -z $pid ]]; then
    log "not running ($dir)"
    rm -f "$pidfile"
    return 0
  fi
  log "stopping mariadbd (pid $pid)"
  mariadb-admin --no-defaults --socket="$sock" -uroot --connect-timeout=5 shutdown >/dev/null 2>&1 \
    || kill -TERM "$pid" 2>/dev/null || true
  for ((i = 0; i < 600; i++)); do
    alive "$pid" || { log "stopped"; return 0; }
    ((i == 300)) && kill -TERM "$pid" 2>/dev/null
    sleep 0.1
  done
  log "mariadbd (pid $pid) did not stop within 60 s; killing it"
  kill -KILL "$pid" 2>/dev/null || true
  for ((i = 0; i < 50; i++)); do
    alive "$pid" || return 0
    sleep 0.1
  done
  die "could not stop pid $pid"
}

grant_user() { # user password privilege-target
  local u=$1 q host sql=""
  q=$(sql_str "$2")
  for host in localhost 127.0.0.1; do
    sql+="CREATE USER IF NOT EXISTS '$u'@'$host' IDENTIFIED BY $q;"
    sql+="ALTER USER '$u'@'$host' IDENTIFIED BY $q;"
    sql+="GRANT ALL PRIVILEGES ON $3 TO '$u'@'$host';"
  done
  printf '%s' "$sql"
}

case $cmd in
  start)
    [[ $# -eq 1 ]] || usage
    do_start "$1"
    ;;
  stop)
    [[ $# -eq 0 ]] || usage
    do_stop
    ;;
  status)
    pid=$(live_pid)
    if [[ -n $pid ]] && ping_ok; then
      log "running (pid $pid, socket $sock)"
    else
      log "not running ($dir)"
      exit 1
    fi
    ;;
  sql)
    [[ $# -le 1 ]] || usage
    ping_ok || die "no server answering on $sock (start it first)"
    if [[ $# -eq 1 ]]; then client -e "$1"; else client; fi
    ;;
  create-db)
    [[ $# -eq 3 ]] || usage
    check_ident "$1" "database name"
    check_ident "$2" "user name"
    ping_ok || die "no server answering on $sock (start it first)"
    client -e "CREATE DATABASE IF NOT EXISTS \`$1\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;
$(grant_user "$2" "$3" "\`$1\`.*") FLUSH PRIVILEGES;"
    log "database $1 and user $2 ready"
    ;;
  create-admin)
    [[ $# -eq 2 ]] || usage
    check_ident "$1" "user name"
    ping_ok || die "no server answering on $sock (start it first)"
    client -e "$(grant_user "$1" "$2" "*.*") FLUSH PRIVILEGES;"
    log "admin user $1 ready"
    ;;
  *) usage ;;
esac
