#!/usr/bin/env bash
# `watch` behind hubs: a USB stick on port 4 of a hub (1-1.4), and one on a hub behind that
# hub (1-1.3.2). Each is announced when plugged, changed when its disk appears (the disk
# belongs to the stick, the nearest device above it, not to a hub), and removed with the
# facts it had.
. "$(dirname "$0")/lib.sh"
need umockdev-wrapper
fx="$SRCDIR/tests/lib/usbfixture.py"
ROOT=/sys/devices/pci0000:00/0000:00:14.0/usb1

# split_stick PORT NAME: the stick's device and interface in $TMP/NAME, its SCSI host, disk
# and partition in $TMP/NAME-disk (the disk shows up after the device, as for real)
split_stick() {
	"$PY" "$fx" --at "$1" stick | "$PY" -c '
import sys
blocks = sys.stdin.read().strip().split("\n\n")
open(sys.argv[1], "w").write("\n\n".join(blocks[:2]) + "\n")
open(sys.argv[2], "w").write("\n\n".join(blocks[2:]) + "\n")
' "$TMP/$2" "$TMP/$2-disk"
}
"$PY" "$fx" --root >"$TMP/root"
"$PY" "$fx" --at 1-1 hub_keyboard_mouse >"$TMP/kbd"
"$PY" "$fx" --at 1-1.3 hub >"$TMP/hub2"
split_stick 1-1.4 one
split_stick 1-1.3.2 two

umockdev-wrapper "$BUILD/tests/integration/hotplug-harness" "$TMP/events" \
	before:"$TMP/root" before:"$TMP/kbd" \
	add:"$TMP/one" add:"$TMP/one-disk" \
	add:"$TMP/hub2" add:"$TMP/two" add:"$TMP/two-disk" \
	remove:"$ROOT/1-1/1-1.3/1-1.3.2" remove:"$ROOT/1-1/1-1.4" \
	-- "$AGENT" -v watch >"$TMP/latency" || { cat "$TMP/latency"; fail "harness"; }
cat "$TMP/latency"
validate "$TMP/events"

"$PY" - "$TMP/events" <<'PY' || fail "events"
import json, sys
ev = [json.loads(l) for l in open(sys.argv[1]) if not l.startswith("# ")]
ev = [e for e in ev if e["event"].startswith("device_")]  # other collectors' are not this test's
# Under load umockdev writes a device's files slowly, so its interface or its partition may
# come after the settle time: a further device_changed of the same device then, which is
# right. Those repeats are folded; the order and the final facts are what is checked.
got = []
for e in ev:
    key = (e["event"], e["device"]["port"])
    if key[0] == "device_changed" and got and got[-1][1] == key[1] and got[-1][0] != "device_removed":
        if got[-1][0] == "device_changed":
            continue
        if key[1] == "1-1.3":   # the hub: its interface came late
            continue
    got.append(key)
want = [("device_added", "1-1.4"), ("device_changed", "1-1.4"),
        ("device_added", "1-1.3"),
        ("device_added", "1-1.3.2"), ("device_changed", "1-1.3.2"),
        ("device_removed", "1-1.3.2"), ("device_removed", "1-1.4")]
assert got == want, got
by = {(e["event"], e["device"]["port"]): e["device"] for e in ev}   # the last of each
for port in ("1-1.4", "1-1.3.2"):
    added, changed = by[("device_added", port)], by[("device_changed", port)]
    assert "disks" not in added, added
    assert changed["disks"][0]["partitions"][0]["fs_label"] == "HOSO_2026", changed
    assert changed["kinds"] == ["storage"] and changed["serial"] == "4C530001230415116241"
    gone = by[("device_removed", port)]
    assert gone["connected"] is False and gone["disks"][0]["name"] == changed["disks"][0]["name"]
assert by[("device_added", "1-1.3")]["kinds"] == ["hub"]
print("events ok:", got)
PY
