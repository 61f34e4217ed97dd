#!/usr/bin/env bash
# Builds and runs the benchmarks on loopback; prints the figures. Arguments go to kms-bench
# (e.g. --invokes 20000 --cycles 200); RTP_BENCH_ARGS to the RTP one (e.g. "--streams 2"),
# WEBRTC_BENCH_ARGS to the browser one, WEBRTC_PEER_BENCH_ARGS to the webrtcbin one
# (e.g. "--viewers 1,5 --seconds 5"), FANOUT_BENCH_ARGS to the fan-out one against Janus
# (e.g. "--viewers 1,10,20 --seconds 5"), REMUX_BENCH_ARGS to the player -> recorder one
# (e.g. "--seconds 20 --height 480"), TRANSCODE_BENCH_ARGS to the transcoding and Composite
# one (e.g. "--seconds 5").
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
build="${KMS_BUILD_DIR:-$here/build}"
"$here/scripts/install-deps.sh" --tests
"$here/scripts/build.sh"
"$build/bin/kms-bench" --binary "$build/bin/kurento-media-server" \
  --modules-path "$build/lib/kurento/modules" "$@"
# shellcheck disable=SC2086  # the arguments are words
KMS_BINARY="$build/bin/kurento-media-server" KMS_MODULES_PATH="$build/lib/kurento/modules" \
  node "$here/bench/rtp/rtp-bench.js" ${RTP_BENCH_ARGS:-}
# shellcheck disable=SC2086
KMS_BINARY="$build/bin/kurento-media-server" KMS_MODULES_PATH="$build/lib/kurento/modules" \
  node "$here/bench/webrtc/webrtc-bench.js" ${WEBRTC_BENCH_ARGS:-}
# shellcheck disable=SC2086
"$build/bin/webrtc-peer-bench" ${WEBRTC_PEER_BENCH_ARGS:-}
# shellcheck disable=SC2086
"$build/bin/fanout-bench" ${FANOUT_BENCH_ARGS:-} || echo "fanout-bench: some rows FAILED (above)"
# shellcheck disable=SC2086
KMS_BINARY="$build/bin/kurento-media-server" KMS_MODULES_PATH="$build/lib/kurento/modules" \
  node "$here/bench/player/remux-bench.js" ${REMUX_BENCH_ARGS:-}
# FaceOverlayFilter; FACE_OVERLAY_BENCH_ARGS e.g. "--seconds 20"
# shellcheck disable=SC2086
KMS_BINARY="$build/bin/kurento-media-server" KMS_MODULES_PATH="$build/lib/kurento/modules" \
  node "$here/bench/filters/face-overlay-bench.js" ${FACE_OVERLAY_BENCH_ARGS:-}
# shellcheck disable=SC2086
"$build/bin/transcode-bench" ${TRANSCODE_BENCH_ARGS:-}
