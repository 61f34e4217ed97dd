#!/usr/bin/env bash
# packaging.install: the operator's and the module author's paths with the packages of
# packaging.debs, through apt, from local versioned repositories (scripts/apt-repo.sh).
#
# Isolation: everything is installed into a throw-away copy of this machine's root: a private
# mount namespace (unshare -m) holding an overlay whose lower layer is / and whose upper layer
# is a tmpfs, entered with chroot. apt, dpkg, the maintainer scripts, the kurento user and the
# installed modules (/usr/lib/<triplet>/kurento/modules, which every build-tree test server also
# searches) exist only in that overlay, so tests running in parallel see none of it, and the
# machine is left as found when the namespace ends. The packages' Debian dependencies resolve
# against the packages this machine has (gstreamer1.0-nice is removed inside the overlay first,
# so that apt has to pull it in from Debian).
#
# usage: install.sh <build-dir> <source-dir> <node_modules of tests/node>
set -euo pipefail
build=$1
source=$2
node_modules=$3
out=$build/packaging
log() { echo "packaging.install: $*"; }
fail() { echo "packaging.install: FAIL: $*" >&2; exit 1; }

if [[ "${KMS_PACKAGING_INSIDE:-}" != 1 ]]; then
  [[ $(id -u) -eq 0 ]] || fail "needs root (unshare, mount, chroot)"
  compgen -G "$out/debs/X/kurento-media-server_*.deb" >/dev/null || fail "no packages: run packaging.debs first"
  modules_dir=/usr/lib/$(dpkg-architecture -qDEB_HOST_MULTIARCH)/kurento
  before=$(ls -la "$modules_dir" /etc/kurento /etc/default/kurento-media-server 2>&1 || true)
  user_before=$(getent passwd kurento || true)
  # The repositories, one per release, as an operator would have them.
  rm -rf "$out/repo"
  repo_x=$("$source/scripts/apt-repo.sh" "$out/repo" "$out/debs/X")
  repo_next=$("$source/scripts/apt-repo.sh" "$out/repo" "$out/debs/next")
  root_dir=$(mktemp -d "$out/root.XXXXXX")
  status=0
  KMS_PACKAGING_INSIDE=1 KMS_REPO_X="$repo_x" KMS_REPO_NEXT="$repo_next" KMS_ROOT_DIR="$root_dir" \
    unshare --mount --propagation private "$0" "$@" || status=$?
  rmdir "$root_dir"
  after=$(ls -la "$modules_dir" /etc/kurento /etc/default/kurento-media-server 2>&1 || true)
  [[ "$before" == "$after" && "$user_before" == "$(getent passwd kurento || true)" ]] ||
    fail "the machine changed outside the overlay: before: $before $user_before; after: $after"
  log "the machine is as it was (no $modules_dir, /etc/kurento or kurento user change)"
  exit $status
fi

# ---- inside the private mount namespace ----
work=$KMS_ROOT_DIR
mount -t tmpfs -o size=6g,mode=0755 kms-packaging "$work"
mkdir -p "$work/upper" "$work/work" "$work/root"
mount -t overlay kms-packaging -o "lowerdir=/,upperdir=$work/upper,workdir=$work/work" "$work/root"
R=$work/root
mount -t proc proc "$R/proc"
mount --rbind /sys "$R/sys"
mount --rbind /dev "$R/dev"
mount -t tmpfs tmpfs "$R/run"   # no /run/systemd/system: maintainer scripts start no service
mount -t tmpfs tmpfs "$R/tmp"
# The repositories stay visible in the root even when the build tree is under /tmp (a clone
# there had its repositories hidden by the tmpfs above, and apt found no Packages file).
mkdir -p "$R$out/repo"
mount --bind "$out/repo" "$R$out/repo"
printf '#!/bin/sh\n# packaging test: no service is started in this root\nexit 101\n' > "$R/usr/sbin/policy-rc.d"
chmod 755 "$R/usr/sbin/policy-rc.d"

inroot() {
  chroot "$R" env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root LANG=C.UTF-8 \
    DEBIAN_FRONTEND=noninteractive "$@"
}
apt_in_root() {  # apt-get in the root, its output kept in $out/apt-<step>.log
  local step=$1
  shift
  if ! inroot apt-get -q -y -o Dpkg::Use-Pty=0 "$@" > "$out/apt-$step.log" 2>&1; then
    cat "$out/apt-$step.log"
    return 1
  fi
}
use_repo() {  # the sources.list line of one release; only that list is refreshed
  echo "$1" > "$R/etc/apt/sources.list.d/kurento.list"
  apt_in_root "update-$2" update -o Dir::Etc::SourceList=/etc/apt/sources.list.d/kurento.list \
    -o Dir::Etc::SourceParts=/nonexistent -o APT::Get::List-Cleanup=0
}
version_of() { inroot dpkg-query -W -f='${Version}' "$1" 2>/dev/null || true; }
status_of() { inroot dpkg-query -W -f='${db:Status-Abbrev}' "$1" 2>/dev/null | tr -d ' ' || true; }

server_pid=
server_log=
# Starts the installed server the way its unit does: User=, EnvironmentFile= (KEY=value lines,
# $NAME expanded and split as systemd does), LimitNOFILE=, WorkingDirectory= (the
# StateDirectory= systemd would create), ExecStart=. Waits until it listens.
start_installed_server() {
  local unit=$R/lib/systemd/system/kurento-media-server.service
  local user env_file exec_start limit workdir line key value word
  user=$(sed -n 's/^User=//p' "$unit")
  env_file=$(sed -n 's/^EnvironmentFile=-\{0,1\}//p' "$unit")
  exec_start=$(sed -n 's/^ExecStart=//p' "$unit")
  limit=$(sed -n 's/^LimitNOFILE=//p' "$unit")
  workdir=$(sed -n 's/^WorkingDirectory=//p' "$unit")
  local -a env=() command=()
  declare -A vars=()
  while IFS= read -r line; do
    [[ "$line" =~ ^[[:space:]]*(#|$) ]] && continue
    key=${line%%=*}
    value=${line#*=}
    vars[$key]=$value
    env+=("$key=$value")
  done < "$R$env_file"
  for word in $exec_start; do
    if [[ "$word" =~ ^\$([A-Za-z_][A-Za-z0-9_]*)$ ]]; then
      # shellcheck disable=SC2206  # systemd splits an unbraced $VAR on white space
      command+=(${vars[${BASH_REMATCH[1]}]:-})
    else
      command+=("$word")
    fi
  done
  local uid gid home
  uid=$(inroot id -u "$user")
  gid=$(inroot id -g "$user")
  home=$(inroot getent passwd "$user" | cut -d: -f6)
  mkdir -p "$R$workdir"
  chown "$uid:$gid" "$R$workdir"
  server_log=$out/server-$1.log
  log "starting as the unit does: User=$user LimitNOFILE=$limit ${env[*]} ${command[*]}"
  # (systemd, as PID 1, raises the hard limit too; here it may be capped lower)
  ulimit -n "$limit" 2>/dev/null || { ulimit -n "$(ulimit -Hn)"; log "LimitNOFILE capped at the hard limit $(ulimit -Hn)"; }
  # (systemd sets HOME, USER and LOGNAME of User=)
  chroot --userspec="$uid:$gid" --groups="$gid" "$R" env -i PATH=/usr/bin:/bin LANG=C.UTF-8 \
    HOME="$home" USER="$user" LOGNAME="$user" "${env[@]}" \
    sh -c 'cd "$0" && exec "$@"' "$workdir" "${command[@]}" > "$server_log" 2>&1 &
  server_pid=$!
  for _ in $(seq 1 200); do
    grep -q 'listening on ws://' "$server_log" && break
    kill -0 "$server_pid" 2>/dev/null || { cat "$server_log"; fail "the installed server exited"; }
    sleep 0.1
  done
  grep -q 'listening on ws://' "$server_log" || { cat "$server_log"; fail "the installed server did not start in 20 s"; }
  [[ "$(stat -c %u "/proc/$server_pid")" == "$uid" ]] || fail "the server does not run as $user ($uid)"
}
stop_installed_server() {
  kill -TERM "$server_pid"
  local code=0
  wait "$server_pid" || code=$?
  server_pid=
  [[ $code -eq 0 ]] || { cat "$server_log"; fail "the server exited with $code on SIGTERM"; }
}
cleanup() {
  if [[ -n "$server_pid" ]]; then kill -KILL "$server_pid" 2>/dev/null || true; fi
}
trap cleanup EXIT

run_node_test() {  # <port> <modules> <version> [hello]
  KMS_URL="ws://127.0.0.1:$1/kurento" KMS_MODULES=$2 KMS_VERSION=$3 KMS_HELLO_WORLD=${4:-0} \
    NODE_PATH=$node_modules node --test --test-force-exit --test-reporter=spec \
    "$source/tests/packaging/installed-server.test.js" ||
    { tail -n 80 "$server_log"; fail "the installed server failed the client test"; }
}

# The operator's edits of conffiles: the WebSocket port in kurento.conf.json, the media port range
# in BaseRtpEndpoint.conf.ini (above the test peers' ports, like the other tests' servers).
port=$(node -e "require('$source/tests/node/lib/ports').freeTcpPort().then((p) => console.log(p))")
media_range=$(node -e "const p = require('$source/tests/node/lib/ports').SERVER_MEDIA_PORTS; console.log(p.min + ' ' + p.max)")
edit_conffiles() {
  sed -i "s/\"port\": 8888/\"port\": $port/" "$R/etc/kurento/kurento.conf.json"
  grep -q "\"port\": $port" "$R/etc/kurento/kurento.conf.json" || fail "could not edit the port in kurento.conf.json"
  printf 'minPort=%s\nmaxPort=%s\n' $media_range >> "$R/etc/kurento/modules/kurento/BaseRtpEndpoint.conf.ini"
}

ours=(kurento-media-server libkmssdk1 kms-core kms-elements kms-filters)
x_version=$(dpkg-deb -f "$out"/debs/X/kurento-media-server_*.deb Version)
next_version=$(dpkg-deb -f "$out"/debs/next/kurento-media-server_*.deb Version)
abi=$(dpkg-deb -f "$out"/debs/X/kurento-media-server_*.deb Provides | sed -n 's/^kms-module-abi-\([0-9]*\)$/\1/p')
[[ -n "$abi" ]] || fail "kurento-media-server provides no kms-module-abi-<N>"

# ---- 1. install X from its repository: the modules and their media dependencies come along
inroot dpkg -r gstreamer1.0-nice > /dev/null
[[ "$(status_of gstreamer1.0-nice)" != ii ]] || fail "could not remove gstreamer1.0-nice in the root"
use_repo "$KMS_REPO_X" x
log "sources.list: $KMS_REPO_X"
apt_in_root install-x install kurento-media-server
sed -n '/NEW packages/,/^[0-9]* upgraded/p' "$out/apt-install-x.log"
for package in "${ours[@]}" gstreamer1.0-nice; do
  [[ "$(status_of "$package")" == ii ]] || fail "$package not installed by apt-get install kurento-media-server"
done
[[ "$(version_of kurento-media-server)" == "$x_version" ]] || fail "kurento-media-server $(version_of kurento-media-server) installed, not $x_version"
log "apt-get install kurento-media-server: ${ours[*]} $x_version and gstreamer1.0-nice (from Debian) installed"
kurento_user=$(inroot getent passwd kurento) || fail "no kurento user after install"
log "system user: $kurento_user"
conffiles=$(inroot dpkg-query -W -f='${Conffiles}' kurento-media-server)
for file in /etc/kurento/kurento.conf.json /etc/kurento/modules/kurento/BaseRtpEndpoint.conf.ini \
            /etc/kurento/modules/kurento/WebRtcEndpoint.conf.ini /etc/default/kurento-media-server; do
  grep -q " $file " <<< "$conffiles" || fail "$file is not a conffile of kurento-media-server"
done
log "conffiles: $(awk '{print $1}' <<< "$conffiles" | tr '\n' ' ')"

# ---- 2. the unit: systemd-analyze verify (no output) and its exposure
unit=/lib/systemd/system/kurento-media-server.service
verify=$(inroot systemd-analyze verify "$unit" 2>&1) || { echo "$verify"; fail "systemd-analyze verify fails"; }
[[ -z "$verify" ]] || { echo "$verify"; fail "systemd-analyze verify reports problems"; }
security=$(inroot systemd-analyze security --offline=true --no-pager "$unit" 2>&1) || true
exposure=$(sed -n 's/.*Overall exposure level for kurento-media-server.service: \([0-9.]*\).*/\1/p' <<< "$security")
[[ -n "$exposure" ]] || { echo "$security"; fail "systemd-analyze security gave no exposure level"; }
grep -E '^ *✗' <<< "$security" | head -n 20 || true
log "systemd-analyze verify: clean; systemd-analyze security: exposure $exposure"
awk -v e="$exposure" 'BEGIN { exit !(e < 3.0) }' || fail "exposure $exposure is not below 3.0"

# ---- 3. the installed server, started as the unit does, with the operator's edits
edit_conffiles
start_installed_server x
run_node_test "$port" core,elements,filters "${x_version%%+*}" 1
stop_installed_server
log "installed server: /healthz, getInfo, Hello World VP8 and H264 with chromium: pass; SIGTERM exit 0"

# ---- 4. a third-party module: scaffolded with the installed creator, built into a .deb against
# the installed kms-sdk-dev, installed next to the server's modules
apt_in_root install-sdk install kms-sdk-dev kurento-module-creator
[[ "$(inroot pkg-config --variable=moduleabi kms-sdk)" == "$abi" ]] || fail "pkg-config kms-sdk moduleabi is not $abi"
mkdir -p "$R/tmp/modules"
inroot kurento-module-scaffold HelloFilter /tmp/modules > /dev/null
start=$(date +%s)
if ! inroot sh -c 'cd /tmp/modules/hello_filter && DEB_BUILD_OPTIONS=parallel=$(nproc) dpkg-buildpackage -b -us -uc' \
     > "$out/build-module.log" 2>&1; then
  tail -n 60 "$out/build-module.log"
  fail "the scaffolded module's package does not build"
fi
module_deb=$(ls "$R"/tmp/modules/kms-hello-filter_0.1.0_*.deb)
depends=$(dpkg-deb -f "$module_deb" Depends)
log "scaffolded kms-hello-filter built in $(($(date +%s) - start)) s; Depends: $depends"
grep -qw "kms-module-abi-$abi" <<< "$depends" || fail "kms-hello-filter does not depend on kms-module-abi-$abi"
apt_in_root install-module install "/tmp/modules/$(basename "$module_deb")"
[[ "$(status_of kms-hello-filter)" == ii ]] || fail "kms-hello-filter not installed"
start_installed_server module
run_node_test "$port" core,elements,filters,hello_filter "${x_version%%+*}"
stop_installed_server
log "kms-hello-filter installed; getInfo lists hello_filter"

# The same module declaring another ABI: apt refuses it and changes nothing.
other=$((abi + 1))
repack=$R/tmp/modules/repack
dpkg-deb -R "$module_deb" "$repack"
sed -i -e "s/kms-module-abi-$abi\b/kms-module-abi-$other/" -e 's/^Version: .*/Version: 0.1.1/' "$repack/DEBIAN/control"
dpkg-deb --root-owner-group -b "$repack" "$R/tmp/modules/kms-hello-filter_0.1.1_abi$other.deb" > /dev/null
if inroot apt-get -q -y install "/tmp/modules/kms-hello-filter_0.1.1_abi$other.deb" > "$out/apt-install-other-abi.log" 2>&1; then
  cat "$out/apt-install-other-abi.log"
  fail "apt installed a module declaring ABI $other next to a server of ABI $abi"
fi
grep -q "kms-module-abi-$other" "$out/apt-install-other-abi.log" ||
  { cat "$out/apt-install-other-abi.log"; fail "apt's refusal does not name kms-module-abi-$other"; }
[[ "$(version_of kms-hello-filter)" == 0.1.0 ]] || fail "kms-hello-filter changed after the refused install"
log "apt refuses kms-hello-filter 0.1.1 declaring ABI $other: $(grep -m1 "kms-module-abi-$other" "$out/apt-install-other-abi.log" | sed 's/^ *//')"
apt_in_root remove-module purge kms-hello-filter kms-sdk-dev kurento-module-creator

# ---- 5. apt-get remove: only our packages go, the conffiles stay (with the edits); reinstall
apt_in_root remove remove kurento-media-server
removed=$(sed -n '/REMOVED:/,/^[0-9]* upgraded/p' "$out/apt-remove.log" | sed '1d;$d' | tr -s ' \n' '\n' | sed '/^$/d' | sort)
for package in $removed; do
  [[ " ${ours[*]} " == *" $package "* ]] || fail "apt-get remove kurento-media-server also removed $package"
done
[[ "$(status_of kurento-media-server)" == rc ]] || fail "kurento-media-server is $(status_of kurento-media-server) after remove, not rc"
grep -q "\"port\": $port" "$R/etc/kurento/kurento.conf.json" || fail "remove lost the edited kurento.conf.json"
[[ -f "$R/etc/default/kurento-media-server" ]] || fail "remove deleted /etc/default/kurento-media-server"
log "apt-get remove: removed $(echo $removed); conffiles kept (state rc, edits in place)"
apt_in_root reinstall install kurento-media-server
grep -q "\"port\": $port" "$R/etc/kurento/kurento.conf.json" || fail "reinstall replaced the edited kurento.conf.json"
start_installed_server reinstall
run_node_test "$port" core,elements,filters "${x_version%%+*}"
stop_installed_server
log "reinstall: works, the edited configuration is used"

# ---- 6. upgrade X -> X+1 from the next release's repository: the edit is kept and loads
use_repo "$KMS_REPO_NEXT" next
log "sources.list: $KMS_REPO_NEXT"
apt_in_root upgrade install --only-upgrade "${ours[@]}"
for package in "${ours[@]}"; do
  [[ "$(version_of "$package")" == "$next_version" ]] || fail "$package is $(version_of "$package") after the upgrade, not $next_version"
done
grep -q "\"port\": $port" "$R/etc/kurento/kurento.conf.json" || fail "the upgrade replaced the edited kurento.conf.json"
[[ ! -e "$R/etc/kurento/kurento.conf.json.dpkg-new" && ! -e "$R/etc/kurento/kurento.conf.json.dpkg-old" ]] ||
  fail "the upgrade left .dpkg-new/.dpkg-old files"
start_installed_server upgrade
run_node_test "$port" core,elements,filters "${x_version%%+*}"
stop_installed_server
log "upgrade $x_version -> $next_version: edited conffiles kept, the configuration loads"

# ---- 7. purge: the configuration goes, the kurento user stays (Debian policy)
apt_in_root purge purge kurento-media-server kms-core kms-elements kms-filters libkmssdk1
[[ ! -e "$R/etc/kurento/kurento.conf.json" && ! -e "$R/etc/default/kurento-media-server" ]] ||
  fail "purge left the configuration"
inroot getent passwd kurento > /dev/null || fail "purge removed the kurento user"
log "purge: configuration removed, kurento user kept"
