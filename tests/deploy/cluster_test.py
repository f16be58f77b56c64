"""The deployment's invariants, on the deployment itself: deploy/cluster.sh started three
MariaDB Galera nodes, three `parcours serve` (with --test-clock) and nginx (TLS, HTTP/2) in
DIR; these tests drive it through nginx and through each server, then read the database.

Usage: /usr/bin/python3 tests/deploy/cluster_test.py DIR [name-filter]
Prints one line per test and 'N passed, N failed'; exits 1 on a failure."""
import concurrent.futures
import json
import os
import re
import subprocess
import sys
import tempfile
import threading
import time
import uuid

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from lib import Client, Database, Response, decode_cursor, free_port, read_env, retrying, run_tests  # noqa: E402

from prometheus_client.parser import text_string_to_metric_families  # noqa: E402

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
DIR = os.path.abspath(sys.argv[1])
ENV = read_env(os.path.join(DIR, "cluster.env"))
SETTINGS = read_env(os.path.join(DIR, "settings"))
BINARY = SETTINGS["binary"]
HTTPS = ENV["HTTPS_URL"]
CA = ENV["CA_FILE"]
SERVERS = ENV["SERVER_URLS"].split()
METRICS = ENV["METRICS_URLS"].split()
NODE_PORTS = [int(p) for p in ENV["NODE_PORTS"].split()]
DB = Database(ENV["ADMIN_DATABASE_URL"], "parcours")
CLUSTER = os.path.join(ROOT, "deploy", "cluster.sh")
RUN = uuid.uuid4().hex[:6]  # keeps codes and e-mails unique if the tests run twice on one cluster

state = {}


def nginx(token=None):
    return Client(HTTPS, token=token, ca_file=CA)


def cluster(*args):
    subprocess.run([CLUSTER, *args, DIR], check=True, capture_output=True, text=True)


def login(email, password, base=None):
    c = Client(base, ca_file=CA) if base else nginx()
    r = c.post("/api/v1/auth/login", {"email": email, "password": password})
    assert r.status == 200, r
    return r.json()["token"]


def setup():
    state["coordinator"] = login(ENV["COORDINATOR_EMAIL"], ENV["COORDINATOR_PASSWORD"])
    c = nginx(state["coordinator"])
    r = c.post("/api/v1/agencies", {"code": "IFEN", "name": "IFEN"})
    assert r.status in (201, 409), r
    r = c.post("/api/v1/agencies/IFEN/keys")
    assert r.status == 201, r
    state["key"] = r.json()["key"]


def module(code, hours=4):
    r = nginx(state["coordinator"]).post("/api/v1/modules", {"code": f"{code}{RUN}", "title": code, "hours": hours})
    assert r.status == 201, r
    return r.json()["id"]


def session(module_id, capacity, starts, ends, min_registrants=0, decision_at=None):
    body = {"module_id": module_id, "starts_at": starts, "ends_at": ends, "capacity": capacity,
            "min_registrants": min_registrants, "agency": "IFEN"}
    if decision_at:
        body["decision_at"] = decision_at
    r = nginx(state["coordinator"]).post("/api/v1/sessions", body)
    assert r.status == 201, r
    return r.json()["id"]


def set_clock_everywhere(now):
    """Every server's test clock to `now`, then a fresh coordinator token: the first server to
    move purges tokens that expired on its new clock. The route needs no token."""
    for base in SERVERS:
        r = Client(base).post("/api/v1/test-clock", {"now": now})
        assert r.status == 200, r
    state["coordinator"] = login(ENV["COORDINATOR_EMAIL"], ENV["COORDINATOR_PASSWORD"])


def enrolment(session_id, email):
    return {"session_id": session_id, "participant": {"email": email, "name": "Rush " + email.split("@")[0]}}


def push_all(jobs, threads, on_progress=None):
    """jobs: [(external_id, body)]: PUT through nginx from `threads` clients, retrying
    temporary failures (PUT is idempotent). Returns {ext: final response}."""
    results, lock = {}, threading.Lock()
    queue = list(jobs)
    done = [0]

    def worker():
        c = nginx(state["key"])
        while True:
            with lock:
                if not queue:
                    return
                ext, body = queue.pop(0)
            r, _ = retrying(c, "PUT", f"/api/v1/agencies/IFEN/enrolments/{ext}", body)
            with lock:
                results[ext] = r
                done[0] += 1
                n = done[0]
            if on_progress:
                on_progress(n)

    with concurrent.futures.ThreadPoolExecutor(threads) as pool:
        for f in [pool.submit(worker) for _ in range(threads)]:
            f.result()
    return results


def session_registrations(session_id, base=None):
    c = Client(base or HTTPS, token=state["coordinator"], ca_file=CA)
    items, cursor = [], None
    while True:
        path = f"/api/v1/sessions/{session_id}/registrations?limit=500" + (f"&cursor={cursor}" if cursor else "")
        r = c.get(path)
        assert r.status == 200, r
        page = r.json()
        items += page["items"]
        cursor = page["next_cursor"]
        if not cursor:
            return items


def feed(base=None, since=None):
    c = Client(base or HTTPS, token=state["key"], ca_file=CA)
    items, cursor = [], since
    while True:
        r = c.get("/api/v1/agencies/IFEN/changes?limit=500" + (f"&since={cursor}" if cursor else ""))
        assert r.status == 200, r
        page = r.json()
        items += page["items"]
        if not page["items"]:
            return items
        cursor = page["next_cursor"]


def check_session_invariants(sessions, capacity, acknowledged):
    """Exact capacity, and waiting positions 1..W without gap, in the database and the API."""
    for s in sessions:
        regs = [r for r in session_registrations(s) if r["status"] in ("confirmed", "waitlisted")]
        confirmed = [r for r in regs if r["status"] == "confirmed"]
        waiting = sorted(r["waitlist_position"] for r in regs if r["status"] == "waitlisted")
        in_session = sum(1 for r in acknowledged.values() if r.json()["session_id"] == s)
        assert len(confirmed) == min(capacity, in_session), (s, len(confirmed), in_session)
        assert waiting == list(range(1, len(waiting) + 1)), (s, waiting[:20])
        assert len(regs) == in_session, (s, len(regs), in_session)
        row = DB.rows(f"SELECT confirmed_count, waitlist_count FROM sessions WHERE id = {int(s)}")[0]
        assert [int(x) for x in row] == [len(confirmed), len(waiting)], (s, row)


# ---- tests -----------------------------------------------------------------------------------


def test_migrations_were_applied_once_when_three_servers_started_together():
    applied = DB.count("SELECT COUNT(*) FROM schema_migrations")
    lines = []
    for i in range(1, len(SERVERS) + 1):
        log = open(os.path.join(DIR, f"server{i}.log")).read()
        lines += re.findall(r'"migration":"([^"]+)"', log)
    assert len(lines) == applied and len(set(lines)) == applied, (applied, lines)
    # Again on a fresh database, one `parcours migrate` through each node, started together.
    DB.rows("CREATE DATABASE migrate_race_" + RUN)
    url = ENV["ADMIN_DATABASE_URL"].rsplit(":", 1)[0]
    procs = [subprocess.Popen([BINARY, "migrate"], env={**os.environ, "PARCOURS_DATABASE_URL":
                                                          f"{url}:{port}/migrate_race_{RUN}"},
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for port in NODE_PORTS]
    outputs = [p.communicate(timeout=120) for p in procs]
    assert [p.returncode for p in procs] == [0] * len(procs), outputs
    names = [n for _, err in outputs for n in re.findall(r'"migration":"([^"]+)"', err)]
    assert len(names) == applied and len(set(names)) == applied, names
    assert DB.count("SELECT COUNT(*) FROM schema_migrations", f"migrate_race_{RUN}") == applied
    DB.rows(f"DROP DATABASE migrate_race_{RUN}")


def test_servers_are_stateless_tokens_and_login_throttling_live_in_the_database():
    token = login(ENV["COORDINATOR_EMAIL"], ENV["COORDINATOR_PASSWORD"], SERVERS[0])
    for base in SERVERS:
        assert Client(base, token=token).get("/api/v1/me").status == 200
    # Five failed logins for one e-mail, spread over the servers; the sixth is refused by
    # whichever server gets it.
    xff = {"X-Forwarded-For": "203.0.113.50"}
    email = f"nobody-{RUN}@example.lu"
    statuses = []
    for i in range(6):
        r = Client(SERVERS[i % len(SERVERS)]).post("/api/v1/auth/login", {"email": email, "password": "wrong password!"},
                                                   headers=xff)
        statuses.append(r.status)
    assert statuses[:5] == [401] * 5 and statuses[5] == 429, statuses


def test_the_client_address_comes_from_x_forwarded_for_only_from_a_trusted_proxy():
    def signup(n, forwarded, source=None):
        c = Client(SERVERS[n % len(SERVERS)], source_address=(source, 0) if source else None)
        return c.post("/api/v1/accounts", {"email": f"s{n}-{forwarded}-{RUN}@example.lu".replace(":", "."),
                                           "password": "violet mountain river at dawn", "name": "Sign Up"},
                      headers={"X-Forwarded-For": forwarded}).status

    # 127.0.0.1 is trusted (PARCOURS_TRUSTED_PROXIES): the header names the client, and sign-ups
    # are paced per client (10 at once).
    first = [signup(n, "198.51.100.77") for n in range(11)]
    assert first[:10] == [201] * 10 and first[10] == 429, first
    assert signup(20, "198.51.100.78") == 201
    # 127.0.0.2 is not trusted: its header is ignored, it is itself the client.
    assert signup(30, "198.51.100.77", source="127.0.0.2") == 201


def test_nginx_speaks_tls_and_http2_and_caches_static_assets():
    out = subprocess.run(["curl", "-sS", "--http2", "--cacert", CA, "-o", "/dev/null", "-w", "%{http_version} %{http_code}",
                          HTTPS + "/health"], capture_output=True, text=True, check=True).stdout
    assert out == "2 200", out
    c = nginx()
    first, second = c.get("/static/site.css"), c.get("/static/site.css")
    assert first.status == second.status == 200
    assert second.headers.get("x-cache-status") == "HIT", second.headers
    assert "max-age=3600" in second.headers.get("cache-control", "")
    assert c.get("/metrics").status == 404  # never through the public site


def forensics(ext, answer):
    """What the database holds of an acknowledged enrolment that is missing: its enrolment row,
    the registration the answer named, the person, and the audit rows of that request."""
    body = answer.json()
    rid = int(body["id"])
    return {
        "ext": ext, "answer": body, "server": answer.headers.get("x-served-by"),
        "request_id": answer.headers.get("x-request-id"),
        "enrolment": DB.rows(f"SELECT registration_id, agency_code FROM agency_enrolments WHERE external_id = '{ext}'"),
        "registration": DB.rows(f"SELECT id, session_id, participant_id, status FROM registrations WHERE id = {rid}"),
        "changes": DB.rows(f"SELECT id, seq, kind, registration_id FROM agency_changes WHERE external_id = '{ext}'"),
        "audit": DB.rows(f"SELECT id, action, entity_type, entity_id FROM audit_log WHERE request_id = "
                         f"'{answer.headers.get('x-request-id', '')}'"),
    }


def test_rush_over_three_servers_keeps_capacity_exact_and_waiting_lists_gapless():
    m = module("RUSH")
    capacity = 15
    sessions = [session(m if i == 0 else module(f"RUSH{i}"), capacity, "2027-03-04T09:00:00+01:00",
                        "2027-03-04T13:00:00+01:00") for i in range(3)]
    state["rush_sessions"] = sessions
    jobs = [(f"R{RUN}-{i}", enrolment(sessions[i % 3], f"rush{i}-{RUN}@example.lu")) for i in range(600)]
    # Feed readers poll through each server while the rush goes on: what each sees is gapless
    # and never shows an item below one it already saw.
    stop = threading.Event()
    seen, errors = {}, []

    def reader(base):
        c = Client(base, token=state["key"])
        cursor, last = None, None
        while not stop.is_set():
            r = c.get("/api/v1/agencies/IFEN/changes?limit=200" + (f"&since={cursor}" if cursor else ""))
            if r.status == 503 and r.headers.get("retry-after"):  # allowed: a client retries it
                time.sleep(0.2)
                continue
            if r.status != 200:
                errors.append(r)
                continue
            for item in r.json()["items"]:
                seq = decode_cursor(item["cursor"])
                if last is not None and seq != last + 1:
                    errors.append(("gap", base, last, seq))
                last = seq
            cursor = r.json()["next_cursor"]
            seen[base] = last
            time.sleep(0.05)

    readers = [threading.Thread(target=reader, args=(b,)) for b in SERVERS]
    for t in readers:
        t.start()
    t0 = time.monotonic()
    results = push_all(jobs, 48)
    elapsed = time.monotonic() - t0
    stop.set()
    for t in readers:
        t.join()
    assert not errors, errors[:5]
    statuses = {}
    for r in results.values():
        statuses[r.status] = statuses.get(r.status, 0) + 1
    assert set(statuses) == {201}, statuses
    acknowledged = {ext: r for ext, r in results.items() if r.status in (200, 201)}
    state["rush_acknowledged"] = acknowledged
    stored = DB.count(f"SELECT COUNT(*) FROM registrations WHERE session_id IN ({','.join(map(str, sessions))})")
    missing = [ext for ext, r in acknowledged.items()
               if DB.count(f"SELECT COUNT(*) FROM agency_enrolments e JOIN registrations g ON g.id = e.registration_id "
                           f"WHERE e.external_id = '{ext}' AND g.id = {int(r.json()['id'])}") != 1]
    assert stored == 600 and not missing, (stored, len(missing), [forensics(ext, acknowledged[ext]) for ext in missing[:3]])
    # The positions given in the answers are the positions stored, 1..W per session.
    for s in sessions:
        given = sorted(r.json()["waitlist_position"] for r in acknowledged.values()
                       if r.json()["session_id"] == s and r.json()["status"] == "waitlisted")
        assert given == list(range(1, len(given) + 1)), (s, given[:10])
    check_session_invariants(sessions, capacity, acknowledged)
    print(f"      600 enrolments through nginx in {elapsed:.1f} s; feed readers saw up to {seen}")


def test_one_registration_per_person_and_module_whatever_the_node():
    m = module("ONCE")
    a = session(m, 100, "2027-03-10T09:00:00+01:00", "2027-03-10T13:00:00+01:00")
    b = session(m, 100, "2027-03-17T09:00:00+01:00", "2027-03-17T13:00:00+01:00")
    results, lock = [], threading.Lock()

    def push(person, which, base):
        c = Client(base, token=state["key"])
        s = (a, b)[which]
        r, _ = retrying(c, "PUT", f"/api/v1/agencies/IFEN/enrolments/O{RUN}-{person}-{which}",
                        enrolment(s, f"once{person}-{RUN}@example.lu"))
        with lock:
            results.append((person, r))

    with concurrent.futures.ThreadPoolExecutor(40) as pool:
        futures = [pool.submit(push, p, w, SERVERS[(p + w) % len(SERVERS)]) for p in range(40) for w in (0, 1)]
        for f in futures:
            f.result()
    for p in range(40):
        mine = sorted(r.status for person, r in results if person == p)
        assert mine == [201, 409], (p, [(r.status, r.body[:120]) for person, r in results if person == p])
    assert DB.count(f"SELECT COUNT(*) FROM registrations WHERE session_id IN ({a},{b})") == 40


def test_an_idempotency_key_is_honoured_across_nodes():
    m = module("IDEM")
    body = {"module_id": m, "starts_at": "2027-04-01T09:00:00+01:00", "ends_at": "2027-04-01T13:00:00+01:00",
            "capacity": 10, "min_registrants": 0, "agency": "IFEN"}
    key = {"Idempotency-Key": f"idem-{RUN}"}

    def post(base):
        c = Client(base, token=state["coordinator"])
        for _ in range(100):
            r = c.post("/api/v1/sessions", body, headers=key)
            if r.status != 409:  # 409: another run of this key is in progress on another server
                return r
            time.sleep(0.05)
        return r

    with concurrent.futures.ThreadPoolExecutor(6) as pool:
        answers = list(pool.map(post, SERVERS * 2))
    assert {r.status for r in answers} == {201}, answers
    assert len({r.json()["id"] for r in answers}) == 1, answers
    assert DB.count(f"SELECT COUNT(*) FROM sessions WHERE module_id = {int(m)}") == 1


def test_the_agency_feed_is_gapless_complete_and_read_alike_from_every_server():
    items = feed()
    seqs = [decode_cursor(i["cursor"]) for i in items]
    assert seqs == list(range(1, len(seqs) + 1)), seqs[:20]
    assert len(items) == DB.count("SELECT COUNT(*) FROM agency_changes WHERE agency_code = 'IFEN'")
    for ext in state["rush_acknowledged"]:
        assert sum(1 for i in items if i.get("external_id") == ext) == 1, ext
    for base in SERVERS:
        assert [i["cursor"] for i in feed(base)] == [i["cursor"] for i in items]


def test_each_scheduler_decision_is_taken_once_when_three_servers_decide_together():
    m = module("DECIDE")
    sessions = [session(m, 20, f"2027-02-0{d}T09:00:00+01:00", f"2027-02-0{d}T13:00:00+01:00", min_registrants=3,
                        decision_at="2027-01-10T09:00:00+01:00") for d in range(1, 7)]
    jobs = []
    for n, s in enumerate(sessions):
        for k in range(3 if n < 3 else 1):  # three sessions reach the threshold, three do not
            jobs.append((f"D{RUN}-{n}-{k}", enrolment(s, f"decide{n}-{k}-{RUN}@example.lu")))
    push_all(jobs, 8)

    def set_clock(base):
        return Client(base).post("/api/v1/test-clock", {"now": "2027-01-11T10:00:00+01:00"}).status

    with concurrent.futures.ThreadPoolExecutor(len(SERVERS)) as pool:
        assert list(pool.map(set_clock, SERVERS)) == [200] * len(SERVERS)
    state["coordinator"] = login(ENV["COORDINATOR_EMAIL"], ENV["COORDINATOR_PASSWORD"])  # the old one expired
    ids = ",".join(map(str, sessions))
    decided = DB.rows(f"SELECT entity_id, COUNT(*) FROM audit_log WHERE entity_type = 'session' AND entity_id IN ({ids}) "
                      f"AND action IN ('session.confirmed', 'session.cancelled_by_threshold') GROUP BY entity_id")
    assert sorted((int(s), int(n)) for s, n in decided) == sorted((int(s), 1) for s in sessions), decided
    statuses = [r[0] for r in DB.rows(f"SELECT status FROM sessions WHERE id IN ({ids}) ORDER BY starts_at")]
    assert statuses == ["confirmed"] * 3 + ["cancelled"] * 3, statuses
    assert DB.count(f"SELECT COUNT(*) FROM audit_log WHERE action = 'registration.cancelled' AND entity_id IN "
                    f"(SELECT id FROM registrations WHERE session_id IN ({ids}))") == 3
    assert DB.count(f"SELECT COUNT(*) FROM notifications n JOIN registrations r ON r.participant_id = n.user_id "
                    f"WHERE r.session_id IN ({ids}) AND r.status = 'cancelled' AND n.kind LIKE '%cancel%'") == 3


def scrape(url):
    r = Client(url).get("/metrics")
    assert r.status == 200, r
    assert r.headers["content-type"].startswith("text/plain; version=0.0.4"), r.headers
    samples = {}
    families = {}
    for family in text_string_to_metric_families(r.body.decode()):
        families[family.name] = family.type
        for s in family.samples:
            samples.setdefault(s.name, []).append((s.labels, s.value))
    return families, samples


def total(samples, name, **labels):
    return sum(v for l, v in samples.get(name, []) if all(l.get(k) == x for k, x in labels.items()))


def test_metrics_parse_as_prometheus_text_and_counters_move_with_registrations():
    before = [scrape(u)[1] for u in METRICS]
    s = session(module("METRICS"), 5, "2027-03-20T09:00:00+01:00", "2027-03-20T13:00:00+01:00")
    results = push_all([(f"M{RUN}-{i}", enrolment(s, f"metrics{i}-{RUN}@example.lu")) for i in range(9)], 3)
    assert {r.status for r in results.values()} == {201}
    scraped = [scrape(u) for u in METRICS]
    after = [x[1] for x in scraped]
    families = scraped[0][0]

    def grown(name, **labels):
        return sum(total(a, name, **labels) for a in after) - sum(total(b, name, **labels) for b in before)

    assert grown("parcours_registrations_total", outcome="confirmed") == 5
    assert grown("parcours_registrations_total", outcome="waitlisted") == 4
    assert grown("parcours_http_requests_total", route="/api/v1/agencies/{code}/enrolments/{external_id}",
                 method="PUT", status="201") == 9
    assert grown("parcours_http_request_duration_seconds_count",
                 route="/api/v1/agencies/{code}/enrolments/{external_id}") == 9
    expected = {
        "parcours_http_requests": "counter", "parcours_http_request_duration_seconds": "histogram",
        "parcours_db_pool_connections": "gauge", "parcours_db_pool_waits": "counter",
        "parcours_db_transaction_retries": "counter", "parcours_registrations": "counter",
        "parcours_scheduler_passes": "counter", "parcours_outbox_messages": "gauge",
        "parcours_webhook_backlog_items": "gauge", "parcours_database_up": "gauge",
        "parcours_galera_cluster_size": "gauge", "process_resident_memory_bytes": "gauge",
    }
    for name, kind in expected.items():
        assert families.get(name) == kind, (name, families.get(name))
    assert total(after[0], "parcours_galera_cluster_size") == len(NODE_PORTS)
    assert total(after[0], "process_resident_memory_bytes") > 1e6
    # Not on the public listener of a server.
    assert Client(SERVERS[0]).get("/metrics").status == 404


def test_backup_and_restore_give_the_same_registrations_attendance_attestations_and_feed():
    coordinator = nginx(state["coordinator"])
    r = coordinator.post("/api/v1/pathways", {"code": f"BK{RUN}", "title": "Backup pathway",
                                              "modules": [{"code": f"BKM{RUN}", "title": "Only module", "hours": 4}]})
    assert r.status == 201, r
    pathway = r.json()
    s = session(pathway["modules"][0]["id"], 10, "2027-01-20T09:00:00+01:00", "2027-01-20T13:00:00+01:00")
    results = push_all([(f"B{RUN}-{i}", enrolment(s, f"backup{i}-{RUN}@example.lu")) for i in range(5)], 5)
    people = [r.json()["participant_id"] for r in results.values()]
    set_clock_everywhere("2027-01-20T12:00:00+01:00")  # attendance is allowed from the session's start
    coordinator = nginx(state["coordinator"])
    r = coordinator.put(f"/api/v1/sessions/{s}/attendance",
                        {"records": [{"participant_id": p, "status": "present"} for p in people]})
    assert r.status == 200, r
    r = coordinator.post(f"/api/v1/pathways/{pathway['id']}/attestations")
    assert r.status == 201, r
    attestations = r.json()["items"]
    assert len(attestations) == 5
    pdfs = {a["id"]: coordinator.get(f"/api/v1/attestations/{a['id']}/pdf").body for a in attestations}
    feed_before = feed()
    sessions = state["rush_sessions"] + [s]
    regs_before = {x: session_registrations(x) for x in sessions}
    sheet_before = coordinator.get(f"/api/v1/sessions/{s}/attendance").json()

    work = tempfile.mkdtemp(prefix="parcours-backup-test.")
    env_file = os.path.join(work, "parcours.env")
    with open(env_file, "w") as f:
        f.write(f"PARCOURS_DATABASE_URL={ENV['DATABASE_URL']}\n"
                f"PARCOURS_SIGNING_KEY={DIR}/signing/key.pem\nPARCOURS_SIGNING_CERT={DIR}/signing/cert.pem\n")
    backup = subprocess.run([os.path.join(ROOT, "deploy", "backup.sh"), "--env", env_file, "--out", work],
                            capture_output=True, text=True, check=True).stdout.strip()
    assert os.stat(backup).st_mode & 0o077 == 0, oct(os.stat(backup).st_mode)
    restored_db = f"restored_{RUN}"
    url = ENV["ADMIN_DATABASE_URL"].rstrip("/") + "/" + restored_db
    config = os.path.join(work, "config")
    subprocess.run([os.path.join(ROOT, "deploy", "restore.sh"), backup, "--database-url", url, "--config-dir", config],
                   capture_output=True, text=True, check=True)
    port_file = os.path.join(work, "port")
    env = {**os.environ, "PARCOURS_DATABASE_URL": url, "PARCOURS_SIGNING_KEY": os.path.join(config, "signing-key.pem"),
           "PARCOURS_SIGNING_CERT": os.path.join(config, "signing-chain.pem"),
           "PARCOURS_PUBLIC_URL": "https://127.0.0.1", "PARCOURS_TEMPLATES_DIR": os.path.join(ROOT, "certificates", "templates")}
    log = open(os.path.join(work, "server.log"), "w")
    server = subprocess.Popen([BINARY, "serve", "--listen", "127.0.0.1:0", "--port-file", port_file], env=env,
                              stdout=log, stderr=log)
    try:
        for _ in range(300):
            if os.path.exists(port_file):
                break
            time.sleep(0.1)
        base = f"http://127.0.0.1:{open(port_file).read().strip()}"
        restored = Client(base, token=login(ENV["COORDINATOR_EMAIL"], ENV["COORDINATOR_PASSWORD"], base))
        for x in sessions:
            assert session_registrations(x, base) == regs_before[x], x
        assert restored.get(f"/api/v1/sessions/{s}/attendance").json() == sheet_before
        for a in attestations:
            assert restored.get(f"/api/v1/attestations/{a['id']}/pdf").body == pdfs[a["id"]], a["id"]
            v = Client(base).get(f"/api/v1/verify/{a['verification_code']}", headers={"Accept": "application/json"}).json()
            assert v["valid"] is True and v["revoked"] is False, v
        pdf = os.path.join(work, "one.pdf")
        with open(pdf, "wb") as f:
            f.write(pdfs[attestations[0]["id"]])
        check = subprocess.run([BINARY, "verify", pdf], env=env, capture_output=True, text=True)
        assert check.returncode == 0, check.stdout + check.stderr
        assert feed(base) == feed_before
    finally:
        server.terminate()
        server.wait(timeout=30)
        DB.rows(f"DROP DATABASE {restored_db}")
        subprocess.run(["rm", "-rf", work])


def test_a_node_killed_mid_rush_loses_nothing_acknowledged_and_rejoins():
    capacity = 20
    sessions = [session(module(f"KILL{i}"), capacity, "2027-06-01T09:00:00+01:00", "2027-06-01T13:00:00+01:00")
                for i in range(3)]
    jobs = [(f"K{RUN}-{i}", enrolment(sessions[i % 3], f"kill{i}-{RUN}@example.lu")) for i in range(360)]
    killed = threading.Event()
    kill_at = [None]

    def progress(n):
        if n == 90 and not killed.is_set():
            killed.set()
            kill_at[0] = time.monotonic()
            threading.Thread(target=cluster, args=("kill-node", "2")).start()

    t0 = time.monotonic()
    results = push_all(jobs, 24, progress)
    elapsed = time.monotonic() - t0
    assert killed.is_set()
    acknowledged = {ext: r for ext, r in results.items() if r.status in (200, 201)}
    assert len(acknowledged) == len(jobs), {r.status for r in results.values()}
    node1 = DB.at(NODE_PORTS[0])
    for ext, r in acknowledged.items():
        assert node1.count(f"SELECT COUNT(*) FROM agency_enrolments e JOIN registrations g ON g.id = e.registration_id "
                           f"WHERE e.external_id = '{ext}' AND g.id = {int(r.json()['id'])}") == 1, ext
    check_session_invariants(sessions, capacity, acknowledged)
    # The node comes back, catches up and holds the same rows.
    t1 = time.monotonic()
    cluster("start-node", "2")
    rejoin = time.monotonic() - t1
    ids = ",".join(map(str, sessions))
    query = f"SELECT COUNT(*), SUM(status = 'confirmed') FROM registrations WHERE session_id IN ({ids})"
    assert DB.at(NODE_PORTS[1]).rows(query) == node1.rows(query)
    size = DB.at(NODE_PORTS[1]).rows("SHOW STATUS LIKE 'wsrep_cluster_size'")
    assert size == [["wsrep_cluster_size", str(len(NODE_PORTS))]], size
    print(f"      360 enrolments in {elapsed:.1f} s with node 2 killed after 90; node 2 rejoined in {rejoin:.1f} s")


def test_a_rolling_update_of_the_servers_fails_no_request_a_client_sees():
    s = session(module("ROLL"), 10000, "2027-05-01T09:00:00+01:00", "2027-05-01T13:00:00+01:00")
    stop = threading.Event()
    lock = threading.Lock()
    seen = {"GET": [], "PUT": [], "POST": []}
    created = []
    resent = []  # requests a client sent again because nginx closed a kept-alive connection (reload)

    def load(n):
        c_key, c_coord = nginx(state["key"]), nginx(state["coordinator"])
        i = 0
        while not stop.is_set():
            i += 1
            try:
                r = c_coord.get("/api/v1/sessions?limit=5")
                with lock:
                    seen["GET"].append(r.status)
                r = c_key.put(f"/api/v1/agencies/IFEN/enrolments/U{RUN}-{n}-{i}", enrolment(s, f"roll{n}-{i}-{RUN}@example.lu"))
                with lock:
                    seen["PUT"].append(r.status)
                # A POST carrying an Idempotency-Key: the client may send it again.
                code = f"RL{RUN}{n}x{i}"
                r, tries = retrying(c_coord, "POST", "/api/v1/modules", {"code": code, "title": "Roll", "hours": 1},
                                    {"Idempotency-Key": code}, attempts=20)
                with lock:
                    seen["POST"].append(r.status if tries == 1 else f"{r.status} after {tries}")
                    if r.status == 201:
                        created.append(code)
            except Exception as e:  # noqa: BLE001 - a broken connection is a failure the client sees
                with lock:
                    seen.setdefault("errors", []).append(repr(e))
        with lock:
            resent.append(c_key.resent + c_coord.resent)

    threads = [threading.Thread(target=load, args=(n,)) for n in range(6)]
    for t in threads:
        t.start()
    time.sleep(1)
    for i in range(1, len(SERVERS) + 1):
        cluster("restart-server", str(i))
    time.sleep(1)
    stop.set()
    for t in threads:
        t.join()
    # A POST the client sent again under its Idempotency-Key ("201 after 2") is allowed.
    failures = {k: [x for x in v if x not in (200, 201) and not str(x).startswith(("200 after", "201 after"))]
                for k, v in seen.items()}
    assert not any(failures.values()), {k: v[:10] for k, v in failures.items()}
    assert len(seen["PUT"]) > 50, {k: len(v) for k, v in seen.items()}
    codes = ",".join(f"'{c}'" for c in created)
    assert DB.count(f"SELECT COUNT(*) FROM modules WHERE code IN ({codes})") == len(created)
    print(f"      during 3 server restarts: {len(seen['GET'])} GET, {len(seen['PUT'])} PUT, {len(seen['POST'])} POST, none failed "
          f"({sum(resent)} sent again on a new connection after nginx closed a kept-alive one)")


if __name__ == "__main__":
    setup()
    tests = [v for k, v in list(globals().items()) if k.startswith("test_") and callable(v)]
    ok = run_tests(tests, sys.argv[2] if len(sys.argv) > 2 else None)
    sys.exit(0 if ok else 1)
