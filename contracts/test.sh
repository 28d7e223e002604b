#!/usr/bin/env bash
# Runs every contract and localnet test under node's built-in test runner.
# Installs the pinned dependencies with `npm ci` only when node_modules is
# missing or package-lock.json changed since the last install.
set -euo pipefail
cd "$(dirname "$0")"

stamp=node_modules/.package-lock.sha256
want=$(sha256sum package-lock.json | cut -d' ' -f1)
if [ ! -d node_modules ] || [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
    npm ci --no-audit --no-fund
    echo "$want" > "$stamp"
fi

node scripts/build.js
exec node --test --test-concurrency=2 tests/ localnet/tests/
