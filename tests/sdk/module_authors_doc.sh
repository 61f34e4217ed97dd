#!/usr/bin/env bash
# Runs every command of docs/module-authors.md (its ```sh blocks, in order) against this build
# installed into a temporary prefix, in an empty folder holding the node_modules of the Node
# tests (with kurento-client), as a module author's application folder would.
# Usage: module_authors_doc.sh <build dir> <source dir> <node_modules dir>
set -euo pipefail
build=$(cd "$1" && pwd)
source=$(cd "$2" && pwd)
node_modules=$(cd "$3" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
prefix=$work/prefix
cmake --install "$build" --prefix "$prefix" >/dev/null
export PATH="$prefix/bin:$PATH"
export PKG_CONFIG_PATH
PKG_CONFIG_PATH=$(dirname "$(find "$prefix" -name kms-sdk.pc | head -1)")
export CMAKE_PREFIX_PATH="$prefix"

mkdir "$work/app"
ln -s "$node_modules" "$work/app/node_modules"
python3 - "$source/docs/module-authors.md" >"$work/commands.sh" <<'PY'
import re, sys
blocks = re.findall(r"^```sh\n(.*?)^```", open(sys.argv[1]).read(), re.M | re.S)
if not blocks:
    sys.exit("no ```sh block in " + sys.argv[1])
print("\n".join(blocks))
PY
echo "running $(grep -c . "$work/commands.sh") commands of docs/module-authors.md"
cd "$work/app"
bash -euxo pipefail "$work/commands.sh"
echo "every command of docs/module-authors.md ran"
