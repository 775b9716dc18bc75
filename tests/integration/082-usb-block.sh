#!/usr/bin/env bash
# Block mode under umockdev: `watch` with a policy in block mode. The multifunction printer
# there at the start, approved for printing and scanning, has only its storage interface
# deauthorized; then devices are plugged in: the unapproved disk is deauthorized (its
# `authorized` attribute in the testbed is 0) and its event says "blocked", followed by its
# finding; as the kernel then unbinds its interface (removed from the testbed here), it stays
# blocked and its finding open; the approved stick, the keyboard and the mouse are untouched. With USBGuard
# running, nothing is deauthorized.
. "$(dirname "$0")/lib.sh"
need umockdev-wrapper
# a USBGuard here would be in charge (another test's stand-in left over, or a real one)
! pgrep -x usbguard-daemon >/dev/null || skip "usbguard-daemon runs on this machine"
fx="$SRCDIR/tests/lib/usbfixture.py"
ROOT=/sys/devices/pci0000:00/0000:00:14.0/usb1
"$PY" "$fx" --root >"$TMP/root"
"$PY" "$fx" --at 1-1 hub_keyboard_mouse >"$TMP/kbd"
"$PY" "$fx" --at 1-2 stick >"$TMP/stick"
"$PY" "$fx" --at 1-3 disk >"$TMP/disk"
"$PY" "$fx" --at 1-4 mfp >"$TMP/mfp"
cat >"$TMP/policy.conf" <<'CONF'
usb = {
  storage_mode = "block";
  approved = (
    { vendor = "0781"; product = "5567"; serial = "4C530001230415116241"; },
    { vendor = "04b8"; product = "1128"; classes = [ 0x07, 0xff ]; }
  );
};
CONF
# the authorized attributes, as the testbed holds them once every device is in
cat >"$TMP/snap.sh" <<'SNAP'
#!/bin/sh
d="$UMOCKDEV_DIR/sys/devices/pci0000:00/0000:00:14.0/usb1"
for p in 1-1 1-1/1-1.1 1-1/1-1.2 1-1/1-1.1/1-1.1:1.0 1-2 1-2/1-2:1.0 1-3 1-4 1-4/1-4:1.0 \
	1-4/1-4:1.1 1-4/1-4:1.2; do
	printf '%s %s\n' "$p" "$(cat "$d/$p/authorized")"
done >"$1"
SNAP
chmod +x "$TMP/snap.sh"

run_watch() { # NAME
	umockdev-wrapper "$BUILD/tests/integration/hotplug-harness" "$TMP/$1.events" \
		before:"$TMP/root" before:"$TMP/kbd" before:"$TMP/mfp" \
		add:"$TMP/stick" add:"$TMP/disk" sleep:500 \
		remove:"$ROOT/1-3/1-3:1.0" \
		sleep:300 run:"$TMP/snap.sh $TMP/$1.auth" \
		-- "$AGENT" -v --policy "$TMP/policy.conf" watch >"$TMP/$1.latency" 2>"$TMP/$1.err" ||
		{ cat "$TMP/$1.latency" "$TMP/$1.err"; fail "harness ($1)"; }
}

run_watch block
validate "$TMP/block.events"
cat >"$TMP/want" <<'WANT'
1-1 1
1-1/1-1.1 1
1-1/1-1.2 1
1-1/1-1.1/1-1.1:1.0 1
1-2 1
1-2/1-2:1.0 1
1-3 0
1-4 1
1-4/1-4:1.0 1
1-4/1-4:1.1 1
1-4/1-4:1.2 0
WANT
diff -u "$TMP/want" "$TMP/block.auth" || fail "authorized attributes differ: $(cat "$TMP/block.err")"
"$PY" - "$TMP/block.events" <<'PY' || fail "events"
import json, sys
ev = [json.loads(l) for l in open(sys.argv[1]) if not l.startswith("# ")]
# the last word on each device plugged in (a disk read before its interface's class is
# known is told again in a device_changed)
last = {e["device"]["port"]: e["device"].get("verdict") for e in ev if e["event"] in ("device_added", "device_changed")}
assert last == {"1-2": "approved", "1-3": "blocked"}, last
# the disk unbound: told as a change, still blocked
unbound = [e for e in ev if e["event"] == "device_changed" and e["device"]["port"] == "1-3" and not e["device"].get("interfaces")]
assert unbound and unbound[-1]["device"]["verdict"] == "blocked", unbound
# the findings open at the end (a device read before its interfaces may open and resolve one)
opened = set()
for e in ev:
    if e["event"] in ("finding_opened", "finding_resolved"):
        key = (e["finding"]["rule_id"], e["finding"]["evidence"])
        (opened.add if e["event"] == "finding_opened" else opened.discard)(key)
assert opened == {
    ("CG-USB-001", "USB 1058:25a2 Western Digital Elements 25A2; serial=575834314133394C; port=1-3; blocked"),
    ("CG-USB-002", "USB 04b8:1128 EPSON L3150 Series; serial=58344B3033303637; port=1-4; storage interface blocked"),
}, opened
f = next(e["finding"] for e in ev if e["event"] == "finding_opened" and e["finding"]["rule_id"] == "CG-USB-001")
assert f["message_vi"] and f["legal_ref"] and f["severity"] in ("high", "medium"), f
print("events ok:", len(ev))
PY
grep -q "port 1-3, serial 575834314133394C): device deauthorized" "$TMP/block.err" ||
	fail "no log of the block: $(cat "$TMP/block.err")"

# USBGuard in charge: a process named usbguard-daemon runs; the agent says so, blocks nothing
cp "$(command -v sleep)" "$TMP/usbguard-daemon"
"$TMP/usbguard-daemon" 30 &
guard=$!
at_exit "kill $guard; wait $guard"
run_watch guard
sed 's/ 0$/ 1/' "$TMP/want" >"$TMP/want-guard"
diff -u "$TMP/want-guard" "$TMP/guard.auth" || fail "something blocked under USBGuard"
grep -q "USBGuard runs (pid $guard)" "$TMP/guard.err" || fail "USBGuard not reported: $(cat "$TMP/guard.err")"
"$AGENT" check --lang en --fail-on critical --policy "$TMP/policy.conf" >"$TMP/check.txt" ||
	fail "check under USBGuard"
grep -q "^USBGuard runs (pid $guard) and controls USB authorization" "$TMP/check.txt" ||
	fail "check does not say USBGuard is in charge: $(cat "$TMP/check.txt")"
"$PY" - "$TMP/guard.events" <<'PY' || fail "events under USBGuard"
import json, sys
ev = [json.loads(l) for l in open(sys.argv[1]) if not l.startswith("# ")]
assert not [e for e in ev if e.get("device", {}).get("verdict") == "blocked"], ev
assert {"CG-USB-001", "CG-USB-002"} <= {e["finding"]["rule_id"] for e in ev if e["event"] == "finding_opened"}
PY
echo "block ok"
