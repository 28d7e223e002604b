#!/usr/bin/env bash
# Runs every test: installs what is missing, builds (warnings are errors),
# runs the C++ tests (CTest), the libFuzzer targets briefly (clang build) and
# the smart-contract tests (Node).
# Environment: COCOON_SANITIZE=1 runs the C++ tests under ASan+UBSan;
# COCOON_FUZZ_SECONDS (default 20) sets how long each fuzzer runs.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/setup.sh
jobs=$(nproc)

echo "== contracts: dependencies and compiled code (the local-chain tests need them)"
bash contracts/prepare.sh

echo "== C++ build and tests"
bash scripts/build.sh
build_dir=build
[[ "${COCOON_SANITIZE:-0}" == 1 ]] && build_dir=build-asan
(cd "$build_dir" && ctest --output-on-failure -j "$jobs" --timeout 300)

echo "== fuzz targets (clang, libFuzzer)"
if [[ ! -f build-fuzz/build.ninja ]]; then
  cmake -S . -B build-fuzz -G Ninja -DCOCOON_FUZZ=ON -DCMAKE_BUILD_TYPE=Release \
    -DCMAKE_C_COMPILER=clang-14 -DCMAKE_CXX_COMPILER=clang++-14 \
    -DCOCOON_FUZZ_SECONDS="${COCOON_FUZZ_SECONDS:-20}"
fi
ninja -C build-fuzz
(cd build-fuzz && ctest --output-on-failure -j "$jobs")

echo "== smart contracts and local chain"
bash contracts/test.sh

echo "== all tests passed"
