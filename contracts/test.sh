#!/usr/bin/env bash
# Runs every contract and localnet test under node's built-in test runner
# (after contracts/prepare.sh: dependencies and compiled contracts).
set -euo pipefail
cd "$(dirname "$0")"

bash prepare.sh
exec node --test --test-concurrency=2 tests/ localnet/tests/
