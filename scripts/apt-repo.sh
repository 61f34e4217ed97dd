#!/usr/bin/env bash
# Builds a local apt repository of one release from .deb files, laid out like Kurento's: one
# repository per release (<output>/<version>), suite bookworm, component kms7, so that a
# sources.list line pins the release:
#
#   deb [trusted=yes] file:<output>/7.3.0 bookworm kms7            (unsigned)
#   deb [signed-by=/usr/share/keyrings/kms.gpg] file:<output>/7.3.0 bookworm kms7   (--sign)
#
# usage: scripts/apt-repo.sh [--suite S] [--component C] [--version V] [--sign KEYID]
#                            <output-dir> <file.deb | folder of .debs>...
# The version defaults to that of the kurento-media-server package among the files. An existing
# repository of the same version is replaced. Prints the sources.list line on stdout.
set -euo pipefail

usage() {
  sed -n '2,12p' "$0" | sed 's/^# \{0,1\}//' >&2
  exit 2
}

suite=bookworm
component=kms7
version=
sign_key=
while [[ $# -gt 0 ]]; do
  case "$1" in
    --suite) suite=${2:?}; shift 2 ;;
    --component) component=${2:?}; shift 2 ;;
    --version) version=${2:?}; shift 2 ;;
    --sign) sign_key=${2:?}; shift 2 ;;
    -h|--help) usage ;;
    --*) echo "apt-repo.sh: unknown option $1" >&2; usage ;;
    *) break ;;
  esac
done
[[ $# -ge 2 ]] || usage
output=$1
shift
command -v apt-ftparchive >/dev/null || { echo "apt-repo.sh: apt-ftparchive missing (apt-get install apt-utils)" >&2; exit 1; }

debs=()
for source in "$@"; do
  if [[ -d "$source" ]]; then
    while IFS= read -r -d '' file; do debs+=("$file"); done \
      < <(find "$source" -maxdepth 1 -name '*.deb' -print0 | sort -z)
  elif [[ -f "$source" && "$source" == *.deb ]]; then
    debs+=("$source")
  else
    echo "apt-repo.sh: $source is neither a .deb file nor a folder" >&2
    exit 1
  fi
done
[[ ${#debs[@]} -gt 0 ]] || { echo "apt-repo.sh: no .deb files in $*" >&2; exit 1; }

architectures=()
for deb in "${debs[@]}"; do
  dpkg-deb --field "$deb" Package >/dev/null || { echo "apt-repo.sh: $deb is not a Debian package" >&2; exit 1; }
  arch=$(dpkg-deb --field "$deb" Architecture)
  if [[ "$arch" != all && " ${architectures[*]} " != *" $arch "* ]]; then
    architectures+=("$arch")
  fi
  if [[ -z "$version" && "$(dpkg-deb --field "$deb" Package)" == kurento-media-server ]]; then
    version=$(dpkg-deb --field "$deb" Version)
  fi
done
[[ -n "$version" ]] || { echo "apt-repo.sh: no kurento-media-server package among the files: give --version" >&2; exit 1; }
[[ ${#architectures[@]} -gt 0 ]] || architectures=("$(dpkg --print-architecture)")

mkdir -p "$output"
repo=$(cd "$output" && pwd)/$version
rm -rf "$repo"
pool=pool/$component
mkdir -p "$repo/$pool"
cp "${debs[@]}" "$repo/$pool/"

cd "$repo"
for arch in "${architectures[@]}"; do
  index=dists/$suite/$component/binary-$arch
  mkdir -p "$index"
  apt-ftparchive --arch "$arch" packages "$pool" > "$index/Packages"
  gzip -9n < "$index/Packages" > "$index/Packages.gz"
done
apt-ftparchive \
  -o APT::FTPArchive::Release::Origin=kurento-media-server \
  -o APT::FTPArchive::Release::Label=kurento-media-server \
  -o APT::FTPArchive::Release::Suite="$suite" \
  -o APT::FTPArchive::Release::Codename="$suite" \
  -o APT::FTPArchive::Release::Version="$version" \
  -o APT::FTPArchive::Release::Components="$component" \
  -o APT::FTPArchive::Release::Architectures="${architectures[*]}" \
  -o APT::FTPArchive::Release::Description="kurento-media-server $version" \
  release "dists/$suite" > "dists/$suite/Release.tmp"
mv "dists/$suite/Release.tmp" "dists/$suite/Release"

options="trusted=yes"
if [[ -n "$sign_key" ]]; then
  gpg --batch --yes --local-user "$sign_key" --clearsign -o "dists/$suite/InRelease" "dists/$suite/Release"
  gpg --batch --yes --local-user "$sign_key" --armor --detach-sign -o "dists/$suite/Release.gpg" "dists/$suite/Release"
  gpg --batch --yes --export "$sign_key" > "$repo/kms-archive-keyring.gpg"
  options="signed-by=$repo/kms-archive-keyring.gpg"
fi
echo "apt-repo.sh: ${#debs[@]} packages in $repo ($suite/$component, ${architectures[*]})" >&2
echo "deb [$options] file:$repo $suite $component"
