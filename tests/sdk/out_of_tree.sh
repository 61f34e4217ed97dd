#!/usr/bin/env bash
# Installs the build into a temporary prefix, then builds a module against that installed SDK
# twice (CMake package KmsSdk, and pkg-config kms-sdk) and checks that the installed server
# loads both and refuses nothing.
# Usage: out_of_tree.sh <build dir> <source dir>
set -euo pipefail
build=$(cd "$1" && pwd)
source=$(cd "$2" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
prefix=$work/prefix
fixture=$source/tests/host/loader/fixtures/FixtureModule.cpp

cmake --install "$build" --prefix "$prefix" >/dev/null
libdir=$(dirname "$(find "$prefix" -name 'libkmssdk.so' | head -1)")
echo "installed SDK: $libdir"

cmake -S "$source/tests/sdk/outoftree" -B "$work/cmake-build" -DCMAKE_PREFIX_PATH="$prefix" \
  -DFIXTURE_SOURCE="$fixture" >/dev/null
cmake --build "$work/cmake-build" >/dev/null
mkdir -p "$work/modules"
cp "$work/cmake-build/libkmsoutoftree.so" "$work/modules/"

export PKG_CONFIG_PATH="$libdir/pkgconfig"
# shellcheck disable=SC2046  # the flags are words
g++ -std=c++17 -O2 -shared -fPIC -D_FORTIFY_SOURCE=2 -fstack-protector-strong \
  -Wl,-z,relro -Wl,-z,now -Wl,--no-undefined \
  -DFIXTURE_MODULE_NAME='"pcmodule"' -DFIXTURE_TYPE_NAME='"PcThing"' \
  -o "$work/modules/libkmspcmodule.so" "$fixture" $(pkg-config --cflags --libs kms-sdk)

export LD_LIBRARY_PATH="$libdir"
output=$("$prefix/bin/kurento-media-server" --modules-path "$work/modules:$libdir/kurento/modules" --version 2>&1)
echo "$output"
for module in outoftree pcmodule core elements filters; do
  if ! grep -q "^ *$module " <<<"$output"; then
    echo "FAIL: module '$module' is not listed by the installed server" >&2
    exit 1
  fi
done
if grep -qi "refusing" <<<"$output"; then
  echo "FAIL: the installed server refused a module" >&2
  exit 1
fi
echo "out-of-tree modules built against the installed SDK load"
