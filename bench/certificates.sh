#!/usr/bin/env bash
# Attestations rendered and signed per second on one core (taskset -c 0): Parcours'
# certificates component against TCPDF (php-tcpdf, Moodle's engine) in the same run, with the
# same RSA 2048 key and self-signed certificate, DejaVu Sans and a QR code.
# Usage: bench/certificates.sh [N]    (N attestations per measurement, default 500)
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-500}
build=build/bench-certificates
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
deploy/install-deps.sh bench >/dev/null
{ cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=Release -DPARCOURS_BUILD_TESTS=OFF &&
  cmake --build "$build" -j2 --target certificates_bench; } >"$work/build.log" 2>&1 ||
  { cat "$work/build.log"; exit 1; }
openssl req -x509 -newkey rsa:2048 -nodes -keyout "$work/key.pem" -out "$work/cert.pem" \
  -days 30 -subj '/C=LU/O=Cesas/CN=Cesas bench' 2>/dev/null

parcours=$(taskset -c 0 "$build/certificates/certificates_bench" certificates/templates \
  "$work/key.pem" "$work/cert.pem" "$n" "$work/parcours.pdf")
tcpdf_n=$(( n / 5 > 20 ? n / 5 : 20 ))   # TCPDF is slower; fewer documents keep the run short
tcpdf=$(taskset -c 0 php bench/certificates/tcpdf_certificate.php "$work/key.pem" "$work/cert.pem" \
  certificates/templates/logo.png "$tcpdf_n" "$work/tcpdf.pdf")
echo "$parcours"
echo "$tcpdf"
for f in parcours tcpdf; do
  echo "$f: $(pdfsig "$work/$f.pdf" 2>/dev/null | grep -E 'Signature Validation|Signature Type' | tr -s ' ' | tr '\n' ' ')"
done
p=$(sed -E 's/.*= ([0-9.]+)\/s.*/\1/' <<<"$parcours")
t=$(sed -E 's/.*= ([0-9.]+)\/s.*/\1/' <<<"$tcpdf")
awk -v p="$p" -v t="$t" 'BEGIN { printf "ratio: %.1fx TCPDF (%.1f/s vs %.1f/s, one core)\n", p / t, p, t }'
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')"
