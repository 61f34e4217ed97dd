#!/usr/bin/env bash
# The sanitizer job (docs/testing.md): builds the host, the SDK, the modules, their tests and
# the fuzz targets with clang-14, AddressSanitizer + UndefinedBehaviorSanitizer (LeakSanitizer
# at exit) and libFuzzer's instrumentation into ./build-san (or $KMS_SAN_BUILD_DIR), then runs
# the protocol, bad-input, RTP, webrtcbin-peer, lean-transport and module tests against that build and every
# fuzz target for KMS_FUZZ_SECONDS (30) seconds, from libFuzzer seed KMS_FUZZ_SEED (1; 0 for a
# new one each run). Extra arguments go to ctest.
#   --build-only   configure and build, run nothing
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
build="${KMS_SAN_BUILD_DIR:-$here/build-san}"
build_only=false
if [[ "${1:-}" == "--build-only" ]]; then
  build_only=true
  shift
fi
# shellcheck source=scripts/sanitizer-env.sh
source "$here/scripts/sanitizer-env.sh"

cmake -S "$here" -B "$build" -DCMAKE_C_COMPILER=clang-14 -DCMAKE_CXX_COMPILER=clang++-14 \
  -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  "-DCMAKE_C_FLAGS_RELWITHDEBINFO=-O1 -gline-tables-only" \
  "-DCMAKE_CXX_FLAGS_RELWITHDEBINFO=-O1 -gline-tables-only" \
  -DKMS_FUZZ=ON -DKMS_FUZZ_SECONDS="${KMS_FUZZ_SECONDS:-30}" \
  -DKMS_FUZZ_SEED="${KMS_FUZZ_SEED:-1}" >/dev/null
# Only what the sanitizer tests and the fuzz targets need (no benchmarks, no packaging). A test
# executable not built here has no tests in the job: the fault tests (peer death, stats under
# load, hostile media) run minutes of real calls and stay in the normal build.
targets=(kurento-media-server kurento-module-creator kmscore kmselements kmsfilters fuzz-targets
         host_server_test core_objects_test format_adapter_test passthrough_test
         remb_estimator_test certificates_test mixing_hubs_test grid_layout_test dispatcher_test
         filter_parts_test webrtc_peer_test format_adaptation_test keep_failures_test
         encoder_bitrate_test media_paths_test offer_repair_test rtp_adaptation_test
         ice_random_test dtls_srtp_test lean_rtp_test lean_send_peer_test)
cmake --build "$build" -j"$(nproc)" --target "${targets[@]}"
$build_only && exit 0
cd "$build"
exclude=()
[[ -n "${KMS_SANITIZER_EXCLUDE:-}" ]] && exclude=(-E "$KMS_SANITIZER_EXCLUDE")
exec ctest --output-on-failure --timeout 600 -j2 -R "$KMS_SANITIZER_TESTS" "${exclude[@]}" "$@"
