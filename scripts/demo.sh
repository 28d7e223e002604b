#!/usr/bin/env bash
# The demo: installs and builds what is missing, starts the local TON chain
# and a Cocoon network on loopback paying through it (1 proxy, 2 workers,
# 1 client; simulated attestation; keys in a temporary folder), sends one
# streaming and one whole chat completion through the OpenAI-compatible API,
# prints the answers, their usage and cost, the serving worker and the
# verified attestation chain, shuts everything down, and prints from the chain
# what the client paid, the workers received and the proxy kept.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
bash contracts/prepare.sh >/dev/null
bash scripts/build.sh >/dev/null
exec python3 tools/network/demo.py build/src/cli/cocoon build/tools/scripted_backend/cocoon-scripted-backend
