#!/usr/bin/env bash
# Installs the contracts' pinned npm dependencies (`npm ci`, only when
# node_modules is missing or package-lock.json changed since the last
# install) and compiles the contracts into build/. The C++ tests that run
# against the local chain, and the demo, need both.
set -euo pipefail
cd "$(dirname "$0")"

stamp=node_modules/.package-lock.sha256
want=$(sha256sum package-lock.json | cut -d' ' -f1)
if [ ! -d node_modules ] || [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
    npm ci --no-audit --no-fund
    echo "$want" > "$stamp"
fi

node scripts/build.js
