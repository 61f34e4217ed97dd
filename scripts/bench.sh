#!/usr/bin/env bash
# Builds and runs the benchmarks on loopback; prints the figures.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
build="${KMS_BUILD_DIR:-$here/build}"
"$here/scripts/install-deps.sh"
"$here/scripts/build.sh"
exec "$build/bin/kms-bench" --binary "$build/bin/kurento-media-server" \
  --modules-path "$build/lib/kurento/modules" "$@"
