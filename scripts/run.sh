#!/usr/bin/env bash
# Quick start: installs what is missing, builds, and runs the server on
# ws://localhost:8888/kurento with the configuration in ./config.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
build="${KMS_BUILD_DIR:-$here/build}"
"$here/scripts/install-deps.sh"
"$here/scripts/build.sh"
exec "$build/bin/kurento-media-server" -f "$here/config/kurento.conf.json" \
  --modules-path "$build/lib/kurento/modules" \
  --modules-config-path "$here/config/modules" "$@"
