#!/usr/bin/env bash
# The module author's path, end to end, against the installed SDK:
#  1. kurento-module-creator --scaffold (a GStreamer filter) and kurento-module-scaffold
#     (Kurento 7's command, an OpenCV filter) create projects;
#  2. each builds with two commands (cmake -S/-B, cmake --build) against an installed prefix;
#  3. each project's own tests run: the server loads the module, and the generated JavaScript
#     client, registered into the real kurento-client, creates the filter in a pipeline fed by
#     an RTP sender, calls a generated method and receives the generated event (the OpenCV one
#     reports the brightness it measured in the frames);
#  4. its settings file reaches it, and a wrong value stops the server at start-up;
#  5. the same module rebuilt without -fPIC (text relocations) and with a wrong ABI version is
#     refused by the server with a clear line, and ServerManager.getInfo does not list it.
# Usage: scaffold.sh <build dir> <source dir> <node_modules dir holding kurento-client>
set -euo pipefail
build=$(cd "$1" && pwd)
source=$(cd "$2" && pwd)
node_modules=$(cd "$3" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
prefix=$work/prefix
cmake --install "$build" --prefix "$prefix" >/dev/null
modules_dir=$(dirname "$(find "$prefix" -name libkmscore.so | head -1)")

now() { date +%s%N; }
ms_since() { echo $((($(now) - $1) / 1000000)); }

build_project() {  # <project dir>
  cmake -S "$1" -B "$1/build" -DCMAKE_PREFIX_PATH="$prefix" \
    -DKURENTO_CLIENT_NODE_PATH="$node_modules" -DCMAKE_EXPORT_COMPILE_COMMANDS=ON >"$work/cmake.log" 2>&1 ||
    { cat "$work/cmake.log"; exit 1; }
  cmake --build "$1/build" >"$work/build.log" 2>&1 || { cat "$work/build.log"; exit 1; }
}

start=$(now)
"$prefix/bin/kurento-module-creator" --scaffold "$work" HelloFilter hello_filter
build_project "$work/hello_filter"
echo "hello_filter: scaffold + configure + build in $(ms_since "$start") ms"
start=$(now)
"$prefix/bin/kurento-module-scaffold" FrameMarker "$work" opencv_filter
build_project "$work/frame_marker"
echo "frame_marker (OpenCV): scaffold + configure + build in $(ms_since "$start") ms"
for project in hello_filter frame_marker; do
  generated=$(cat "$work/$project/build/generated/"* | wc -l)
  js=$(find "$work/$project/build/js" -name '*.js' -exec cat {} + | wc -l)
  echo "$project: generated C++ $generated lines, JavaScript client $js lines;" \
    "hand-written $(cat "$work/$project/src/"* | wc -l) lines"
  (cd "$work/$project/build" && ctest --output-on-failure)
done

# Rebuilds the compiled sources of hello_filter from its compile_commands.json with extra
# flags, and links them into <dir>/libkmshello_filter.so. Without -fPIC it compiles with
# -mcmodel=large: small-model non-PIC code has 32-bit relocations ld refuses outright in a
# shared object, the large model's 64-bit ones become text relocations with -z notext.
rebuild() {  # <dir> <drop -fPIC: yes|no> <extra compile flags> <extra link flags>
  mkdir -p "$1"
  python3 - "$work/hello_filter/build/compile_commands.json" "$1" "$2" "$3" <<'PY'
import json, shlex, subprocess, sys
commands, out, drop_pic, extra = json.load(open(sys.argv[1])), sys.argv[2], sys.argv[3], sys.argv[4]
for n, entry in enumerate(commands):
    words = shlex.split(entry["command"])
    words = [w for w in words if not (drop_pic == "yes" and w in ("-fPIC", "-fpic", "-fPIE", "-fpie"))]
    at = words.index("-o")
    words[at + 1] = f"{out}/{n}.o"
    words[1:1] = shlex.split(extra) + (["-fno-pic", "-mcmodel=large"] if drop_pic == "yes" else [])
    subprocess.run(words, cwd=entry["directory"], check=True)
PY
  # shellcheck disable=SC2086  # the flags are words
  g++ -shared -o "$1/libkmshello_filter.so" "$1"/*.o $4 -Wl,-rpath,"$prefix/lib:$modules_dir" \
    -L"$prefix/lib" -L"$modules_dir" -lkmscore -lkmssdk $(pkg-config --libs gstreamer-1.0)
  rm -f "$1"/*.o
}

expect_refused() {  # <dir holding the module> <reason pattern>
  local output info
  output=$("$prefix/bin/kurento-media-server" --modules-path "$1:$modules_dir" --version 2>&1)
  if ! grep -qE "Refusing module .*libkmshello_filter.so: .*$2" <<<"$output"; then
    echo "FAIL: no refusal matching '$2' for $1:" >&2
    echo "$output" >&2
    exit 1
  fi
  grep "Refusing module" <<<"$output"
  info=$(NODE_PATH="$node_modules" node "$source/tests/sdk/server-info.js" \
    "$prefix/bin/kurento-media-server" "$1:$modules_dir")
  if grep -q hello_filter <<<"$info" || ! grep -q '"core"' <<<"$info"; then
    echo "FAIL: getInfo with the refused module: $info" >&2
    exit 1
  fi
  echo "getInfo modules: $info"
}

# Settings from <modules-config-path>/hello_filter/HelloFilter.conf.ini reach the module; a
# wrong one stops the server at start-up naming the file and the key.
mkdir -p "$work/config/hello_filter"
echo "reportInterval=7" >"$work/config/hello_filter/HelloFilter.conf.ini"
info=$(NODE_PATH="$node_modules" MODULE_JS="$work/hello_filter/build/js/kurento-module-hello_filter" \
  CLASS=HelloFilter node "$source/tests/sdk/server-info.js" "$prefix/bin/kurento-media-server" \
  "$work/hello_filter/build:$modules_dir" --modules-config-path "$work/config")
echo "with HelloFilter.conf.ini: $info"
grep -q '"hello_filter"' <<<"$info" && grep -q '"reportInterval":7' <<<"$info" &&
  grep -qE '"kmdNames":\[[^]]*"hello_filter"' <<<"$info" ||
  { echo "FAIL: the module, its settings or its IDL (getKmd) missing: $info" >&2; exit 1; }
echo "reportInterval=0" >"$work/config/hello_filter/HelloFilter.conf.ini"
status=0
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
output=$(timeout 20 "$prefix/bin/kurento-media-server" --modules-path "$work/hello_filter/build:$modules_dir" \
  --modules-config-path "$work/config" --port "$port" 2>&1) || status=$?
echo "with reportInterval=0: exit $status: $(tail -1 <<<"$output")"
if [[ $status -ne 1 ]] || ! grep -q "HelloFilter.conf.ini.*reportInterval" <<<"$output"; then
  echo "FAIL: a wrong module setting must stop the server naming the file and key:" >&2
  echo "$output" >&2
  exit 1
fi

sdk_include=$(find "$prefix/include" -name Module.hpp -path '*kms/sdk*' | head -1)
mkdir -p "$work/abi/kms/sdk"
cp "$(dirname "$sdk_include")"/*.hpp "$work/abi/kms/sdk/"
sed -i 's/#define KMS_MODULE_ABI_VERSION .*/#define KMS_MODULE_ABI_VERSION 999u/' "$work/abi/kms/sdk/Module.hpp"

rebuild "$work/nopic" yes "" "-Wl,-z,notext"
expect_refused "$work/nopic" "position-independent|text relocation|TEXTREL"
rebuild "$work/wrongabi" no "-I$work/abi" ""
expect_refused "$work/wrongabi" "ABI"
echo "scaffolded modules build, load and work; non-PIC and wrong-ABI builds are refused"
