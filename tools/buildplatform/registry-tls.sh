#!/usr/bin/env bash
# TLS for the local registry: a private CA and a server certificate for 127.0.0.1 and
# localhost, made once in the state dir and reused (rotated when it expires within 30 days).
#
#   registry-tls.sh DIR     writes DIR/{ca.pem,ca.key,server.pem,server.key,ca-bundle.pem}
#
# Why TLS on loopback: @pulumi/docker-build's Index resource reads and deletes manifests
# with regclient, which speaks HTTPS to every registry it has no explicit configuration
# for (provider/internal/cli.go rc()); a plain-HTTP registry fails there with "server gave
# HTTP response to HTTPS client". ca-bundle.pem is the system bundle plus this CA, for
# SSL_CERT_FILE (Go programs: pulumi, its providers, buildx); NODE_EXTRA_CA_CERTS takes ca.pem.
set -euo pipefail
dir=${1:?usage: registry-tls.sh DIR}
mkdir -p "$dir"
cd "$dir"
umask 077

system_bundle=/etc/ssl/certs/ca-certificates.crt

valid() { [ -s "$1" ] && openssl x509 -checkend $((30 * 86400)) -noout -in "$1" >/dev/null 2>&1; }

if ! valid ca.pem || [ ! -s ca.key ]; then
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 3650 \
    -subj "/CN=goship local registry CA" -keyout ca.key -out ca.pem \
    -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" 2>/dev/null
  rm -f server.pem
fi
if ! valid server.pem || ! openssl verify -CAfile ca.pem server.pem >/dev/null 2>&1; then
  openssl req -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -subj "/CN=127.0.0.1" \
    -keyout server.key -out server.csr 2>/dev/null
  printf '%s\n' "subjectAltName=IP:127.0.0.1,DNS:localhost" "basicConstraints=CA:FALSE" \
    "keyUsage=critical,digitalSignature" "extendedKeyUsage=serverAuth" > server.ext
  openssl x509 -req -in server.csr -CA ca.pem -CAkey ca.key -CAcreateserial -days 825 \
    -extfile server.ext -out server.pem 2>/dev/null
  rm -f server.csr server.ext ca.srl
fi
{ [ -f "$system_bundle" ] && cat "$system_bundle"; cat ca.pem; } > ca-bundle.pem.tmp
mv ca-bundle.pem.tmp ca-bundle.pem
chmod 0644 ca.pem server.pem ca-bundle.pem
