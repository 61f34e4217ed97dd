#!/usr/bin/env bash
# Runs every test: installs what is missing (apt, npm), builds, then ctest; then the sanitizer
# job (scripts/sanitize.sh: ASan/UBSan/LSan build, its tests and the fuzz targets, 30 s each).
# Arguments go to the first ctest only, and skip the sanitizer job (e.g. -R node.rtp);
# KMS_SKIP_SANITIZE=1 skips it too.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
build="${KMS_BUILD_DIR:-$here/build}"
"$here/scripts/install-deps.sh" --tests
"$here/scripts/build.sh"
status=0
(cd "$build" && ctest --output-on-failure --timeout 600 -j2 "$@") || status=$?
if (($# == 0)) && [[ "${KMS_SKIP_SANITIZE:-}" != 1 ]]; then
  "$here/scripts/sanitize.sh" || status=1
fi
exit $status
