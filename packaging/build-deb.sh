#!/usr/bin/env bash
# Build the Debian packages (counterguard-agent, counterguard-server) from this checkout's
# files into build/packages/. The debian/ directory is packaging/debian; the systemd files
# it installs are the ones in systemd/, copied in, so they exist once.
#   packaging/build-deb.sh          needs debhelper (scripts/install-deps.sh package)
set -euo pipefail
cd "$(dirname "$0")/.."
# make reads these from the environment (the test runner exports BUILD for its sanitizer
# build): a package is built from scratch with dpkg's flags only
unset BUILD SAN
top=$PWD
out="$top/build/packages"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
version=$(sed -n '1s/^counterguard (\([^)]*\)).*/\1/p' packaging/debian/changelog)
[ "${version%%-*}" = "$(cat VERSION)" ] ||
	{ echo "build-deb: packaging/debian/changelog says $version, VERSION says $(cat VERSION)" >&2; exit 1; }
src="$work/counterguard-${version%%-*}"
mkdir -p "$src"
# the tracked files and new ones not ignored, as they are in the working tree
git ls-files --cached --others --exclude-standard -z | grep -zv '^packaging/debian/' |
	xargs -0 cp --parents -t "$src" 2>/dev/null || true
cp -r packaging/debian "$src/debian"
cp systemd/counterguard-server.service "$src/debian/counterguard-server.service"
cp systemd/counterguard.sysusers "$src/debian/counterguard-server.sysusers"
cp systemd/counterguard.tmpfiles "$src/debian/counterguard-server.tmpfiles"
cp systemd/counterguard-agent.service "$src/debian/counterguard-agent.service"
cp systemd/counterguard-agent.sysusers "$src/debian/counterguard-agent.sysusers"
cp systemd/counterguard-agent.tmpfiles "$src/debian/counterguard-agent.tmpfiles"
(cd "$src" && dpkg-buildpackage -us -uc -b -j"$(nproc)" >"$work/build.log" 2>&1) ||
	{ tail -n 60 "$work/build.log"; echo "build-deb: dpkg-buildpackage failed" >&2; exit 1; }
mkdir -p "$out"
mv "$work"/*.deb "$out/"
ls "$out"/*.deb
