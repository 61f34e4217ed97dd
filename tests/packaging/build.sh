#!/usr/bin/env bash
# packaging.debs: builds the Debian packages once with `dpkg-buildpackage -b -us -uc` from a
# clean copy of the source tree, then version X+1 (a new changelog entry, packaged again from
# the same build: dpkg-buildpackage -nc, dh skips the build it recorded), and checks version X:
# lintian (no errors), hardening-check on every ELF file the packages install.
#
# usage: build.sh <build-dir> <source-dir>
# Output: <build-dir>/packaging/debs/{X,next}/*.deb; an unchanged source tree reuses them.
set -euo pipefail
build=$1
source=$2
out=$build/packaging
src=$out/src/kurento-media-server
debs=$out/debs
mkdir -p "$out"
log() { echo "packaging.debs: $*"; }

# The source files: what git knows (tracked, and untracked but not ignored), or everything
# but the build trees and node_modules when the source is not a git checkout. tests/, bench/,
# docs/ and the Markdown files are left out: the package build does not use them
# (KMS_BUILD_TESTS=OFF), so a change there reuses the packages.
list_sources() {
  if git -C "$source" rev-parse --is-inside-work-tree >/dev/null 2>&1; then
    git -C "$source" ls-files -co --exclude-standard -z |
      while IFS= read -r -d '' f; do [[ -e "$source/$f" ]] && printf '%s\0' "$f"; done
  else
    (cd "$source" && find . -path ./build -prune -o -path './build-*' -prune -o \
      -name node_modules -prune -o -type f -print0 | sed -z 's|^\./||')
  fi
}
list_sources | grep -zvE '^(tests|bench|docs)/|\.md$' | sort -z > "$out/sources.list0"
tree_hash=$( (cd "$source" && xargs -0 sha256sum < "$out/sources.list0") | sha256sum | cut -d' ' -f1)

if [[ -f "$out/debs.stamp" && "$(cat "$out/debs.stamp")" == "$tree_hash" ]] &&
   compgen -G "$debs/X/kurento-media-server_*.deb" >/dev/null &&
   compgen -G "$debs/next/kurento-media-server_*.deb" >/dev/null; then
  log "source tree unchanged since the last build: reusing $debs"
  exit 0
fi
rm -f "$out/debs.stamp"
rm -rf "$out/src" "$debs"
mkdir -p "$src" "$debs/X" "$debs/next"
(cd "$source" && tar --null -T "$out/sources.list0" -cf -) | tar -xf - -C "$src"

cd "$src"
version=$(dpkg-parsechangelog -SVersion)
project_version=$(sed -n 's/^project(kurento-media-server VERSION \([0-9.]*\).*/\1/p' CMakeLists.txt)
if [[ "$version" != "$project_version"* ]]; then
  echo "debian/changelog version $version does not start with the project's $project_version" >&2
  exit 1
fi

jobs=$(nproc)
start=$(date +%s)
log "dpkg-buildpackage -b -us -uc ($version, parallel=$jobs): log in $out/build-X.log"
if ! DEB_BUILD_OPTIONS="parallel=$jobs" dpkg-buildpackage -b -us -uc > "$out/build-X.log" 2>&1; then
  tail -n 60 "$out/build-X.log"
  exit 1
fi
log "built $version in $(($(date +%s) - start)) s"
mv ../*.deb ../*.changes ../*.buildinfo "$debs/X/"

# X+1: the same binaries under a new changelog entry, as an upgrade would bring.
next="$version+rebuild1"
{
  printf 'kurento-media-server (%s) bookworm; urgency=medium\n\n' "$next"
  printf '  * Rebuild: the packaging test'"'"'s upgrade from %s.\n\n' "$version"
  printf ' -- %s  %s\n\n' "$(dpkg-parsechangelog -SMaintainer)" "$(date -R)"
  cat debian/changelog
} > debian/changelog.new
mv debian/changelog.new debian/changelog
start=$(date +%s)
if ! DEB_BUILD_OPTIONS="parallel=$jobs" dpkg-buildpackage -b -us -uc -nc > "$out/build-next.log" 2>&1; then
  tail -n 60 "$out/build-next.log"
  exit 1
fi
log "packaged $next from the same build in $(($(date +%s) - start)) s"
mv ../*.deb ../*.changes ../*.buildinfo "$debs/next/"

log "packages:"
for deb in "$debs/X"/*.deb; do
  printf '  %-40s %s\n' "$(dpkg-deb -f "$deb" Package)" "$(dpkg-deb -f "$deb" Depends | cut -c1-150)"
done
abi=$(sed -n 's/^#define KMS_MODULE_ABI_VERSION \([0-9]*\)u*$/\1/p' "$source/sdk/include/kms/sdk/Module.hpp")
provides=$(dpkg-deb -f "$debs"/X/kurento-media-server_*.deb Provides)
[[ "$provides" == "kms-module-abi-$abi" ]] || { echo "kurento-media-server provides '$provides', not kms-module-abi-$abi" >&2; exit 1; }
for module in core elements filters; do
  dpkg-deb -f "$debs"/X/kms-${module}_*.deb Depends | grep -qw "kms-module-abi-$abi" ||
    { echo "kms-$module does not depend on kms-module-abi-$abi" >&2; exit 1; }
done
log "ABI guard: kurento-media-server provides kms-module-abi-$abi (sdk/include/kms/sdk/Module.hpp); kms-core, kms-elements, kms-filters depend on it"

# lintian: no errors (its exit status); warnings and notes are listed.
start=$(date +%s)
lintian_status=0
lintian --fail-on error --display-info --tag-display-limit 0 "$debs"/X/*.changes > "$out/lintian.txt" 2>&1 ||
  lintian_status=$?
log "lintian (exit $lintian_status, $(($(date +%s) - start)) s): $(cut -c1-2 "$out/lintian.txt" | sort | uniq -c | tr -s ' \n' ' ')"
cat "$out/lintian.txt"
[[ $lintian_status -eq 0 ]] || { echo "lintian reports errors" >&2; exit 1; }

# hardening-check on every ELF file installed by the packages (debug symbols excepted).
# Its fortify line is a heuristic: a file whose only fortifiable calls are memcpy/memset/memmove
# of sizes the compiler cannot know (C++ containers) has no __*_chk call to find and is reported
# "no, only unprotected functions found" although it was compiled with fortification. So:
# every compile command of the build must carry -D_FORTIFY_SOURCE=2 and -O2, and
# hardening-check must find everything else; the files in that case are listed.
compiles=$(grep -cE '^(cd [^&]*&& )?/usr/bin/(c\+\+|cc|g\+\+|gcc) ' "$out/build-X.log" || true)
unfortified=$(grep -E '^(cd [^&]*&& )?/usr/bin/(c\+\+|cc|g\+\+|gcc) ' "$out/build-X.log" |
  grep -E ' -c ' | grep -vcE -- '-D_FORTIFY_SOURCE=2 .*-O2|-O2 .*-D_FORTIFY_SOURCE=2' || true)
[[ $compiles -gt 0 ]] || { echo "no compile command in $out/build-X.log (verbose build expected)" >&2; exit 1; }
[[ $unfortified -eq 0 ]] || { echo "$unfortified compile commands lack -D_FORTIFY_SOURCE=2 -O2" >&2; exit 1; }
for flag in -fstack-protector-strong -fstack-clash-protection -fcf-protection; do
  missing=$(grep -E '^(cd [^&]*&& )?/usr/bin/(c\+\+|cc) ' "$out/build-X.log" | grep -E ' -c ' | grep -vc -- "$flag" || true)
  [[ $missing -eq 0 ]] || { echo "$missing compile commands lack $flag" >&2; exit 1; }
done
log "all $compiles compile commands carry -D_FORTIFY_SOURCE=2 -O2 -fstack-protector-strong -fstack-clash-protection -fcf-protection"
# Control-flow protection: hardening-check looks for the IBT/SHSTK property note, which the
# linker sets only when every object has it, the C library's start files included; bookworm's
# (crti.o) do not, so no bookworm binary can have it. The compile commands carry
# -fcf-protection (checked above); the note is required wherever the start files have it.
cf_option=()
crti=/usr/lib/$(dpkg-architecture -qDEB_HOST_MULTIARCH)/crti.o
if ! readelf -n "$crti" 2>/dev/null | grep -q 'x86 feature: IBT, SHSTK'; then
  cf_option=(--nocfprotection)
  log "$crti has no IBT/SHSTK note: hardening-check's control-flow line cannot pass on this system; not required"
fi
extract=$out/extracted
rm -rf "$extract"
elf_count=0
for deb in "$debs"/X/*.deb; do
  package=$(dpkg-deb -f "$deb" Package)
  [[ "$package" == *-dbgsym ]] && continue
  mkdir -p "$extract/$package"
  dpkg-deb -x "$deb" "$extract/$package"
  while IFS= read -r -d '' file; do
    [[ "$(head -c 4 "$file" | od -An -c | tr -d ' ')" == '177ELF' ]] || continue
    elf_count=$((elf_count + 1))
    report=$(hardening-check "$file" || true)
    if grep -q 'Fortify Source functions: no, only unprotected functions found' <<< "$report"; then
      unprotected=$( (hardening-check --verbose "$file" || true) | sed -n 's/^\tunprotected: //p' | sort -u | tr '\n' ' ')
      if [[ -n "$(tr ' ' '\n' <<< "$unprotected" | grep -vxE 'memcpy|memset|memmove|' || true)" ]]; then
        echo "$report"; echo "unprotected: $unprotected" >&2; exit 1
      fi
      report=$(sed "s/only unprotected functions found!/none of known size ($unprotected), compiled with -D_FORTIFY_SOURCE=2/" <<< "$report")
      if ! hardening-check --nofortify "${cf_option[@]}" "$file" > /dev/null; then
        echo "$report"; echo "hardening-check fails on $file ($package)" >&2; exit 1
      fi
    elif ! hardening-check "${cf_option[@]}" "$file" > /dev/null; then
      echo "$report"; echo "hardening-check fails on $file ($package)" >&2; exit 1
    fi
    [[ ${#cf_option[@]} -eq 0 ]] ||
      report=$(sed 's/Control flow integrity: no, not found!/Control flow integrity: not required (no IBT\/SHSTK note in the start files)/' <<< "$report")
    echo "$report" | sed "s|$extract/||"
  done < <(find "$extract/$package" -type f -print0)
done
[[ $elf_count -gt 0 ]] || { echo "no ELF file found in the packages" >&2; exit 1; }
log "hardening-check passes on all $elf_count ELF files"
echo "$tree_hash" > "$out/debs.stamp"
