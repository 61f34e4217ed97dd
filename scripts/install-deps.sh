#!/usr/bin/env bash
# Installs the Debian 12 packages needed to build, run and test the server (only the missing
# ones), and the npm packages of the Node tests when called with --tests.
set -euo pipefail

packages=(
  cmake g++ make pkg-config binutils file openssl
  libgstreamer1.0-dev libgstreamer-plugins-base1.0-dev libgstreamer-plugins-bad1.0-dev
  gstreamer1.0-tools gstreamer1.0-plugins-base gstreamer1.0-plugins-good
  gstreamer1.0-plugins-bad gstreamer1.0-nice
  libboost-dev libboost-program-options-dev libboost-filesystem-dev libboost-system-dev
  rapidjson-dev libssl-dev libgtest-dev libopencv-dev
  libnice-dev
)
if [[ "${1:-}" == "--tests" ]]; then
  packages+=(python3 ffmpeg iproute2 chromium coturn)
  command -v node >/dev/null 2>&1 || packages+=(nodejs npm)
  # tests/packaging: build the .debs, check them, make the apt repository.
  packages+=(dpkg-dev debhelper fakeroot lintian devscripts apt-utils adduser)
fi

missing=()
for package in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$package")
  fi
done
if ((${#missing[@]} > 0)); then
  echo "Installing: ${missing[*]}"
  sudo_cmd=()
  [[ $(id -u) -eq 0 ]] || sudo_cmd=(sudo)
  "${sudo_cmd[@]}" apt-get update -q
  DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -q --no-install-recommends \
    "${missing[@]}"
fi

if [[ "${1:-}" == "--tests" ]]; then
  here=$(cd "$(dirname "$0")/.." && pwd)
  if [[ ! -d "$here/tests/node/node_modules/kurento-client" ||
        ! -d "$here/tests/node/node_modules/playwright-core" ]]; then
    (cd "$here/tests/node" && npm install --ignore-scripts --no-audit --no-fund --loglevel=error)
  fi
fi
