#!/usr/bin/env bash
# Runs every test: installs what is missing (apt, npm), builds, then ctest.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
build="${KMS_BUILD_DIR:-$here/build}"
"$here/scripts/install-deps.sh" --tests
"$here/scripts/build.sh"
cd "$build"
exec ctest --output-on-failure --timeout 600 -j2 "$@"
