#!/usr/bin/env bash
# The fuzz targets of tests/fuzz (docs/testing.md), built with clang-14 and libFuzzer into the
# sanitizer build (./build-san, shared with scripts/sanitize.sh: only what the targets need is
# built here).
#   scripts/fuzz.sh                     every target for 30 s (as in CI), through ctest
#   scripts/fuzz.sh --long [SECONDS]    every target for SECONDS (default 600) each, in turn
#   scripts/fuzz.sh --long SECONDS NAME one target (jsonrpc, sdp_rtp, sdp_webrtc, http, ...)
# What a long run finds stays in build-san/fuzz/corpus/<target>; a crash leaves its input in
# build-san/fuzz/artifacts/ (fix the bug, then commit the input to tests/fuzz/corpus/<target>).
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
build="${KMS_SAN_BUILD_DIR:-$here/build-san}"
# shellcheck source=scripts/sanitizer-env.sh
source "$here/scripts/sanitizer-env.sh"

cmake -S "$here" -B "$build" -DCMAKE_C_COMPILER=clang-14 -DCMAKE_CXX_COMPILER=clang++-14 \
  -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  "-DCMAKE_C_FLAGS_RELWITHDEBINFO=-O1 -gline-tables-only" \
  "-DCMAKE_CXX_FLAGS_RELWITHDEBINFO=-O1 -gline-tables-only" \
  -DKMS_FUZZ=ON >/dev/null
cmake --build "$build" -j"$(nproc)" --target fuzz-targets

if [[ "${1:-}" != "--long" ]]; then
  cd "$build"
  exec ctest --output-on-failure -j2 -R '^fuzz\.' "$@"
fi
seconds="${2:-600}"
only="${3:-}"
status=0
for binary in "$build"/fuzz/bin/fuzz_*; do
  name=$(basename "$binary")
  name=${name#fuzz_}
  [[ -z "$only" || "$only" == "$name" ]] || continue
  mkdir -p "$build/fuzz/corpus/$name" "$build/fuzz/artifacts"
  echo "== $name: $seconds s"
  # Leak checks after each input, with allocation stacks through GLib (tests/sanitizers).
  (cd "$build/fuzz" && ASAN_OPTIONS="$ASAN_OPTIONS:fast_unwind_on_malloc=0" "$binary" -detect_leaks=1 -max_total_time="$seconds" -timeout=25 -rss_limit_mb=3072 \
     -print_final_stats=1 -artifact_prefix="$build/fuzz/artifacts/$name-" \
     "$build/fuzz/corpus/$name" "$here/tests/fuzz/corpus/$name") || status=1
done
exit $status
