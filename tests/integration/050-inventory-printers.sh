#!/usr/bin/env bash
# `inventory` with a real cupsd (its own configuration and socket, queues added with lpadmin)
# and SANE's test backend, on a umockdev testbed: every queue with its URI, address, state,
# default and location (Vietnamese text); the usb:// queue tied to the EPSON MFP's USB device
# by its serial, and the MFP's scanner (as a SANE backend names it) to the same device; a queue without a serial in its URI
# tied by make and model; the HP printer without a queue
# listed as such; JSON matches the schema; the table is aligned.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib-printers.sh"
need umockdev-run
need scanimage
cups_start
sane_test_config
# a SANE backend listing the MFP's scanner as sanei_usb names it: bus 1, device 5 (port 1-4)
sane_backend fakeusb
export SANE_FAKE_DEVICE='001:005|EPSON|L3150 Series|flatbed scanner'
# HP at 1-2, Canon at 1-3, EPSON at 1-4, a Brother (no interface nodes) at 1-5
bed=$(usbfixture stick printer scanner mfp unbound_printer)

lpadd mfp 'usb://EPSON/L3150%20Series?serial=58344B3033303637&interface=1' \
	-L 'Quầy 3 – Bộ phận Một cửa' -D 'Máy in đa năng'
lpadd net 'ipp://192.0.2.10:631/ipp/print'
lpadd sock 'socket://[2001:db8::7]:9100'
lpadd off 'lpd://192.0.2.20/queue'
cupsdisable off
lpadd gone 'usb://Canon/LBP2900?serial=NOTPLUGGED'
# no serial in the URI: tied by make and model, the only printer that has them
lpadd brother 'usb://Brother/HL-2030%20series'
lpadmin -d net

umockdev-run -d "$bed" -- "$AGENT" inventory --only printers,scanners --format json >"$TMP/inv.json"
validate "$TMP/inv.json"

# name -> "connection|address|state|default|accepting|usb_port|usb_serial|location"
jget "$TMP/inv.json" '"\n".join("%s %s|%s|%s|%s|%s|%s|%s|%s" % (p.get("name", "(no queue)"), p.get("connection"), p.get("address"), p.get("state"), p.get("is_default"), p.get("accepting"), p.get("usb_port"), p.get("usb_serial"), p.get("location")) for p in d["printers"])' >"$TMP/got"
cat >"$TMP/want" <<'WANT'
brother usb|None|idle|False|True|1-5|L5J123456|None
gone usb|None|idle|False|True|None|None|None
mfp usb|None|idle|False|True|1-4|58344B3033303637|Quầy 3 – Bộ phận Một cửa
net network|192.0.2.10:631|idle|True|True|None|None|None
off network|192.0.2.20|stopped|False|True|None|None|None
sock network|[2001:db8::7]:9100|idle|False|True|None|None|None
(no queue) usb|None|None|None|None|1-2|000000000Q8C2A1YSI1c|None
WANT
diff -u "$TMP/want" "$TMP/got" || fail "printer list differs"
[ "$(jget "$TMP/inv.json" '[p for p in d["printers"] if p.get("name") == "off"][0]["state_reasons"]')" = "['paused']" ] ||
	fail "disabled queue's reasons"
[ "$(jget "$TMP/inv.json" '[p for p in d["printers"] if "name" not in p][0]["make_model"]')" = "HP LaserJet P1102" ] ||
	fail "no-queue printer's make and model"

# scanners: SANE's test devices, the MFP's scanner tied to its USB device by the bus address
# in its SANE name, and the Canon (no backend for it here) from udev, by its port
jget "$TMP/inv.json" '"\n".join("%s %s|%s|%s|%s" % (s.get("name", "(no backend)"), s.get("vendor"), s.get("model"), s.get("connection"), s.get("usb_port")) for s in d["scanners"])' >"$TMP/got"
cat >"$TMP/want" <<'WANT'
fakeusb:libusb:001:005 EPSON|L3150 Series|usb|1-4
test:0 Noname|frontend-tester|other|None
test:1 Noname|frontend-tester|other|None
(no backend) Canon|CanoScan LiDE 200|usb|1-3
WANT
diff -u "$TMP/want" "$TMP/got" || fail "scanner list differs"
# the MFP: one USB device, its queue and its scanner on the same port, its serial on both
[ "$(jget "$TMP/inv.json" '[s for s in d["scanners"] if s.get("usb_port") == "1-4"][0]["usb_serial"]')" = 58344B3033303637 ] ||
	fail "MFP scanner serial"
[ "$(jget "$TMP/inv.json" 'd["collectors"]')" = "['printers', 'scanners']" ] || fail "collectors"
[ "$(jget "$TMP/inv.json" 'len(d.get("missing", []))')" = 0 ] || fail "missing: $(jget "$TMP/inv.json" 'd.get("missing")')"

# the table: both sections, every column aligned
umockdev-run -d "$bed" -- "$AGENT" inventory --only printers,scanners >"$TMP/table"
cat "$TMP/table"
grep -q '^Printers: 7$' "$TMP/table" || fail "table count line"
grep -q '^Scanners: 4$' "$TMP/table" || fail "table scanner count"
"$PY" "$SRCDIR/tests/lib/aligned.py" "$TMP/table" || fail "table not aligned"
echo "printers ok"
