#!/usr/bin/env bash
# Batch issuance end to end (issue 10): `POST /api/v1/pathways/{id}/attestations` through the
# API, timed as the coordinator waits for it, for 150 and then 1,000 people who completed the
# LTAS pathway (recorded by history imports), against TCPDF (php-tcpdf, Moodle's engine) drawing
# and signing the same attestation in the same run. Each batch's attestations are then counted
# in the database and one PDF of each is checked with pdfsig.
#
# Usage: bench/batch.sh      BENCH_BUILD_DIR=build (default; Release, built here) or build-test
# Needs: deploy/install-deps.sh bench (php-cli, php-tcpdf, poppler-utils).
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
source bench/lib.sh
bin=${BENCH_BUILD_DIR:-build}
command -v php >/dev/null && [[ -e /usr/share/php/tcpdf/tcpdf.php ]] ||
  { echo "bench/batch.sh: php-tcpdf is missing (deploy/install-deps.sh bench)" >&2; exit 2; }
[[ $bin == build ]] && bench_build parcours
[[ -x $bin/parcours ]] || { echo "bench/batch.sh: no $bin/parcours" >&2; exit 2; }

bench_setup parcours-bench-batch
openssl req -x509 -newkey rsa:2048 -nodes -keyout "$tmp/key.pem" -out "$tmp/cert.pem" \
  -days 30 -subj '/C=LU/O=Cesas/CN=Cesas bench' 2>/dev/null
export PARCOURS_SIGNING_KEY=$tmp/key.pem PARCOURS_SIGNING_CERT=$tmp/cert.pem
bench_demo_data
bench_serve

# The reference, in the same run: TCPDF per attestation on one core.
tcpdf=$(taskset -c 0 php bench/certificates/tcpdf_certificate.php "$tmp/key.pem" "$tmp/cert.pem" \
  certificates/templates/logo.png 40 "$tmp/tcpdf.pdf")
echo "$tcpdf"
tcpdf_rate=$(sed -E 's/.*= ([0-9.]+)\/s.*/\1/' <<<"$tcpdf")

URL=$url EMAIL=$PARCOURS_BOOTSTRAP_COORDINATOR_EMAIL PASSWORD=$PARCOURS_BOOTSTRAP_COORDINATOR_PASSWORD \
  TCPDF_RATE=$tcpdf_rate TMP=$tmp /usr/bin/python3 - <<'EOF'
import json, os, subprocess, time, urllib.request

url, tmp = os.environ["URL"], os.environ["TMP"]
tcpdf_rate = float(os.environ["TCPDF_RATE"])

def call(method, path, body=None, token=None, ctype="application/json"):
    data = body if isinstance(body, (bytes, type(None))) else json.dumps(body).encode()
    req = urllib.request.Request(url + path, data=data, method=method)
    if data is not None:
        req.add_header("Content-Type", ctype)
    if token:
        req.add_header("Authorization", "Bearer " + token)
    with urllib.request.urlopen(req, timeout=600) as r:
        return r.status, r.read()

_, body = call("POST", "/api/v1/auth/login", {"email": os.environ["EMAIL"], "password": os.environ["PASSWORD"]})
token = json.loads(body)["token"]
pathways = json.loads(call("GET", "/api/v1/pathways", token=token)[1])["items"]
pathway = pathways[0]
modules = [m["code"] for m in pathway["modules"]]

def import_people(first, count):
    for start in range(first, first + count, 500):
        rows = ["email,name,module,date,status"]
        for p in range(start, min(start + 500, first + count)):
            for i, code in enumerate(modules):
                rows.append(f"batch{p}@bench.local,Person {p},{code},2025-0{1 + i % 9}-1{i % 9},present")
        call("POST", "/api/v1/history/imports", "\n".join(rows).encode() + b"\n", token, "text/csv")

results = []
done = 0
for people in (150, 1000):
    import_people(done, people)
    done += people
    t0 = time.monotonic()
    status, body = call("POST", f"/api/v1/pathways/{pathway['id']}/attestations", None, token)
    elapsed = time.monotonic() - t0
    items = json.loads(body)["items"]
    assert status == 201 and len(items) == people, (status, len(items))
    pdf = call("GET", f"/api/v1/attestations/{items[-1]['id']}/pdf", token=token)[1]
    open(f"{tmp}/batch.pdf", "wb").write(pdf)
    sig = subprocess.run(["pdfsig", f"{tmp}/batch.pdf"], capture_output=True, text=True).stdout
    valid = "Signature is Valid" in sig
    rate = people / elapsed
    results.append((people, elapsed, rate, valid))
    print(json.dumps({"people": people, "seconds": round(elapsed, 3), "per_second": round(rate, 1),
                      "ms_per_attestation": round(1000 * elapsed / people, 3), "pdfsig_valid": valid}))

print()
print("| batch | wall time | attestations/s | ms per attestation | TCPDF (one core) | ratio | pdfsig |")
print("| --- | --- | --- | --- | --- | --- | --- |")
for people, elapsed, rate, valid in results:
    print(f"| {people} people | {elapsed:.2f} s | {rate:.0f} | {1000 * elapsed / people:.2f} | {tcpdf_rate:.1f}/s | "
          f"{rate / tcpdf_rate:.1f}x | {'valid' if valid else 'INVALID'} |")
EOF
source deploy/db-client.sh
db_client_config "$db" "$tmp/client.cnf"
echo "stored: $(mariadb --defaults-extra-file="$tmp/client.cnf" -N -e 'SELECT COUNT(*) FROM attestations' "$db_name") attestations (1,150 expected)"
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')"
