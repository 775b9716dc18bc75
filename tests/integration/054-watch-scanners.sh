#!/usr/bin/env bash
# `watch` and SANE, under umockdev: a scanner appearing (SANE's test backend told to show one
# more device) and going is reported as scanner_added / scanner_removed after the USB events
# that make the agent look again; and while a SANE backend hangs in its discovery, USB
# devices plugged and unplugged are still reported within 100 ms of their uevents (the
# discovery runs aside, is killed at its deadline, and says so in the log).
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib-printers.sh"
need umockdev-wrapper
fx="$SRCDIR/tests/lib/usbfixture.py"
ROOT=/sys/devices/pci0000:00/0000:00:14.0/usb1
HARNESS="$BUILD/tests/integration/hotplug-harness"
"$PY" "$fx" --root >"$TMP/root"
"$PY" "$fx" --at 1-1 serial >"$TMP/a"
"$PY" "$fx" --at 1-2 bluetooth >"$TMP/b"
"$PY" "$fx" --at 1-3 webcam >"$TMP/c"   # umockdev cannot add a removed device again
export CUPS_SERVER="$TMP/nobody.sock" # no print service: only the scanners' events here

# --- scanner_added and scanner_removed ---
sane_test_config
conf="$SANE_CONFIG_DIR/test.conf"
grep -q '^number_of_devices' "$conf" || echo 'number_of_devices 2' >>"$conf"
umockdev-wrapper "$HARNESS" "$TMP/events" before:"$TMP/root" \
	until:"grep -q 'scanners known' $TMP/log" \
	run:"sed -i 's/^number_of_devices.*/number_of_devices 3/' $conf" \
	add:"$TMP/a" sleep:2500 \
	run:"sed -i 's/^number_of_devices.*/number_of_devices 2/' $conf" \
	remove:"$ROOT/1-1" sleep:2500 add:"$TMP/b" \
	-- "$AGENT" -v watch >"$TMP/steps" 2>"$TMP/log" || { cat "$TMP/steps" "$TMP/log"; fail "harness"; }
cat "$TMP/steps"
validate "$TMP/events"
"$PY" - "$TMP/events" <<'PY' || { cat "$TMP/events"; fail "scanner events"; }
import json, sys
# device_changed may follow an add as umockdev writes the device's children (its tty), and
# other collectors' events (a port, a process of the PC) may come between: not counted
ev = [json.loads(l) for l in open(sys.argv[1]) if not l.startswith("# ")]
ev = [e for e in ev if e["event"] in ("device_added", "device_removed", "scanner_added",
                                      "scanner_removed")]
got = [(e["event"], e.get("scanner", e.get("device", {})).get("name") or e["device"]["port"]) for e in ev]
want = [("device_added", "1-1"), ("scanner_added", "test:2"), ("device_removed", "1-1"),
        ("scanner_removed", "test:2"), ("device_added", "1-2")]
assert got == want, got
s = ev[1]["scanner"]
assert s["vendor"] == "Noname" and s["model"] == "frontend-tester", s
print("scanner events ok")
PY

# --- a hanging SANE backend does not hold the loop ---
sane_hang_backend
umockdev-wrapper "$HARNESS" "$TMP/events2" before:"$TMP/root" \
	add:"$TMP/a" remove:"$ROOT/1-1" add:"$TMP/b" remove:"$ROOT/1-2" \
	until:"grep -q 'scanner discovery failed: did not finish within 10000 ms' $TMP/log2" \
	add:"$TMP/c" remove:"$ROOT/1-3" \
	-- "$AGENT" -v watch >"$TMP/steps2" 2>"$TMP/log2" || { cat "$TMP/steps2" "$TMP/log2"; fail "harness (hang)"; }
cat "$TMP/steps2"
grep 'scanners:' "$TMP/log2"
validate "$TMP/events2"
"$PY" - "$TMP/steps2" <<'PY' || fail "latency while SANE hangs"
import sys
lat = [float(l.split()[2]) for l in open(sys.argv[1]) if l.startswith(("add:", "remove:"))]
assert len(lat) == 6, lat
assert all(x < 100 for x in lat), f"latencies {lat} ms: not all under 100 ms"
print("latencies after the last uevent while SANE hangs, ms:", lat)
PY
echo "scanners watch ok"
