#!/usr/bin/env python3
"""Writes the hand-made seeds of the fuzz targets into tests/fuzz/corpus/<target>/ (the
pdf_verify seeds come from make_pdf_seeds). Run it again after adding a route or a setting;
seeds are named after what they hold, so rerunning only adds or rewrites these files."""
import json
import os
import struct

HERE = os.path.dirname(os.path.abspath(__file__))


def write(target, name, data):
    d = os.path.join(HERE, "corpus", target)
    os.makedirs(d, exist_ok=True)
    if isinstance(data, str):
        data = data.encode("utf-8")
    with open(os.path.join(d, name), "wb") as f:
        f.write(data)


# --- json_bodies: "<caller> <METHOD> <target>\n<body>" for every route that reads a body ------
account = {"email": "anne@ex.lu", "password": "lilac umbrella at noon", "name": "Anne Müller",
           "organisation": "Lycée Aline Mayrisch", "language": "de"}
bodies = {
    "accounts": ("anonymous", "POST", "/api/v1/accounts", account),
    "users": ("coordinator", "POST", "/api/v1/users", dict(account, roles=["trainer"])),
    "login": ("anonymous", "POST", "/api/v1/auth/login", {"email": "anne@ex.lu", "password": "x" * 12}),
    "unlock": ("anonymous", "POST", "/api/v1/auth/unlock", {"token": "unl_abcdef"}),
    "password": ("anonymous", "POST", "/api/v1/auth/password", {"token": "pr_abc", "password": "a long password"}),
    "logout": ("participant", "POST", "/api/v1/auth/logout", None),
    "agency": ("coordinator", "POST", "/api/v1/agencies", {"code": "IFEN", "name": "Institut de formation"}),
    "agency-key": ("coordinator", "POST", "/api/v1/agencies/IFEN/keys", None),
    "agency-key-revoke": ("coordinator", "DELETE", "/api/v1/agencies/IFEN/keys/3", None),
    "enrolment": ("agency:IFEN", "PUT", "/api/v1/agencies/IFEN/enrolments/X-1",
                  {"session_id": "12", "participant": {"email": "a@ex.lu", "name": "A", "organisation": "École"}}),
    "enrolment-delete": ("agency:IFEN", "DELETE", "/api/v1/agencies/IFEN/enrolments/X-1", None),
    "changes": ("agency:IFEN", "GET", "/api/v1/agencies/IFEN/changes?since=abc&limit=10", None),
    "webhook": ("agency:IFEN", "POST", "/api/v1/agencies/IFEN/webhooks", {"url": "https://hooks.example.org/p"}),
    "webhook-delete": ("agency:IFEN", "DELETE", "/api/v1/agencies/IFEN/webhooks/4", None),
    "enrolments-csv-export": ("agency:IFEN", "GET", "/api/v1/agencies/IFEN/enrolments.csv?year=2027", None),
    "session-csv": ("trainer", "GET", "/api/v1/sessions/5/registrations.csv", None),
    "report": ("coordinator", "GET", "/api/v1/reports/participation?year=2024&format=csv", None),
    "report-sessions": ("coordinator", "GET", "/api/v1/reports/sessions?year=2024", None),
    "attendance": ("trainer", "PUT", "/api/v1/sessions/5/attendance",
                   {"records": [{"participant_id": "7", "status": "present"},
                                {"participant_id": "8", "status": "partial", "hours": 2.5}]}),
    "progress": ("participant", "GET", "/api/v1/participants/101/progress?pathway_id=1", None),
    "attestation": ("coordinator", "POST", "/api/v1/attestations", {"participant_id": "7", "pathway_id": "1"}),
    "attestations-all": ("coordinator", "POST", "/api/v1/pathways/1/attestations", None),
    "revoke": ("coordinator", "POST", "/api/v1/attestations/3/revoke", {"reason": "mistake"}),
    "verify-html": ("anonymous", "GET", "/api/v1/verify/K7QM-2XHP-9TRW-4CFD", None),
    "pathway": ("coordinator", "POST", "/api/v1/pathways",
                {"code": "LTAS", "title": "Let's Talk about Sex !",
                 "modules": [{"code": "M1", "title": "Puberté", "hours": 4}, {"code": "M2", "title": "IST", "hours": 8}]}),
    "module": ("coordinator", "POST", "/api/v1/modules", {"code": "COLLOQ", "title": "Colloque", "hours": 3.5}),
    "session": ("coordinator", "POST", "/api/v1/sessions",
                {"module_id": "1", "starts_at": "2027-03-04T09:00:00+01:00", "ends_at": "2027-03-04T13:00:00+01:00",
                 "capacity": 20, "min_registrants": 10, "decision_at": "2027-02-18T09:00:00+01:00",
                 "agency": "IFEN", "location": "Luxembourg", "mode": "hybrid", "trainer_ids": ["2", "3"]}),
    "sessions-list": ("anonymous", "GET", "/api/v1/sessions?module_id=1&from=2027-01-01&to=2027-12-31&status=scheduled&limit=5&cursor=abc", None),
    "cancel": ("coordinator", "POST", "/api/v1/sessions/5/cancel", {"reason": "Formateur malade"}),
    "test-clock": ("anonymous", "POST", "/api/v1/test-clock", {"now": "2027-03-04T09:00:00.250+01:00"}),
    "register": ("participant", "POST", "/api/v1/sessions/5/registrations", None),
    "register-for": ("coordinator", "POST", "/api/v1/sessions/5/registrations",
                     {"participant_id": "7", "channel": "SPECIALISED", "module_override": True}),
    "transfer": ("participant", "POST", "/api/v1/registrations/9/transfer", {"session_id": "6"}),
    "withdraw": ("participant", "DELETE", "/api/v1/registrations/9", None),
    "me-registrations": ("participant", "GET", "/api/v1/me/registrations?limit=2", None),
    "failures": ("coordinator", "GET", "/api/v1/operations/failures", None),
    "user": ("coordinator", "GET", "/api/v1/users/7", None),
    # Personal-data rights and the audit trail.
    "me-data": ("participant", "GET", "/api/v1/me/data", None),
    "user-data": ("coordinator", "GET", "/api/v1/users/7/data", None),
    "me-patch": ("participant!", "PATCH", "/api/v1/me", {"name": "Anne Weber", "organisation": "", "language": "en"}),
    "me-patch-json": ("participant", "PATCH", "/api/v1/me", {"name": "Anne Weber", "language": "fr"}),
    "erase": ("coordinator", "POST", "/api/v1/users/7/erasure", {"reason": "letter of 2027-03-01"}),
    "reissue": ("coordinator", "POST", "/api/v1/attestations/3/reissue", {"reason": "name corrected"}),
    "audit": ("coordinator", "GET", "/api/v1/audit?person=7&session=5&action=registration.created&from=2027-01-01&to=2027-12-31&limit=10", None),
    "audit-csv": ("coordinator", "GET", "/api/v1/audit.csv?person=7&from=2027-01-01T00:00:00%2B01:00", None),
}
for name, (caller, method, target, body) in bodies.items():
    text = "" if body is None else json.dumps(body, ensure_ascii=False)
    write("json_bodies", name, f"{caller} {method} {target}\n{text}")
write("json_bodies", "csv-import", "agency:IFEN! POST /api/v1/agencies/IFEN/enrolments.csv\n"
      "external_id;session_id;email;name;organisation\r\nX-1;12;a@ex.lu;Anne;École\r\n")

# --- http_request: 2 bytes (piece size, limits) then the bytes of a connection ----------------
def http(name, stream, piece=255, small=0):
    write("http_request", name, bytes([piece, small]) + stream.encode("utf-8"))

body = json.dumps(account)
http("get", "GET /api/v1/sessions?module_id=1&limit=10 HTTP/1.1\r\nHost: p\r\n\r\n")
http("get-bytewise", "GET /api/v1/sessions/5 HTTP/1.1\r\nHost: p\r\nAccept: */*\r\n\r\n", piece=0)
http("post-json", f"POST /api/v1/accounts HTTP/1.1\r\nHost: p\r\nContent-Type: application/json\r\n"
     f"Content-Length: {len(body.encode())}\r\n\r\n{body}")
http("chunked", "POST /api/v1/auth/login HTTP/1.1\r\nHost: p\r\nContent-Type: application/json\r\n"
     "Transfer-Encoding: chunked\r\n\r\n6\r\n{\"emai\r\n1a;ext=1\r\nl\":\"a@b.lu\",\"password\":\"x\"}\r\n0\r\nX-T: 1\r\n\r\n", piece=7)
http("pipelined", "GET /health HTTP/1.1\r\nHost: p\r\n\r\nGET /api/v1/pathways HTTP/1.1\r\nHost: p\r\n\r\n"
     "DELETE /api/v1/registrations/3 HTTP/1.1\r\nHost: p\r\nAuthorization: Bearer pt_abcdefgh\r\n\r\n")
http("expect", "PUT /api/v1/sessions/5/attendance HTTP/1.1\r\nHost: p\r\nExpect: 100-continue\r\n"
     "Content-Type: application/json\r\nContent-Length: 13\r\n\r\n{\"records\":1}")
http("encoded", "GET /api/v1/verify/K7QM%2D2XHP%2D9TRW%2D4CFD?x=a+b%20c HTTP/1.1\r\nHost: p\r\n"
     "Accept: text/html\r\nAccept-Language: de-LU, en;q=0.5\r\n\r\n")
http("http10", "GET /api/v1/modules HTTP/1.0\r\nConnection: keep-alive\r\n\r\n")
http("page", "GET /sessions/5?lang=en HTTP/1.1\r\nHost: p\r\nCookie: parcours_lang=de\r\n\r\n")
http("small-limits", "GET /api/v1/sessions?module_id=1 HTTP/1.1\r\nHost: p\r\nX-A: 1\r\nX-B: 2\r\n\r\n", small=1)
http("head-bad-query", "HEAD /api/v1/pathways?limit=0&limit=3&zzz HTTP/1.1\r\nHost: p\r\n\r\n")
http("obs-fold", "GET / HTTP/1.1\r\nHost: p\r\nX-Long: a\r\n  b\r\n\r\n")
http("audit", "GET /api/v1/audit.csv?person=7&action=user.erased HTTP/1.1\r\nHost: p\r\n"
     "Authorization: Bearer pt_0123456789\r\n\r\n")

# --- csv_import: files as agencies send them --------------------------------------------------
write("csv_import", "semicolon-bom", "\ufeffexternal_id;session_id;email;name;organisation\r\n"
      "X-1;12;anne@ex.lu;Anne Müller;Lycée \"Aline\"\r\nX-2;12;ben@ex.lu;\"Ben; Jr\";\r\n")
write("csv_import", "comma", "name,email,session_id,external_id\nZoë,z@ex.lu,3,A7\n\n")
write("csv_import", "quoted-newline", "external_id;session_id;email;name\n\"X\n1\";1;a@b.lu;\"a\"\"b\"\n")
write("csv_import", "errors", "external_id;session_id;email;name\nX/1;abc;nope;=cmd()\nX/1;;;\n")

# --- config: files for `parcours serve --config` ----------------------------------------------
write("config", "full", """# Parcours
database_url = mysql://parcours:s%40cret@127.0.0.1:3306/parcours
listen = 0.0.0.0:8080
threads = 2
workers = 32
db_pool = 32
db_lock_wait = 5
db_retry_budget_ms = 2000
db_io_timeout = 10
http_queue = 512
max_connections = 20000
max_connections_per_address = 512
header_timeout = 10
keepalive_timeout = 30
scrypt_n = 32768
scrypt_concurrency = 2
signups_per_hour = 10
smtp_url = smtps://mail.example.lu:465
smtp_user = parcours
smtp_password = secret
mail_from = "Cesas" <no-reply@cesas.lu>
organizer_name = Cesas
scheduler_interval = 30
outbox_interval_ms = 500
webhook_allow_hosts = hooks.internal, 10.0.0.5, ::1
public_url = https://parcours.cesas.lu
signatory_title_de = Die Koordination
tsa_url = https://tsa.example.org/
retention_months = 36
test_clock = true
""")
write("config", "socket", "database_url = mysql://u@unix(/run/mysqld/mysqld.sock)/parcours\nlisten = :0\n")
write("config", "bad", "threads = 0\nlisten = nowhere\n")
write("config", "keys", "signing_key = /etc/parcours/key.pem\nsigning_cert = /etc/parcours/cert.pem\n"
      "bootstrap_coordinator_email = c@ex.lu\nbootstrap_coordinator_password = a long password\n")

# --- round trips: FuzzedDataProvider reads these as numbers and strings ----------------------
write("ics_roundtrip", "text", b"\x01\x02" + "Contraception; salle 12, Lycée\\ \nDescription\r\n".encode() * 4)
write("ics_roundtrip", "party", struct.pack("<Q", 1804233600) * 6 + "Anne \"Müller\"\x00a@ex.lu".encode())
write("csv_roundtrip", "cells", "=1+1;\"quoted\",\r\nnew line\u00a0@x\u200b-3 ".encode() * 3)
