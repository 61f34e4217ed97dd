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
  libnice-dev libcurl4-gnutls-dev libsrtp2-dev
  libzbar-dev opencv-data
)
if [[ "${1:-}" == "--tests" ]]; then
  packages+=(python3 ffmpeg iproute2 chromium coturn)
  # bench/webrtc/fanout_bench.cpp compares the WebRTC fan-out with Janus's streaming plugin.
  packages+=(janus)
  # PlayerEndpoint tests: an RTSP server (GStreamer's library through Python).
  packages+=(python3-gi gir1.2-gstreamer-1.0 gir1.2-gst-rtsp-server-1.0)
  command -v node >/dev/null 2>&1 || packages+=(nodejs npm)
  # tests/packaging: build the .debs, check them, make the apt repository.
  packages+=(dpkg-dev debhelper fakeroot lintian devscripts apt-utils adduser)
  # The sanitizer job and the fuzz targets (scripts/sanitize.sh, scripts/fuzz.sh): clang with
  # AddressSanitizer, UndefinedBehaviorSanitizer and libFuzzer.
  packages+=(clang-14 libclang-rt-14-dev)
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

# A picture of a face that is free to use, for the FaceOverlayFilter and Magic Mirror tests:
# scikit-image's astronaut.png (Eileen Collins, NASA, public domain), taken out of Debian's
# python3-skimage package without installing it (and its Python dependencies).
if [[ "${1:-}" == "--tests" ]]; then
  here=$(cd "$(dirname "$0")/.." && pwd)
  face="$here/tests/node/media/astronaut.png"
  if [[ ! -s "$face" ]]; then
    mkdir -p "$(dirname "$face")"
    download=$(mktemp -d)
    (cd "$download" && { apt-get download -q python3-skimage >/dev/null 2>&1 ||
      { $([[ $(id -u) -eq 0 ]] || echo sudo) apt-get update -q >/dev/null &&
        apt-get download -q python3-skimage; }; })
    dpkg-deb --fsys-tarfile "$download"/python3-skimage_*.deb |
      tar -x -O ./usr/lib/python3/dist-packages/skimage/data/astronaut.png >"$face.part"
    mv "$face.part" "$face"
    rm -rf "$download"
  fi
fi
