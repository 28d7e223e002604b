#!/usr/bin/env bash
# Configures (once) and builds the project with CMake + Ninja.
# Usage: scripts/build.sh [BUILD_DIR] [extra CMake arguments...]
# Environment: COCOON_SANITIZE=1 builds with ASan+UBSan (default dir build-asan).
set -euo pipefail
cd "$(dirname "$0")/.."

default_dir=build
extra=(-DCOCOON_WERROR=ON)
if [[ "${COCOON_SANITIZE:-0}" == 1 ]]; then
  default_dir=build-asan
  extra+=(-DCOCOON_SANITIZE=ON -DCMAKE_BUILD_TYPE=Debug)
fi
dir=${1:-$default_dir}
shift || true

if [[ ! -f "$dir/build.ninja" ]]; then
  cmake -S . -B "$dir" -G Ninja "${extra[@]}" "$@"
fi
ninja -C "$dir"
