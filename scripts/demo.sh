#!/usr/bin/env bash
# The demo: installs and builds what is missing, then runs a Cocoon network on
# loopback (1 proxy, 2 workers, 1 client; simulated attestation; keys in a
# temporary folder), sends one streaming and one whole chat completion through
# the OpenAI-compatible API, prints the answers, their usage, the serving
# worker and the verified attestation chain, and shuts everything down.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
bash scripts/build.sh >/dev/null
exec python3 tools/network/demo.py build/src/cli/cocoon build/tools/scripted_backend/cocoon-scripted-backend
