#!/usr/bin/env bash
# `inventory` against a umockdev testbed of the devices a counter PC meets: every device is
# listed with its kind, ids, names and serial; JSON matches the schema; the table is aligned.
. "$(dirname "$0")/lib.sh"
need umockdev-run
bed=$(usbfixture stick disk printer scanner mfp token hub_keyboard_mouse phone netadapter noserial)

umockdev-run -d "$bed" -- "$AGENT" inventory --format json >"$TMP/inv.json"
validate "$TMP/inv.json"

# port -> "kinds|vid:pid|vendor|product|serial"
jget "$TMP/inv.json" '"\n".join("%s %s|%s:%s|%s|%s|%s" % (x["port"], ",".join(x["kinds"]), x.get("vendor_id"), x.get("product_id"), x.get("vendor"), x.get("product"), x.get("serial")) for x in d["devices"])' >"$TMP/got"
cat >"$TMP/want" <<'WANT'
1-1 storage|0781:5567|SanDisk|Cruzer Blade|4C530001230415116241
1-2 storage|1058:25a2|Western Digital|Elements 25A2|575834314133394C
1-3 printer|03f0:002a|HP|LaserJet P1102|000000000Q8C2A1YSI1c
1-4 scanner|04a9:1905|Canon|CanoScan LiDE 200|None
1-5 storage,printer,scanner|04b8:1128|EPSON|L3150 Series|58344B3033303637
1-6 smartcard|096e:0608|Feitian|BCY USB Token|2C7B1A0F0E3D
1-7 hub|05e3:0608|None|USB2.0 Hub|None
1-7.1 input|046d:c31c|Logitech|USB Keyboard|None
1-7.2 input|046d:c077|Logitech|USB Optical Mouse|None
1-8 phone|04e8:6860|SAMSUNG|SAMSUNG_Android|R58M12ABCDE
1-9 network|0b95:1790|ASIX Elec. Corp.|AX88179|0000249B1F3B4C
1-10 serial|1a86:7523|None|USB Serial|None
WANT
diff -u "$TMP/want" "$TMP/got" || fail "device list differs"

# the USB stick's disk: size, model, label; the external disk's label
[ "$(jget "$TMP/inv.json" 'd["devices"][0]["disks"][0]["size_bytes"]')" = $((30031872 * 512)) ] ||
	fail "stick size"
[ "$(jget "$TMP/inv.json" 'd["devices"][0]["disks"][0]["model"]')" = "Cruzer Blade" ] || fail "stick model"
[ "$(jget "$TMP/inv.json" 'd["devices"][0]["disks"][0]["partitions"][0]["fs_label"]')" = "HOSO_2026" ] ||
	fail "stick label"
[ "$(jget "$TMP/inv.json" 'd["devices"][1]["disks"][0]["partitions"][0]["fs_label"]')" = "Backup Mot Cua" ] ||
	fail "disk label"
# root hubs are not peripherals
[ "$(jget "$TMP/inv.json" 'len(d["devices"])')" = 12 ] || fail "device count"

# the table: a header and one row per device, every column starting at the same place
umockdev-run -d "$bed" -- "$AGENT" inventory --only usb >"$TMP/table"
grep -q '^USB devices: 12$' "$TMP/table" || fail "table count line"
grep -E '^1-5 +storage,printer,scanner +04b8:1128 +EPSON +L3150 Series +58344B3033303637' "$TMP/table" ||
	fail "MFP row"
"$PY" - "$TMP/table" <<'PY' || fail "table not aligned"
import sys, unicodedata
rows = open(sys.argv[1], encoding="utf-8").read().splitlines()
start = rows.index(next(r for r in rows if r.startswith("PORT")))
table = rows[start:]
cols = [i for i, c in enumerate(table[0]) if c != " " and (i == 0 or table[0][i - 1] == " ")]
for r in table[1:]:
    for c in cols[1:]:
        assert r[c - 1] == " " and r[c] != " ", (c, r)
print("aligned:", len(table) - 1, "rows,", len(cols), "columns")
PY

# --only with an unknown collector is a usage error naming it
set +e
"$AGENT" inventory --only usb,bogus 2>"$TMP/err"; rc=$?
set -e
[ $rc = 2 ] && grep -q "'bogus'" "$TMP/err" || fail "bad --only: rc=$rc $(cat "$TMP/err")"
echo "inventory ok"
