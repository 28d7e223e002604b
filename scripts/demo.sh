#!/usr/bin/env bash
# The demo: builds what is missing, then runs a proxy and workers on loopback
# with simulated attestation (keys in a temporary folder) and shows
#   1. a worker and the proxy verifying each other inside a TLS 1.3 handshake,
#   2. a worker whose measured configuration was altered being refused,
#   3. an operator inspecting a certificate.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
bash scripts/build.sh >/dev/null
COCOON=$PWD/build/src/cli/cocoon

work=$(mktemp -d /tmp/cocoon-demo.XXXXXX)
proxy_pid=
cleanup() {
  [[ -n "$proxy_pid" ]] && kill "$proxy_pid" 2>/dev/null && wait "$proxy_pid" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
cd "$work"

say() { printf '\n\033[1m== %s\033[0m\n' "$*"; }

say "Simulated TEE platform (development only: sim attestation proves nothing about hardware)"
platform_pub=$("$COCOON" key generate --out platform.key)
echo "platform key: $platform_pub"

node_config() {  # role, measured-table body
  cat <<TOML
key_file = "$1.key"
log_level = "info"

[attestation]
provider = "sim"
platform_key_file = "platform.key"
trusted_platform_keys = ["$platform_pub"]

[measured]
$2
TOML
}
node_config proxy 'routing = "power-of-two-choices"' > proxy.toml
node_config worker 'models = ["demo-model"]' > worker.toml
node_config worker 'models = ["demo-model"]
log_prompts = true  # an altered image: not what the network allowed' > rogue-worker.toml

proxy_hash=$("$COCOON" measure --config proxy.toml --role proxy)
worker_hash=$("$COCOON" measure --config worker.toml --role worker)
echo "allowed proxy image:  $proxy_hash"
echo "allowed worker image: $worker_hash"
for f in proxy.toml worker.toml rogue-worker.toml; do
  cat >> "$f" <<TOML

[policy]
proxy_image_hashes = ["$proxy_hash"]
worker_image_hashes = ["$worker_hash"]
TOML
done
cat >> proxy.toml <<TOML

[proxy]
workers_listen = "127.0.0.1:0"
clients_listen = "127.0.0.1:0"
TOML

say "Starting the proxy"
"$COCOON" proxy --config proxy.toml > proxy.log 2>&1 &
proxy_pid=$!
for _ in $(seq 100); do
  grep -q "proxy listening" proxy.log && break
  sleep 0.1
done
port=$(sed -n 's/.*workers on 127.0.0.1:\([0-9]*\).*/\1/p' proxy.log)
[[ -n "$port" ]] || { cat proxy.log; exit 1; }
echo "proxy is up; workers connect to 127.0.0.1:$port"

say "An honest worker connects: both sides verify each other's evidence in the handshake"
"$COCOON" worker --config worker.toml --proxy "127.0.0.1:$port" --once --log-level warn

say "A worker with an altered configuration (different image hash) is refused"
if "$COCOON" worker --config rogue-worker.toml --proxy "127.0.0.1:$port" --once --log-level error; then
  echo "UNEXPECTED: the rogue worker was accepted"; exit 1
fi
sleep 0.2
echo "proxy log:"
grep -E "connected|refused" proxy.log | sed 's/^/  /'

say "An operator inspects a worker certificate and verifies it as the proxy would"
"$COCOON" cert issue --config worker.toml --role worker --out worker-cert.pem
"$COCOON" cert inspect worker-cert.pem --verify-with proxy.toml --expect-role worker

say "Shutting down"
kill -TERM "$proxy_pid"
wait "$proxy_pid" || true
proxy_pid=
tail -n 2 proxy.log | sed 's/^/  /'
echo
echo "Demo finished. (The request path — clients, OpenAI API, routing — is issue 3.)"
