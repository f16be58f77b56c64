# Shared by the benchmark scripts: a Release build and a throw-away MariaDB with one database.
# After `bench_setup`, $tmp, $port, $password and $db (the database URL) are set; the EXIT trap
# stops the server in $server_pid (if any) and the database.

bench_build() {  # targets...
  deploy/install-deps.sh runtime >/dev/null
  cmake -S . -B build -DCMAKE_BUILD_TYPE=Release -DPARCOURS_BUILD_TESTS=OFF >/dev/null
  cmake --build build -j2 --target "$@" >/dev/null
}

bench_setup() {  # prefix of the temporary directory
  tmp=$(mktemp -d "/tmp/$1.XXXXXX")
  server_pid=""
  trap bench_cleanup EXIT
  port=$(/usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
  deploy/mariadb.sh start "$tmp" "$port" >/dev/null
  password=$(openssl rand -hex 12)
  deploy/mariadb.sh create-db "$tmp" parcours bench "$password" >/dev/null
  db="mysql://bench:$password@127.0.0.1:$port/parcours"
}

bench_cleanup() {
  if [[ -n ${server_pid:-} ]]; then kill "$server_pid" 2>/dev/null && wait "$server_pid" 2>/dev/null || true; fi
  deploy/mariadb.sh stop "$tmp" >/dev/null 2>&1 || true
  rm -rf -- "$tmp"
}

# Starts `build/parcours serve` (or $bin/parcours, or $server) on a free port; sets $server_pid and $url.
bench_serve() {
  "${server:-${bin:-build}/parcours}" serve --database-url "$db" --listen 127.0.0.1:0 --port-file "$tmp/port" 2>"$tmp/server.log" &
  server_pid=$!
  for _ in $(seq 100); do [[ -s $tmp/port ]] && break; sleep 0.1; done
  url="http://127.0.0.1:$(cat "$tmp/port")"
}

# The demo data of deploy/run.sh (LTAS catalogue, `parcours demo-people`) in $db, with random
# passwords; uses $bin/parcours. Sets PARCOURS_DEMO_PARTICIPANT_PASSWORD among others.
bench_demo_data() {
  export PARCOURS_DATABASE_URL=$db
  export PARCOURS_BOOTSTRAP_COORDINATOR_EMAIL=coordinator@bench.local PARCOURS_BOOTSTRAP_COORDINATOR_PASSWORD=$(openssl rand -hex 12)
  export PARCOURS_DEMO_PARTICIPANT_PASSWORD=$(openssl rand -hex 12) PARCOURS_DEMO_TRAINER_PASSWORD=$(openssl rand -hex 12)
  "$bin"/parcours migrate >/dev/null
  "$bin"/parcours seed sql/seed/ltas_demo.sql >/dev/null
  "$bin"/parcours demo-people >/dev/null
}

# A person token of the demo participant from the server at $url.
bench_demo_token() {
  curl -sf -H 'Content-Type: application/json' \
    -d "{\"email\":\"participant@parcours.local\",\"password\":\"$PARCOURS_DEMO_PARTICIPANT_PASSWORD\"}" \
    "$url/api/v1/auth/login" | /usr/bin/python3 -c 'import json,sys; print(json.load(sys.stdin)["token"])'
}
