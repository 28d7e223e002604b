#!/usr/bin/env bash
# Installs every Debian package the build and the tests need. Idempotent: a
# second run only checks. This is the only place packages get installed.
set -euo pipefail

PACKAGES=(
  build-essential cmake ninja-build ccache pkg-config git
  libboost1.81-dev libssl-dev openssl
  libprotobuf-dev protobuf-compiler
  libsqlite3-dev nlohmann-json3-dev libspdlog-dev libfmt-dev
  libcli11-dev libtomlplusplus-dev
  libgtest-dev libgmock-dev
  clang-14 libclang-rt-14-dev clang-format-14
  libcurl4-openssl-dev curl python3
)

# Node.js runs the contract tests and the TON vector generator. Machines
# usually ship a newer one; Debian's is the fallback.
if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
  PACKAGES+=(nodejs npm)
fi

missing=()
for p in "${PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if ((${#missing[@]})); then
  echo "setup: installing ${missing[*]}"
  SUDO=""
  if [[ $(id -u) -ne 0 ]]; then SUDO="sudo"; fi
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
