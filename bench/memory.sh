#!/usr/bin/env bash
# The server's memory over many requests (issue 11): on the demo data (deploy/run.sh's LTAS
# catalogue and people) in a throw-away MariaDB, an ordinary client (Python's http.client,
# CLIENTS threads, keep-alive connections, every 50th request on a new connection) sends
# REQUESTS requests, a mix of
#   catalogue     GET /api/v1/sessions?limit=20             (JSON)
#   pages         GET /, GET /sessions/{id}, GET /parcours   (the last with the session cookie)
#   registrations POST /api/v1/sessions/{id}/registrations, then DELETE /api/v1/registrations/{id}
#                 (the demo participant registers and withdraws, in turn, on the open sessions)
# while the server's resident set (VmRSS of /proc/PID/status) is sampled every 2,000 requests.
# It prints the samples and the spread after the warm-up (the first WARMUP requests), and fails
# when a request failed or the spread passes LIMIT_MB.
# Usage: bench/memory.sh [REQUESTS=100000] [CLIENTS=4] [WARMUP=10000] [LIMIT_MB=8]
# PARCOURS_BENCH_BUILD=DIR uses the binaries of an existing build instead of making the
# Release build in build/.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
. bench/lib.sh
requests=${1:-100000}
clients=${2:-4}
warmup=${3:-10000}
limit_mb=${4:-8}

bin=${PARCOURS_BENCH_BUILD:-build}
[[ $bin == build ]] && bench_build parcours
bench_setup parcours-memory
bench_demo_data
bench_serve
token=$(bench_demo_token)
echo "$bin/parcours (pid $server_pid) at $url: $requests requests from $clients clients; $(nproc) cores, $(uname -r)"

/usr/bin/python3 - "$url" "$server_pid" "$token" "$requests" "$clients" "$warmup" "$limit_mb" <<'PY'
import http.client, json, sys, threading, time, urllib.parse

url, pid, token = sys.argv[1], int(sys.argv[2]), sys.argv[3]
total, clients, warmup, limit_mb = (int(x) for x in sys.argv[4:8])
host = urllib.parse.urlparse(url)

def rss_kb():
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    raise SystemExit("the server is gone")

def connect():
    return http.client.HTTPConnection(host.hostname, host.port, timeout=30)

def get_json(conn, method, path, body=None, auth=True):
    headers = {"Content-Type": "application/json"} if body is not None else {}
    if auth:
        headers["Authorization"] = "Bearer " + token
    conn.request(method, path, body=None if body is None else json.dumps(body), headers=headers)
    r = conn.getresponse()
    data = r.read()
    return r.status, data

setup = connect()
status, body = get_json(setup, "GET", "/api/v1/sessions?limit=50", auth=False)
sessions = [s["id"] for s in json.loads(body)["items"]]
# The sessions the participant can register for (open, not already theirs).
open_sessions = []
for s in sessions:
    status, body = get_json(setup, "POST", f"/api/v1/sessions/{s}/registrations", {})
    if status == 201:
        reg = json.loads(body)["id"]
        if get_json(setup, "DELETE", f"/api/v1/registrations/{reg}")[0] == 200:
            open_sessions.append(s)
if not open_sessions:
    raise SystemExit("no session the demo participant can register for")

lock = threading.Lock()
done = 0
failures = {}
answers = {}  # (what, status): count
samples = [(0, rss_kb())]
step = 2000
started = time.monotonic()

def worker(index):
    global done
    conn = connect()
    while True:
        with lock:
            if done >= total:
                return
            done += 1
            n = done
            if n % step == 0:
                samples.append((n, rss_kb()))
        if n % 50 == 0:
            conn.close()
            conn = connect()
        kind = n % 10
        try:
            if kind < 3:
                status, _ = get_json(conn, "GET", "/api/v1/sessions?limit=20", auth=False)
                ok = status == 200
            elif kind < 5:
                status, _ = get_json(conn, "GET", "/", auth=False)
                ok = status == 200
            elif kind < 7:
                status, _ = get_json(conn, "GET", f"/sessions/{sessions[n % len(sessions)]}", auth=False)
                ok = status == 200
            elif kind < 8:
                conn.request("GET", "/parcours", headers={"Cookie": "parcours_session=" + token})
                r = conn.getresponse()
                r.read()
                status, ok = r.status, r.status == 200
            else:
                # One participant, several clients: a session is registered for and withdrawn
                # from by one client at a time (each client has its own sessions).
                s = open_sessions[(index + clients * (n // 10)) % len(open_sessions)] \
                    if len(open_sessions) >= clients else open_sessions[index % len(open_sessions)]
                status, body = get_json(conn, "POST", f"/api/v1/sessions/{s}/registrations", {})
                ok = status in (201, 409)
                if status == 201:
                    reg = json.loads(body)["id"]
                    status, _ = get_json(conn, "DELETE", f"/api/v1/registrations/{reg}")
                    ok = status == 200
        except (OSError, http.client.HTTPException) as e:
            status, ok = type(e).__name__, False
            conn.close()
            conn = connect()
        what = ("catalogue", "catalogue", "catalogue", "page /", "page /", "session page", "session page",
                "parcours page", "registration", "registration")[kind]
        with lock:
            answers[(what, status)] = answers.get((what, status), 0) + 1
        if not ok:
            with lock:
                failures[(kind, status)] = failures.get((kind, status), 0) + 1

threads = [threading.Thread(target=worker, args=(k,)) for k in range(clients)]
for t in threads:
    t.start()
for t in threads:
    t.join()
elapsed = time.monotonic() - started
samples.append((done, rss_kb()))

print(f"{done} requests in {elapsed:.0f} s ({done / elapsed:.0f}/s), {len(open_sessions)} sessions to register for")
print("| requests | RSS MB |")
print("| ---: | ---: |")
for n, kb in samples:
    if n % 10000 == 0 or n == done:
        print(f"| {n} | {kb / 1024:.1f} |")
after = [kb for n, kb in samples if n >= warmup]
spread = (max(after) - min(after)) / 1024
first = next(kb for n, kb in samples if n >= warmup) / 1024
print(f"after the warm-up ({warmup} requests): from {first:.1f} MB, min {min(after) / 1024:.1f}, "
      f"max {max(after) / 1024:.1f}, spread {spread:.1f} MB, end {samples[-1][1] / 1024:.1f} MB")
print("answers (what, last status): " + ", ".join(f"{k[0]} {k[1]}: {v}" for k, v in sorted(answers.items(), key=str)))
if failures:
    print("failed requests (kind, status): " + ", ".join(f"{k}: {v}" for k, v in sorted(failures.items(), key=str)))
if failures or spread > limit_mb:
    sys.exit(1)
PY
