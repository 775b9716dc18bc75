#!/usr/bin/env bash
# Facts that cannot be read are reported as missing, never a crash, never half a document:
# an unreadable sysfs attribute, a missing or empty /etc/machine-id, a missing
# /etc/os-release, and a stdout that cannot be written.
. "$(dirname "$0")/lib.sh"
need umockdev-run
need unshare
bed=$(usbfixture stick printer)
STICK=devices/pci0000:00/0000:00:14.0/usb1/1-1

# 1. the stick's serial is a directory: unreadable whoever reads it
umockdev-run -d "$bed" -- sh -c "rm \"\$UMOCKDEV_DIR/sys/$STICK/serial\" &&
	mkdir \"\$UMOCKDEV_DIR/sys/$STICK/serial\" && exec \"$AGENT\" inventory --format json" \
	>"$TMP/inv.json" || fail "inventory failed on an unreadable attribute"
validate "$TMP/inv.json"
[ "$(jget "$TMP/inv.json" '[m["fact"] for m in d["missing"] if m["fact"].startswith("devices")]')" = "['devices[1-1].serial']" ] ||
	fail "missing facts: $(jget "$TMP/inv.json" 'd["missing"]')"
[ "$(jget "$TMP/inv.json" '"serial" in d["devices"][0]')" = False ] || fail "serial still there"
[ "$(jget "$TMP/inv.json" 'd["devices"][0]["vendor_id"]')" = 0781 ] || fail "other facts lost"
umockdev-run -d "$bed" -- sh -c "rm \"\$UMOCKDEV_DIR/sys/$STICK/serial\" &&
	mkdir \"\$UMOCKDEV_DIR/sys/$STICK/serial\" && exec \"$AGENT\" inventory --only usb" >"$TMP/table"
grep -E '^devices\[1-1\]\.serial +Is a directory$' "$TMP/table" || fail "NOT READ row"

# 2. no /etc/machine-id, no /etc/os-release (a private mount namespace hides /etc)
unshare -m true 2>/dev/null || skip "no mount namespaces here"
unshare -m --propagation private sh -c "mount -t tmpfs none /etc && exec \"$AGENT\" inventory --only system --format json" \
	>"$TMP/noetc.json" || fail "inventory failed without /etc"
validate "$TMP/noetc.json"
"$PY" - "$TMP/noetc.json" <<'PY' || fail "missing machine-id"
import json, sys
d = json.load(open(sys.argv[1]))
m = {x["fact"]: x.get("reason") for x in d["missing"]}
assert "machine_id" not in d["host"], d["host"]
assert m.get("host.machine_id") == "No such file or directory", m
assert d["host"]["os_id"] == "debian"     # /usr/lib/os-release, the documented fallback
assert d["host"]["hostname"] and d["host"]["kernel"]
print("no /etc ok:", m)
PY

# 3. an empty machine-id (a cloned image before first boot)
unshare -m --propagation private sh -c "mount --bind /dev/null /etc/machine-id && exec \"$AGENT\" inventory --only system --format json" \
	>"$TMP/empty.json" || fail "inventory failed on an empty machine-id"
validate "$TMP/empty.json"
[ "$(jget "$TMP/empty.json" '[m["reason"] for m in d["missing"] if m["fact"] == "host.machine_id"]')" = \
	"['not 32 hex digits: uninitialised?']" ] || fail "empty machine-id: $(cat "$TMP/empty.json")"

# 4. stdout cannot be written: a clear error and exit 1
set +e
"$AGENT" inventory --format json >/dev/full 2>"$TMP/err"; rc=$?
set -e
[ $rc = 1 ] && grep -q 'inventory failed' "$TMP/err" || fail "write error: rc=$rc $(cat "$TMP/err")"
echo "bad input ok"
