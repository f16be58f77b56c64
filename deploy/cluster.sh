#!/usr/bin/env bash
# Starts a whole deployment on one machine, for trying and testing: database nodes (three
# MariaDB Galera nodes, or one plain MariaDB), several `parcours serve` behind nginx (TLS,
# HTTP/2, the site of deploy/nginx/parcours.conf), everything on loopback ports under DIR.
#
# Usage:
#   deploy/cluster.sh start          DIR    start everything (reuses what runs); writes DIR/cluster.env
#   deploy/cluster.sh stop           DIR    stop everything and keep DIR (rm -rf it afterwards)
#   deploy/cluster.sh status         DIR    nodes (wsrep state), servers, nginx
#   deploy/cluster.sh kill-node    N DIR    SIGKILL database node N and the server in front of it
#   deploy/cluster.sh start-node   N DIR    start node N again (it rejoins: IST or a full copy), then its server
#   deploy/cluster.sh kill-server  N DIR    SIGKILL server N only
#   deploy/cluster.sh start-server N DIR    start server N (waits for its /health)
#   deploy/cluster.sh restart-server N DIR  rolling update of server N: nginx stops sending to it,
#                                           it drains and stops, starts again, nginx sends again
#   deploy/cluster.sh nginx-reload   DIR    rewrite the nginx configuration and reload it
#
# Settings (environment, read by `start`; kept in DIR/settings for the other commands):
#   CLUSTER_NODES=3          database nodes: 3 (Galera) or 1 (one plain MariaDB)
#   CLUSTER_SERVERS=3        parcours serve processes
#   CLUSTER_BASE_PORT=24000  ports: node i (1..) mysql BASE+10i, Galera BASE+10i+1, IST +2, SST +3;
#                            server i BASE+100+i, its metrics BASE+150+i; nginx https BASE+200, http BASE+201
#   PARCOURS_BINARY=build/parcours
#   CLUSTER_TEST_CLOCK=0     1: servers take --test-clock (end-to-end tests)
#   CLUSTER_SERVER_ARGS=""   more `parcours serve` flags
# Server i's database URL lists its own node first, then the others (failover).
# DIR/cluster.env then holds: HTTPS_URL, SERVER_URLS, METRICS_URLS, NODE_PORTS, DATABASE_URL
# (the servers' user), ADMIN_DATABASE_URL (ALL ON *.*), COORDINATOR_EMAIL/_PASSWORD, CA_FILE.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
die() { echo "cluster.sh: $*" >&2; exit 1; }
log() { echo "cluster.sh: $*" >&2; }

usage() { sed -n '5,17p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2; }

[[ $# -ge 2 ]] || usage
cmd=$1
shift
node_arg=""
case $cmd in
  kill-node | start-node | kill-server | start-server | restart-server)
    [[ $# -eq 2 ]] || usage
    node_arg=$1
    [[ $node_arg =~ ^[0-9]+$ ]] || die "N must be a number"
    shift
    ;;
esac
[[ $# -eq 1 ]] || usage
dir=$(realpath -m -- "$1")
is_root=false
[[ $(id -u) -eq 0 ]] && is_root=true
command -v mariadbd >/dev/null || PATH=$PATH:/usr/sbin

# ---- settings ----------------------------------------------------------------------------------
if [[ $cmd == start && ! -s $dir/settings ]]; then
  mkdir -p "$dir"
  chmod 755 "$dir"
  {
    echo "nodes=${CLUSTER_NODES:-3}"
    echo "servers=${CLUSTER_SERVERS:-3}"
    echo "base=${CLUSTER_BASE_PORT:-24000}"
    echo "binary=$(realpath -m -- "${PARCOURS_BINARY:-$root/build/parcours}")"
    echo "test_clock=${CLUSTER_TEST_CLOCK:-0}"
    printf 'server_args=%q\n' "${CLUSTER_SERVER_ARGS:-}"
    echo "db_password=$(openssl rand -hex 12)"
    echo "admin_password=$(openssl rand -hex 12)"
    echo "coordinator_password=$(openssl rand -hex 12)"
  } >"$dir/settings"
fi
[[ -s $dir/settings ]] || die "no deployment in $dir (run: deploy/cluster.sh start $dir)"
# shellcheck disable=SC1091
. "$dir/settings"
((nodes == 1 || nodes == 3)) || die "CLUSTER_NODES must be 1 or 3"
((servers >= 1 && servers <= 9)) || die "CLUSTER_SERVERS must be 1 to 9"
coordinator_email=coordinator@cluster.parcours.test

node_port() { echo $((base + 10 * $1)); }
galera_port() { echo $((base + 10 * $1 + 1)); }
ist_port() { echo $((base + 10 * $1 + 2)); }
sst_port() { echo $((base + 10 * $1 + 3)); }
server_port() { echo $((base + 100 + $1)); }
metrics_port() { echo $((base + 150 + $1)); }
https_port=$((base + 200))
http_port=$((base + 201))
# Server i sits in front of node ((i - 1) mod nodes) + 1.
node_of_server() { echo $(((($1 - 1) % nodes) + 1)); }

# ---- processes -----------------------------------------------------------------------------------
alive() {
  local stat
  stat=$(cat "/proc/$1/stat" 2>/dev/null) || return 1
  stat=${stat##*) }
  [[ ${stat:0:1} != [ZX] ]]
}
pid_of() { # pidfile → pid if alive
  local pid
  [[ -s $1 ]] || return 1
  pid=$(<"$1")
  [[ $pid =~ ^[0-9]+$ ]] && alive "$pid" && echo "$pid"
}
wait_gone() { # pid seconds
  local i
  for ((i = 0; i < $2 * 10; i++)); do alive "$1" || return 0; sleep 0.1; done
  return 1
}

# ---- database nodes ------------------------------------------------------------------------------
node_dir() { echo "$dir/node$1"; }
sock() { echo "$(node_dir "$1")/run/mysqld.sock"; }
client() { local n=$1; shift; mariadb --no-defaults --socket="$(sock "$n")" -uroot "$@"; }
status_var() { client "$1" -N -B -e "SHOW STATUS LIKE '$2'" 2>/dev/null | awk '{print $2}'; }

write_node_config() {
  local n=$1 d addresses="" i
  d=$(node_dir "$n")
  for ((i = 1; i <= nodes; i++)); do addresses+="${addresses:+,}127.0.0.1:$(galera_port "$i")"; done
  mkdir -p "$d/data" "$d/run"
  cat >"$d/my.cnf" <<EOF
[mysqld]
datadir=$d/data
socket=$(sock "$n")
pid-file=$d/run/mysqld.pid
port=$(node_port "$n")
bind-address=127.0.0.1
log-error=$d/mariadb.err
skip-name-resolve
$($is_root && echo "user=mysql")
character-set-server=utf8mb4
collation-server=utf8mb4_unicode_ci
max_connections=500
innodb_buffer_pool_size=128M
innodb_flush_log_at_trx_commit=1
default_storage_engine=InnoDB
EOF
  if ((nodes == 3)); then
    cat >>"$d/my.cnf" <<EOF
binlog_format=ROW
innodb_autoinc_lock_mode=2
wsrep_on=ON
wsrep_provider=/usr/lib/galera/libgalera_smm.so
wsrep_cluster_name=parcours
wsrep_cluster_address=gcomm://$addresses
wsrep_node_name=node$n
wsrep_node_address=127.0.0.1:$(galera_port "$n")
wsrep_provider_options="gmcast.listen_addr=tcp://127.0.0.1:$(galera_port "$n");ist.recv_addr=127.0.0.1:$(ist_port "$n");gcache.size=256M"
wsrep_sst_method=rsync
wsrep_sst_receive_address=127.0.0.1:$(sst_port "$n")
wsrep_slave_threads=2
EOF
  fi
  if $is_root; then
    id -u mysql >/dev/null 2>&1 || useradd --system --user-group --no-create-home --home-dir /nonexistent \
      --shell /usr/sbin/nologin mysql
    chown -R mysql:mysql "$d"
  fi
}

node_ready() { # n: answers, and (Galera) is a synced member of the primary component
  local n=$1
  mariadb-admin --no-defaults --socket="$(sock "$n")" -uroot --connect-timeout=2 ping >/dev/null 2>&1 || return 1
  ((nodes == 1)) && return 0
  [[ $(status_var "$n" wsrep_ready) == ON && $(status_var "$n" wsrep_local_state_comment) == Synced ]]
}

wait_node() { # n seconds [pid of the starting server]
  local n=$1 i pid=${3:-}
  for ((i = 0; i < $2 * 10; i++)); do
    node_ready "$n" && return 0
    if [[ -n $pid ]] && ! alive "$pid"; then
      tail -n 30 "$(node_dir "$n")/mariadb.err" >&2 || true
      die "node $n exited during start-up"
    fi
    sleep 0.1
  done
  tail -n 30 "$(node_dir "$n")/mariadb.err" >&2 || true
  die "node $n not ready within $2 s"
}

start_node() { # n [bootstrap]
  local n=$1 bootstrap=${2:-} d extra=() position
  d=$(node_dir "$n")
  if pid_of "$d/run/mysqld.pid" >/dev/null; then
    wait_node "$n" 60
    return 0
  fi
  write_node_config "$n"
  if [[ $bootstrap == bootstrap && ! -d $d/data/mysql ]]; then
    log "initialising node $n"
    mariadb-install-db --no-defaults --datadir="$d/data" --auth-root-authentication-method=normal --skip-test-db \
      $($is_root && echo --user=mysql) >"$d/install-db.log" 2>&1 || { cat "$d/install-db.log" >&2; die "install-db failed"; }
  fi
  if ((nodes == 3)); then
    if [[ $bootstrap == bootstrap ]]; then
      extra+=(--wsrep-new-cluster)
    elif [[ -d $d/data/mysql ]]; then
      # A node that stopped (or was killed) keeps its data: recover its last committed position
      # so that it asks the others for the missing writes only (IST) instead of a full copy.
      mariadbd --defaults-file="$d/my.cnf" --wsrep-recover --log-error="$d/recover.err" >/dev/null 2>&1 || true
      position=$(grep -o 'Recovered position: [0-9a-f-]*:[-0-9]*' "$d/recover.err" 2>/dev/null | tail -n 1 | awk '{print $3}')
      [[ -n $position ]] && extra+=("--wsrep-start-position=$position")
      $is_root && chown -R mysql:mysql "$d"
    fi
  fi
  log "starting node $n on 127.0.0.1:$(node_port "$n") ${extra[*]}"
  setsid nohup mariadbd --defaults-file="$d/my.cnf" "${extra[@]}" </dev/null >>"$d/mariadbd.out" 2>&1 &
  wait_node "$n" 120 $!
}

stop_node() {
  local n=$1 d pid
  d=$(node_dir "$n")
  pid=$(pid_of "$d/run/mysqld.pid") || return 0
  mariadb-admin --no-defaults --socket="$(sock "$n")" -uroot --connect-timeout=5 shutdown >/dev/null 2>&1 \
    || kill -TERM "$pid" 2>/dev/null || true
  wait_gone "$pid" 60 || { kill -KILL "$pid" 2>/dev/null || true; wait_gone "$pid" 5 || true; }
}

kill_node() {
  local n=$1 pid
  pid=$(pid_of "$(node_dir "$n")/run/mysqld.pid") || { log "node $n is not running"; return 0; }
  kill -KILL "$pid"
  wait_gone "$pid" 10 || true
  log "node $n killed (pid $pid)"
}

create_users() {
  local q
  q="CREATE DATABASE IF NOT EXISTS parcours CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;"
  for host in localhost 127.0.0.1; do
    q+="CREATE USER IF NOT EXISTS 'parcours'@'$host' IDENTIFIED BY '$db_password';"
    q+="GRANT ALL PRIVILEGES ON parcours.* TO 'parcours'@'$host';"
    q+="CREATE USER IF NOT EXISTS 'parcours_admin'@'$host' IDENTIFIED BY '$admin_password';"
    q+="GRANT ALL PRIVILEGES ON *.* TO 'parcours_admin'@'$host' WITH GRANT OPTION;"
  done
  client 1 -e "$q"
}

# ---- servers -----------------------------------------------------------------------------------
server_db_url() { # i: its own node first, then the others
  local own i addresses
  own=$(node_of_server "$1")
  addresses="127.0.0.1:$(node_port "$own")"
  for ((i = 1; i <= nodes; i++)); do ((i == own)) || addresses+=",127.0.0.1:$(node_port "$i")"; done
  echo "mysql://parcours:$db_password@$addresses/parcours"
}

# The key and certificate are made together in a private directory and moved into place by
# one rename, so that servers started at the same time never read a key from one run of openssl
# and a certificate from another (seen as "the first certificate does not match the key").
signing_files() {
  [[ -s $dir/signing/key.pem && -s $dir/signing/cert.pem ]] && return 0
  local tmp
  tmp=$(mktemp -d "$dir/.signing.XXXXXX")
  (umask 077 && openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 825 \
    -subj "/CN=Parcours cluster signing/O=Parcours test" -keyout "$tmp/key.pem" \
    -out "$tmp/cert.pem" 2>/dev/null)
  chmod 755 "$tmp"
  mv -T "$tmp" "$dir/signing" 2>/dev/null || rm -rf -- "$tmp"  # another start made it first
}

server_healthy() { curl -sf -o /dev/null --max-time 2 "http://127.0.0.1:$(server_port "$1")/health"; }

start_server() {
  local i=$1 pid j
  if pid=$(pid_of "$dir/server$i.pid"); then return 0; fi
  [[ -x $binary ]] || die "no server binary at $binary (build it, or set PARCOURS_BINARY)"
  signing_files
  local args=(serve)
  ((test_clock == 1)) && args+=(--test-clock)
  # shellcheck disable=SC2206
  [[ -n $server_args ]] && args+=($server_args)
  (
    export PARCOURS_DATABASE_URL PARCOURS_LISTEN PARCOURS_METRICS_LISTEN PARCOURS_TRUSTED_PROXIES \
      PARCOURS_SIGNING_KEY PARCOURS_SIGNING_CERT PARCOURS_BOOTSTRAP_COORDINATOR_EMAIL \
      PARCOURS_BOOTSTRAP_COORDINATOR_PASSWORD PARCOURS_PUBLIC_URL PARCOURS_TEMPLATES_DIR
    PARCOURS_DATABASE_URL=$(server_db_url "$i")
    PARCOURS_LISTEN=127.0.0.1:$(server_port "$i")
    PARCOURS_METRICS_LISTEN=127.0.0.1:$(metrics_port "$i")
    PARCOURS_TRUSTED_PROXIES=127.0.0.1
    PARCOURS_SIGNING_KEY=$dir/signing/key.pem
    PARCOURS_SIGNING_CERT=$dir/signing/cert.pem
    PARCOURS_BOOTSTRAP_COORDINATOR_EMAIL=$coordinator_email
    PARCOURS_BOOTSTRAP_COORDINATOR_PASSWORD=$coordinator_password
    PARCOURS_PUBLIC_URL=https://127.0.0.1:$https_port
    PARCOURS_TEMPLATES_DIR=${PARCOURS_TEMPLATES_DIR:-$root/certificates/templates}
    exec setsid "$binary" "${args[@]}" </dev/null >>"$dir/server$i.log" 2>&1
  ) &
  echo $! >"$dir/server$i.pid"
  for ((j = 0; j < 600; j++)); do
    server_healthy "$i" && return 0
    alive "$(<"$dir/server$i.pid")" || { tail -n 20 "$dir/server$i.log" >&2; die "server $i exited at start"; }
    sleep 0.1
  done
  die "server $i did not answer /health within 60 s"
}

stop_server() { # i [signal]
  local i=$1 sig=${2:-TERM} pid
  pid=$(pid_of "$dir/server$i.pid") || return 0
  kill "-$sig" "$pid" 2>/dev/null || true
  wait_gone "$pid" 30 || { kill -KILL "$pid" 2>/dev/null || true; wait_gone "$pid" 5 || true; }
  rm -f "$dir/server$i.pid"
}

# ---- nginx -------------------------------------------------------------------------------------
nginx_dir() { echo "$dir/nginx"; }
nginx_cmd() { nginx -p "$(nginx_dir)/" -c "$(nginx_dir)/nginx.conf" -e "$(nginx_dir)/error.log" "$@"; }

# The site of deploy/nginx/parcours.conf, moved to loopback ports and local files; servers
# listed in $down are marked down (a rolling update).
write_nginx_config() {
  local down=${1:-} n d upstream="" i
  d=$(nginx_dir)
  mkdir -p "$d/tmp" "$d/cache" "$d/logs"
  if [[ ! -s $d/cert.pem ]]; then
    (umask 077 && openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 30 \
      -subj "/CN=127.0.0.1" -addext "subjectAltName=IP:127.0.0.1,DNS:localhost" \
      -keyout "$d/key.pem" -out "$d/cert.pem" 2>/dev/null)
  fi
  for ((i = 1; i <= servers; i++)); do
    upstream+="    server 127.0.0.1:$(server_port "$i") max_fails=1 fail_timeout=2s"
    [[ " $down " == *" $i "* ]] && upstream+=" down"
    upstream+=";\n"
  done
  local user_line=""
  if $is_root; then
    # The workers drop root: they need the temporary and cache directories.
    local worker=nobody
    id -u www-data >/dev/null 2>&1 && worker=www-data
    user_line="user $worker;"
    chown -R "$worker" "$d/tmp" "$d/cache"
  fi
  {
    echo "$user_line"
    echo "worker_processes 1;"
    echo "pid $d/nginx.pid;"
    echo "error_log $d/error.log warn;"
    echo "events { worker_connections 4096; }"
    echo "http {"
    echo "  access_log $d/logs/access.log;"
    echo "  client_body_temp_path $d/tmp/body; proxy_temp_path $d/tmp/proxy;"
    echo "  fastcgi_temp_path $d/tmp/fastcgi; uwsgi_temp_path $d/tmp/uwsgi; scgi_temp_path $d/tmp/scgi;"
    echo "  types { text/css css; text/html html; }"
    # The production site, moved: upstream servers, ports, certificate, cache and log paths.
    awk -v upstream="$upstream" '
      /^upstream parcours_backends \{/ { print; in_up = 1; printf "%s", upstream; next }
      in_up && /^[[:space:]]*server / { next }
      in_up && /^\}/ { in_up = 0 }
      { print }
    ' "$root/deploy/nginx/parcours.conf" |
      sed -e "s#listen 443 ssl http2;#listen 127.0.0.1:$https_port ssl http2;#" \
        -e "s#listen 80;#listen 127.0.0.1:$http_port;#" \
        -e '/listen \[::\]/d' \
        -e "s#/etc/ssl/parcours/fullchain.pem#$d/cert.pem#" \
        -e "s#/etc/ssl/parcours/privkey.pem#$d/key.pem#" \
        -e "s#/var/cache/nginx/parcours#$d/cache#" \
        -e "s#/var/log/nginx/#$d/logs/#" \
        -e "s#https://\$host\$request_uri#https://\$host:$https_port\$request_uri#" |
      sed 's/^/  /'
    echo "}"
  } >"$d/nginx.conf"
  nginx_cmd -t -q 2>"$d/test.log" || { cat "$d/test.log" >&2; die "nginx configuration test failed"; }
}

start_nginx() {
  command -v nginx >/dev/null || PATH=$PATH:/usr/sbin
  command -v nginx >/dev/null || die "nginx not found (deploy/install-deps.sh test installs it)"
  write_nginx_config
  if pid_of "$(nginx_dir)/nginx.pid" >/dev/null; then
    nginx_cmd -s reload
  else
    nginx_cmd
  fi
  local i
  for ((i = 0; i < 100; i++)); do
    curl -sf -o /dev/null --cacert "$(nginx_dir)/cert.pem" "https://127.0.0.1:$https_port/health" && return 0
    sleep 0.1
  done
  die "nginx did not answer on https://127.0.0.1:$https_port/health"
}

reload_nginx() { # [down servers]
  write_nginx_config "${1:-}"
  nginx_cmd -s reload
  # Old workers finish the requests they hold and close their idle upstream connections;
  # give the new workers a moment to take over.
  sleep 0.5
}

stop_nginx() {
  local pid
  pid=$(pid_of "$(nginx_dir)/nginx.pid") || return 0
  nginx_cmd -s quit 2>/dev/null || kill -TERM "$pid"
  wait_gone "$pid" 10 || kill -KILL "$pid" 2>/dev/null || true
}

write_env() {
  local i urls="" metrics="" ports=""
  for ((i = 1; i <= servers; i++)); do
    urls+="${urls:+ }http://127.0.0.1:$(server_port "$i")"
    metrics+="${metrics:+ }http://127.0.0.1:$(metrics_port "$i")"
  done
  for ((i = 1; i <= nodes; i++)); do ports+="${ports:+ }$(node_port "$i")"; done
  cat >"$dir/cluster.env" <<EOF
NODES=$nodes
SERVERS=$servers
HTTPS_URL=https://127.0.0.1:$https_port
CA_FILE=$(nginx_dir)/cert.pem
SERVER_URLS="$urls"
METRICS_URLS="$metrics"
NODE_PORTS="$ports"
DATABASE_URL=mysql://parcours:$db_password@127.0.0.1:$(node_port 1)/parcours
ADMIN_DATABASE_URL=mysql://parcours_admin:$admin_password@127.0.0.1:$(node_port 1)/
COORDINATOR_EMAIL=$coordinator_email
COORDINATOR_PASSWORD=$coordinator_password
SIGNING_CERT=$dir/signing/cert.pem
EOF
}

# ---- commands ----------------------------------------------------------------------------------
case $cmd in
  start)
    t0=$EPOCHREALTIME
    start_node 1 bootstrap
    for ((n = 2; n <= nodes; n++)); do start_node "$n"; done
    create_users
    # The servers start together: their migrations must be applied once (the lock row).
    # Wait for these only: a bare `wait` would also wait for the database nodes, children of
    # this shell that run on.
    signing_files  # once, before the servers start side by side
    starting=()
    for ((i = 1; i <= servers; i++)); do
      start_server "$i" &
      starting+=($!)
    done
    wait "${starting[@]}"
    for ((i = 1; i <= servers; i++)); do server_healthy "$i" || die "server $i is not healthy"; done
    start_nginx
    write_env
    log "up in $(awk -v a="$t0" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.1f", b - a }') s: $nodes node(s), $servers server(s), https://127.0.0.1:$https_port/ (see $dir/cluster.env)"
    ;;
  stop)
    stop_nginx
    for ((i = 1; i <= servers; i++)); do stop_server "$i"; done
    # The last node to stop is the one to bootstrap from next time.
    for ((n = nodes; n >= 1; n--)); do stop_node "$n"; done
    log "stopped ($dir kept)"
    ;;
  status)
    for ((n = 1; n <= nodes; n++)); do
      if node_ready "$n"; then
        echo "node $n: up, port $(node_port "$n")$( ((nodes == 3)) && echo ", $(status_var "$n" wsrep_local_state_comment), cluster size $(status_var "$n" wsrep_cluster_size)")"
      else
        echo "node $n: down or not synced"
      fi
    done
    for ((i = 1; i <= servers; i++)); do
      if server_healthy "$i"; then echo "server $i: healthy, port $(server_port "$i")"; else echo "server $i: down"; fi
    done
    if pid_of "$(nginx_dir)/nginx.pid" >/dev/null; then echo "nginx: https://127.0.0.1:$https_port/"; else echo "nginx: down"; fi
    ;;
  kill-node)
    kill_node "$node_arg"
    for ((i = 1; i <= servers; i++)); do
      if (($(node_of_server "$i") == node_arg)); then stop_server "$i" KILL; fi
    done
    ;;
  start-node)
    start_node "$node_arg"
    for ((i = 1; i <= servers; i++)); do
      if (($(node_of_server "$i") == node_arg)); then start_server "$i"; fi
    done
    ;;
  kill-server) stop_server "$node_arg" KILL ;;
  start-server) start_server "$node_arg" ;;
  restart-server)
    reload_nginx "$node_arg"
    stop_server "$node_arg" TERM
    start_server "$node_arg"
    reload_nginx
    ;;
  nginx-reload) reload_nginx ;;
  *) usage ;;
esac
