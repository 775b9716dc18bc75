#!/usr/bin/env bash
# Full USB inventory of 64 devices (sticks, disks, printers, scanners, MFPs, tokens, phones,
# network adapters, serial adapters) under umockdev, beside usbutils' usb-devices on the same
# testbed in the same run. Both read sysfs through umockdev's preload, which costs the same
# per system call for both. Goal: 10x faster than usb-devices.
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD="${BUILD:-$PWD/build}"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
/usr/bin/python3 tests/lib/usbfixture.py --many 64 >"$tmp/bed.umockdev"
n=$(umockdev-run -d "$tmp/bed.umockdev" -- "$BUILD/counterguard-agent" inventory --only usb --format json |
	/usr/bin/python3 -c 'import json,sys; print(len(json.load(sys.stdin)["devices"]))')
m=$(umockdev-run -d "$tmp/bed.umockdev" -- usb-devices 2>/dev/null | grep -c '^T:')
echo "testbed: $n devices seen by counterguard-agent, $m by usb-devices (it counts the root hub)"
umockdev-run -d "$tmp/bed.umockdev" -- /usr/bin/python3 bench/measure.py 20 \
	"counterguard-agent inventory --only usb" -- "$BUILD/counterguard-agent" inventory --only usb --format json :: \
	-n 5 "usb-devices (usbutils)" -- usb-devices
