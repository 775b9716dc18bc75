#!/usr/bin/env bash
# `watch` under a umockdev testbed: plugging and unplugging devices reaches the agent's
# output as one JSON line each, within 100 ms of the device's uevents, with the device's
# facts — for a removed device, the facts it had. A root hub going is not reported (its
# devices are removed first: umockdev >= 0.18.4 sends their removals with the hub's, as the
# kernel does, and those are reported).
. "$(dirname "$0")/lib.sh"
need umockdev-wrapper
fx="$SRCDIR/tests/lib/usbfixture.py"
ROOT=/sys/devices/pci0000:00/0000:00:14.0/usb1
"$PY" "$fx" --root >"$TMP/root"
"$PY" "$fx" --at 1-1 hub_keyboard_mouse >"$TMP/kbd"
"$PY" "$fx" --at 1-2 stick >"$TMP/stick"
"$PY" "$fx" --at 1-3 mfp >"$TMP/mfp"
"$PY" "$fx" --at 1-5 token >"$TMP/blip"
# a stick whose disk shows up after the device, as the SCSI scan makes it do for real
"$PY" "$fx" --at 1-4 stick | "$PY" -c '
import sys
blocks = sys.stdin.read().strip().split("\n\n")
open(sys.argv[1], "w").write("\n\n".join(blocks[:2]) + "\n")   # device + interface
open(sys.argv[2], "w").write("\n\n".join(blocks[2:]) + "\n")   # scsi, disk, partition
' "$TMP/slow-stick" "$TMP/slow-disk"

umockdev-wrapper "$BUILD/tests/integration/hotplug-harness" "$TMP/events" \
	before:"$TMP/root" before:"$TMP/kbd" \
	add:"$TMP/stick" add:"$TMP/mfp" remove:"$ROOT/1-2" remove:"$ROOT/1-1/1-1.1" \
	add:"$TMP/slow-stick" add:"$TMP/slow-disk" blip:"$TMP/blip" \
	remove:"$ROOT/1-3" remove:"$ROOT/1-4" remove:"$ROOT/1-1/1-1.2" remove:"$ROOT/1-1" \
	silent-remove:"$ROOT" \
	-- "$AGENT" -v watch >"$TMP/latency" || { cat "$TMP/latency"; fail "harness"; }
cat "$TMP/latency"
validate "$TMP/events"

"$PY" - "$TMP/events" "$TMP/latency" <<'PY' || fail "events"
import json, sys
steps, ev = [], []
for l in open(sys.argv[1]):
    if l.startswith("# "):
        steps.append([])
    elif json.loads(l)["event"].startswith("device_"):
        # (other collectors' events, a port or a process of the PC, are not this test's)
        steps[-1].append(json.loads(l))
        ev.append(steps[-1][-1])
# each step: its event first; then only device_changed of the same device (a disk appearing)
seq, last = [], {}
for group in steps:
    first = group[0]
    seq.append((first["event"], first["device"]["port"]))
    for e in group[1:]:
        assert e["event"] in ("device_changed", "device_removed") and \
            e["device"]["port"] == first["device"]["port"], e
    for e in group:
        last[(e["event"] == "device_removed", e["device"]["port"])] = e["device"]
want = [("device_added", "1-2"), ("device_added", "1-3"), ("device_removed", "1-2"),
        ("device_removed", "1-1.1"), ("device_added", "1-4"), ("device_changed", "1-4"),
        ("device_added", "1-5"),
        ("device_removed", "1-3"), ("device_removed", "1-4"), ("device_removed", "1-1.2"),
        ("device_removed", "1-1")]
assert seq == want, seq
# plugged and pulled out before it settled: both told, with what the events said of it
blip = next(g for g in steps if g[0]["device"]["port"] == "1-5")
assert [e["event"] for e in blip] == ["device_added", "device_removed"], blip
assert all(e["device"]["port"] == "1-5" for e in blip), blip
# the slow stick: announced without a disk, then changed with it
slow = [e["device"] for e in ev if e["device"]["port"] == "1-4"]
assert "disks" not in slow[0] and slow[-1]["disks"][0]["partitions"][0]["fs_label"] == "HOSO_2026"
stick = last[(False, "1-2")]
assert stick["serial"] == "4C530001230415116241" and stick["kinds"] == ["storage"], stick
assert stick["disks"][0]["partitions"][0]["fs_label"] == "HOSO_2026"
mfp = last[(False, "1-3")]
assert mfp["kinds"] == ["storage", "printer", "scanner"], mfp["kinds"]
gone = last[(True, "1-2")]
assert gone["connected"] is False and gone["serial"] == stick["serial"]
assert gone["disks"][0]["name"] == "sdc"     # the facts it had
kbd = last[(True, "1-1.1")]
assert kbd["product"] == "USB Keyboard" and kbd["kinds"] == ["input"]   # there at start
# Latency from the moment the device is all there (umockdev's last uevent for it): the
# time umockdev spends writing the testbed's files (30-180 ms here, more under load) is
# not the agent's. The line may even come before umockdev is done (negative is not
# possible: it is read after).
lat = [float(l.split()[2]) for l in open(sys.argv[2])]
assert all(x < 100 for x in lat), f"latencies {lat} ms: not all under 100 ms"
print("events ok; latencies after the last uevent, ms:", lat)
PY
