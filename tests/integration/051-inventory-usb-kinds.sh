#!/usr/bin/env bash
# The USB kinds an inspector must tell apart, on a umockdev testbed: a Bluetooth dongle and a
# Wi-Fi dongle (wireless), a webcam (camera_audio), USB-serial adapters (serial: by their
# tty, by their driver), a printer with no interface nodes but udev's ID_USB_INTERFACES, a
# signing token with only its binary descriptors, and a vendor-specific device (other, with
# its interface classes). The unbound printer is a printer without a queue.
. "$(dirname "$0")/lib.sh"
need umockdev-run
bed=$(usbfixture bluetooth webcam serial wifi unbound_printer unbound_token vendor noserial)

umockdev-run -d "$bed" -- "$AGENT" inventory --only usb,printers --format json >"$TMP/inv.json"
validate "$TMP/inv.json"
jget "$TMP/inv.json" '"\n".join("%s %s|%s:%s|%s" % (x["port"], ",".join(x["kinds"]), x.get("vendor_id"), x.get("product_id"), " ".join("%02x%s" % (i["class"], "@" + i["number"] if "number" in i else "") for i in x.get("interfaces", []))) for x in d["devices"])' >"$TMP/got"
cat >"$TMP/want" <<'WANT'
1-1 wireless|0a12:0001|e0@00 e0@01
1-2 camera_audio|046d:0825|0e@00 0e@01 01@02 01@03
1-3 serial|0403:6001|ff@00
1-4 wireless|0bda:8179|ff@00
1-5 printer|04f9:0042|07
1-6 smartcard|096e:0608|0b@00
1-7 other|1234:5678|ff@00
1-8 serial|1a86:7523|ff@00
WANT
diff -u "$TMP/want" "$TMP/got" || fail "kinds differ"
# the unbound printer, known from udev's property alone, has no queue: it is listed as such
[ "$(jget "$TMP/inv.json" '[(p.get("name"), p["usb_port"], p["usb_serial"]) for p in d["printers"]]')" = \
	"[(None, '1-5', 'L5J123456')]" ] || fail "no-queue printer: $(jget "$TMP/inv.json" 'd["printers"]')"
umockdev-run -d "$bed" -- "$AGENT" inventory --only usb >"$TMP/table"
grep -qE '^1-1 +wireless +0a12:0001' "$TMP/table" || fail "table: Bluetooth row"
"$PY" "$SRCDIR/tests/lib/aligned.py" "$TMP/table" || fail "table not aligned"
echo "kinds ok"
